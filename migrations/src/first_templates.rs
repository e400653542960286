//! The first versions of the templates that come with the program (SMS,
//! and app notifications with their titles): each version 1, saved by the
//! nil id at one fixed moment, so every database holds the same rows. A
//! migration that seeds some names their rows.

use sea_orm_migration::prelude::*;

/// (id, trigger, language, body) of an SMS template.
pub type FirstTemplate = (&'static str, &'static str, &'static str, &'static str);

/// (id, trigger, language, title, body) of an app notification's template.
pub type FirstTitled = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Adds `first` (SMS).
pub async fn seed(manager: &SchemaManager<'_>, first: &[FirstTemplate]) -> Result<(), DbErr> {
    let titled: Vec<(FirstTitled, Option<&str>)> = first
        .iter()
        .map(|&(id, trigger, language, body)| ((id, trigger, language, "", body), None))
        .collect();
    insert(manager, "sms", &titled).await
}

/// Adds `first` on `channel`, each with its title (subject).
pub async fn seed_titled(
    manager: &SchemaManager<'_>,
    channel: &str,
    first: &[FirstTitled],
) -> Result<(), DbErr> {
    let titled: Vec<(FirstTitled, Option<&str>)> = first.iter().map(|&f| (f, Some(f.3))).collect();
    insert(manager, channel, &titled).await
}

async fn insert(
    manager: &SchemaManager<'_>,
    channel: &str,
    first: &[(FirstTitled, Option<&str>)],
) -> Result<(), DbErr> {
    let mut seed = Query::insert()
        .into_table(MessageTemplates::Table)
        .columns([
            MessageTemplates::Id,
            MessageTemplates::Trigger,
            MessageTemplates::Channel,
            MessageTemplates::Language,
            MessageTemplates::Version,
            MessageTemplates::Subject,
            MessageTemplates::Body,
            MessageTemplates::CreatedBy,
            MessageTemplates::CreatedAt,
        ])
        .to_owned();
    let when =
        sea_orm_migration::sea_orm::prelude::ChronoDateTimeUtc::from_timestamp(1_796_601_600, 0)
            .ok_or_else(|| DbErr::Migration("the first templates' date".into()))?;
    for ((id, trigger, language, _, body), subject) in first {
        seed.values_panic([
            (*id).into(),
            (*trigger).into(),
            channel.into(),
            (*language).into(),
            1.into(),
            subject.map(str::to_owned).into(),
            (*body).into(),
            "00000000-0000-0000-0000-000000000000".into(),
            when.into(),
        ]);
    }
    manager.exec_stmt(seed).await
}

/// Takes `first` away again.
pub async fn unseed(manager: &SchemaManager<'_>, first: &[FirstTemplate]) -> Result<(), DbErr> {
    remove(manager, first.iter().map(|f| f.0)).await
}

/// Takes `first` (titled) away again.
pub async fn unseed_titled(
    manager: &SchemaManager<'_>,
    first: &[FirstTitled],
) -> Result<(), DbErr> {
    remove(manager, first.iter().map(|f| f.0)).await
}

async fn remove(
    manager: &SchemaManager<'_>,
    ids: impl Iterator<Item = &'static str>,
) -> Result<(), DbErr> {
    manager
        .exec_stmt(
            Query::delete()
                .from_table(MessageTemplates::Table)
                .and_where(Expr::col(MessageTemplates::Id).is_in(ids))
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden, Clone, Copy)]
enum MessageTemplates {
    Table,
    Id,
    Trigger,
    Channel,
    Language,
    Version,
    Subject,
    Body,
    CreatedBy,
    CreatedAt,
}
