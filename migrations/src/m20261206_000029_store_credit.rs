//! Store credit: a balance per customer (in paise) kept beside its
//! append-only ledger, each entry a signed amount with the bill or credit
//! note behind it; `source` (the credit note credited, the payment spent
//! or given back) makes each entry once only.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).not_null().to_owned()
}

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StoreCreditAccounts::Table)
                    .col(uuid(StoreCreditAccounts::CustomerId).primary_key())
                    .col(
                        ColumnDef::new(StoreCreditAccounts::Balance)
                            .big_integer()
                            .not_null(),
                    )
                    .col(at(StoreCreditAccounts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_store_credit_accounts_customer")
                            .from(StoreCreditAccounts::Table, StoreCreditAccounts::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StoreCreditEntries::Table)
                    .col(uuid(StoreCreditEntries::Id).primary_key())
                    .col(uuid(StoreCreditEntries::CustomerId))
                    .col(
                        ColumnDef::new(StoreCreditEntries::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StoreCreditEntries::Amount)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StoreCreditEntries::InvoiceId)
                            .string_len(36)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(StoreCreditEntries::CreditNoteId)
                            .string_len(36)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(StoreCreditEntries::Source)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StoreCreditEntries::Reason)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StoreCreditEntries::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(uuid(StoreCreditEntries::ActorId))
                    .col(at(StoreCreditEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_store_credit_entries_customer")
                            .from(StoreCreditEntries::Table, StoreCreditEntries::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            (
                "ix_store_credit_entries_customer",
                vec![StoreCreditEntries::CustomerId, StoreCreditEntries::Id],
                false,
            ),
            (
                "ix_store_credit_entries_invoice",
                vec![StoreCreditEntries::InvoiceId],
                false,
            ),
            (
                "ux_store_credit_entries_source",
                vec![StoreCreditEntries::Source],
                true,
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(StoreCreditEntries::Table);
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StoreCreditEntries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StoreCreditAccounts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StoreCreditAccounts {
    Table,
    CustomerId,
    Balance,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StoreCreditEntries {
    Table,
    Id,
    CustomerId,
    Kind,
    Amount,
    InvoiceId,
    CreditNoteId,
    Source,
    Reason,
    ActorKind,
    ActorId,
    CreatedAt,
}
