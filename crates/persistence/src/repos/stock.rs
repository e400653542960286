//! Stock on hand per branch, counted two ways: from the pieces as they
//! stand, and from the stock ledger. The two always agree.

use std::collections::BTreeMap;

use jewel_domain::piece::PieceStatus;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{pieces, stock_movements};
use crate::error::{RepoError, uuid_of};

pub struct Stock;

/// The pieces on hand at one branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OnHand {
    /// Counted from the pieces' status and branch.
    pub pieces: i64,
    /// Summed from the ledger: into the branch's hands minus out of them.
    pub ledger: i64,
}

fn on_hand_statuses() -> Vec<&'static str> {
    PieceStatus::ALL
        .into_iter()
        .filter(|s| s.is_on_hand())
        .map(PieceStatus::as_str)
        .collect()
}

impl Stock {
    /// Stock on hand of every branch that ever held a piece.
    #[tracing::instrument(name = "stock.on_hand", skip(db))]
    pub async fn on_hand(
        db: &impl ConnectionTrait,
    ) -> Result<BTreeMap<uuid::Uuid, OnHand>, RepoError> {
        let statuses = on_hand_statuses();
        let mut totals: BTreeMap<uuid::Uuid, OnHand> = BTreeMap::new();
        let counted: Vec<(String, i64)> = pieces::Entity::find()
            .select_only()
            .column(pieces::Column::BranchId)
            .column_as(Expr::col(pieces::Column::Id).count(), "n")
            .filter(pieces::Column::Status.is_in(statuses.clone()))
            .group_by(pieces::Column::BranchId)
            .into_tuple()
            .all(db)
            .await?;
        for (branch, n) in counted {
            totals.entry(uuid_of(&branch)?).or_default().pieces += n;
        }
        use stock_movements::Column;
        let into_hands: Vec<(Option<String>, i64)> = stock_movements::Entity::find()
            .select_only()
            .column(Column::ToBranchId)
            .column_as(Expr::col(Column::Id).count(), "n")
            .filter(Column::ToStatus.is_in(statuses.clone()))
            .group_by(Column::ToBranchId)
            .into_tuple()
            .all(db)
            .await?;
        let out_of_hands: Vec<(Option<String>, i64)> = stock_movements::Entity::find()
            .select_only()
            .column(Column::FromBranchId)
            .column_as(Expr::col(Column::Id).count(), "n")
            .filter(Column::FromStatus.is_in(statuses))
            .group_by(Column::FromBranchId)
            .into_tuple()
            .all(db)
            .await?;
        let moves = into_hands
            .into_iter()
            .chain(out_of_hands.into_iter().map(|(branch, n)| (branch, -n)));
        for (branch, n) in moves {
            if let Some(branch) = branch {
                totals.entry(uuid_of(&branch)?).or_default().ledger += n;
            }
        }
        Ok(totals)
    }
}
