//! Listing pieces: the filters (branch, status, metal, weight, a price band
//! at the rates in force), the order, and one page of them.

use jewel_domain::measure::Weight;
use jewel_domain::metal::Metal;
use jewel_domain::piece::{Piece, PieceStatus};
use jewel_domain::{Page, PageRequest};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Pieces, into_piece};
use crate::entities::pieces::{Column, Entity};
use crate::error::RepoError;

/// Which pieces to list.
#[derive(Debug, Clone, Default)]
pub struct PieceFilter {
    /// Only these branches (a staff member's own); `None` is all.
    pub branches: Option<Vec<uuid::Uuid>>,
    pub status: Option<PieceStatus>,
    pub category: Option<String>,
    pub metal: Option<Metal>,
    pub fineness: Option<u16>,
    pub design_id: Option<uuid::Uuid>,
    pub min_net_weight: Option<Weight>,
    pub max_net_weight: Option<Weight>,
    /// Only pieces whose price before tax, reckoned on the line of
    /// `LinearPrice`, falls in a band (a coarse filter; the caller prices
    /// the candidates exactly).
    pub price_band: Option<PriceBand>,
    pub sort: PieceSort,
}

/// Bounds on the price before tax at the rates in force, in paise; pieces
/// without a rate have no price and are left out.
#[derive(Debug, Clone, Default)]
pub struct PriceBand {
    pub min_taxable: Option<i64>,
    pub max_taxable: Option<i64>,
}

impl PriceBand {
    /// On the price keys, which the caller brought up to date with
    /// [`Pieces::refresh_price_keys`].
    fn condition(&self) -> sea_orm::Condition {
        let scaled = |paise: i64| paise.saturating_mul(jewel_domain::pricing::LinearPrice::SCALE);
        let mut condition = sea_orm::Condition::all().add(Column::PriceKey.is_not_null());
        if let Some(min) = self.min_taxable {
            condition = condition.add(Column::PriceKey.gte(scaled(min)));
        }
        if let Some(max) = self.max_taxable {
            condition = condition.add(Column::PriceKey.lte(scaled(max)));
        }
        condition
    }
}

/// The order of a list of pieces; ties by id.
#[derive(Debug, Clone, Default)]
pub enum PieceSort {
    /// Oldest first.
    #[default]
    Received,
    /// By net weight; `true` heaviest first.
    NetWeight(bool),
    /// By price before tax at the rates in force (pieces without a rate
    /// are left out; see [`Pieces::refresh_price_keys`]); `true` dearest first.
    Price(bool),
}

impl Pieces {
    #[tracing::instrument(name = "pieces.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &PieceFilter,
        page: PageRequest,
    ) -> Result<Page<Piece>, RepoError> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        use sea_orm::{Condition, Order};
        let mut query = Entity::find().limit(page.limit + 1);
        let cursor = match page.after {
            Some(after) => match Entity::find_by_id(after.to_string()).one(db).await? {
                Some(model) => Some(model),
                None => {
                    return Ok(Page {
                        items: Vec::new(),
                        next: None,
                    });
                }
            },
            None => None,
        };
        // Keyset: rows after the cursor's (key, id) in the list's order.
        let after = |key: Expr, value: Option<i64>, id: &str, desc: bool| {
            let (beyond, id_beyond) = if desc {
                (
                    key.clone().lt(value),
                    Expr::col(Column::Id).lt(id.to_owned()),
                )
            } else {
                (
                    key.clone().gt(value),
                    Expr::col(Column::Id).gt(id.to_owned()),
                )
            };
            Condition::any()
                .add(beyond)
                .add(Condition::all().add(key.eq(value)).add(id_beyond))
        };
        match &filter.sort {
            PieceSort::Received => {
                query = query.order_by_asc(Column::Id);
                if let Some(cursor) = &cursor {
                    query = query.filter(Column::Id.gt(cursor.id.clone()));
                }
            }
            PieceSort::NetWeight(desc) => {
                let order = if *desc { Order::Desc } else { Order::Asc };
                query = query
                    .order_by(Column::NetWeight, order.clone())
                    .order_by(Column::Id, order);
                if let Some(cursor) = &cursor {
                    query = query.filter(after(
                        Expr::col(Column::NetWeight),
                        Some(cursor.net_weight),
                        &cursor.id,
                        *desc,
                    ));
                }
            }
            PieceSort::Price(desc) => {
                let order = if *desc { Order::Desc } else { Order::Asc };
                query = query
                    .filter(Column::PriceKey.is_not_null())
                    .order_by(Column::PriceKey, order.clone())
                    .order_by(Column::Id, order);
                if let Some(cursor) = &cursor {
                    query = query.filter(after(
                        Expr::col(Column::PriceKey),
                        cursor.price_key,
                        &cursor.id,
                        *desc,
                    ));
                }
            }
        }
        if let Some(branches) = &filter.branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(ToString::to_string)));
        }
        if let Some(status) = filter.status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        if let Some(category) = &filter.category {
            query = query.filter(Column::Category.eq(category.clone()));
        }
        if let Some(metal) = filter.metal {
            query = query.filter(Column::Metal.eq(metal.as_str()));
        }
        if let Some(fineness) = filter.fineness {
            query = query.filter(Column::Fineness.eq(fineness as i16));
        }
        if let Some(design) = filter.design_id {
            query = query.filter(Column::DesignId.eq(design.to_string()));
        }
        if let Some(min) = filter.min_net_weight {
            query = query.filter(Column::NetWeight.gte(min.units()));
        }
        if let Some(max) = filter.max_net_weight {
            query = query.filter(Column::NetWeight.lte(max.units()));
        }
        if let Some(band) = &filter.price_band {
            query = query.filter(band.condition());
        }
        let pieces = query
            .all(db)
            .await?
            .into_iter()
            .map(into_piece)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(pieces, page.limit, |p| p.id))
    }
}
