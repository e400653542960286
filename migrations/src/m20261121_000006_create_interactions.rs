//! The customer timeline: visits, calls, messages and notes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Interactions::Table)
                    .col(
                        ColumnDef::new(Interactions::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Interactions::CustomerId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Interactions::Kind).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Interactions::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Interactions::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Interactions::ActorId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Interactions::Summary)
                            .string_len(2000)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Interactions::Outcome).string_len(500).null())
                    .col(
                        ColumnDef::new(Interactions::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_interactions_customer")
                            .from(Interactions::Table, Interactions::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_interactions_timeline")
                    .table(Interactions::Table)
                    .col(Interactions::CustomerId)
                    .col(Interactions::OccurredAt)
                    .col(Interactions::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Interactions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Interactions {
    Table,
    Id,
    CustomerId,
    /// visit, call, whatsapp, email, note
    Kind,
    OccurredAt,
    /// Who recorded it: staff or client, and their id.
    ActorKind,
    ActorId,
    Summary,
    Outcome,
    CreatedAt,
}
