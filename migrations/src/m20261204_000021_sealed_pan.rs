//! A customer's PAN sealed at rest: the encrypted number (which names the
//! key that sealed it), a keyed hash for exact look-ups and the last four
//! characters that masked views show. The key is a setting, never in the
//! database, so a dump or a backup alone does not reveal a PAN.
//!
//! The PANs stored in plain text until now are sealed by the server at its
//! next start (it holds the key; a migration does not), which then empties
//! the old `pan` column; it stays, always empty, for older binaries' sake.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Customers::PanSealed)
                .string_len(200)
                .null()
                .to_owned(),
            ColumnDef::new(Customers::PanLookup)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(Customers::PanLastFour)
                .string_len(4)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_customers_pan_lookup")
                    .table(Customers::Table)
                    .col(Customers::PanLookup)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_customers_pan_lookup")
                    .table(Customers::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Customers::PanSealed,
            Customers::PanLookup,
            Customers::PanLastFour,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    PanSealed,
    PanLookup,
    PanLastFour,
}
