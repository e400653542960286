//! Transfers between branches. Dispatch and receipt each move every piece
//! with its line in the ledger; call them inside a transaction.

use chrono::Utc;
use jewel_domain::piece::{Piece, PieceStatus};
use jewel_domain::transfer::{Transfer, TransferPieceState, TransferStatus};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{transfer_pieces, transfers};
use crate::error::{RepoError, uuid_of};
use jewel_domain::movement::{Move, MovementKind};

use crate::repos::pieces::{Actor, Pieces};

pub struct Transfers;

/// Why a dispatch or receipt did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// Another request moved this piece (or received this transfer) first.
    #[error("moved meanwhile")]
    MovedMeanwhile,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<sea_orm::DbErr> for TransferError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Repo(error.into())
    }
}

const CHUNK: usize = 200;

impl Transfers {
    /// Sends `pieces` (in stock at `from`) to `to`: each becomes in transit
    /// there, with a transfer-out line in the ledger.
    #[tracing::instrument(name = "transfers.dispatch", skip(db, pieces, note), fields(count = pieces.len()))]
    pub async fn dispatch(
        db: &impl ConnectionTrait,
        from: uuid::Uuid,
        to: uuid::Uuid,
        pieces: &[Piece],
        note: Option<String>,
        actor: Actor,
    ) -> Result<uuid::Uuid, TransferError> {
        let id = uuid::Uuid::now_v7();
        transfers::Entity::insert(transfers::ActiveModel {
            id: Set(id.to_string()),
            from_branch_id: Set(from.to_string()),
            to_branch_id: Set(to.to_string()),
            status: Set(TransferStatus::InTransit.as_str().to_owned()),
            note: Set(note),
            dispatched_by: Set(actor.1.to_string()),
            dispatched_at: Set(Utc::now()),
            received_by: Set(None),
            received_at: Set(None),
            version: Set(1),
        })
        .exec_without_returning(db)
        .await?;
        for chunk in pieces.chunks(CHUNK) {
            transfer_pieces::Entity::insert_many(chunk.iter().map(|p| {
                transfer_pieces::ActiveModel {
                    transfer_id: Set(id.to_string()),
                    piece_id: Set(p.id.to_string()),
                    state: Set(TransferPieceState::InTransit.as_str().to_owned()),
                }
            }))
            .exec_without_returning(db)
            .await?;
        }
        let change = Move {
            kind: MovementKind::TransferOut,
            to_status: PieceStatus::InTransit,
            to_branch: Some(to),
            reason: None,
            reference: Some(id),
            reservation: None,
        };
        for piece in pieces {
            if !Pieces::move_piece(db, piece, &change, actor).await? {
                return Err(TransferError::MovedMeanwhile);
            }
        }
        Ok(id)
    }

    /// Receives `transfer` at its destination: each piece in `states` marked
    /// received is in stock there with a transfer-in line; the others stay
    /// in transit, flagged missing. Only one receipt of a transfer wins.
    #[tracing::instrument(name = "transfers.receive", skip_all, fields(transfer = %transfer.id))]
    pub async fn receive(
        db: &impl ConnectionTrait,
        transfer: &Transfer,
        states: &[(uuid::Uuid, TransferPieceState)],
        status: TransferStatus,
        actor: Actor,
    ) -> Result<(), TransferError> {
        let claimed = transfers::Entity::update_many()
            .col_expr(transfers::Column::Status, Expr::value(status.as_str()))
            .col_expr(
                transfers::Column::ReceivedBy,
                Expr::value(actor.1.to_string()),
            )
            .col_expr(transfers::Column::ReceivedAt, Expr::value(Utc::now()))
            .col_expr(
                transfers::Column::Version,
                Expr::col(transfers::Column::Version).add(1),
            )
            .filter(transfers::Column::Id.eq(transfer.id.to_string()))
            .filter(transfers::Column::Status.eq(TransferStatus::InTransit.as_str()))
            .exec(db)
            .await?;
        if claimed.rows_affected == 0 {
            return Err(TransferError::MovedMeanwhile);
        }
        for state in [TransferPieceState::Received, TransferPieceState::Missing] {
            let ids: Vec<String> = states
                .iter()
                .filter(|(_, s)| *s == state)
                .map(|(id, _)| id.to_string())
                .collect();
            for chunk in ids.chunks(CHUNK) {
                transfer_pieces::Entity::update_many()
                    .col_expr(transfer_pieces::Column::State, Expr::value(state.as_str()))
                    .filter(transfer_pieces::Column::TransferId.eq(transfer.id.to_string()))
                    .filter(transfer_pieces::Column::PieceId.is_in(chunk.to_vec()))
                    .exec(db)
                    .await?;
            }
        }
        let received: Vec<uuid::Uuid> = states
            .iter()
            .filter(|(_, s)| *s == TransferPieceState::Received)
            .map(|(id, _)| *id)
            .collect();
        let change = Move {
            kind: MovementKind::TransferIn,
            to_status: PieceStatus::InStock,
            to_branch: None,
            reason: None,
            reference: Some(transfer.id),
            reservation: None,
        };
        for piece in Pieces::many(db, &received).await? {
            if !Pieces::move_piece(db, &piece, &change, actor).await? {
                return Err(TransferError::MovedMeanwhile);
            }
        }
        Ok(())
    }

