//! The first templates of the spouse's birthday greeting (SMS, marketing:
//! the customer is reminded, a gift suggested) in English, Hindi and Tamil.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (id, trigger, language, body).
const FIRST: [(&str, &str, &str, &str); 3] = [
    (
        "01930000-0000-7000-8000-00000000000d",
        "spouse_birthday",
        "en",
        "Dear {{ customer_name }}, {{ spouse_name }}'s birthday is on {{ occasion_on }}. Find a gift they will treasure at {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-00000000000e",
        "spouse_birthday",
        "hi",
        "प्रिय {{ customer_name }}, {{ occasion_on }} को {{ spouse_name }} का जन्मदिन है। {{ branch_name }} में एक यादगार उपहार चुनें।",
    ),
    (
        "01930000-0000-7000-8000-00000000000f",
        "spouse_birthday",
        "ta",
        "அன்புள்ள {{ customer_name }}, {{ occasion_on }} அன்று {{ spouse_name }} அவர்களின் பிறந்தநாள். {{ branch_name }} இல் நினைவில் நிற்கும் பரிசைத் தேர்ந்தெடுங்கள்.",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
        let when = sea_orm_migration::sea_orm::prelude::ChronoDateTimeUtc::from_timestamp(
            1_796_601_600,
            0,
        )
        .ok_or_else(|| DbErr::Migration("the first templates' date".into()))?;
        for (id, trigger, language, body) in FIRST {
            seed.values_panic([
                id.into(),
                trigger.into(),
                "sms".into(),
                language.into(),
                1.into(),
                body.into(),
                "00000000-0000-0000-0000-000000000000".into(),
                when.into(),
            ]);
        }
        manager.exec_stmt(seed).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(MessageTemplates::Table)
                    .and_where(Expr::col(MessageTemplates::Id).is_in(FIRST.iter().map(|f| f.0)))
                    .to_owned(),
            )
            .await
    }
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
