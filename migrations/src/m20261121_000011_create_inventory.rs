//! Inventory and metal rates: rates per metal and grade with their history,
//! designs, pieces (one row per physical piece) and the append-only stock
//! ledger. Money, weights, carats and percentages are whole numbers of their
//! smallest unit (paise, milligrams, thousandths of a carat, hundredths of a
//! percent): exact, comparable and summable on every engine.

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

fn uuid_or_null(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).null().to_owned()
}

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn units(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

fn units_or_null(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().null().to_owned()
}

fn text(column: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(len).not_null().to_owned()
}

fn text_or_null(column: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(len).null().to_owned()
}

fn index(name: &str, table: impl IntoIden, columns: Vec<impl IntoIden>) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(column);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MetalRates::Table)
                    .col(id(MetalRates::Id))
                    .col(text(MetalRates::Metal, 16))
                    .col(
                        ColumnDef::new(MetalRates::Fineness)
                            .small_integer()
                            .not_null(),
                    )
                    .col(units(MetalRates::PerGram))
                    .col(text(MetalRates::Currency, 3))
                    .col(at(MetalRates::EffectiveAt))
                    .col(text_or_null(MetalRates::Session, 2))
                    .col(text_or_null(MetalRates::Source, 60))
                    .col(uuid(MetalRates::SetBy))
                    .col(at(MetalRates::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // The rate in force for a grade is the latest effective one: a
        // backwards range scan on this index.
        manager
            .create_index(index(
                "ix_metal_rates_purity_effective",
                MetalRates::Table,
                vec![
                    MetalRates::Metal,
                    MetalRates::Fineness,
                    MetalRates::EffectiveAt,
                    MetalRates::Id,
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_metal_rates_effective",
                MetalRates::Table,
                vec![MetalRates::EffectiveAt, MetalRates::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Designs::Table)
                    .col(id(Designs::Id))
                    .col(text(Designs::Code, 32).unique_key().to_owned())
                    .col(text(Designs::Name, 120))
                    .col(text(Designs::Category, 40))
                    .col(text_or_null(Designs::Collection, 80))
                    .col(ColumnDef::new(Designs::Description).text().null())
                    .col(ColumnDef::new(Designs::Images).text().not_null())
                    .col(text_or_null(Designs::MakingMode, 16))
                    .col(units_or_null(Designs::MakingValue))
                    .col(units_or_null(Designs::Wastage))
                    .col(ColumnDef::new(Designs::Version).integer().not_null())
                    .col(at(Designs::CreatedAt))
                    .col(at(Designs::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_designs_category",
                Designs::Table,
                vec![Designs::Category, Designs::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Pieces::Table)
                    .col(id(Pieces::Id))
                    .col(text(Pieces::TagNumber, 32).unique_key().to_owned())
                    .col(text_or_null(Pieces::Epc, 64).unique_key().to_owned())
                    .col(uuid_or_null(Pieces::DesignId))
                    .col(text(Pieces::Category, 40))
                    .col(text(Pieces::Metal, 16))
                    .col(ColumnDef::new(Pieces::Fineness).small_integer().not_null())
                    .col(units(Pieces::GrossWeight))
                    .col(units(Pieces::StoneWeight))
                    .col(units(Pieces::NetWeight))
                    // JSON documents, read and written whole.
                    .col(ColumnDef::new(Pieces::Stones).text().not_null())
                    .col(text(Pieces::MakingMode, 16))
                    .col(units(Pieces::MakingValue))
                    .col(units(Pieces::Wastage))
                    .col(ColumnDef::new(Pieces::OtherCharges).text().not_null())
                    .col(text(Pieces::Hallmark, 16))
                    .col(text_or_null(Pieces::Huid, 6).unique_key().to_owned())
                    .col(units_or_null(Pieces::CostPrice))
                    .col(uuid(Pieces::BranchId))
                    .col(text(Pieces::Status, 16))
                    .col(ColumnDef::new(Pieces::Images).text().not_null())
                    .col(ColumnDef::new(Pieces::Version).integer().not_null())
                    .col(at(Pieces::CreatedAt))
                    .col(at(Pieces::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pieces_branch")
                            .from(Pieces::Table, Pieces::BranchId)
                            .to(Branches::Table, Branches::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pieces_design")
                            .from(Pieces::Table, Pieces::DesignId)
                            .to(Designs::Table, Designs::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_pieces_branch_status",
                vec![Pieces::BranchId, Pieces::Status, Pieces::Id],
            ),
            (
                "ix_pieces_purity_weight",
                vec![
                    Pieces::Metal,
                    Pieces::Fineness,
                    Pieces::NetWeight,
                    Pieces::Id,
                ],
            ),
            ("ix_pieces_category", vec![Pieces::Category, Pieces::Id]),
            ("ix_pieces_design", vec![Pieces::DesignId, Pieces::Id]),
            ("ix_pieces_net_weight", vec![Pieces::NetWeight, Pieces::Id]),
        ] {
            manager
                .create_index(index(name, Pieces::Table, columns))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(StockMovements::Table)
                    .col(id(StockMovements::Id))
                    .col(uuid(StockMovements::PieceId))
                    .col(text(StockMovements::Kind, 16))
                    .col(uuid_or_null(StockMovements::FromBranchId))
                    .col(uuid_or_null(StockMovements::ToBranchId))
                    .col(text_or_null(StockMovements::FromStatus, 16))
                    .col(text(StockMovements::ToStatus, 16))
                    .col(text_or_null(StockMovements::Reason, 500))
                    .col(uuid_or_null(StockMovements::Reference))
                    .col(text(StockMovements::ActorKind, 16))
                    .col(uuid(StockMovements::ActorId))
                    .col(at(StockMovements::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_stock_movements_piece")
                            .from(StockMovements::Table, StockMovements::PieceId)
                            .to(Pieces::Table, Pieces::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_stock_movements_piece",
                StockMovements::Table,
                vec![StockMovements::PieceId, StockMovements::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_stock_movements_at",
                StockMovements::Table,
                vec![StockMovements::At, StockMovements::Id],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StockMovements::Table.into_iden(),
            Pieces::Table.into_iden(),
            Designs::Table.into_iden(),
            MetalRates::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum MetalRates {
    Table,
    Id,
    Metal,
    Fineness,
    PerGram,
    Currency,
    EffectiveAt,
    Session,
    Source,
    SetBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Designs {
    Table,
    Id,
    Code,
    Name,
    Category,
    Collection,
    Description,
    Images,
    MakingMode,
    MakingValue,
    Wastage,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Pieces {
    Table,
    Id,
    TagNumber,
    Epc,
    DesignId,
    Category,
    Metal,
    Fineness,
    GrossWeight,
    StoneWeight,
    NetWeight,
    Stones,
    MakingMode,
    MakingValue,
    Wastage,
    OtherCharges,
    Hallmark,
    Huid,
    CostPrice,
    BranchId,
    Status,
    Images,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StockMovements {
    Table,
    Id,
    PieceId,
    Kind,
    FromBranchId,
    ToBranchId,
    FromStatus,
    ToStatus,
    Reason,
    Reference,
    ActorKind,
    ActorId,
    At,
}

#[derive(DeriveIden)]
enum Branches {
    Table,
    Id,
}
