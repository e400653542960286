//! Selling: quotes with their rate snapshot, invoices with their lines and
//! payments, the gapless number sequence per branch and financial year, and
//! old metal taken in exchange (scrap), and credit notes for returns.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}

fn uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).not_null().to_owned()
}

fn optional_uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).null().to_owned()
}

fn text(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column)
        .string_len(length)
        .not_null()
        .to_owned()
}

fn optional_text(column: impl IntoIden, length: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(length).null().to_owned()
}

/// Paise, milligrams or another whole unit.
fn units(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn optional_at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn json(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Quotes::Table)
                    .col(id(Quotes::Id))
                    .col(uuid(Quotes::BranchId))
                    .col(optional_uuid(Quotes::CustomerId))
                    .col(text(Quotes::PlaceOfSupply, 2))
                    .col(text(Quotes::Currency, 3))
                    // The priced lines with their snapshot of rates.
                    .col(json(Quotes::Lines))
                    .col(ColumnDef::new(Quotes::BillDiscount).text().null())
                    .col(units(Quotes::Total))
                    .col(optional_text(Quotes::Note, 500))
                    .col(at(Quotes::PricedAt))
                    .col(at(Quotes::ValidUntil))
                    .col(optional_uuid(Quotes::InvoiceId))
                    .col(text(Quotes::CreatedByKind, 16))
                    .col(uuid(Quotes::CreatedBy))
                    .col(at(Quotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quotes_branch")
                            .from(Quotes::Table, Quotes::BranchId)
                            .to(Branches::Table, Branches::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Invoices::Table)
                    .col(id(Invoices::Id))
                    .col(uuid(Invoices::BranchId))
                    .col(optional_uuid(Invoices::CustomerId))
                    .col(optional_uuid(Invoices::QuoteId))
                    .col(text(Invoices::Status, 16))
                    .col(
                        ColumnDef::new(Invoices::Number)
                            .string_len(40)
                            .null()
                            .unique_key(),
                    )
                    .col(optional_text(Invoices::FinancialYear, 9))
                    .col(ColumnDef::new(Invoices::Sequence).big_integer().null())
                    .col(text(Invoices::PlaceOfSupply, 2))
                    .col(text(Invoices::Supply, 16))
                    .col(text(Invoices::Currency, 3))
                    .col(units(Invoices::Value))
                    .col(units(Invoices::Discount))
                    .col(units(Invoices::TaxableValue))
                    .col(units(Invoices::TaxTotal))
                    .col(units(Invoices::RoundOff))
                    .col(units(Invoices::Total))
                    .col(units(Invoices::Paid))
                    .col(ColumnDef::new(Invoices::BillDiscount).text().null())
                    .col(
                        ColumnDef::new(Invoices::ApprovalNeeded)
                            .boolean()
                            .not_null(),
                    )
                    .col(optional_uuid(Invoices::ApprovedBy))
                    .col(optional_at(Invoices::ApprovedAt))
                    .col(json(Invoices::SalesPeople))
                    .col(optional_text(Invoices::Note, 500))
                    .col(at(Invoices::PricedAt))
                    .col(text(Invoices::CreatedByKind, 16))
                    .col(uuid(Invoices::CreatedBy))
                    .col(optional_uuid(Invoices::IssuedBy))
                    .col(optional_at(Invoices::IssuedAt))
                    .col(optional_uuid(Invoices::CancelledBy))
                    .col(optional_at(Invoices::CancelledAt))
                    .col(optional_text(Invoices::CancelReason, 500))
                    .col(ColumnDef::new(Invoices::Version).integer().not_null())
                    .col(at(Invoices::CreatedAt))
                    .col(at(Invoices::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invoices_branch")
                            .from(Invoices::Table, Invoices::BranchId)
                            .to(Branches::Table, Branches::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InvoiceLines::Table)
                    .col(id(InvoiceLines::Id))
                    .col(uuid(InvoiceLines::InvoiceId))
                    .col(ColumnDef::new(InvoiceLines::Position).integer().not_null())
                    .col(text(InvoiceLines::Kind, 16))
                    .col(optional_uuid(InvoiceLines::PieceId))
                    .col(optional_uuid(InvoiceLines::LotId))
                    .col(ColumnDef::new(InvoiceLines::Quantity).big_integer().null())
                    .col(text(InvoiceLines::Description, 200))
                    .col(text(InvoiceLines::Hsn, 8))
                    // What the line was priced from: weights, rate, making,
                    // stones, charges, tax rate, the discount asked.
                    .col(json(InvoiceLines::Detail))
                    .col(units(InvoiceLines::Discount))
                    .col(units(InvoiceLines::TaxableValue))
                    .col(units(InvoiceLines::TaxTotal))
                    .col(optional_uuid(InvoiceLines::CreditNoteId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invoice_lines_invoice")
                            .from(InvoiceLines::Table, InvoiceLines::InvoiceId)
                            .to(Invoices::Table, Invoices::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InvoicePayments::Table)
                    .col(id(InvoicePayments::Id))
                    .col(uuid(InvoicePayments::InvoiceId))
                    .col(text(InvoicePayments::Method, 16))
                    .col(units(InvoicePayments::Amount))
                    .col(optional_text(InvoicePayments::Reference, 80))
                    // Weight, tested fineness, rate and deduction of old gold.
                    .col(ColumnDef::new(InvoicePayments::OldGold).text().null())
                    .col(text(InvoicePayments::ReceivedByKind, 16))
                    .col(uuid(InvoicePayments::ReceivedBy))
                    .col(at(InvoicePayments::ReceivedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invoice_payments_invoice")
                            .from(InvoicePayments::Table, InvoicePayments::InvoiceId)
                            .to(Invoices::Table, Invoices::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InvoiceSequences::Table)
                    .col(uuid(InvoiceSequences::BranchId))
                    // `invoice` or `credit_note`: each numbered on its own.
                    .col(text(InvoiceSequences::Series, 16))
                    .col(text(InvoiceSequences::FinancialYear, 9))
                    // The last number given; the next is one more.
                    .col(units(InvoiceSequences::LastNumber))
                    .primary_key(
                        Index::create()
                            .col(InvoiceSequences::BranchId)
                            .col(InvoiceSequences::Series)
                            .col(InvoiceSequences::FinancialYear),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CreditNotes::Table)
                    .col(id(CreditNotes::Id))
                    .col(uuid(CreditNotes::InvoiceId))
                    .col(uuid(CreditNotes::BranchId))
                    .col(optional_uuid(CreditNotes::CustomerId))
                    .col(
                        ColumnDef::new(CreditNotes::Number)
                            .string_len(40)
                            .not_null()
                            .unique_key(),
                    )
                    .col(text(CreditNotes::FinancialYear, 9))
                    .col(units(CreditNotes::Sequence))
                    .col(text(CreditNotes::Reason, 500))
                    // `refund` or `store_credit`.
                    .col(text(CreditNotes::Settlement, 16))
                    .col(optional_text(CreditNotes::RefundMethod, 16))
                    .col(units(CreditNotes::TaxableValue))
                    .col(units(CreditNotes::TaxTotal))
                    .col(units(CreditNotes::RoundOff))
                    .col(units(CreditNotes::Total))
                    .col(text(CreditNotes::CreatedByKind, 16))
                    .col(uuid(CreditNotes::CreatedBy))
                    .col(at(CreditNotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_credit_notes_invoice")
                            .from(CreditNotes::Table, CreditNotes::InvoiceId)
                            .to(Invoices::Table, Invoices::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScrapReceipts::Table)
                    .col(id(ScrapReceipts::Id))
                    .col(uuid(ScrapReceipts::BranchId))
                    .col(text(ScrapReceipts::Metal, 16))
                    .col(
                        ColumnDef::new(ScrapReceipts::Fineness)
                            .small_integer()
                            .not_null(),
                    )
                    .col(units(ScrapReceipts::Weight))
                    .col(units(ScrapReceipts::Value))
                    .col(optional_uuid(ScrapReceipts::InvoiceId))
                    .col(optional_uuid(ScrapReceipts::PaymentId))
                    .col(text(ScrapReceipts::ActorKind, 16))
                    .col(uuid(ScrapReceipts::ActorId))
                    .col(at(ScrapReceipts::At))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "ix_invoices_branch",
                Invoices::Table.into_iden(),
                vec![Invoices::BranchId.into_iden(), Invoices::Id.into_iden()],
            ),
            (
                "ix_invoices_customer",
                Invoices::Table.into_iden(),
                vec![
                    Invoices::CustomerId.into_iden(),
                    Invoices::Status.into_iden(),
                ],
            ),
            (
                "ix_invoice_lines_invoice",
                InvoiceLines::Table.into_iden(),
                vec![
                    InvoiceLines::InvoiceId.into_iden(),
                    InvoiceLines::Position.into_iden(),
                ],
            ),
            (
                "ix_invoice_lines_piece",
                InvoiceLines::Table.into_iden(),
                vec![InvoiceLines::PieceId.into_iden()],
            ),
            (
                "ix_invoice_payments_invoice",
                InvoicePayments::Table.into_iden(),
                vec![
                    InvoicePayments::InvoiceId.into_iden(),
                    InvoicePayments::ReceivedAt.into_iden(),
                ],
            ),
            (
                "ix_scrap_receipts_branch",
                ScrapReceipts::Table.into_iden(),
                vec![
                    ScrapReceipts::BranchId.into_iden(),
                    ScrapReceipts::Metal.into_iden(),
                    ScrapReceipts::Fineness.into_iden(),
                ],
            ),
            (
                "ix_credit_notes_invoice",
                CreditNotes::Table.into_iden(),
                vec![CreditNotes::InvoiceId.into_iden()],
            ),
            (
                "ix_credit_notes_customer",
                CreditNotes::Table.into_iden(),
                vec![CreditNotes::CustomerId.into_iden()],
            ),
            (
                "ix_quotes_branch",
                Quotes::Table.into_iden(),
                vec![Quotes::BranchId.into_iden(), Quotes::Id.into_iden()],
            ),
        ] {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ScrapReceipts::Table.into_iden(),
            CreditNotes::Table.into_iden(),
            InvoiceSequences::Table.into_iden(),
            InvoicePayments::Table.into_iden(),
            InvoiceLines::Table.into_iden(),
            Invoices::Table.into_iden(),
            Quotes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Branches {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Quotes {
    Table,
    Id,
    BranchId,
    CustomerId,
    PlaceOfSupply,
    Currency,
    Lines,
    BillDiscount,
    Total,
    Note,
    PricedAt,
    ValidUntil,
    InvoiceId,
    CreatedByKind,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
    BranchId,
    CustomerId,
    QuoteId,
    Status,
    Number,
    FinancialYear,
    Sequence,
    PlaceOfSupply,
    Supply,
    Currency,
    Value,
    Discount,
    TaxableValue,
    TaxTotal,
    RoundOff,
    Total,
    Paid,
    BillDiscount,
    ApprovalNeeded,
    ApprovedBy,
    ApprovedAt,
    SalesPeople,
    Note,
    PricedAt,
    CreatedByKind,
    CreatedBy,
    IssuedBy,
    IssuedAt,
    CancelledBy,
    CancelledAt,
    CancelReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InvoiceLines {
    Table,
    Id,
    InvoiceId,
    Position,
    Kind,
    PieceId,
    LotId,
    Quantity,
    Description,
    Hsn,
    Detail,
    Discount,
    TaxableValue,
    TaxTotal,
    CreditNoteId,
}

#[derive(DeriveIden)]
enum InvoicePayments {
    Table,
    Id,
    InvoiceId,
    Method,
    Amount,
    Reference,
    OldGold,
    ReceivedByKind,
    ReceivedBy,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum InvoiceSequences {
    Table,
    BranchId,
    Series,
    FinancialYear,
    LastNumber,
}

#[derive(DeriveIden)]
enum ScrapReceipts {
    Table,
    Id,
    BranchId,
    Metal,
    Fineness,
    Weight,
    Value,
    InvoiceId,
    PaymentId,
    ActorKind,
    ActorId,
    At,
}

#[derive(DeriveIden)]
enum CreditNotes {
    Table,
    Id,
    InvoiceId,
    BranchId,
    CustomerId,
    Number,
    FinancialYear,
    Sequence,
    Reason,
    Settlement,
    RefundMethod,
    TaxableValue,
    TaxTotal,
    RoundOff,
    Total,
    CreatedByKind,
    CreatedBy,
    CreatedAt,
}
