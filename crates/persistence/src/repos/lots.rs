//! Lots with their quantity per branch. Every change of a quantity is a
//! line in the lot ledger, written in the caller's transaction; a decrease
//! is a conditional update, so two sales racing for the last coin have one
//! winner.

use chrono::Utc;
use jewel_domain::lot::{Lot, LotMovementKind, LotUnit, NewLot};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Statement,
};

use crate::entities::{lot_movements, lot_stock, lots};
use crate::error::{OnConstraint, RepoError, uuid_of};
use crate::repos::pieces::Actor;

pub struct Lots;

/// A change of a lot's quantity at a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotChange {
    pub branch_id: uuid::Uuid,
    pub kind: LotMovementKind,
    /// Signed whole units: in (+) or out (-).
    pub quantity: i64,
    pub reason: Option<String>,
}

/// Why a change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum LotError {
    #[error("only {on_hand} on hand")]
    NotEnough { on_hand: i64 },
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<sea_orm::DbErr> for LotError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Repo(error.into())
    }
}

impl Lots {
    #[tracing::instrument(name = "lots.create", skip_all)]
    pub async fn create(db: &impl ConnectionTrait, new: &NewLot) -> Result<Lot, RepoError> {
        let id = uuid::Uuid::now_v7();
        lots::Entity::insert(lots::ActiveModel {
            id: Set(id.to_string()),
            code: Set(new.code.clone()),
            name: Set(new.name.clone()),
            category: Set(new.category.clone()),
            unit: Set(new.unit.as_str().to_owned()),
            metal: Set(new.purity.map(|p| p.metal().as_str().to_owned())),
            fineness: Set(new.purity.map(|p| p.fineness() as i16)),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(db)
        .await
        .on_unique("code")?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// Applies `change` with its ledger line: `NotEnough` when it would take
    /// out more than the branch has.
    #[tracing::instrument(name = "lots.change", skip(db, change, actor))]
    pub async fn change(
        db: &impl ConnectionTrait,
        lot: uuid::Uuid,
        change: &LotChange,
        actor: Actor,
    ) -> Result<(), LotError> {
        Self::apply(db, lot, change).await?;
        Self::record(db, &[(lot, change)], actor).await?;
        Ok(())
    }

    /// [`Self::change`] without its ledger line, which the caller writes
    /// with [`Self::record`] in the same transaction.
    pub async fn apply(
        db: &impl ConnectionTrait,
        lot: uuid::Uuid,
        change: &LotChange,
    ) -> Result<(), LotError> {
        let (lot_id, branch_id) = (lot.to_string(), change.branch_id.to_string());
        let mut update = lot_stock::Entity::update_many()
            .col_expr(
                lot_stock::Column::Quantity,
                Expr::col(lot_stock::Column::Quantity).add(change.quantity),
            )
            .filter(lot_stock::Column::LotId.eq(lot_id.clone()))
            .filter(lot_stock::Column::BranchId.eq(branch_id.clone()));
        if change.quantity < 0 {
            update = update.filter(lot_stock::Column::Quantity.gte(-change.quantity));
        }
        let updated = update.exec(db).await?.rows_affected;
        if updated == 0 && change.quantity < 0 {
            let on_hand = lot_stock::Entity::find_by_id((lot_id, branch_id))
                .one(db)
                .await?
                .map_or(0, |s| s.quantity);
            return Err(LotError::NotEnough { on_hand });
        }
        if updated == 0 {
            let inserted = lot_stock::Entity::insert(lot_stock::ActiveModel {
                lot_id: Set(lot_id.clone()),
                branch_id: Set(branch_id.clone()),
                quantity: Set(change.quantity),
            })
            .exec_without_returning(db)
            .await
            .on_unique("lot")
            .on_foreign_key("branchId");
            match inserted {
                Ok(_) => {}
                // Another request made the row first: add to it.
                Err(RepoError::Taken { .. }) => {
                    lot_stock::Entity::update_many()
                        .col_expr(
                            lot_stock::Column::Quantity,
                            Expr::col(lot_stock::Column::Quantity).add(change.quantity),
                        )
                        .filter(lot_stock::Column::LotId.eq(lot_id.clone()))
                        .filter(lot_stock::Column::BranchId.eq(branch_id.clone()))
                        .exec(db)
                        .await?;
                }
                Err(other) => return Err(other.into()),
            }
        }
        Ok(())
    }

    /// The ledger lines of changes made by [`Self::apply`]: each
    /// `(lot, change)`, in one statement.
    pub async fn record(
        db: &impl ConnectionTrait,
        changes: &[(uuid::Uuid, &LotChange)],
        actor: Actor,
    ) -> Result<(), RepoError> {
        if let Some(statement) = Self::record_write(db.get_database_backend(), changes, actor) {
            db.execute_raw(statement).await?;
        }
        Ok(())
    }

    /// The statement of [`Self::record`], for a unit's closing writes
    /// (`None` for no changes).
    pub fn record_write(
        backend: DatabaseBackend,
        changes: &[(uuid::Uuid, &LotChange)],
        actor: Actor,
    ) -> Option<Statement> {
        if changes.is_empty() {
            return None;
        }
        let now = Utc::now();
        Some(
            lot_movements::Entity::insert_many(changes.iter().map(|(lot, change)| {
                lot_movements::ActiveModel {
                    id: Set(uuid::Uuid::now_v7().to_string()),
                    lot_id: Set(lot.to_string()),
                    branch_id: Set(change.branch_id.to_string()),
                    kind: Set(change.kind.as_str().to_owned()),
                    quantity: Set(change.quantity),
                    reason: Set(change.reason.clone()),
                    actor_kind: Set(actor.0.to_owned()),
                    actor_id: Set(actor.1.to_string()),
                    at: Set(now),
                }
            }))
            .build(backend),
        )
    }

    #[tracing::instrument(name = "lots.get", skip(db))]
    pub async fn get(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<Option<Lot>, RepoError> {
        let Some(model) = lots::Entity::find_by_id(id.to_string()).one(db).await? else {
            return Ok(None);
        };
        with_stock(db, model).await.map(Some)
    }

    #[tracing::instrument(name = "lots.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        page: PageRequest,
    ) -> Result<Page<Lot>, RepoError> {
        let mut query = lots::Entity::find()
            .order_by_asc(lots::Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(lots::Column::Id.gt(after.to_string()));
        }
        let mut items = Vec::new();
        for model in query.all(db).await? {
            items.push(with_stock(db, model).await?);
        }
        Ok(Page::from_overfetch(items, page.limit, |l| l.id))
    }
}

async fn with_stock(db: &impl ConnectionTrait, model: lots::Model) -> Result<Lot, RepoError> {
    let corrupt = |what: &str| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "lot {}: stored {what}",
            model.id
        )))
    };
    let unit = LotUnit::parse(&model.unit).ok_or_else(|| corrupt("unit"))?;
    let purity = match (&model.metal, model.fineness) {
        (Some(metal), Some(fineness)) => {
            let metal = Metal::parse(metal).ok_or_else(|| corrupt("metal"))?;
            let fineness = u16::try_from(fineness).map_err(|_| corrupt("fineness"))?;
            Some(Purity::parse("fineness", metal, fineness).map_err(|_| corrupt("fineness"))?)
        }
        _ => None,
    };
    let on_hand = lot_stock::Entity::find()
        .filter(lot_stock::Column::LotId.eq(model.id.clone()))
        .order_by_asc(lot_stock::Column::BranchId)
        .all(db)
        .await?
        .into_iter()
        .map(|s| Ok((uuid_of(&s.branch_id)?, s.quantity)))
        .collect::<Result<Vec<_>, RepoError>>()?;
    // SUM is DECIMAL on MySQL: cast back to a whole number on both engines.
    let ledger = lot_movements::Entity::find()
        .select_only()
        .column(lot_movements::Column::BranchId)
        .column_as(Expr::cust("CAST(SUM(quantity) AS SIGNED)"), "total")
        .filter(lot_movements::Column::LotId.eq(model.id.clone()))
        .group_by(lot_movements::Column::BranchId)
        .order_by_asc(lot_movements::Column::BranchId)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(branch, total)| Ok((uuid_of(&branch)?, total)))
        .collect::<Result<Vec<_>, RepoError>>()?;
    Ok(Lot {
        id: uuid_of(&model.id)?,
        code: model.code,
        name: model.name,
        category: model.category,
        unit,
        purity,
        on_hand,
        ledger,
        created_at: model.created_at,
    })
}
