//! The purchases kept on each customer (count, lifetime value, last
//! purchase), brought up to date from their bills and credit notes.

use chrono::{DateTime, Utc};
use jewel_domain::invoice::InvoiceStatus;
use jewel_domain::measure::Money;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::Invoices;
use crate::error::RepoError;

/// Sets the purchases kept on `customer` (or on every customer) from their
/// bills, in one statement: the issued, partly paid and paid ones count,
/// credit notes come off the lifetime value.
async fn refresh_purchases_of(
    db: &impl ConnectionTrait,
    customer: Option<uuid::Uuid>,
) -> Result<(), RepoError> {
    let sales = [
        InvoiceStatus::Issued,
        InvoiceStatus::PartiallyPaid,
        InvoiceStatus::Paid,
    ]
    .map(|s| format!("'{}'", s.as_str()))
    .join(", ");
    let theirs = format!(
        "FROM invoices WHERE invoices.customer_id = customers.id AND invoices.status IN ({sales})"
    );
    // SUM is DECIMAL on MySQL: cast back to a whole number.
    let mut sql = format!(
        "UPDATE customers SET \
         purchase_count = (SELECT COUNT(*) {theirs}), \
         lifetime_value = COALESCE((SELECT CAST(SUM(total) AS SIGNED) {theirs}), 0) \
           - COALESCE((SELECT CAST(SUM(total) AS SIGNED) FROM credit_notes \
                       WHERE credit_notes.customer_id = customers.id), 0), \
         last_purchase_at = (SELECT MAX(issued_at) {theirs})"
    );
    let mut values: Vec<sea_orm::Value> = Vec::new();
    if let Some(customer) = customer {
        sql.push_str(" WHERE customers.id = ?");
        values.push(customer.to_string().into());
    }
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        values,
    ))
    .await?;
    Ok(())
}

impl Invoices {
    /// [`Self::refresh_purchases`] for every customer at once, in one
    /// statement: after bills were brought in by [`Self::insert_issued`].
    pub async fn refresh_all_purchases(db: &impl ConnectionTrait) -> Result<(), RepoError> {
        refresh_purchases_of(db, None).await
    }

    /// Brings the purchases kept on `customer` (count, lifetime value, last
    /// purchase) up to date with their bills: issued and not cancelled.
    /// Call in the transaction that changed a bill of theirs.
    pub async fn refresh_purchases(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<(), RepoError> {
        refresh_purchases_of(db, Some(customer)).await
    }
}

impl Invoices {
    /// Counts one more bill of `total` issued `at` to `customer`, without
    /// reading their bills again: what [`Self::refresh_purchases`] would
    /// give after an issue. Call in the issuing transaction.
    pub async fn add_purchase(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        total: Money,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        use crate::entities::customers::{Column, Entity};
        let latest = Expr::case(
            Expr::col(Column::LastPurchaseAt)
                .is_null()
                .or(Expr::col(Column::LastPurchaseAt).lt(at)),
            at,
        )
        .finally(Expr::col(Column::LastPurchaseAt));
        Entity::update_many()
            .col_expr(
                Column::PurchaseCount,
                Expr::col(Column::PurchaseCount).add(1),
            )
            .col_expr(
                Column::LifetimeValue,
                Expr::col(Column::LifetimeValue).add(total.units()),
            )
            .col_expr(Column::LastPurchaseAt, latest.into())
            .filter(Column::Id.eq(customer.to_string()))
            .exec(db)
            .await?;
        Ok(())
    }
}

/// A sale as its follow-ups read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleMade {
    pub invoice_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub total: Money,
    pub issued_at: DateTime<Utc>,
    /// Who sold it, the first named first; else who issued it.
    pub sellers: Vec<uuid::Uuid>,
}

impl Invoices {
    /// The sales to a customer issued from `from` until before `until`
    /// and not cancelled, in the order they were issued.
    pub async fn sales_between(
        db: &impl ConnectionTrait,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<SaleMade>, RepoError> {
        use crate::entities::invoices::{Column, Entity};
        use sea_orm::QueryOrder;
        let sales = [
            InvoiceStatus::Issued,
            InvoiceStatus::PartiallyPaid,
            InvoiceStatus::Paid,
        ]
        .map(|s| s.as_str());
        let rows = Entity::find()
            .filter(Column::Status.is_in(sales))
            .filter(Column::IssuedAt.gte(from))
            .filter(Column::IssuedAt.lt(until))
            .filter(Column::CustomerId.is_not_null())
            .order_by_asc(Column::IssuedAt)
            .order_by_asc(Column::Id)
            .all(db)
            .await?;
        let bad =
            |what: &str| RepoError::Database(sea_orm::DbErr::Custom(format!("stored sale {what}")));
        rows.into_iter()
            .map(|m| {
                let mut sellers: Vec<uuid::Uuid> =
                    serde_json::from_str(&m.sales_people).map_err(|_| bad("sales people"))?;
                if let Some(issuer) = m.issued_by.as_deref().and_then(|i| i.parse().ok()) {
                    sellers.push(issuer);
                }
                Ok(SaleMade {
                    invoice_id: crate::error::uuid_of(&m.id)?,
                    number: m.number.unwrap_or_default(),
                    branch_id: crate::error::uuid_of(&m.branch_id)?,
                    customer_id: crate::error::uuid_of(m.customer_id.as_deref().unwrap_or(""))?,
                    total: Money::from_units(m.total),
                    issued_at: m.issued_at.ok_or_else(|| bad("issue time"))?,
                    sellers,
                })
            })
            .collect()
    }
}
