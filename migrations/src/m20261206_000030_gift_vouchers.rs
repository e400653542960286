//! Gift vouchers: a register (code unique, value and balance in paise,
//! expiry; the bill and line it was sold on, or the reward it was) beside
//! each voucher's append-only ledger, each entry once per `source`; and the
//! wrong codes each caller tried, kept to throttle guessing. Payments
//! recorded as `voucher` (a reference nothing checked) are `gift_voucher`.

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

fn optional_uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).null().to_owned()
}

fn paise(column: impl IntoIden) -> ColumnDef {
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
            .create_table(
                Table::create()
                    .table(GiftVouchers::Table)
                    .col(uuid(GiftVouchers::Id).primary_key())
                    .col(text(GiftVouchers::Code, 12))
                    .col(text(GiftVouchers::Origin, 16))
                    .col(paise(GiftVouchers::Value))
                    .col(paise(GiftVouchers::Balance))
                    .col(optional_uuid(GiftVouchers::CustomerId))
                    .col(optional_uuid(GiftVouchers::InvoiceId))
                    .col(optional_uuid(GiftVouchers::InvoiceLineId))
                    .col(text(GiftVouchers::Source, 120))
                    .col(at(GiftVouchers::IssuedAt))
                    .col(at(GiftVouchers::ExpiresAt))
                    .col(
                        ColumnDef::new(GiftVouchers::VoidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GiftVoucherEntries::Table)
                    .col(uuid(GiftVoucherEntries::Id).primary_key())
                    .col(uuid(GiftVoucherEntries::VoucherId))
                    .col(text(GiftVoucherEntries::Kind, 16))
                    .col(paise(GiftVoucherEntries::Amount))
                    .col(optional_uuid(GiftVoucherEntries::InvoiceId))
                    .col(text(GiftVoucherEntries::Source, 120))
                    .col(text(GiftVoucherEntries::Reason, 500))
                    .col(text(GiftVoucherEntries::ActorKind, 16))
                    .col(uuid(GiftVoucherEntries::ActorId))
                    .col(at(GiftVoucherEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_gift_voucher_entries_voucher")
                            .from(GiftVoucherEntries::Table, GiftVoucherEntries::VoucherId)
                            .to(GiftVouchers::Table, GiftVouchers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VoucherGuesses::Table)
                    .col(uuid(VoucherGuesses::Id).primary_key())
                    .col(text(VoucherGuesses::Caller, 64))
                    .col(at(VoucherGuesses::At))
                    .to_owned(),
            )
            .await?;
        let vouchers = GiftVouchers::Table;
        index(manager, "ux_gift_vouchers_code", vouchers, &["code"], true).await?;
        index(
            manager,
            "ux_gift_vouchers_source",
            vouchers,
            &["source"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_gift_vouchers_customer",
            vouchers,
            &["customer_id", "id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_gift_vouchers_invoice",
            vouchers,
            &["invoice_id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_gift_vouchers_expiry",
            vouchers,
            &["expires_at"],
            false,
        )
        .await?;
        let entries = GiftVoucherEntries::Table;
        index(
            manager,
            "ix_gift_voucher_entries_voucher",
            entries,
            &["voucher_id", "id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_gift_voucher_entries_invoice",
            entries,
            &["invoice_id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_gift_voucher_entries_at",
            entries,
            &["created_at"],
            false,
        )
        .await?;
        index(
            manager,
            "ux_gift_voucher_entries_source",
            entries,
            &["source"],
            true,
        )
        .await?;
        let guesses = VoucherGuesses::Table;
        index(
            manager,
            "ix_voucher_guesses_caller",
            guesses,
            &["caller", "at"],
            false,
        )
        .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(InvoicePayments::Table)
                    .value(InvoicePayments::Method, "gift_voucher")
                    .and_where(Expr::col(InvoicePayments::Method).eq("voucher"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::update()
                    .table(InvoicePayments::Table)
                    .value(InvoicePayments::Method, "voucher")
                    .and_where(Expr::col(InvoicePayments::Method).eq("gift_voucher"))
                    .to_owned(),
            )
            .await?;
        for table in [
            VoucherGuesses::Table.into_iden(),
            GiftVoucherEntries::Table.into_iden(),
            GiftVouchers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum GiftVouchers {
    Table,
    Id,
    Code,
    Origin,
    Value,
    Balance,
    CustomerId,
    InvoiceId,
    InvoiceLineId,
    Source,
    IssuedAt,
    ExpiresAt,
    VoidedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum GiftVoucherEntries {
    Table,
    Id,
    VoucherId,
    Kind,
    Amount,
    InvoiceId,
    Source,
    Reason,
    ActorKind,
    ActorId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum VoucherGuesses {
    Table,
    Id,
    Caller,
    At,
}

#[derive(DeriveIden)]
enum InvoicePayments {
    Table,
    Method,
}
