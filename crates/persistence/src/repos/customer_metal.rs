//! The customer's metal: a balance per customer and metal in fine
//! milligrams and the ledger it comes from. An entry moves the balance
//! only while it stays at or above nothing: two entries racing for the
//! last grams have one winner.

use jewel_domain::job::{MetalEntry, MetalEntryKind};
use jewel_domain::measure::{Money, Weight};
use jewel_domain::metal::Metal;
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{customer_metal, customer_metal_entries};
use crate::error::{RepoError, uuid_of};

pub struct CustomerMetal;

impl CustomerMetal {
    /// Writes `entry` and moves its customer's balance of its metal by
    /// it; `false` (nothing written) when that would take the balance
    /// below nothing.
    pub async fn record(db: &impl ConnectionTrait, entry: &MetalEntry) -> Result<bool, RepoError> {
        use customer_metal::Column;
        let (customer, metal) = (entry.customer_id.to_string(), entry.metal.as_str());
        customer_metal::Entity::insert(customer_metal::ActiveModel {
            customer_id: Set(customer.clone()),
            metal: Set(metal.to_owned()),
            fine_milligrams: Set(0),
        })
        .on_conflict_do_nothing_on([Column::CustomerId, Column::Metal])
        .exec_without_returning(db)
        .await?;
        let change = entry.change();
        let moved = customer_metal::Entity::update_many()
            .col_expr(
                Column::FineMilligrams,
                Expr::col(Column::FineMilligrams).add(change),
            )
            .filter(Column::CustomerId.eq(customer))
            .filter(Column::Metal.eq(metal))
            .filter(Expr::col(Column::FineMilligrams).add(change).gte(0))
            .exec(db)
            .await?;
        if moved.rows_affected != 1 {
            return Ok(false);
        }
        customer_metal_entries::Entity::insert(customer_metal_entries::ActiveModel {
            id: Set(entry.id.to_string()),
            customer_id: Set(entry.customer_id.to_string()),
            branch_id: Set(entry.branch_id.to_string()),
            metal: Set(metal.to_owned()),
            kind: Set(entry.kind.as_str().to_owned()),
            fine_milligrams: Set(entry.fine_weight.units()),
            gross_milligrams: Set(entry.gross_weight.map(Weight::units)),
            fineness: Set(entry.fineness.map(i32::from)),
            job_id: Set(entry.job_id.map(|j| j.to_string())),
            rate: Set(entry.rate.map(Money::units)),
            value: Set(entry.value.map(Money::units)),
            note: Set(entry.note.clone()),
            created_by: Set(entry.created_by.to_string()),
            created_at: Set(entry.created_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(true)
    }

    /// The customer's balance of each metal they ever handed over, in fine
    /// grams, by metal.
    pub async fn balances(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Vec<(Metal, Weight)>, RepoError> {
        customer_metal::Entity::find()
            .filter(customer_metal::Column::CustomerId.eq(customer.to_string()))
            .order_by_asc(customer_metal::Column::Metal)
            .all(db)
            .await?
            .into_iter()
            .map(|m| Ok((metal(&m.metal)?, Weight::from_units(m.fine_milligrams))))
            .collect()
    }

    /// The customer's ledger, newest first, a page at a time.
    pub async fn entries(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        page: PageRequest,
    ) -> Result<Page<MetalEntry>, RepoError> {
        use customer_metal_entries::Column;
        let mut query = customer_metal_entries::Entity::find()
            .filter(Column::CustomerId.eq(customer.to_string()))
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let entries = query
            .all(db)
            .await?
            .into_iter()
            .map(into_entry)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(entries, page.limit, |e| e.id))
    }
}

fn corrupt(what: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Custom(format!(
        "stored customer metal {what}"
    )))
}

fn metal(text: &str) -> Result<Metal, RepoError> {
    Metal::parse(text).ok_or_else(|| corrupt("metal"))
}

fn into_entry(m: customer_metal_entries::Model) -> Result<MetalEntry, RepoError> {
    Ok(MetalEntry {
        id: uuid_of(&m.id)?,
        customer_id: uuid_of(&m.customer_id)?,
        branch_id: uuid_of(&m.branch_id)?,
        metal: metal(&m.metal)?,
        kind: MetalEntryKind::parse(&m.kind).ok_or_else(|| corrupt("kind"))?,
        fine_weight: Weight::from_units(m.fine_milligrams),
        gross_weight: m.gross_milligrams.map(Weight::from_units),
        fineness: m
            .fineness
            .map(|f| u16::try_from(f).map_err(|_| corrupt("fineness")))
            .transpose()?,
        job_id: m.job_id.as_deref().map(uuid_of).transpose()?,
        rate: m.rate.map(Money::from_units),
        value: m.value.map(Money::from_units),
        note: m.note,
        created_by: uuid_of(&m.created_by)?,
        created_at: m.created_at,
    })
}
