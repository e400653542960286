//! A customer's purchases at a glance (customer 360): how many bills, their
//! lifetime value and the last purchase, kept by the transactions that
//! issue, cancel or return, so lists filter and sort on them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Customers::PurchaseCount)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            // Paise.
            ColumnDef::new(Customers::LifetimeValue)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(Customers::LastPurchaseAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, column) in [
            ("ix_customers_lifetime_value", Customers::LifetimeValue),
            ("ix_customers_last_purchase_at", Customers::LastPurchaseAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Customers::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_customers_lifetime_value",
            "ix_customers_last_purchase_at",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Customers::Table).to_owned())
                .await?;
        }
        for column in [
            Customers::PurchaseCount,
            Customers::LifetimeValue,
            Customers::LastPurchaseAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    PurchaseCount,
    LifetimeValue,
    LastPurchaseAt,
}
