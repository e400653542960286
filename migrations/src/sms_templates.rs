//! The first versions of SMS templates that come with the program: each
//! version 1, saved by the nil id at one fixed moment, so every database
//! holds the same rows. A migration that seeds some names their rows.

use sea_orm_migration::prelude::*;

/// (id, trigger, language, body).
pub type FirstTemplate = (&'static str, &'static str, &'static str, &'static str);

/// Adds `first`.
pub async fn seed(manager: &SchemaManager<'_>, first: &[FirstTemplate]) -> Result<(), DbErr> {
    let mut seed = Query::insert()
        .into_table(MessageTemplates::Table)
        .columns([
            MessageTemplates::Id,
            MessageTemplates::Trigger,
            MessageTemplates::Channel,
            MessageTemplates::Language,
            MessageTemplates::Version,
            MessageTemplates::Body,
            MessageTemplates::CreatedBy,
            MessageTemplates::CreatedAt,
        ])
        .to_owned();
    let when =
        sea_orm_migration::sea_orm::prelude::ChronoDateTimeUtc::from_timestamp(1_796_601_600, 0)
            .ok_or_else(|| DbErr::Migration("the first templates' date".into()))?;
    for (id, trigger, language, body) in first {
        seed.values_panic([
            (*id).into(),
            (*trigger).into(),
            "sms".into(),
            (*language).into(),
            1.into(),
            (*body).into(),
            "00000000-0000-0000-0000-000000000000".into(),
            when.into(),
        ]);
    }
    manager.exec_stmt(seed).await
}

/// Takes `first` away again.
pub async fn unseed(manager: &SchemaManager<'_>, first: &[FirstTemplate]) -> Result<(), DbErr> {
    manager
        .exec_stmt(
            Query::delete()
                .from_table(MessageTemplates::Table)
                .and_where(Expr::col(MessageTemplates::Id).is_in(first.iter().map(|f| f.0)))
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
    Body,
    CreatedBy,
    CreatedAt,
}
