//! An advance given back: how much, how, why, by whom and when. SQLite
//! adds one column a statement.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(JobDeposits::Refunded)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(JobDeposits::RefundMethod)
                .string_len(16)
                .null()
                .to_owned(),
            ColumnDef::new(JobDeposits::RefundReference)
                .string_len(80)
                .null()
                .to_owned(),
            ColumnDef::new(JobDeposits::RefundReason)
                .string_len(500)
                .null()
                .to_owned(),
            ColumnDef::new(JobDeposits::RefundedBy)
                .string_len(36)
                .null()
                .to_owned(),
            ColumnDef::new(JobDeposits::RefundedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(JobDeposits::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            JobDeposits::RefundedAt,
            JobDeposits::RefundedBy,
            JobDeposits::RefundReason,
            JobDeposits::RefundReference,
            JobDeposits::RefundMethod,
            JobDeposits::Refunded,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(JobDeposits::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum JobDeposits {
    Table,
    Refunded,
    RefundMethod,
    RefundReference,
    RefundReason,
    RefundedBy,
    RefundedAt,
}
