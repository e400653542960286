//! Pieces and transfers as they are now, for the changes feed.

use futures_util::future::LocalBoxFuture;
use jewel_domain::change_feed::ChangeKind;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::wire::changes::{Now, Reader, seen, shown};
use crate::state::AppState;
use jewel_persistence::repos::transfers::Transfers;

use super::dto::pieces::PieceView;
use super::dto::transfers::TransferView;

/// The readers of this capability's kinds.
pub fn change_readers() -> Vec<(ChangeKind, Reader)> {
    vec![
        (ChangeKind::Piece, piece_now),
        (ChangeKind::Transfer, transfer_now),
    ]
}

fn piece_now<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    id: uuid::Uuid,
) -> LocalBoxFuture<'a, Result<Now, ApiError>> {
    Box::pin(async move {
        let found = crate::holds::Lapses::piece(state.database.connection(), id).await?;
        seen(
            found,
            |p| caller.acts_in(p.branch_id),
            |p| shown(PieceView::for_caller(p, caller)),
        )
    })
}

fn transfer_now<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    id: uuid::Uuid,
) -> LocalBoxFuture<'a, Result<Now, ApiError>> {
    Box::pin(async move {
        let found = Transfers::get(state.database.connection(), id).await?;
        let visible = |t: &jewel_domain::transfer::Transfer| {
            caller.acts_in(t.from_branch_id) || caller.acts_in(t.to_branch_id)
        };
        seen(found, visible, |t| shown(TransferView::from(t)))
    })
}
