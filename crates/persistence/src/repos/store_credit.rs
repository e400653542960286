//! Store credit: each customer's balance and the ledger that is its sum.
//! A change takes the account's row lock first ([`StoreCredit::lock`]), so
//! two changes of one customer's credit are made one after the other; the
//! balance is moved with a guard that it stays at or above zero.

use chrono::Utc;
use jewel_domain::measure::Money;
use jewel_domain::store_credit::{CreditEntry, CreditKind};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{store_credit_accounts, store_credit_entries};
use crate::error::{OnConstraint, RepoError, uuid_of};

pub struct StoreCredit;

impl StoreCredit {
    /// The customer's balance, their account opened empty if they have
    /// none, with its row lock held to the end of the transaction.
    #[tracing::instrument(name = "store_credit.lock", skip(db))]
    pub async fn lock(db: &impl ConnectionTrait, customer: uuid::Uuid) -> Result<Money, RepoError> {
        store_credit_accounts::Entity::insert(store_credit_accounts::ActiveModel {
            customer_id: Set(customer.to_string()),
            balance: Set(0),
            updated_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing_on([store_credit_accounts::Column::CustomerId])
        .exec_without_returning(db)
        .await
        .on_foreign_key("customerId")?;
        store_credit_accounts::Entity::find_by_id(customer.to_string())
            .lock_exclusive()
            .one(db)
            .await?
            .map(|a| Money::from_units(a.balance))
            .ok_or(RepoError::NotFound)
    }

    /// The customer's balance (zero before their first credit).
    pub async fn balance(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Money, RepoError> {
        Ok(
            store_credit_accounts::Entity::find_by_id(customer.to_string())
                .one(db)
                .await?
                .map_or(Money::ZERO, |a| Money::from_units(a.balance)),
        )
    }

    /// Writes `entry` (once per `source`: `Taken { field: "source" }`
    /// otherwise) and moves the balance by its amount; `StaleVersion` when
    /// that would take the balance below zero.
    #[tracing::instrument(name = "store_credit.record", skip_all, fields(kind = entry.kind.as_str()))]
    pub async fn record(
        db: &impl ConnectionTrait,
        entry: &CreditEntry,
        source: &str,
    ) -> Result<(), RepoError> {
        let amount = entry.amount.units();
        let moved = store_credit_accounts::Entity::update_many()
            .col_expr(
                store_credit_accounts::Column::Balance,
                Expr::col(store_credit_accounts::Column::Balance).add(amount),
            )
            .col_expr(
                store_credit_accounts::Column::UpdatedAt,
                Expr::value(Utc::now()),
            )
            .filter(store_credit_accounts::Column::CustomerId.eq(entry.customer_id.to_string()))
            .filter(
                Expr::col(store_credit_accounts::Column::Balance)
                    .add(amount)
                    .gte(0),
            )
            .exec(db)
            .await?;
        if moved.rows_affected != 1 {
            return Err(RepoError::StaleVersion);
        }
        store_credit_entries::Entity::insert(store_credit_entries::ActiveModel {
            id: Set(entry.id.to_string()),
            customer_id: Set(entry.customer_id.to_string()),
            kind: Set(entry.kind.as_str().to_owned()),
            amount: Set(amount),
            invoice_id: Set(entry.invoice_id.map(|id| id.to_string())),
            credit_note_id: Set(entry.credit_note_id.map(|id| id.to_string())),
            source: Set(source.to_owned()),
            reason: Set(entry.reason.clone()),
            actor_kind: Set(entry.actor_kind.clone()),
            actor_id: Set(entry.actor_id.to_string()),
            created_at: Set(entry.created_at),
        })
        .exec_without_returning(db)
        .await
        .on_unique("source")?;
        Ok(())
    }

    /// Every entry made for the bill `invoice` (spent on it, given back).
    pub async fn of_invoice(
        db: &impl ConnectionTrait,
        invoice: uuid::Uuid,
    ) -> Result<Vec<CreditEntry>, RepoError> {
        store_credit_entries::Entity::find()
            .filter(store_credit_entries::Column::InvoiceId.eq(invoice.to_string()))
            .order_by_asc(store_credit_entries::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_entry)
            .collect()
    }

    /// The customer's ledger, newest first (ids are time-ordered), a page
    /// at a time.
    pub async fn entries(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        page: PageRequest,
    ) -> Result<Page<CreditEntry>, RepoError> {
        use store_credit_entries::Column;
        let mut query = store_credit_entries::Entity::find()
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

fn into_entry(m: store_credit_entries::Model) -> Result<CreditEntry, RepoError> {
    let optional = |id: Option<String>| id.as_deref().map(uuid_of).transpose();
    Ok(CreditEntry {
        id: uuid_of(&m.id)?,
        customer_id: uuid_of(&m.customer_id)?,
        kind: CreditKind::parse(&m.kind).ok_or_else(|| {
            RepoError::Database(sea_orm::DbErr::Custom(format!(
                "unknown store credit entry kind {}",
                m.kind
            )))
        })?,
        amount: Money::from_units(m.amount),
        invoice_id: optional(m.invoice_id)?,
        credit_note_id: optional(m.credit_note_id)?,
        reason: m.reason,
        actor_kind: m.actor_kind,
        actor_id: uuid_of(&m.actor_id)?,
        created_at: m.created_at,
    })
}
