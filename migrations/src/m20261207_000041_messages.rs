//! Messages to customers: templates kept in versions per trigger, channel
//! and language (the first versions in English, Hindi and Tamil come with
//! this migration, so a new shop sees what would be sent), every message
//! with its status and key, and every attempt at sending it with the
//! provider's answer.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).not_null().to_owned()
}

fn text(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column)
        .string_len(length)
        .not_null()
        .to_owned()
}

fn maybe(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(length).null().to_owned()
}

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// The first templates: (trigger, channel, language, subject, body).
const FIRST: [(&str, &str, &str, Option<&str>, &str); 6] = [
    (
        "invoice_issued",
        "email",
        "en",
        Some("Your tax invoice {{ invoice_number }} from {{ branch_name }}"),
        "Dear {{ customer_name }},\n\nThank you for shopping with us. Your tax invoice {{ invoice_number }} of {{ issued_on }} for {{ currency }} {{ total }} is attached.\n\n{{ branch_name }}",
    ),
    (
        "invoice_issued",
        "email",
        "hi",
        Some("{{ branch_name }} से आपका कर बीजक {{ invoice_number }}"),
        "प्रिय {{ customer_name }},\n\nहमसे ख़रीदारी के लिए धन्यवाद। {{ issued_on }} का आपका कर बीजक {{ invoice_number }}, राशि {{ currency }} {{ total }}, संलग्न है।\n\n{{ branch_name }}",
    ),
    (
        "invoice_issued",
        "email",
        "ta",
        Some("{{ branch_name }} வழங்கிய உங்கள் வரி விலைப்பட்டியல் {{ invoice_number }}"),
        "அன்புள்ள {{ customer_name }},\n\nஎங்களிடம் வாங்கியதற்கு நன்றி. {{ issued_on }} தேதியிட்ட உங்கள் வரி விலைப்பட்டியல் {{ invoice_number }}, தொகை {{ currency }} {{ total }}, இணைக்கப்பட்டுள்ளது.\n\n{{ branch_name }}",
    ),
    (
        "job_ready",
        "sms",
        "en",
        None,
        "Dear {{ customer_name }}, your job {{ job_number }} is ready to collect at {{ branch_name }}.",
    ),
    (
        "job_ready",
        "sms",
        "hi",
        None,
        "प्रिय {{ customer_name }}, आपका काम {{ job_number }} तैयार है। कृपया {{ branch_name }} से ले जाएँ।",
    ),
    (
        "job_ready",
        "sms",
        "ta",
        None,
        "அன்புள்ள {{ customer_name }}, உங்கள் பணி {{ job_number }} தயார். {{ branch_name }} இல் பெற்றுக்கொள்ளுங்கள்.",
    ),
];

