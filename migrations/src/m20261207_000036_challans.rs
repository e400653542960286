//! Artisans and the challans that take a job's metal to them: numbered
//! without gaps per branch and financial year (their own series), each
//! with its receipts; and on the job card whether a challan's loss went
//! beyond its allowance.

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

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
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
            .alter_table(
                Table::alter()
                    .table(JobCards::Table)
                    .add_column(
                        ColumnDef::new(JobCards::Flagged)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Artisans::Table)
                    .col(uuid(Artisans::Id).primary_key())
                    .col(text(Artisans::Name, 120))
                    .col(ColumnDef::new(Artisans::Phone).string_len(16).null())
                    .col(whole(Artisans::DefaultWastage))
                    .col(ColumnDef::new(Artisans::Active).boolean().not_null())
                    .col(at(Artisans::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Challans::Table)
                    .col(uuid(Challans::Id).primary_key())
                    .col(text(Challans::Number, 40))
                    .col(text(Challans::FinancialYear, 9))
                    .col(uuid(Challans::BranchId))
                    .col(uuid(Challans::JobId))
                    .col(uuid(Challans::ArtisanId))
                    .col(text(Challans::Metal, 16))
                    .col(ColumnDef::new(Challans::Fineness).integer().not_null())
                    .col(whole(Challans::GrossMilligrams))
                    .col(whole(Challans::StoneMillicarats))
                    .col(whole(Challans::AllowedWastage))
                    .col(text(Challans::Status, 16))
                    .col(ColumnDef::new(Challans::Flagged).boolean().not_null())
                    .col(ColumnDef::new(Challans::LossReason).string_len(500).null())
                    .col(uuid(Challans::IssuedBy))
                    .col(at(Challans::IssuedAt))
                    .col(ColumnDef::new(Challans::Version).integer().not_null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_challans_number",
            Challans::Table,
            &["number"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_challans_job",
            Challans::Table,
            &["job_id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_challans_artisan_status",
            Challans::Table,
            &["artisan_id", "status"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChallanReceipts::Table)
                    .col(uuid(ChallanReceipts::Id).primary_key())
                    .col(uuid(ChallanReceipts::ChallanId))
                    .col(whole(ChallanReceipts::GrossMilligrams))
                    .col(whole(ChallanReceipts::StoneMillicarats))
                    .col(ColumnDef::new(ChallanReceipts::Closes).boolean().not_null())
                    .col(uuid(ChallanReceipts::ReceivedBy))
                    .col(at(ChallanReceipts::ReceivedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_challan_receipts_challan")
                            .from(ChallanReceipts::Table, ChallanReceipts::ChallanId)
                            .to(Challans::Table, Challans::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_challan_receipts_challan",
            ChallanReceipts::Table,
            &["challan_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChallanReceipts::Table.into_iden(),
            Challans::Table.into_iden(),
            Artisans::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(JobCards::Table)
                    .drop_column(JobCards::Flagged)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum JobCards {
    Table,
    Flagged,
}

#[derive(DeriveIden, Clone, Copy)]
enum Artisans {
    Table,
    Id,
    Name,
    Phone,
    DefaultWastage,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Challans {
    Table,
    Id,
    Number,
    FinancialYear,
    BranchId,
    JobId,
    ArtisanId,
    Metal,
    Fineness,
    GrossMilligrams,
    StoneMillicarats,
    AllowedWastage,
    Status,
    Flagged,
    LossReason,
    IssuedBy,
    IssuedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChallanReceipts {
    Table,
    Id,
    ChallanId,
    GrossMilligrams,
    StoneMillicarats,
    Closes,
    ReceivedBy,
    ReceivedAt,
}
