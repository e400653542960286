//! Job estimates: the store's price list of service tasks, each revision
//! of a job's estimate line by line (the task's price kept as it was), and
//! on the job card the revision it is at and the one the customer
//! approved, by whom and when.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).not_null().to_owned()
}

fn nullable(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(length).null().to_owned()
}

fn whole(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column an ALTER: SQLite adds no more at once.
        for column in [
            ColumnDef::new(JobCards::EstimateRevision)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(JobCards::ApprovedRevision)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            nullable(JobCards::ApprovedByKind, 16),
            nullable(JobCards::ApprovedBy, 36),
            ColumnDef::new(JobCards::ApprovedAt)
                .timestamp_with_time_zone()
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
            .create_table(
                Table::create()
                    .table(ServiceTasks::Table)
                    .col(uuid(ServiceTasks::Id).primary_key())
                    .col(
                        ColumnDef::new(ServiceTasks::Name)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(whole(ServiceTasks::Price))
                    .col(ColumnDef::new(ServiceTasks::Active).boolean().not_null())
                    .col(uuid(ServiceTasks::CreatedBy))
                    .col(
                        ColumnDef::new(ServiceTasks::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_service_tasks_name")
                    .table(ServiceTasks::Table)
                    .col(ServiceTasks::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobEstimateLines::Table)
                    .col(uuid(JobEstimateLines::Id).primary_key())
                    .col(uuid(JobEstimateLines::JobId))
                    .col(
                        ColumnDef::new(JobEstimateLines::Revision)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JobEstimateLines::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JobEstimateLines::Kind)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JobEstimateLines::Description)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(nullable(JobEstimateLines::TaskId, 36))
                    .col(nullable(JobEstimateLines::Metal, 16))
                    .col(ColumnDef::new(JobEstimateLines::Fineness).integer().null())
                    .col(
                        ColumnDef::new(JobEstimateLines::Milligrams)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(JobEstimateLines::Rate).big_integer().null())
                    .col(whole(JobEstimateLines::Amount))
                    .col(whole(JobEstimateLines::TaxRate))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_job_estimate_lines_job")
                            .from(JobEstimateLines::Table, JobEstimateLines::JobId)
                            .to(JobCards::Table, JobCards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_job_estimate_lines_revision")
                    .table(JobEstimateLines::Table)
                    .col(JobEstimateLines::JobId)
                    .col(JobEstimateLines::Revision)
                    .col(JobEstimateLines::Position)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobEstimateLines::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ServiceTasks::Table).to_owned())
            .await?;
        for column in [
            JobCards::ApprovedAt,
            JobCards::ApprovedBy,
            JobCards::ApprovedByKind,
            JobCards::ApprovedRevision,
            JobCards::EstimateRevision,
        ] {
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
    Id,
    EstimateRevision,
    ApprovedRevision,
    ApprovedByKind,
    ApprovedBy,
    ApprovedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceTasks {
    Table,
    Id,
    Name,
    Price,
    Active,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum JobEstimateLines {
    Table,
    Id,
    JobId,
    Revision,
    Position,
    Kind,
    Description,
    TaskId,
    Metal,
    Fineness,
    Milligrams,
    Rate,
    Amount,
    TaxRate,
}
