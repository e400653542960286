//! Loyalty by the clock: the daily run finds the accounts whose tier is due
//! for review (its anniversary, `tier_review_at`), the accounts quiet long
//! enough for their points to lapse (`last_activity_at`) and the awards
//! whose own term ended (`expires_at`) by index, not by reading them all.
//! An account that holds a tier today is due a year after it reached it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::sea_orm::prelude::DateTimeUtc;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LoyaltyAccounts::Table)
                    .add_column(
                        ColumnDef::new(LoyaltyAccounts::TierReviewAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Each account that holds a tier is due a year after it reached it
        // (written by value, in the form the application writes).
        let db = manager.get_connection();
        let held = db
            .query_all(
                Query::select()
                    .columns([LoyaltyAccounts::CustomerId, LoyaltyAccounts::TierSince])
                    .from(LoyaltyAccounts::Table)
                    .and_where(Expr::col(LoyaltyAccounts::TierSince).is_not_null()),
            )
            .await?;
        for row in held {
            let customer: String = row.try_get("", "customer_id")?;
            let since: DateTimeUtc = row.try_get("", "tier_since")?;
            let due = since
                .checked_add_months(sea_query::value::prelude::chrono::Months::new(12))
                .unwrap_or(since);
            db.execute(
                Query::update()
                    .table(LoyaltyAccounts::Table)
                    .value(LoyaltyAccounts::TierReviewAt, due)
                    .and_where(Expr::col(LoyaltyAccounts::CustomerId).eq(customer)),
            )
            .await?;
        }
        for (name, table, column) in [
            (
                "ix_loyalty_accounts_tier_review",
                LoyaltyAccounts::Table.into_iden(),
                LoyaltyAccounts::TierReviewAt.into_iden(),
            ),
            (
                "ix_loyalty_accounts_last_activity",
                LoyaltyAccounts::Table.into_iden(),
                LoyaltyAccounts::LastActivityAt.into_iden(),
            ),
            (
                "ix_loyalty_entries_expires",
                LoyaltyEntries::Table.into_iden(),
                LoyaltyEntries::ExpiresAt.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (
                "ix_loyalty_entries_expires",
                LoyaltyEntries::Table.into_iden(),
            ),
            (
                "ix_loyalty_accounts_last_activity",
                LoyaltyAccounts::Table.into_iden(),
            ),
            (
                "ix_loyalty_accounts_tier_review",
                LoyaltyAccounts::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(LoyaltyAccounts::Table)
                    .drop_column(LoyaltyAccounts::TierReviewAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum LoyaltyAccounts {
    Table,
    CustomerId,
    TierSince,
    TierReviewAt,
    LastActivityAt,
}

#[derive(DeriveIden)]
enum LoyaltyEntries {
    Table,
    ExpiresAt,
}
