//! What the store holds on its customers' behalf at a moment: the points,
//! store credit and gift vouchers outstanding, each summed from its ledger as it stood
//! then (entries made up to that moment), so that a report of a past day
//! reads the same whenever it is run.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement};

use crate::error::RepoError;

pub struct Liabilities;

/// The points ledger at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PointsOwed {
    /// The balances above zero, summed.
    pub outstanding: i64,
    /// The balances below zero (points taken back after they were spent),
    /// summed: `outstanding + overdrawn` is the whole ledger's sum.
    pub overdrawn: i64,
    /// Of the outstanding, points earned but not yet spendable then.
    pub pending: i64,
    /// Customers with a balance above zero.
    pub customers: i64,
}

/// The store-credit ledger at a moment, in paise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CreditOwed {
    pub outstanding: i64,
    pub customers: i64,
}

/// The gift vouchers not expired at a moment, in paise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VouchersOwed {
    pub outstanding: i64,
    /// Vouchers with something left then.
    pub vouchers: i64,
}

impl Liabilities {
    /// The points ledger as it stood at `at`.
    #[tracing::instrument(name = "liabilities.points", skip(db))]
    pub async fn points(
        db: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> Result<PointsOwed, RepoError> {
        let backend = db.get_database_backend();
        let balances = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT CAST(COALESCE(SUM(CASE WHEN total > 0 THEN total ELSE 0 END), 0) AS SIGNED) AS outstanding, \
                        CAST(COALESCE(SUM(CASE WHEN total < 0 THEN total ELSE 0 END), 0) AS SIGNED) AS overdrawn, \
                        COUNT(CASE WHEN total > 0 THEN 1 END) AS customers \
                 FROM (SELECT customer_id, SUM(points) AS total FROM loyalty_entries \
                       WHERE created_at <= ? GROUP BY customer_id) balances",
                [at.into()],
            ))
            .await?;
        // What each award not yet spendable then held then: its points less
        // what entries made by then drew from it.
        let pending = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT CAST(COALESCE(SUM(a.points - COALESCE(d.taken, 0)), 0) AS SIGNED) AS pending \
                 FROM loyalty_entries a \
                 LEFT JOIN (SELECT dr.award_id, SUM(dr.points) AS taken FROM loyalty_draws dr \
                            JOIN loyalty_entries e ON e.id = dr.entry_id \
                            WHERE e.created_at <= ? GROUP BY dr.award_id) d ON d.award_id = a.id \
                 WHERE a.points > 0 AND a.created_at <= ? AND a.active_at > ?",
                [at.into(), at.into(), at.into()],
            ))
            .await?;
        let number = |row: &Option<sea_orm::QueryResult>, column: &str| -> Result<i64, RepoError> {
            match row {
                Some(row) => Ok(row.try_get::<Option<i64>>("", column)?.unwrap_or(0)),
                None => Ok(0),
            }
        };
        let outstanding = number(&balances, "outstanding")?;
        Ok(PointsOwed {
            outstanding,
            overdrawn: number(&balances, "overdrawn")?,
            pending: number(&pending, "pending")?.clamp(0, outstanding),
            customers: number(&balances, "customers")?,
        })
    }

    /// The store-credit ledger as it stood at `at`.
    #[tracing::instrument(name = "liabilities.store_credit", skip(db))]
    pub async fn store_credit(
        db: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> Result<CreditOwed, RepoError> {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT CAST(COALESCE(SUM(total), 0) AS SIGNED) AS outstanding, \
                        COUNT(CASE WHEN total > 0 THEN 1 END) AS customers \
                 FROM (SELECT customer_id, SUM(amount) AS total FROM store_credit_entries \
                       WHERE created_at <= ? GROUP BY customer_id) balances",
                [at.into()],
            ))
            .await?;
        let Some(row) = row else {
            return Ok(CreditOwed::default());
        };
        Ok(CreditOwed {
            outstanding: row.try_get::<Option<i64>>("", "outstanding")?.unwrap_or(0),
            customers: row.try_get::<Option<i64>>("", "customers")?.unwrap_or(0),
        })
    }

    /// The gift-voucher ledger as it stood at `at`: every voucher not
    /// expired by then (an expired balance is owed to no one).
    #[tracing::instrument(name = "liabilities.gift_vouchers", skip(db))]
    pub async fn gift_vouchers(
        db: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> Result<VouchersOwed, RepoError> {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT CAST(COALESCE(SUM(total), 0) AS SIGNED) AS outstanding, \
                        COUNT(CASE WHEN total > 0 THEN 1 END) AS vouchers \
                 FROM (SELECT e.voucher_id, SUM(e.amount) AS total FROM gift_voucher_entries e \
                       JOIN gift_vouchers v ON v.id = e.voucher_id \
                       WHERE e.created_at <= ? AND v.expires_at > ? GROUP BY e.voucher_id) balances",
                [at.into(), at.into()],
            ))
            .await?;
        let Some(row) = row else {
            return Ok(VouchersOwed::default());
        };
        Ok(VouchersOwed {
            outstanding: row.try_get::<Option<i64>>("", "outstanding")?.unwrap_or(0),
            vouchers: row.try_get::<Option<i64>>("", "vouchers")?.unwrap_or(0),
        })
    }
}
