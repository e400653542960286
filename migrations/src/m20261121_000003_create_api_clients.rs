//! API clients of integrators (OAuth2 client credentials).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiClients::Table)
                    .col(
                        ColumnDef::new(ApiClients::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ApiClients::ClientId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ApiClients::Name).string_len(120).not_null())
                    .col(
                        ColumnDef::new(ApiClients::SecretHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiClients::Scopes)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ApiClients::BranchIds).text().not_null())
                    .col(ColumnDef::new(ApiClients::RateLimit).big_integer().null())
                    .col(ColumnDef::new(ApiClients::Active).boolean().not_null())
                    .col(ColumnDef::new(ApiClients::Version).integer().not_null())
                    .col(
                        ColumnDef::new(ApiClients::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiClients::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_api_clients_client_id")
                    .table(ApiClients::Table)
                    .col(ApiClients::ClientId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiClients::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ApiClients {
    Table,
    Id,
    ClientId,
    Name,
    SecretHash,
    /// Space-separated, as in OAuth2.
    Scopes,
    /// Space-separated branch ids; empty for every branch.
    BranchIds,
    RateLimit,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}
