//! Each piece's price before tax at the rates in force, kept beside the rate
//! it was reckoned at, so the catalogue sorts and filters by price on an
//! index. Keys are brought up to date before a price search reads them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [Pieces::PriceKey, Pieces::PriceKeyRate] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Pieces::Table)
                        .add_column(ColumnDef::new(column).big_integer().null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_pieces_price_key")
                    .table(Pieces::Table)
                    .col(Pieces::PriceKey)
                    .col(Pieces::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_pieces_purity_price_key_rate")
                    .table(Pieces::Table)
                    .col(Pieces::Metal)
                    .col(Pieces::Fineness)
                    .col(Pieces::PriceKeyRate)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in ["ix_pieces_purity_price_key_rate", "ix_pieces_price_key"] {
            manager
                .drop_index(Index::drop().name(index).table(Pieces::Table).to_owned())
                .await?;
        }
        for column in [Pieces::PriceKeyRate, Pieces::PriceKey] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Pieces::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Pieces {
    Table,
    Id,
    Metal,
    Fineness,
    PriceKey,
    PriceKeyRate,
}
