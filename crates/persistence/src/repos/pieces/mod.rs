//! Pieces and their stock ledger: every change of a piece's status or branch
//! is written together with its movement, in the caller's transaction.

mod listing;
mod stored;

pub use listing::*;
use stored::*;

use chrono::{DateTime, Utc};
use jewel_domain::metal::Metal;
use jewel_domain::movement::{Move, MovementKind};
use jewel_domain::piece::{Huid, NewPiece, Piece, PieceStatus};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Statement,
};

use crate::entities::pieces::{Column, Entity};
use crate::entities::stock_movements;
use crate::error::{OnConstraint, OnUniqueColumn, RepoError};

pub struct Pieces;

/// One line of the stock ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockMovement {
    pub id: uuid::Uuid,
    pub piece_id: uuid::Uuid,
    pub kind: String,
    pub from_branch_id: Option<uuid::Uuid>,
    pub to_branch_id: Option<uuid::Uuid>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub reference: Option<uuid::Uuid>,
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub at: DateTime<Utc>,
}

/// Who moved stock: `("staff", id)` or `("client", id)`.
pub type Actor = (&'static str, uuid::Uuid);

/// Rows per multi-row INSERT: well under every engine's bound-parameter limit.
const CHUNK: usize = 200;

impl Pieces {
    /// Receives `pieces` into stock (in stock at their branch), each with a
    /// receipt in the ledger. Call inside a transaction: all or none.
    #[tracing::instrument(name = "pieces.receive", skip_all, fields(count = pieces.len()))]
    pub async fn receive(
        db: &impl ConnectionTrait,
        pieces: &[NewPiece],
        actor: Actor,
    ) -> Result<Vec<uuid::Uuid>, RepoError> {
        let now = Utc::now();
        let ids: Vec<uuid::Uuid> = pieces.iter().map(|_| uuid::Uuid::now_v7()).collect();
        for (chunk, chunk_ids) in pieces.chunks(CHUNK).zip(ids.chunks(CHUNK)) {
            Entity::insert_many(
                chunk
                    .iter()
                    .zip(chunk_ids)
                    .map(|(piece, id)| active_model(*id, piece, now)),
            )
            .exec_without_returning(db)
            .await
            .on_unique_column(&[
                ("tag_number", "tagNumber"),
                ("epc", "epc"),
                ("huid", "huid"),
            ])
            // Designs are checked before; a missing reference is the branch.
            .on_foreign_key("branchId")?;
            stock_movements::Entity::insert_many(chunk.iter().zip(chunk_ids).map(|(piece, id)| {
                movement(
                    *id,
                    MovementKind::Receipt,
                    (None, Some(piece.branch_id)),
                    (None, PieceStatus::InStock),
                    None,
                    actor,
                    now,
                )
            }))
            .exec_without_returning(db)
            .await?;
        }
        Ok(ids)
    }

    /// Marks pieces sold on bills brought in whole (a seed, an import): each
    /// `(piece, its branch, the bill, the bill's number, when)`, with its
    /// line in the ledger. The caller holds the transaction and knows the
    /// pieces are in stock.
    #[tracing::instrument(name = "pieces.sell_many", skip_all, fields(count = sales.len()))]
    pub async fn sell_many(
        db: &impl ConnectionTrait,
        sales: &[(uuid::Uuid, uuid::Uuid, uuid::Uuid, String, DateTime<Utc>)],
        actor: Actor,
    ) -> Result<(), RepoError> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        for chunk in sales.chunks(CHUNK) {
            Entity::update_many()
                .col_expr(Column::Status, Expr::value(PieceStatus::Sold.as_str()))
                .col_expr(Column::Version, Expr::col(Column::Version).add(1))
                .filter(Column::Id.is_in(chunk.iter().map(|s| s.0.to_string())))
                .exec(db)
                .await?;
            stock_movements::Entity::insert_many(chunk.iter().map(
                |(piece, branch, invoice, number, at)| {
                    let mut line = movement(
                        *piece,
                        MovementKind::Sale,
                        (Some(*branch), Some(*branch)),
                        (Some(PieceStatus::InStock), PieceStatus::Sold),
                        Some(format!("invoice {number}")),
                        actor,
                        *at,
                    );
                    line.reference = Set(Some(invoice.to_string()));
                    line
                },
            ))
            .exec_without_returning(db)
            .await?;
        }
        Ok(())
    }

    /// Moves `piece` as `change` says, with its line in the ledger, if it
    /// still stands where the caller saw it (same status, branch and
    /// version). `Ok(false)` when someone else moved it first.
    #[tracing::instrument(name = "pieces.move", skip(db, piece, change), fields(piece = %piece.id))]
    pub async fn move_piece(
        db: &impl ConnectionTrait,
        piece: &Piece,
        change: &Move,
        actor: Actor,
    ) -> Result<bool, RepoError> {
        if !Self::shift(db, piece, change).await? {
            return Ok(false);
        }
        Self::record_moves(db, &[(piece, change)], actor).await?;
        Ok(true)
    }

    /// [`Self::move_piece`] without its ledger line, which the caller
    /// writes with [`Self::record_moves`] in the same transaction (a bill
    /// writes its lines once it has its number).
    pub async fn shift(
        db: &impl ConnectionTrait,
        piece: &Piece,
        change: &Move,
    ) -> Result<bool, RepoError> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        let to_branch = change.to_branch.unwrap_or(piece.branch_id);
        let reservation = change.reservation;
        let result = Entity::update_many()
            .col_expr(Column::Status, Expr::value(change.to_status.as_str()))
            .col_expr(Column::BranchId, Expr::value(to_branch.to_string()))
            .col_expr(
                Column::ReservedForId,
                Expr::value(reservation.map(|r| r.customer_id.to_string())),
            )
            .col_expr(
                Column::ReservedUntil,
                Expr::value(reservation.map(|r| r.until)),
            )
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(Column::Id.eq(piece.id.to_string()))
            .filter(Column::Status.eq(piece.status.as_str()))
            .filter(Column::BranchId.eq(piece.branch_id.to_string()))
            .filter(Column::Version.eq(piece.version))
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// The ledger lines of pieces moved by [`Self::shift`]: each
    /// `(the piece as it was, the move)`, in one statement.
    pub async fn record_moves(
        db: &impl ConnectionTrait,
        moves: &[(&Piece, &Move)],
        actor: Actor,
    ) -> Result<(), RepoError> {
        if let Some(statement) = Self::moves_write(db.get_database_backend(), moves, actor) {
            db.execute_raw(statement).await?;
        }
        Ok(())
    }

    /// The statement of [`Self::record_moves`], for a unit's closing writes
    /// (`None` for no moves).
    pub fn moves_write(
        backend: DatabaseBackend,
        moves: &[(&Piece, &Move)],
        actor: Actor,
    ) -> Option<Statement> {
        if moves.is_empty() {
            return None;
        }
        let now = Utc::now();
        Some(
            stock_movements::Entity::insert_many(moves.iter().map(|(piece, change)| {
                let mut line = movement(
                    piece.id,
                    change.kind,
                    (
                        Some(piece.branch_id),
                        Some(change.to_branch.unwrap_or(piece.branch_id)),
                    ),
                    (Some(piece.status), change.to_status),
                    change.reason.clone(),
                    actor,
                    now,
                );
                line.reference = Set(change.reference.map(|r| r.to_string()));
                line
            }))
            .build(backend),
        )
    }

    /// Writes `new` over `piece` (not its branch, status or hold), if it is
    /// still at the version the caller read; `Ok(None)` when it changed
    /// meanwhile. Its price key is cleared: the caller reckons it again.
    #[tracing::instrument(name = "pieces.replace", skip(db, piece, new), fields(piece = %piece.id))]
    pub async fn replace(
        db: &impl ConnectionTrait,
        piece: &Piece,
        new: &NewPiece,
    ) -> Result<Option<Piece>, RepoError> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        let model = active_model(piece.id, new, Utc::now());
        let mut update = Entity::update_many()
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::PriceKey, Expr::value(Option::<i64>::None))
            .col_expr(Column::PriceKeyRate, Expr::value(Option::<i64>::None))
            .filter(Column::Id.eq(piece.id.to_string()))
            .filter(Column::Version.eq(piece.version));
        let columns = [
            (Column::TagNumber, model.tag_number.into_value()),
            (Column::Epc, model.epc.into_value()),
            (Column::DesignId, model.design_id.into_value()),
            (Column::Category, model.category.into_value()),
            (Column::Metal, model.metal.into_value()),
            (Column::Fineness, model.fineness.into_value()),
            (Column::GrossWeight, model.gross_weight.into_value()),
            (Column::StoneWeight, model.stone_weight.into_value()),
            (Column::NetWeight, model.net_weight.into_value()),
            (Column::Stones, model.stones.into_value()),
            (Column::MakingMode, model.making_mode.into_value()),
            (Column::MakingValue, model.making_value.into_value()),
            (Column::Wastage, model.wastage.into_value()),
            (Column::OtherCharges, model.other_charges.into_value()),
            (Column::Hallmark, model.hallmark.into_value()),
            (Column::Huid, model.huid.into_value()),
            (Column::CostPrice, model.cost_price.into_value()),
            (Column::Images, model.images.into_value()),
            (
                Column::PriceCoefficient,
                model.price_coefficient.into_value(),
            ),
            (Column::PriceFixed, model.price_fixed.into_value()),
            (Column::UpdatedAt, model.updated_at.into_value()),
        ];
        for (column, value) in columns {
            if let Some(value) = value {
                update = update.col_expr(column, Expr::value(value));
            }
        }
        let result = update.exec(db).await.on_unique_column(&[
            ("tag_number", "tagNumber"),
            ("epc", "epc"),
            ("huid", "huid"),
        ])?;
        if result.rows_affected == 0 {
            return Ok(None);
        }
        Self::get(db, piece.id).await
    }

    /// Records the HUID of `piece` (hallmarked now), if it is still at the
    /// version the caller read; `Ok(None)` when it changed meanwhile. A HUID
    /// of another piece is `Taken`.
    #[tracing::instrument(name = "pieces.set_huid", skip(db, piece), fields(piece = %piece.id))]
    pub async fn set_huid(
        db: &impl ConnectionTrait,
        piece: &Piece,
        huid: &Huid,
    ) -> Result<Option<Piece>, RepoError> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        let result = Entity::update_many()
            .col_expr(Column::Huid, Expr::value(huid.as_str()))
            .col_expr(Column::Hallmark, Expr::value("hallmarked"))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(Column::Id.eq(piece.id.to_string()))
            .filter(Column::Version.eq(piece.version))
            .exec(db)
            .await
            .on_unique("huid")?;
        if result.rows_affected == 0 {
            return Ok(None);
        }
        Self::get(db, piece.id).await
    }

    /// Brings every piece's price key up to `rates` (paise per gram of each
    /// grade in force): pieces whose key was reckoned at another rate, or
    /// never, get `rate x coefficient + fixed x SCALE`; pieces of grades
    /// without a rate lose theirs. At most two statements, whatever the
    /// number of grades; when nothing changed since the last call each is
    /// a few empty ranges of the (metal, fineness, rate) index. With
    /// `only`, just those pieces (just received or corrected).
    #[tracing::instrument(name = "pieces.refresh_price_keys", skip_all)]
    pub async fn refresh_price_keys(
        db: &impl ConnectionTrait,
        rates: &[(Metal, u16, i64)],
        only: Option<&[uuid::Uuid]>,
    ) -> Result<(), RepoError> {
        use sea_orm::Condition;
        use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
        let grade = |metal: Metal, fineness: u16| {
            Condition::all()
                .add(Column::Metal.eq(metal.as_str()))
                .add(Column::Fineness.eq(fineness as i16))
        };
        let (mut stale, mut rate_of, mut unpriced) =
            (Condition::any(), CaseStatement::new(), Condition::any());
        let these = only.map(|ids| Column::Id.is_in(ids.iter().map(ToString::to_string)));
        for metal in Metal::ALL {
            for &fineness in metal.grades() {
                match rates.iter().find(|(m, f, _)| *m == metal && *f == fineness) {
                    Some(&(_, _, rate)) => {
                        stale = stale.add(
                            grade(metal, fineness).add(
                                Condition::any()
                                    .add(Column::PriceKeyRate.is_null())
                                    .add(Column::PriceKeyRate.ne(rate)),
                            ),
                        );
                        rate_of = rate_of.case(grade(metal, fineness), rate);
                    }
                    None => {
                        unpriced = unpriced
                            .add(grade(metal, fineness).add(Column::PriceKeyRate.is_not_null()));
                    }
                }
            }
        }
        if !stale.is_empty() {
            let rate_of: Expr = rate_of.into();
            Entity::update_many()
                .col_expr(
                    Column::PriceKey,
                    Expr::col(Column::PriceCoefficient)
                        .mul(rate_of.clone())
                        .add(
                            Expr::col(Column::PriceFixed)
                                .mul(jewel_domain::pricing::LinearPrice::SCALE),
                        ),
                )
                .col_expr(Column::PriceKeyRate, rate_of)
                .filter(stale)
                .filter(Condition::all().add_option(these.clone()))
                .exec(db)
                .await?;
        }
        if !unpriced.is_empty() {
            Entity::update_many()
                .col_expr(Column::PriceKey, Expr::value(Option::<i64>::None))
                .col_expr(Column::PriceKeyRate, Expr::value(Option::<i64>::None))
                .filter(unpriced)
                .filter(Condition::all().add_option(these))
                .exec(db)
                .await?;
        }
        Ok(())
    }

    /// Lets every hold that ran out by `now` lapse: the piece is back in
    /// stock, with a line in the ledger. Safe to run anywhere at once: each
    /// piece lapses once.
    #[tracing::instrument(name = "pieces.release_expired", skip(db))]
    pub async fn release_expired(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let expired = Entity::find()
            .filter(Column::Status.eq(PieceStatus::Reserved.as_str()))
            .filter(Column::ReservedUntil.lte(now))
            .limit(500)
            .all(db)
            .await?;
        let mut released = 0;
        for model in expired {
            if Self::lapse(db, &into_piece(model)?).await? {
                released += 1;
            }
        }
        Ok(released)
    }

    /// Lets this piece's hold lapse (it ran out): back in stock, with a
    /// line in the ledger. False when it moved meanwhile.
    pub async fn lapse(db: &impl ConnectionTrait, piece: &Piece) -> Result<bool, RepoError> {
        let change = Move {
            kind: MovementKind::Status,
            to_status: PieceStatus::InStock,
            to_branch: None,
            reason: Some("the hold ran out".to_owned()),
            reference: None,
            reservation: None,
        };
        Self::move_piece(db, piece, &change, ("system", uuid::Uuid::nil())).await
    }

    #[tracing::instrument(name = "pieces.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Piece>, RepoError> {
        Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_piece)
            .transpose()
    }

    /// The pieces with these ids, in the order asked.
    #[tracing::instrument(name = "pieces.many", skip_all, fields(count = ids.len()))]
    pub async fn many(
        db: &impl ConnectionTrait,
        ids: &[uuid::Uuid],
    ) -> Result<Vec<Piece>, RepoError> {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            for model in Entity::find()
                .filter(Column::Id.is_in(chunk.iter().map(ToString::to_string)))
                .all(db)
                .await?
            {
                let piece = into_piece(model)?;
                found.insert(piece.id, piece);
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// The pieces whose tag number or EPC is one of `codes` (upper case).
    #[tracing::instrument(name = "pieces.by_codes", skip_all, fields(count = codes.len()))]
    pub async fn by_codes(
        db: &impl ConnectionTrait,
        codes: &[String],
    ) -> Result<Vec<Piece>, RepoError> {
        let mut found = std::collections::HashMap::new();
        for chunk in codes.chunks(CHUNK) {
            for column in [Column::TagNumber, Column::Epc] {
                for model in Entity::find()
                    .filter(column.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?
                {
                    let piece = into_piece(model)?;
                    found.insert(piece.id, piece);
                }
            }
        }
        Ok(found.into_values().collect())
    }

    /// The pieces that should be on `branch`'s shelves.
    #[tracing::instrument(name = "pieces.in_store", skip(db))]
    pub async fn in_store(
        db: &impl ConnectionTrait,
        branch: uuid::Uuid,
    ) -> Result<Vec<Piece>, RepoError> {
        let statuses: Vec<&str> = PieceStatus::ALL
            .into_iter()
            .filter(|s| s.is_in_store())
            .map(PieceStatus::as_str)
            .collect();
        Entity::find()
            .filter(Column::BranchId.eq(branch.to_string()))
            .filter(Column::Status.is_in(statuses))
            .order_by_asc(Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_piece)
            .collect()
    }

    /// Which of `values` of a unique column (tag numbers, EPCs, HUIDs) are
    /// already taken.
    pub async fn taken(
        db: &impl ConnectionTrait,
        column: UniqueColumn,
        values: &[String],
    ) -> Result<Vec<String>, RepoError> {
        let column = match column {
            UniqueColumn::TagNumber => Column::TagNumber,
            UniqueColumn::Epc => Column::Epc,
            UniqueColumn::Huid => Column::Huid,
        };
        let mut taken = Vec::new();
        for chunk in values.chunks(CHUNK) {
            let rows: Vec<Option<String>> = Entity::find()
                .select_only()
                .column(column)
                .filter(column.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(db)
                .await?;
            taken.extend(rows.into_iter().flatten());
        }
        Ok(taken)
    }

    /// The ledger of one piece, oldest first.
    #[tracing::instrument(name = "pieces.movements", skip(db))]
    pub async fn movements(
        db: &impl ConnectionTrait,
        piece: uuid::Uuid,
    ) -> Result<Vec<StockMovement>, RepoError> {
        stock_movements::Entity::find()
            .filter(stock_movements::Column::PieceId.eq(piece.to_string()))
            .order_by_asc(stock_movements::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_movement)
            .collect()
    }
}

/// A column whose values are unique among pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueColumn {
    TagNumber,
    Epc,
    Huid,
}