    #[tracing::instrument(name = "transfers.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Transfer>, RepoError> {
        let Some(model) = transfers::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let pieces = transfer_pieces::Entity::find()
            .filter(transfer_pieces::Column::TransferId.eq(id.to_string()))
            .order_by_asc(transfer_pieces::Column::PieceId)
            .all(db)
            .await?;
        into_transfer(model, pieces).map(Some)
    }

    /// Transfers from or to any of `branches` (all when `None`), newest first.
    #[tracing::instrument(name = "transfers.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        branches: Option<&[uuid::Uuid]>,
        status: Option<TransferStatus>,
        page: PageRequest,
    ) -> Result<Page<Transfer>, RepoError> {
        let mut query = transfers::Entity::find()
            .order_by_desc(transfers::Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(transfers::Column::Id.lt(after.to_string()));
        }
        if let Some(branches) = branches {
            let ids: Vec<String> = branches.iter().map(ToString::to_string).collect();
            query = query.filter(
                Condition::any()
                    .add(transfers::Column::FromBranchId.is_in(ids.clone()))
                    .add(transfers::Column::ToBranchId.is_in(ids)),
            );
        }
        if let Some(status) = status {
            query = query.filter(transfers::Column::Status.eq(status.as_str()));
        }
        let mut items = Vec::new();
        for model in query.all(db).await? {
            let pieces = transfer_pieces::Entity::find()
                .filter(transfer_pieces::Column::TransferId.eq(model.id.clone()))
                .order_by_asc(transfer_pieces::Column::PieceId)
                .all(db)
                .await?;
            items.push(into_transfer(model, pieces)?);
        }
        Ok(Page::from_overfetch(items, page.limit, |t| t.id))
    }
}

fn into_transfer(
    model: transfers::Model,
    pieces: Vec<transfer_pieces::Model>,
) -> Result<Transfer, RepoError> {
    let corrupt = |what: &str| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "transfer {}: stored {what}",
            model.id
        )))
    };
    let pieces = pieces
        .into_iter()
        .map(|p| {
            let state =
                TransferPieceState::parse(&p.state).ok_or_else(|| corrupt("piece state"))?;
            Ok((uuid_of(&p.piece_id)?, state))
        })
        .collect::<Result<Vec<_>, RepoError>>()?;
    Ok(Transfer {
        id: uuid_of(&model.id)?,
        from_branch_id: uuid_of(&model.from_branch_id)?,
        to_branch_id: uuid_of(&model.to_branch_id)?,
        status: TransferStatus::parse(&model.status).ok_or_else(|| corrupt("status"))?,
        note: model.note.clone(),
        dispatched_by: uuid_of(&model.dispatched_by)?,
        dispatched_at: model.dispatched_at,
        received_by: model.received_by.as_deref().map(uuid_of).transpose()?,
        received_at: model.received_at,
        pieces,
        version: model.version,
    })
}
