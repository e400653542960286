//! Reports: what the store holds on its customers' behalf (its liabilities
//! to them), read from the ledgers in one snapshot.

use chrono::{DateTime, Utc};
use jewel_domain::measure::Money;
use jewel_persistence::repos::liabilities::{Liabilities as Ledgers, PointsOwed};
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_persistence::{Database, RepoError, TransactionTrait};

/// Points, store credit and gift vouchers outstanding at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liabilities {
    pub as_of: DateTime<Utc>,
    pub points: PointsOwed,
    /// The programme's value of a point (today's setting).
    pub point_value: Money,
    pub store_credit: Money,
    pub store_credit_customers: i64,
    /// Gift vouchers not expired then.
    pub gift_vouchers: Money,
    pub gift_vouchers_held: i64,
}

impl Liabilities {
    /// The outstanding points at the point value.
    pub fn points_value(&self) -> Money {
        self.point_value.times(self.points.outstanding)
    }

    pub fn total(&self) -> Money {
        self.points_value() + self.store_credit + self.gift_vouchers
    }
}

/// The liabilities as the ledgers stood at `at`, all read in one snapshot.
pub async fn liabilities(database: &Database, at: DateTime<Utc>) -> Result<Liabilities, RepoError> {
    let txn = database.connection().begin().await?;
    let (programme, _) = Loyalty::programme(&txn).await?;
    let points = Ledgers::points(&txn, at).await?;
    let credit = Ledgers::store_credit(&txn, at).await?;
    let vouchers = Ledgers::gift_vouchers(&txn, at).await?;
    txn.commit().await?;
    Ok(Liabilities {
        as_of: at,
        points,
        point_value: programme.point_value,
        store_credit: Money::from_units(credit.outstanding),
        store_credit_customers: credit.customers,
        gift_vouchers: Money::from_units(vouchers.outstanding),
        gift_vouchers_held: vouchers.vouchers,
    })
}
