//! Reports: what the store holds on its customers' behalf (its liabilities
//! to them), read from the ledgers in one snapshot.

use chrono::{DateTime, Utc};
use jewel_domain::measure::Money;
use jewel_persistence::repos::liabilities::{Liabilities as Ledgers, PointsOwed};
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_persistence::repos::schemes::Schemes;
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
    /// Savings scheme advances outstanding: in all, by branch, and by the
    /// month their enrolment matures (`2027-11`), each in order.
    pub scheme_advances: Money,
    pub scheme_enrolments: i64,
    pub scheme_by_branch: Vec<(uuid::Uuid, Money)>,
    pub scheme_by_maturity: Vec<(String, Money)>,
}

impl Liabilities {
    /// The outstanding points at the point value.
    pub fn points_value(&self) -> Money {
        self.point_value.times(self.points.outstanding)
    }

    pub fn total(&self) -> Money {
        self.points_value() + self.store_credit + self.gift_vouchers + self.scheme_advances
    }
}

/// The liabilities as the ledgers stood at `at`, all read in one snapshot.
pub async fn liabilities(database: &Database, at: DateTime<Utc>) -> Result<Liabilities, RepoError> {
    let txn = database.connection().begin().await?;
    let (programme, _) = Loyalty::programme(&txn).await?;
    let points = Ledgers::points(&txn, at).await?;
    let credit = Ledgers::store_credit(&txn, at).await?;
    let vouchers = Ledgers::gift_vouchers(&txn, at).await?;
    let advances = Schemes::advances(&txn, at).await?;
    txn.commit().await?;
    Ok(Liabilities {
        as_of: at,
        points,
        point_value: programme.point_value,
        store_credit: Money::from_units(credit.outstanding),
        store_credit_customers: credit.customers,
        gift_vouchers: Money::from_units(vouchers.outstanding),
        gift_vouchers_held: vouchers.vouchers,
        scheme_advances: Money::from_units(advances.iter().map(|a| a.outstanding).sum()),
        scheme_enrolments: i64::try_from(advances.len()).unwrap_or(i64::MAX),
        scheme_by_branch: summed(advances.iter().map(|a| (a.branch_id, a.outstanding))),
        scheme_by_maturity: summed(advances.iter().map(|a| {
            let month = a.terms.maturity(a.started_at).format("%Y-%m").to_string();
            (month, a.outstanding)
        })),
    })
}

/// Paise summed by key, in the keys' order.
fn summed<K: Ord>(items: impl Iterator<Item = (K, i64)>) -> Vec<(K, Money)> {
    let mut sums = std::collections::BTreeMap::new();
    for (key, paise) in items {
        *sums.entry(key).or_insert(0) += paise;
    }
    sums.into_iter()
        .map(|(key, paise)| (key, Money::from_units(paise)))
        .collect()
}
