//! The customer's metal: a ledger per customer and metal in fine
//! milligrams (received, used on a job, given back, bought by the store)
//! and the balance it comes to, never below nothing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).not_null().to_owned()
}

fn whole(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

fn maybe(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CustomerMetal::Table)
                    .col(uuid(CustomerMetal::CustomerId))
                    .col(
                        ColumnDef::new(CustomerMetal::Metal)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(whole(CustomerMetal::FineMilligrams))
                    .primary_key(
                        Index::create()
                            .col(CustomerMetal::CustomerId)
                            .col(CustomerMetal::Metal),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CustomerMetalEntries::Table)
                    .col(uuid(CustomerMetalEntries::Id).primary_key())
                    .col(uuid(CustomerMetalEntries::CustomerId))
                    .col(uuid(CustomerMetalEntries::BranchId))
                    .col(
                        ColumnDef::new(CustomerMetalEntries::Metal)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerMetalEntries::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(whole(CustomerMetalEntries::FineMilligrams))
                    .col(maybe(CustomerMetalEntries::GrossMilligrams))
                    .col(
                        ColumnDef::new(CustomerMetalEntries::Fineness)
                            .integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CustomerMetalEntries::JobId)
                            .string_len(36)
                            .null(),
                    )
                    .col(maybe(CustomerMetalEntries::Rate))
                    .col(maybe(CustomerMetalEntries::Value))
                    .col(
                        ColumnDef::new(CustomerMetalEntries::Note)
                            .string_len(500)
                            .null(),
                    )
                    .col(uuid(CustomerMetalEntries::CreatedBy))
                    .col(
                        ColumnDef::new(CustomerMetalEntries::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_metal_entries_customer")
                    .table(CustomerMetalEntries::Table)
                    .col(CustomerMetalEntries::CustomerId)
                    .col(CustomerMetalEntries::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CustomerMetalEntries::Table.into_iden(),
            CustomerMetal::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CustomerMetal {
    Table,
    CustomerId,
    Metal,
    FineMilligrams,
}

#[derive(DeriveIden, Clone, Copy)]
enum CustomerMetalEntries {
    Table,
    Id,
    CustomerId,
    BranchId,
    Metal,
    Kind,
    FineMilligrams,
    GrossMilligrams,
    Fineness,
    JobId,
    Rate,
    Value,
    Note,
    CreatedBy,
    CreatedAt,
}
