//! The first templates of the occasion greetings (birthday, wedding
//! anniversary; SMS, marketing) in English, Hindi and Tamil.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (id, trigger, language, body).
const FIRST: [(&str, &str, &str, &str); 6] = [
    (
        "01930000-0000-7000-8000-000000000007",
        "birthday",
        "en",
        "Happy birthday, {{ customer_name }}! Warm wishes from all of us at {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-000000000008",
        "birthday",
        "hi",
        "जन्मदिन की हार्दिक शुभकामनाएँ, {{ customer_name }}! {{ branch_name }} परिवार की ओर से।",
    ),
    (
        "01930000-0000-7000-8000-000000000009",
        "birthday",
        "ta",
        "இனிய பிறந்தநாள் வாழ்த்துகள், {{ customer_name }}! {{ branch_name }} குடும்பத்தினரின் அன்பான வாழ்த்துகள்.",
    ),
    (
        "01930000-0000-7000-8000-00000000000a",
        "anniversary",
        "en",
        "Happy anniversary, {{ customer_name }}! Best wishes on {{ occasion_on }} from {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-00000000000b",
        "anniversary",
        "hi",
        "विवाह वर्षगाँठ की शुभकामनाएँ, {{ customer_name }}! {{ branch_name }} की ओर से।",
    ),
    (
        "01930000-0000-7000-8000-00000000000c",
        "anniversary",
        "ta",
        "இனிய திருமண நாள் வாழ்த்துகள், {{ customer_name }}! {{ branch_name }} சார்பில்.",
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
