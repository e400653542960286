//! A period's bills (`GET /api/v1/invoices?issuedFrom=..&issuedTo=..`) in
//! the order they were issued, newest first: the index that gives that
//! order, so a month's page reads a page of rows and no more, however many
//! bills the month holds.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BY_ISSUE: &str = "ix_invoices_issued_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(BY_ISSUE)
                    .table(Invoices::Table)
                    .col(Invoices::IssuedAt)
                    .col(Invoices::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(BY_ISSUE)
                    .table(Invoices::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
    IssuedAt,
}
