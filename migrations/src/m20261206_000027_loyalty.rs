//! Loyalty: the programme's settings (one row, a JSON document read and
//! written whole), a points account per customer and the append-only points
//! ledger that is its balance. An entry that adds points (an earning, an
//! adjustment up) keeps what of it is unspent; an entry that takes points
//! names the awards it took them from (`loyalty_draws`), so a lapse takes
//! only what was never spent. `source` makes an entry once only: the event
//! that earned it, or the external id of a manual adjustment.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).not_null().to_owned()
}

fn uuid_or_null(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).null().to_owned()
}

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn at_or_null(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn points(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

fn belongs_to_customer(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_customer"))
        .from(Alias::new(table), Alias::new("customer_id"))
        .to(Alias::new("customers"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoyaltyProgramme::Table)
                    .col(
                        ColumnDef::new(LoyaltyProgramme::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LoyaltyProgramme::Settings).text().not_null())
                    .col(
                        ColumnDef::new(LoyaltyProgramme::Version)
                            .integer()
                            .not_null(),
                    )
                    .col(uuid_or_null(LoyaltyProgramme::UpdatedBy))
                    .col(at(LoyaltyProgramme::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoyaltyAccounts::Table)
                    .col(
                        ColumnDef::new(LoyaltyAccounts::CustomerId)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    // Every entry of the ledger summed.
                    .col(points(LoyaltyAccounts::Balance))
                    .col(ColumnDef::new(LoyaltyAccounts::Tier).string_len(40).null())
                    .col(at_or_null(LoyaltyAccounts::TierSince))
                    .col(at_or_null(LoyaltyAccounts::LastActivityAt))
                    .col(
                        ColumnDef::new(LoyaltyAccounts::HasRedeemed)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(LoyaltyAccounts::Version)
                            .integer()
                            .not_null(),
                    )
                    .col(at(LoyaltyAccounts::UpdatedAt))
                    .foreign_key(&mut belongs_to_customer("loyalty_accounts"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoyaltyEntries::Table)
                    .col(
                        ColumnDef::new(LoyaltyEntries::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(uuid(LoyaltyEntries::CustomerId))
                    .col(
                        ColumnDef::new(LoyaltyEntries::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    // Signed: what the entry adds to the balance.
                    .col(points(LoyaltyEntries::Points))
                    // Of an entry that adds points, what is not yet spent.
                    .col(points(LoyaltyEntries::Remaining))
                    // What counts toward the tier (an earning's points
                    // before the multiplier, non-earning lines included).
                    .col(points(LoyaltyEntries::Qualifying))
                    .col(at(LoyaltyEntries::ActiveAt))
                    .col(at_or_null(LoyaltyEntries::ExpiresAt))
                    .col(uuid_or_null(LoyaltyEntries::InvoiceId))
                    .col(uuid_or_null(LoyaltyEntries::CreditNoteId))
                    .col(
                        ColumnDef::new(LoyaltyEntries::Source)
                            .string_len(120)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(LoyaltyEntries::Reason)
                            .string_len(500)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(LoyaltyEntries::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(uuid(LoyaltyEntries::ActorId))
                    .col(at(LoyaltyEntries::CreatedAt))
                    .foreign_key(&mut belongs_to_customer("loyalty_entries"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_loyalty_entries_source")
                    .table(LoyaltyEntries::Table)
                    .col(LoyaltyEntries::Source)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_loyalty_entries_customer")
                    .table(LoyaltyEntries::Table)
                    .col(LoyaltyEntries::CustomerId)
                    .col(LoyaltyEntries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoyaltyDraws::Table)
                    .col(uuid(LoyaltyDraws::EntryId))
                    .col(uuid(LoyaltyDraws::AwardId))
                    .col(points(LoyaltyDraws::Points))
                    .primary_key(
                        Index::create()
                            .col(LoyaltyDraws::EntryId)
                            .col(LoyaltyDraws::AwardId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_loyalty_draws_award")
                    .table(LoyaltyDraws::Table)
                    .col(LoyaltyDraws::AwardId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Alias::new("loyalty_draws"),
            Alias::new("loyalty_entries"),
            Alias::new("loyalty_accounts"),
            Alias::new("loyalty_programme"),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum LoyaltyProgramme {
    Table,
    Id,
    Settings,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LoyaltyAccounts {
    Table,
    CustomerId,
    Balance,
    Tier,
    TierSince,
    LastActivityAt,
    HasRedeemed,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LoyaltyEntries {
    Table,
    Id,
    CustomerId,
    Kind,
    Points,
    Remaining,
    Qualifying,
    ActiveAt,
    ExpiresAt,
    InvoiceId,
    CreditNoteId,
    Source,
    Reason,
    ActorKind,
    ActorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LoyaltyDraws {
    Table,
    EntryId,
    AwardId,
    Points,
}
