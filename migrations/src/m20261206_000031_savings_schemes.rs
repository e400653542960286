//! Gold savings schemes: the plans the owner defines (their terms as JSON),
//! each customer's enrolment at a branch (the plan's terms as they were),
//! and the instalments received, one per enrolment and period (two
//! instalments of one period: the second is refused by the key), each with
//! its receipt number from the branch's own series.

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
            .create_table(
                Table::create()
                    .table(SchemePlans::Table)
                    .col(uuid(SchemePlans::Id).primary_key())
                    .col(text(SchemePlans::Name, 80))
                    .col(ColumnDef::new(SchemePlans::Terms).text().not_null())
                    .col(ColumnDef::new(SchemePlans::Active).boolean().not_null())
                    .col(uuid(SchemePlans::CreatedBy))
                    .col(at(SchemePlans::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SchemeEnrolments::Table)
                    .col(uuid(SchemeEnrolments::Id).primary_key())
                    .col(uuid(SchemeEnrolments::PlanId))
                    .col(text(SchemeEnrolments::PlanName, 80))
                    .col(uuid(SchemeEnrolments::CustomerId))
                    .col(uuid(SchemeEnrolments::BranchId))
                    .col(ColumnDef::new(SchemeEnrolments::Terms).text().not_null())
                    .col(text(SchemeEnrolments::NomineeName, 120))
                    .col(text(SchemeEnrolments::NomineeRelation, 40))
                    .col(at(SchemeEnrolments::StartedAt))
                    .col(text(SchemeEnrolments::Status, 16))
                    .col(uuid(SchemeEnrolments::CreatedBy))
                    .col(at(SchemeEnrolments::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_scheme_enrolments_plan")
                            .from(SchemeEnrolments::Table, SchemeEnrolments::PlanId)
                            .to(SchemePlans::Table, SchemePlans::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SchemeInstalments::Table)
                    .col(uuid(SchemeInstalments::Id).primary_key())
                    .col(uuid(SchemeInstalments::EnrolmentId))
                    .col(
                        ColumnDef::new(SchemeInstalments::Period)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SchemeInstalments::Amount)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SchemeInstalments::Milligrams)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(SchemeInstalments::Rate).big_integer().null())
                    .col(text(SchemeInstalments::Method, 16))
                    .col(
                        ColumnDef::new(SchemeInstalments::Reference)
                            .string_len(80)
                            .null(),
                    )
                    .col(uuid(SchemeInstalments::BranchId))
                    .col(text(SchemeInstalments::ReceiptNumber, 40))
                    .col(at(SchemeInstalments::AcceptedAt))
                    .col(text(SchemeInstalments::AcceptedByKind, 16))
                    .col(uuid(SchemeInstalments::AcceptedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_scheme_instalments_enrolment")
                            .from(SchemeInstalments::Table, SchemeInstalments::EnrolmentId)
                            .to(SchemeEnrolments::Table, SchemeEnrolments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let enrolments = SchemeEnrolments::Table;
        index(
            manager,
            "ix_scheme_enrolments_customer",
            enrolments,
            &["customer_id", "id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_scheme_enrolments_branch",
            enrolments,
            &["branch_id", "id"],
            false,
        )
        .await?;
        let instalments = SchemeInstalments::Table;
        index(
            manager,
            "ux_scheme_instalments_period",
            instalments,
            &["enrolment_id", "period"],
            true,
        )
        .await?;
        index(
            manager,
            "ux_scheme_instalments_receipt",
            instalments,
            &["receipt_number"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_scheme_instalments_at",
            instalments,
            &["accepted_at"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SchemeInstalments::Table.into_iden(),
            SchemeEnrolments::Table.into_iden(),
            SchemePlans::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum SchemePlans {
    Table,
    Id,
    Name,
    Terms,
    Active,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SchemeEnrolments {
    Table,
    Id,
    PlanId,
    PlanName,
    CustomerId,
    BranchId,
    Terms,
    NomineeName,
    NomineeRelation,
    StartedAt,
    Status,
    CreatedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SchemeInstalments {
    Table,
    Id,
    EnrolmentId,
    Period,
    Amount,
    Milligrams,
    Rate,
    Method,
    Reference,
    BranchId,
    ReceiptNumber,
    AcceptedAt,
    AcceptedByKind,
    AcceptedBy,
}
