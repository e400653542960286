//! A bill that takes a savings scheme's making-charge waiver names the
//! enrolment that gives it, so the bill is paid from that scheme.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Invoices::Table)
                    .add_column(
                        ColumnDef::new(Invoices::WaiverEnrolmentId)
                            .string_len(36)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Invoices::Table)
                    .drop_column(Invoices::WaiverEnrolmentId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    WaiverEnrolmentId,
}
