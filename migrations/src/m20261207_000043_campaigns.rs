//! Segments (saved filters over customers) and campaigns (a segment, a
//! template and a time), an index to count a campaign's messages by
//! status and reason, and one to count a transport's tries of the last
//! minute (its pace).

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

fn maybe_at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Segments::Table)
                    .col(uuid(Segments::Id).primary_key())
                    .col(text(Segments::Name, 480))
                    .col(maybe(Segments::BranchId, 36))
                    .col(ColumnDef::new(Segments::Filter).text().not_null())
                    .col(uuid(Segments::CreatedBy))
                    .col(at(Segments::CreatedAt))
                    .col(at(Segments::UpdatedAt))
                    .col(ColumnDef::new(Segments::Version).integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(uuid(Campaigns::Id).primary_key())
                    .col(text(Campaigns::Name, 480))
                    .col(maybe(Campaigns::BranchId, 36))
                    .col(uuid(Campaigns::SegmentId))
                    .col(uuid(Campaigns::TemplateId))
                    .col(text(Campaigns::Channel, 16))
                    .col(text(Campaigns::Language, 8))
                    .col(text(Campaigns::Status, 16))
                    .col(at(Campaigns::ScheduledAt))
                    .col(ColumnDef::new(Campaigns::PerMinute).integer().not_null())
                    .col(ColumnDef::new(Campaigns::Queued).big_integer().not_null())
                    .col(maybe(Campaigns::Cursor, 36))
                    .col(maybe(Campaigns::LeaseToken, 36))
                    .col(maybe_at(Campaigns::LeaseUntil))
                    .col(uuid(Campaigns::CreatedBy))
                    .col(at(Campaigns::CreatedAt))
                    .col(maybe_at(Campaigns::StartedAt))
                    .col(maybe_at(Campaigns::FinishedAt))
                    .col(maybe_at(Campaigns::CancelledAt))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "ix_campaigns_due",
                Campaigns::Table.into_iden(),
                vec![
                    Campaigns::Status.into_iden(),
                    Campaigns::ScheduledAt.into_iden(),
                ],
            ),
            (
                "ix_campaigns_segment",
                Campaigns::Table.into_iden(),
                vec![Campaigns::SegmentId.into_iden()],
            ),
            (
                "ix_messages_about",
                Messages::Table.into_iden(),
                vec![
                    Messages::AboutKind.into_iden(),
                    Messages::AboutId.into_iden(),
                    Messages::Status.into_iden(),
                ],
            ),
            (
                "ix_message_attempts_pace",
                MessageAttempts::Table.into_iden(),
                vec![
                    MessageAttempts::Transport.into_iden(),
                    MessageAttempts::StartedAt.into_iden(),
                ],
            ),
        ] {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_message_attempts_pace")
                    .table(MessageAttempts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_messages_about")
                    .table(Messages::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Campaigns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Segments::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Segments {
    Table,
    Id,
    Name,
    BranchId,
    Filter,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum Campaigns {
    Table,
    Id,
    Name,
    BranchId,
    SegmentId,
    TemplateId,
    Channel,
    Language,
    Status,
    ScheduledAt,
    PerMinute,
    Queued,
    Cursor,
    LeaseToken,
    LeaseUntil,
    CreatedBy,
    CreatedAt,
    StartedAt,
    FinishedAt,
    CancelledAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Messages {
    Table,
    AboutKind,
    AboutId,
    Status,
}

#[derive(DeriveIden, Clone, Copy)]
enum MessageAttempts {
    Table,
    Transport,
    StartedAt,
}
