//! The search by a mobile's ending lists customers in the order of the
//! reversed mobile, then id: an index on both reads them in that order on
//! SQLite too (MariaDB's secondary indexes end with the primary key anyway).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD: &str = "ix_customers_mobile_reversed";
const NEW: &str = "ix_customers_mobile_ending";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NEW)
                    .table(Customers::Table)
                    .col(Customers::MobileReversed)
                    .col(Customers::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name(OLD).table(Customers::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(OLD)
                    .table(Customers::Table)
                    .col(Customers::MobileReversed)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name(NEW).table(Customers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    MobileReversed,
}
