//! The catalogue searches in stock (and by category) in price order: the
//! indexes that give that order under those equalities, so a price range
//! or sort reads a page of rows and no more, at any size of stock.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BY_STATUS: &str = "ix_pieces_status_price_key";
const BY_CATEGORY: &str = "ix_pieces_status_category_price_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(BY_STATUS)
                    .table(Pieces::Table)
                    .col(Pieces::Status)
                    .col(Pieces::PriceKey)
                    .col(Pieces::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_CATEGORY)
                    .table(Pieces::Table)
                    .col(Pieces::Status)
                    .col(Pieces::Category)
                    .col(Pieces::PriceKey)
                    .col(Pieces::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [BY_CATEGORY, BY_STATUS] {
            manager
                .drop_index(Index::drop().name(name).table(Pieces::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Pieces {
    Table,
    Id,
    Status,
    Category,
    PriceKey,
}