/// The first templates' ids: fixed, so every database has the same.
const FIRST_IDS: [&str; 6] = [
    "01930000-0000-7000-8000-000000000001",
    "01930000-0000-7000-8000-000000000002",
    "01930000-0000-7000-8000-000000000003",
    "01930000-0000-7000-8000-000000000004",
    "01930000-0000-7000-8000-000000000005",
    "01930000-0000-7000-8000-000000000006",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MessageTemplates::Table)
                    .col(uuid(MessageTemplates::Id).primary_key())
                    .col(text(MessageTemplates::Trigger, 32))
                    .col(text(MessageTemplates::Channel, 16))
                    .col(text(MessageTemplates::Language, 8))
                    .col(
                        ColumnDef::new(MessageTemplates::Version)
                            .integer()
                            .not_null(),
                    )
                    .col(maybe(MessageTemplates::Subject, 800))
                    .col(ColumnDef::new(MessageTemplates::Body).text().not_null())
                    .col(uuid(MessageTemplates::CreatedBy))
                    .col(at(MessageTemplates::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_message_templates_version")
                    .table(MessageTemplates::Table)
                    .col(MessageTemplates::Trigger)
                    .col(MessageTemplates::Channel)
                    .col(MessageTemplates::Language)
                    .col(MessageTemplates::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
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
        let when = sea_orm_migration::sea_orm::prelude::ChronoDateTimeUtc::from_timestamp(
            1_796_601_600,
            0,
        )
        .ok_or_else(|| DbErr::Migration("the first templates' date".into()))?;
        for (id, (trigger, channel, language, subject, body)) in FIRST_IDS.iter().zip(FIRST) {
            seed.values_panic([
                (*id).into(),
                trigger.into(),
                channel.into(),
                language.into(),
                1.into(),
                subject.map(str::to_owned).into(),
                body.into(),
                "00000000-0000-0000-0000-000000000000".into(),
                when.into(),
            ]);
        }
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .col(uuid(Messages::Id).primary_key())
                    .col(maybe(Messages::BranchId, 36))
                    .col(uuid(Messages::CustomerId))
                    .col(text(Messages::Trigger, 32))
                    .col(text(Messages::Purpose, 16))
                    .col(text(Messages::Channel, 16))
                    .col(text(Messages::Language, 8))
                    .col(text(Messages::DedupeKey, 200))
                    .col(maybe(Messages::TemplateId, 36))
                    .col(ColumnDef::new(Messages::TemplateVersion).integer().null())
                    .col(maybe(Messages::Subject, 800))
                    .col(ColumnDef::new(Messages::Body).text().not_null())
                    .col(maybe(Messages::AboutKind, 16))
                    .col(maybe(Messages::AboutId, 36))
                    .col(maybe(Messages::Address, 320))
                    .col(text(Messages::Status, 16))
                    .col(maybe(Messages::Reason, 1000))
                    .col(ColumnDef::new(Messages::Attempts).integer().not_null())
                    .col(at(Messages::NextAttemptAt))
                    .col(
                        ColumnDef::new(Messages::LeaseUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(maybe(Messages::LeaseToken, 36))
                    .col(maybe(Messages::Transport, 16))
                    .col(maybe(Messages::ProviderId, 200))
                    .col(at(Messages::CreatedAt))
                    .col(
                        ColumnDef::new(Messages::SentAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(at(Messages::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            ("ux_messages_dedupe_key", vec![Messages::DedupeKey], true),
            (
                "ix_messages_due",
                vec![Messages::Status, Messages::NextAttemptAt],
                false,
            ),
            ("ix_messages_customer", vec![Messages::CustomerId], false),
            (
                "ix_messages_provider",
                vec![Messages::Transport, Messages::ProviderId],
                false,
            ),
            (
                "ix_messages_branch_created",
                vec![Messages::BranchId, Messages::CreatedAt],
                false,
            ),
        ] {
            let mut index = Index::create().name(name).table(Messages::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MessageAttempts::Table)
                    .col(uuid(MessageAttempts::Id).primary_key())
                    .col(uuid(MessageAttempts::MessageId))
                    .col(
                        ColumnDef::new(MessageAttempts::Attempt)
                            .integer()
                            .not_null(),
                    )
                    .col(text(MessageAttempts::Transport, 16))
                    .col(at(MessageAttempts::StartedAt))
                    .col(
                        ColumnDef::new(MessageAttempts::LatencyMs)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(MessageAttempts::Outcome, 16))
                    .col(text(MessageAttempts::Answer, 1024))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_message_attempts_message")
                    .table(MessageAttempts::Table)
                    .col(MessageAttempts::MessageId)
                    .col(MessageAttempts::Attempt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MessageAttempts::Table.into_iden(),
            Messages::Table.into_iden(),
            MessageTemplates::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
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
    Subject,
    Body,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Messages {
    Table,
    Id,
    BranchId,
    CustomerId,
    Trigger,
    Purpose,
    Channel,
    Language,
    DedupeKey,
    TemplateId,
    TemplateVersion,
    Subject,
    Body,
    AboutKind,
    AboutId,
    Address,
    Status,
    Reason,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LeaseToken,
    Transport,
    ProviderId,
    CreatedAt,
    SentAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MessageAttempts {
    Table,
    Id,
    MessageId,
    Attempt,
    Transport,
    StartedAt,
    LatencyMs,
    Outcome,
    Answer,
}
