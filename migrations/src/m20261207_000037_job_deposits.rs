//! A job's bill and advances: the card keeps its bill and why a manager
//! let the item go unpaid; advances left on a job, each with its receipt
//! numbered without gaps per branch and financial year (their own series)
//! and how much of it the job's bill took.

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

fn whole(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column a statement.
        for column in [
            ColumnDef::new(JobCards::InvoiceId)
                .string_len(36)
                .null()
                .to_owned(),
            ColumnDef::new(JobCards::DeliveryOverride)
                .string_len(500)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(JobCards::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_job_cards_invoice")
                    .table(JobCards::Table)
                    .col(JobCards::InvoiceId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobDeposits::Table)
                    .col(uuid(JobDeposits::Id).primary_key())
                    .col(text(JobDeposits::Number, 40))
                    .col(text(JobDeposits::FinancialYear, 9))
                    .col(uuid(JobDeposits::BranchId))
                    .col(uuid(JobDeposits::JobId))
                    .col(uuid(JobDeposits::CustomerId))
                    .col(whole(JobDeposits::Amount))
                    .col(text(JobDeposits::Method, 16))
                    .col(ColumnDef::new(JobDeposits::Reference).string_len(80).null())
                    .col(whole(JobDeposits::Applied))
                    .col(uuid(JobDeposits::ReceivedBy))
                    .col(
                        ColumnDef::new(JobDeposits::ReceivedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_job_deposits_number")
                    .table(JobDeposits::Table)
                    .col(JobDeposits::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_job_deposits_job")
                    .table(JobDeposits::Table)
                    .col(JobDeposits::JobId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobDeposits::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_job_cards_invoice")
                    .table(JobCards::Table)
                    .to_owned(),
            )
            .await?;
        for column in [JobCards::DeliveryOverride, JobCards::InvoiceId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(JobCards::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum JobCards {
    Table,
    InvoiceId,
    DeliveryOverride,
}

#[derive(DeriveIden, Clone, Copy)]
enum JobDeposits {
    Table,
    Id,
    Number,
    FinancialYear,
    BranchId,
    JobId,
    CustomerId,
    Amount,
    Method,
    Reference,
    Applied,
    ReceivedBy,
    ReceivedAt,
}
