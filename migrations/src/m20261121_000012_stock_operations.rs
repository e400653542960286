//! Moving stock: reservations on pieces (who for, until when), transfers
//! between branches with the state of each piece in them, and stock audits
//! with their discrepancies; each piece's price as a line in the rate, for
//! price-range searches.

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
        // SQLite takes one column per ALTER TABLE.
        for column in [
            ColumnDef::new(Pieces::ReservedForId)
                .string_len(36)
                .null()
                .to_owned(),
            ColumnDef::new(Pieces::ReservedUntil)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            // The price before tax as a line in the rate (see
            // `LinearPrice`), so price ranges are narrowed in the database.
            ColumnDef::new(Pieces::PriceCoefficient)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(Pieces::PriceFixed)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Pieces::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // Expired holds are found by this index.
        manager
            .create_index(
                Index::create()
                    .name("ix_pieces_status_reserved_until")
                    .table(Pieces::Table)
                    .col(Pieces::Status)
                    .col(Pieces::ReservedUntil)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Transfers::Table)
                    .col(
                        ColumnDef::new(Transfers::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(uuid(Transfers::FromBranchId))
                    .col(uuid(Transfers::ToBranchId))
                    .col(ColumnDef::new(Transfers::Status).string_len(24).not_null())
                    .col(ColumnDef::new(Transfers::Note).string_len(500).null())
                    .col(uuid(Transfers::DispatchedBy))
                    .col(at(Transfers::DispatchedAt))
                    .col(ColumnDef::new(Transfers::ReceivedBy).string_len(36).null())
                    .col(
                        ColumnDef::new(Transfers::ReceivedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Transfers::Version).integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_transfers_from")
                            .from(Transfers::Table, Transfers::FromBranchId)
                            .to(Branches::Table, Branches::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_transfers_to")
                            .from(Transfers::Table, Transfers::ToBranchId)
                            .to(Branches::Table, Branches::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TransferPieces::Table)
                    .col(uuid(TransferPieces::TransferId))
                    .col(uuid(TransferPieces::PieceId))
                    .col(
                        ColumnDef::new(TransferPieces::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(TransferPieces::TransferId)
                            .col(TransferPieces::PieceId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_transfer_pieces_transfer")
                            .from(TransferPieces::Table, TransferPieces::TransferId)
                            .to(Transfers::Table, Transfers::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_transfer_pieces_piece")
                            .from(TransferPieces::Table, TransferPieces::PieceId)
                            .to(Pieces::Table, Pieces::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_transfer_pieces_piece")
                    .table(TransferPieces::Table)
                    .col(TransferPieces::PieceId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StockAudits::Table)
                    .col(
                        ColumnDef::new(StockAudits::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(uuid(StockAudits::BranchId))
                    .col(ColumnDef::new(StockAudits::Scanned).integer().not_null())
                    .col(ColumnDef::new(StockAudits::Matched).integer().not_null())
                    .col(ColumnDef::new(StockAudits::Missing).integer().not_null())
                    .col(ColumnDef::new(StockAudits::Unexpected).integer().not_null())
                    // The discrepancies as a JSON document, read whole.
                    .col(ColumnDef::new(StockAudits::Discrepancies).text().not_null())
                    .col(
                        ColumnDef::new(StockAudits::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(uuid(StockAudits::ActorId))
                    .col(at(StockAudits::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_stock_audits_branch")
                            .from(StockAudits::Table, StockAudits::BranchId)
                            .to(Branches::Table, Branches::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_stock_audits_branch")
                    .table(StockAudits::Table)
                    .col(StockAudits::BranchId)
                    .col(StockAudits::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StockAudits::Table.into_iden(),
            TransferPieces::Table.into_iden(),
            Transfers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_pieces_status_reserved_until")
                    .table(Pieces::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Pieces::PriceFixed,
            Pieces::PriceCoefficient,
            Pieces::ReservedUntil,
            Pieces::ReservedForId,
        ] {
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
    Status,
    ReservedForId,
    ReservedUntil,
    PriceCoefficient,
    PriceFixed,
}

#[derive(DeriveIden)]
enum Transfers {
    Table,
    Id,
    FromBranchId,
    ToBranchId,
    Status,
    Note,
    DispatchedBy,
    DispatchedAt,
    ReceivedBy,
    ReceivedAt,
    Version,
}

#[derive(DeriveIden)]
enum TransferPieces {
    Table,
    TransferId,
    PieceId,
    State,
}

#[derive(DeriveIden)]
enum StockAudits {
    Table,
    Id,
    BranchId,
    Scanned,
    Matched,
    Missing,
    Unexpected,
    Discrepancies,
    ActorKind,
    ActorId,
    At,
}

#[derive(DeriveIden)]
enum Branches {
    Table,
    Id,
}
