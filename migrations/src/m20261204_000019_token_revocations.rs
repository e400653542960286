//! Access tokens revoked before they expire, kept where a lost cache or a
//! restart cannot forget them: one row per login session, staff member,
//! customer or API client whose tokens issued up to a second are void. A
//! row matters only until the last token it covers would have expired.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TokenRevocations::Table)
                    // `session:<id>`, `staff:<id>`, `customer:<id>` or `client:<id>`.
                    .col(
                        ColumnDef::new(TokenRevocations::Subject)
                            .string_len(80)
                            .not_null()
                            .primary_key(),
                    )
                    // Tokens issued at or before this Unix second are void.
                    .col(
                        ColumnDef::new(TokenRevocations::IssuedUpTo)
                            .big_integer()
                            .not_null(),
                    )
                    // No token the row covers is valid after this.
                    .col(
                        ColumnDef::new(TokenRevocations::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_token_revocations_expires_at")
                    .table(TokenRevocations::Table)
                    .col(TokenRevocations::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TokenRevocations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum TokenRevocations {
    Table,
    Subject,
    IssuedUpTo,
    ExpiresAt,
}
