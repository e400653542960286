//! Service jobs: a job card per repair, custom or special order or
//! appraisal, numbered without gaps per branch and financial year (its own
//! series of the numbering table), and every move of its status with who
//! made it and why.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).not_null().to_owned()
}

fn uuid_or_null(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).null().to_owned()
}

fn text(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column)
        .string_len(length)
        .not_null()
        .to_owned()
}

fn text_or_null(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(length).null().to_owned()
}

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn units_or_null(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().null().to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + Copy,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(Alias::new(*column));
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobCards::Table)
                    .col(uuid(JobCards::Id).primary_key())
                    .col(text(JobCards::Number, 40))
                    .col(text(JobCards::FinancialYear, 9))
                    .col(uuid(JobCards::BranchId))
                    .col(uuid(JobCards::CustomerId))
                    .col(text(JobCards::Kind, 16))
                    .col(text(JobCards::Priority, 8))
                    .col(text(JobCards::Status, 12))
                    .col(text_or_null(JobCards::HeldFrom, 12))
                    .col(text_or_null(JobCards::HoldReason, 500))
                    .col(text(JobCards::CustomerWords, 2000))
                    .col(text_or_null(JobCards::Description, 2000))
                    .col(text_or_null(JobCards::ConditionNotes, 2000))
                    .col(text_or_null(JobCards::Metal, 16))
                    .col(ColumnDef::new(JobCards::Fineness).integer().null())
                    .col(units_or_null(JobCards::GrossMilligramsIn))
                    .col(ColumnDef::new(JobCards::StonesIn).integer().not_null())
                    .col(units_or_null(JobCards::DeclaredValue))
                    .col(uuid_or_null(JobCards::PieceId))
                    .col(ColumnDef::new(JobCards::PromisedOn).date().null())
                    .col(ColumnDef::new(JobCards::EstimateOnly).boolean().not_null())
                    .col(text_or_null(JobCards::CollectedBy, 120))
                    .col(
                        ColumnDef::new(JobCards::DeliveredAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(text(JobCards::CreatedByKind, 16))
                    .col(uuid(JobCards::CreatedBy))
                    .col(at(JobCards::CreatedAt))
                    .col(at(JobCards::UpdatedAt))
                    .col(ColumnDef::new(JobCards::Version).integer().not_null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_job_cards_number",
            JobCards::Table,
            &["number"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_job_cards_branch_status",
            JobCards::Table,
            &["branch_id", "status"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_job_cards_customer",
            JobCards::Table,
            &["customer_id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_job_cards_promised_on",
            JobCards::Table,
            &["promised_on"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobStatusChanges::Table)
                    .col(uuid(JobStatusChanges::Id).primary_key())
                    .col(uuid(JobStatusChanges::JobId))
                    .col(text_or_null(JobStatusChanges::FromStatus, 12))
                    .col(text(JobStatusChanges::ToStatus, 12))
                    .col(text_or_null(JobStatusChanges::Reason, 500))
                    .col(text(JobStatusChanges::ActorKind, 16))
                    .col(uuid(JobStatusChanges::ActorId))
                    .col(at(JobStatusChanges::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_job_status_changes_job")
                            .from(JobStatusChanges::Table, JobStatusChanges::JobId)
                            .to(JobCards::Table, JobCards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_job_status_changes_job",
            JobStatusChanges::Table,
            &["job_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobStatusChanges::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(JobCards::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum JobCards {
    Table,
    Id,
    Number,
    FinancialYear,
    BranchId,
    CustomerId,
    Kind,
    Priority,
    Status,
    HeldFrom,
    HoldReason,
    CustomerWords,
    Description,
    ConditionNotes,
    Metal,
    Fineness,
    GrossMilligramsIn,
    StonesIn,
    DeclaredValue,
    PieceId,
    PromisedOn,
    EstimateOnly,
    CollectedBy,
    DeliveredAt,
    CreatedByKind,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum JobStatusChanges {
    Table,
    Id,
    JobId,
    FromStatus,
    ToStatus,
    Reason,
    ActorKind,
    ActorId,
    At,
}
