//! Lots: stock sold by count or by weight (coins, loose stones, chain by the
//! gram), with the quantity on hand per branch and an append-only ledger.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Lots::Table)
                    .col(
                        ColumnDef::new(Lots::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Lots::Code)
                            .string_len(32)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Lots::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Lots::Category).string_len(40).not_null())
                    .col(ColumnDef::new(Lots::Unit).string_len(8).not_null())
                    .col(ColumnDef::new(Lots::Metal).string_len(16).null())
                    .col(ColumnDef::new(Lots::Fineness).small_integer().null())
                    .col(
                        ColumnDef::new(Lots::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LotStock::Table)
                    .col(ColumnDef::new(LotStock::LotId).string_len(36).not_null())
                    .col(ColumnDef::new(LotStock::BranchId).string_len(36).not_null())
                    // A count, or milligrams for a lot sold by weight.
                    .col(ColumnDef::new(LotStock::Quantity).big_integer().not_null())
                    .primary_key(Index::create().col(LotStock::LotId).col(LotStock::BranchId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_lot_stock_lot")
                            .from(LotStock::Table, LotStock::LotId)
                            .to(Lots::Table, Lots::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_lot_stock_branch")
                            .from(LotStock::Table, LotStock::BranchId)
                            .to(Branches::Table, Branches::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LotMovements::Table)
                    .col(
                        ColumnDef::new(LotMovements::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(LotMovements::LotId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LotMovements::BranchId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LotMovements::Kind).string_len(16).not_null())
                    // Signed: what came in (+) or went out (-).
                    .col(
                        ColumnDef::new(LotMovements::Quantity)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(LotMovements::Reason).string_len(500).null())
                    .col(
                        ColumnDef::new(LotMovements::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LotMovements::ActorId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LotMovements::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_lot_movements_lot")
                            .from(LotMovements::Table, LotMovements::LotId)
                            .to(Lots::Table, Lots::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_lot_movements_lot")
                    .table(LotMovements::Table)
                    .col(LotMovements::LotId)
                    .col(LotMovements::BranchId)
                    .col(LotMovements::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LotMovements::Table.into_iden(),
            LotStock::Table.into_iden(),
            Lots::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Lots {
    Table,
    Id,
    Code,
    Name,
    Category,
    Unit,
    Metal,
    Fineness,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LotStock {
    Table,
    LotId,
    BranchId,
    Quantity,
}

#[derive(DeriveIden)]
enum LotMovements {
    Table,
    Id,
    LotId,
    BranchId,
    Kind,
    Quantity,
    Reason,
    ActorKind,
    ActorId,
    At,
}

#[derive(DeriveIden)]
enum Branches {
    Table,
    Id,
}
