//! Branches (stores): every record that belongs to a place hangs off one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Branches::Table)
                    .col(
                        ColumnDef::new(Branches::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Branches::Code).string_len(16).not_null())
                    .col(ColumnDef::new(Branches::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Branches::Address).string_len(500).not_null())
                    .col(ColumnDef::new(Branches::StateCode).string_len(2).not_null())
                    .col(ColumnDef::new(Branches::Gstin).string_len(15).null())
                    .col(ColumnDef::new(Branches::Timezone).string_len(64).not_null())
                    .col(ColumnDef::new(Branches::Version).integer().not_null())
                    .col(
                        ColumnDef::new(Branches::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Branches::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_branches_code")
                    .table(Branches::Table)
                    .col(Branches::Code)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Branches::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Branches {
    Table,
    Id,
    Code,
    Name,
    Address,
    StateCode,
    Gstin,
    Timezone,
    Version,
    CreatedAt,
    UpdatedAt,
}
