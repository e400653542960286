//! Records' ids in other systems (an ERP, a web shop): one record of a kind
//! per system and id, so a system upserts by its own ids.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ExternalRefs::Table)
                    .col(
                        ColumnDef::new(ExternalRefs::EntityType)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ExternalRefs::System)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ExternalRefs::ExternalId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ExternalRefs::EntityId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ExternalRefs::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ExternalRefs::EntityType)
                            .col(ExternalRefs::System)
                            .col(ExternalRefs::ExternalId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_external_refs_entity")
                    .table(ExternalRefs::Table)
                    .col(ExternalRefs::EntityType)
                    .col(ExternalRefs::EntityId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ExternalRefs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ExternalRefs {
    Table,
    EntityType,
    System,
    ExternalId,
    EntityId,
    CreatedAt,
}
