//! Artisans and the challans that take a job's metal to them, with their
//! receipts. A receipt is written only over the challan's version it was
//! checked against: two racing receipts of one challan have one winner.

use jewel_domain::job::{Artisan, Challan, ChallanReceipt, ChallanStatus};
use jewel_domain::measure::{Carats, Percent, Weight};
use jewel_domain::metal::Metal;
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{artisans, challan_receipts, challans};
use crate::error::{RepoError, uuid_of};

pub struct Artisans;

impl Artisans {
    pub async fn add(db: &impl ConnectionTrait, artisan: &Artisan) -> Result<(), RepoError> {
        artisans::Entity::insert(artisans::ActiveModel {
            id: Set(artisan.id.to_string()),
            name: Set(artisan.name.clone()),
            phone: Set(artisan.phone.clone()),
            default_wastage: Set(artisan.default_wastage.units()),
            active: Set(artisan.active),
            created_at: Set(artisan.created_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Artisan>, RepoError> {
        artisans::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_artisan)
            .transpose()
    }

    /// The active artisans, by name.
    pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Artisan>, RepoError> {
        artisans::Entity::find()
            .filter(artisans::Column::Active.eq(true))
            .order_by_asc(artisans::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(into_artisan)
            .collect()
    }
}

/// Which challans a list reads; `None` reads any.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChallanFilter<'a> {
    pub branches: Option<&'a [uuid::Uuid]>,
    pub artisan: Option<uuid::Uuid>,
    pub job: Option<uuid::Uuid>,
    pub status: Option<ChallanStatus>,
    /// Not closed yet (open or partly received).
    pub pending: bool,
}

pub struct Challans;

impl Challans {
    pub async fn insert(db: &impl ConnectionTrait, challan: &Challan) -> Result<(), RepoError> {
        challans::Entity::insert(challans::ActiveModel {
            id: Set(challan.id.to_string()),
            number: Set(challan.number.clone()),
            financial_year: Set(challan.financial_year.clone()),
            branch_id: Set(challan.branch_id.to_string()),
            job_id: Set(challan.job_id.to_string()),
            artisan_id: Set(challan.artisan_id.to_string()),
            metal: Set(challan.metal.as_str().to_owned()),
            fineness: Set(i32::from(challan.fineness)),
            gross_milligrams: Set(challan.gross_weight.units()),
            stone_millicarats: Set(challan.stones.units()),
            allowed_wastage: Set(challan.allowed_wastage.units()),
            status: Set(challan.status.as_str().to_owned()),
            flagged: Set(challan.flagged),
            loss_reason: Set(challan.loss_reason.clone()),
            issued_by: Set(challan.issued_by.to_string()),
            issued_at: Set(challan.issued_at),
            version: Set(challan.version),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Challan>, RepoError> {
        let Some(model) = challans::Entity::find_by_id(id.to_string()).one(db).await? else {
            return Ok(None);
        };
        Ok(with_receipts(db, vec![model]).await?.pop())
    }

    /// Whether a challan of `job` other than `but` is still out, read with
    /// locking reads (under the job's lock: the latest committed rows).
    pub async fn others_out(
        db: &impl ConnectionTrait,
        job: uuid::Uuid,
        but: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        use challans::Column;
        let out = challans::Entity::find()
            .filter(Column::JobId.eq(job.to_string()))
            .filter(Column::Id.ne(but.to_string()))
            .filter(Column::Status.ne(ChallanStatus::Closed.as_str()))
            .lock_exclusive()
            .all(db)
            .await?;
        Ok(!out.is_empty())
    }

    /// Writes `receipt` and the challan `after` it over `before` if the
    /// challan is still at `before`'s version; `false` when another
    /// receipt came first.
    pub async fn received(
        db: &impl ConnectionTrait,
        before: &Challan,
        after: &Challan,
        receipt: &ChallanReceipt,
    ) -> Result<bool, RepoError> {
        use challans::Column;
        let updated = challans::Entity::update_many()
            .col_expr(Column::Status, Expr::value(after.status.as_str()))
            .col_expr(Column::Flagged, Expr::value(after.flagged))
            .col_expr(Column::LossReason, Expr::value(after.loss_reason.clone()))
            .col_expr(Column::Version, Expr::value(after.version))
            .filter(Column::Id.eq(before.id.to_string()))
            .filter(Column::Version.eq(before.version))
            .exec(db)
            .await?;
        if updated.rows_affected != 1 {
            return Ok(false);
        }
        challan_receipts::Entity::insert(challan_receipts::ActiveModel {
            id: Set(receipt.id.to_string()),
            challan_id: Set(receipt.challan_id.to_string()),
            gross_milligrams: Set(receipt.gross_weight.units()),
            stone_millicarats: Set(receipt.stones.units()),
            closes: Set(receipt.closes),
            received_by: Set(receipt.received_by.to_string()),
            received_at: Set(receipt.received_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(true)
    }

    /// Challans `filter` reads, newest first.
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: ChallanFilter<'_>,
        page: PageRequest,
    ) -> Result<Page<Challan>, RepoError> {
        use challans::Column;
        let mut query = challans::Entity::find()
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(branches) = filter.branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(|b| b.to_string())));
        }
        if let Some(artisan) = filter.artisan {
            query = query.filter(Column::ArtisanId.eq(artisan.to_string()));
        }
        if let Some(job) = filter.job {
            query = query.filter(Column::JobId.eq(job.to_string()));
        }
        if let Some(status) = filter.status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        if filter.pending {
            query = query.filter(Column::Status.ne(ChallanStatus::Closed.as_str()));
        }
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let challans = with_receipts(db, query.all(db).await?).await?;
        Ok(Page::from_overfetch(challans, page.limit, |c| c.id))
    }
}

async fn with_receipts(
    db: &impl ConnectionTrait,
    models: Vec<challans::Model>,
) -> Result<Vec<Challan>, RepoError> {
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let receipts = challan_receipts::Entity::find()
        .filter(challan_receipts::Column::ChallanId.is_in(models.iter().map(|m| m.id.clone())))
        .order_by_asc(challan_receipts::Column::Id)
        .all(db)
        .await?;
    models
        .into_iter()
        .map(|m| {
            let own = receipts
                .iter()
                .filter(|r| r.challan_id == m.id)
                .map(into_receipt)
                .collect::<Result<Vec<_>, _>>()?;
            into_challan(m, own)
        })
        .collect()
}

fn bad(what: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Custom(format!("stored challan {what}")))
}

fn into_artisan(m: artisans::Model) -> Result<Artisan, RepoError> {
    Ok(Artisan {
        id: uuid_of(&m.id)?,
        name: m.name,
        phone: m.phone,
        default_wastage: Percent::from_units(m.default_wastage),
        active: m.active,
        created_at: m.created_at,
    })
}

fn into_receipt(m: &challan_receipts::Model) -> Result<ChallanReceipt, RepoError> {
    Ok(ChallanReceipt {
        id: uuid_of(&m.id)?,
        challan_id: uuid_of(&m.challan_id)?,
        gross_weight: Weight::from_units(m.gross_milligrams),
        stones: Carats::from_units(m.stone_millicarats),
        closes: m.closes,
        received_by: uuid_of(&m.received_by)?,
        received_at: m.received_at,
    })
}

fn into_challan(m: challans::Model, receipts: Vec<ChallanReceipt>) -> Result<Challan, RepoError> {
    Ok(Challan {
        id: uuid_of(&m.id)?,
        number: m.number,
        financial_year: m.financial_year,
        branch_id: uuid_of(&m.branch_id)?,
        job_id: uuid_of(&m.job_id)?,
        artisan_id: uuid_of(&m.artisan_id)?,
        metal: Metal::parse(&m.metal).ok_or_else(|| bad("metal"))?,
        fineness: u16::try_from(m.fineness).map_err(|_| bad("fineness"))?,
        gross_weight: Weight::from_units(m.gross_milligrams),
        stones: Carats::from_units(m.stone_millicarats),
        allowed_wastage: Percent::from_units(m.allowed_wastage),
        status: ChallanStatus::parse(&m.status).ok_or_else(|| bad("status"))?,
        flagged: m.flagged,
        loss_reason: m.loss_reason,
        issued_by: uuid_of(&m.issued_by)?,
        issued_at: m.issued_at,
        receipts,
        version: m.version,
    })
}
