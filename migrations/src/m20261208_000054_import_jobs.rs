//! Bulk import jobs: a job and the rows of its file, each row's outcome
//! kept beside it, so a worker that stops goes on at the first row
//! without one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn text_of(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column)
        .string_len(length)
        .not_null()
        .to_owned()
}

fn maybe_text_of(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(length).null().to_owned()
}

fn count(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn maybe_at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImportJobs::Table)
                    .col(text_of(ImportJobs::Id, 36).primary_key())
                    .col(text_of(ImportJobs::Kind, 16))
                    .col(ColumnDef::new(ImportJobs::DryRun).boolean().not_null())
                    .col(text_of(ImportJobs::State, 16))
                    .col(text_of(ImportJobs::ActorKind, 16))
                    .col(text_of(ImportJobs::ActorId, 64))
                    .col(count(ImportJobs::RowsTotal))
                    .col(count(ImportJobs::RowsDone))
                    .col(count(ImportJobs::RowsCreated))
                    .col(count(ImportJobs::RowsUpdated))
                    .col(count(ImportJobs::RowsRejected))
                    .col(maybe_text_of(ImportJobs::Failure, 500))
                    .col(maybe_text_of(ImportJobs::LeaseToken, 36))
                    .col(maybe_at(ImportJobs::LeaseUntil))
                    .col(
                        ColumnDef::new(ImportJobs::Tries)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(at(ImportJobs::CreatedAt))
                    .col(maybe_at(ImportJobs::StartedAt))
                    .col(maybe_at(ImportJobs::FinishedAt))
                    .col(ColumnDef::new(ImportJobs::Version).integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportJobRows::Table)
                    .col(text_of(ImportJobRows::JobId, 36))
                    .col(ColumnDef::new(ImportJobRows::Line).big_integer().not_null())
                    .col(ColumnDef::new(ImportJobRows::Cells).text().not_null())
                    .col(maybe_text_of(ImportJobRows::KeyA, 80))
                    .col(maybe_text_of(ImportJobRows::KeyB, 80))
                    .col(maybe_text_of(ImportJobRows::Outcome, 16))
                    .col(maybe_text_of(ImportJobRows::RecordId, 36))
                    .col(ColumnDef::new(ImportJobRows::Errors).text().null())
                    .primary_key(
                        Index::create()
                            .col(ImportJobRows::JobId)
                            .col(ImportJobRows::Line),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("ix_import_jobs_state")
                .table(ImportJobs::Table)
                .col(ImportJobs::State)
                .to_owned(),
            Index::create()
                .name("ix_import_jobs_actor")
                .table(ImportJobs::Table)
                .col(ImportJobs::ActorId)
                .col(ImportJobs::Id)
                .to_owned(),
            Index::create()
                .name("ix_import_job_rows_key_a")
                .table(ImportJobRows::Table)
                .col(ImportJobRows::JobId)
                .col(ImportJobRows::KeyA)
                .to_owned(),
            Index::create()
                .name("ix_import_job_rows_key_b")
                .table(ImportJobRows::Table)
                .col(ImportJobRows::JobId)
                .col(ImportJobRows::KeyB)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportJobRows::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ImportJobs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ImportJobs {
    Table,
    Id,
    Kind,
    DryRun,
    State,
    ActorKind,
    ActorId,
    RowsTotal,
    RowsDone,
    RowsCreated,
    RowsUpdated,
    RowsRejected,
    Failure,
    LeaseToken,
    LeaseUntil,
    Tries,
    CreatedAt,
    StartedAt,
    FinishedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ImportJobRows {
    Table,
    JobId,
    Line,
    Cells,
    KeyA,
    KeyB,
    Outcome,
    RecordId,
    Errors,
}
