//! Sealing PANs at rest: the rows whose PAN is still in plain text (stored
//! before sealing) or sealed by a key that has since been replaced, found a
//! batch at a time and written back sealed by the current key.

use jewel_domain::customer::SealedPan;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::customers::{Column, Entity};
use crate::error::{RepoError, uuid_of};

pub struct CustomerPans;

/// A PAN to seal (again): in plain text, or sealed by another key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsealed {
    Plain(String),
    SealedBefore(SealedPan),
}

impl CustomerPans {
    /// Up to `limit` customers whose PAN is in plain text or sealed by a key
    /// other than the one whose sealed texts begin with `current_prefix`.
    #[tracing::instrument(name = "customer_pans.to_seal", skip(db))]
    pub async fn to_seal(
        db: &impl ConnectionTrait,
        current_prefix: &str,
        limit: u64,
    ) -> Result<Vec<(uuid::Uuid, Unsealed)>, RepoError> {
        let current = super::begins_with(Column::PanSealed, current_prefix);
        let rows = Entity::find()
            .filter(
                Condition::any().add(Column::Pan.is_not_null()).add(
                    Condition::all()
                        .add(Column::PanSealed.is_not_null())
                        .add(current.not()),
                ),
            )
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        rows.into_iter()
            .filter_map(|m| {
                let unsealed = match (m.pan, m.pan_sealed, m.pan_lookup, m.pan_last_four) {
                    (Some(plain), ..) => Unsealed::Plain(plain),
                    (None, Some(sealed), Some(lookup), Some(last_four)) => {
                        Unsealed::SealedBefore(SealedPan {
                            sealed,
                            lookup,
                            last_four,
                        })
                    }
                    _ => return None,
                };
                Some(uuid_of(&m.id).map(|id| (id, unsealed)))
            })
            .collect()
    }

    /// Keeps `pan` as the customer's PAN, sealed, and forgets any plain text.
    #[tracing::instrument(name = "customer_pans.store", skip(db, pan))]
    pub async fn store(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        pan: &SealedPan,
    ) -> Result<(), RepoError> {
        Entity::update_many()
            .col_expr(Column::Pan, Expr::value(None::<String>))
            .col_expr(Column::PanSealed, Expr::value(pan.sealed.clone()))
            .col_expr(Column::PanLookup, Expr::value(pan.lookup.clone()))
            .col_expr(Column::PanLastFour, Expr::value(pan.last_four.clone()))
            .filter(Column::Id.eq(id.to_string()))
            .exec(db)
            .await?;
        Ok(())
    }
}
