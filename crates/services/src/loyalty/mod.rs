//! Loyalty: points earned on bills (from `invoice.issued`, by the relay),
//! adjusted by hand, and where a customer's points stand. Every change of
//! one customer's points holds their account's row lock, so each sees the
//! last one's balance.

mod adjust;
mod daily;
mod earning;
mod reversal;
mod spend;

pub use adjust::{Adjustment, adjust, set_programme};
pub use daily::{DailyRun, run_daily};
pub use earning::Earning;
pub use reversal::Reversal;
pub use spend::spend;

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::loyalty::{Programme, Standing};
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_persistence::{ConnectionTrait, RepoError};

/// Why loyalty refuses.
#[derive(Debug, thiserror::Error)]
pub enum LoyaltyError {
    #[error("no such customer")]
    NotFound,
    /// The programme changed since the caller read it.
    #[error("the programme was changed by someone else")]
    Stale,
    /// Another change of the same points won a race; try again.
    #[error("the customer's points changed meanwhile; try again")]
    Raced,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}

impl From<RepoError> for LoyaltyError {
    fn from(error: RepoError) -> Self {
        match error {
            RepoError::StaleVersion => Self::Stale,
            RepoError::NotFound | RepoError::MissingReference { .. } => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// `NotFound` unless the customer exists and was neither merged nor erased.
pub async fn live_customer(
    db: &impl ConnectionTrait,
    customer: uuid::Uuid,
) -> Result<(), LoyaltyError> {
    match Customers::get(db, customer).await? {
        Some(c) if c.merged_into.is_none() && c.erased_at.is_none() => Ok(()),
        _ => Err(LoyaltyError::NotFound),
    }
}

/// Where `customer`'s points stand at `now` under `programme`.
pub async fn standing(
    db: &impl ConnectionTrait,
    programme: &Programme,
    customer: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<Standing, LoyaltyError> {
    // The ledger first, the account after: an account read later than the
    // ledger holds at least what the ledger shows (an earning's tier
    // commits with its entry).
    let (balance, pending) = Loyalty::sums(db, customer, now).await?;
    let account = Loyalty::account(db, customer).await?;
    let qualifying = Loyalty::qualifying_since(db, customer, programme.window_start(now)).await?;
    let next_expiry = match account.as_ref().and_then(|a| a.last_activity_at) {
        Some(last) if balance > 0 => match programme.inactive_expiry(last) {
            Some(at) => Some((at, balance)),
            None => Loyalty::awards(db, customer)
                .await?
                .iter()
                .filter_map(|a| a.expires_at.map(|at| (at, a.remaining)))
                .fold(
                    None,
                    |soonest: Option<(DateTime<Utc>, i64)>, (at, points)| match soonest {
                        Some((s, sum)) if s == at => Some((s, sum + points)),
                        Some((s, sum)) if s < at => Some((s, sum)),
                        _ => Some((at, points)),
                    },
                ),
        },
        _ => None,
    };
    Ok(Standing {
        customer_id: customer,
        balance,
        pending,
        tier: account
            .as_ref()
            .and_then(|a| a.tier.clone())
            .or_else(|| programme.tiers.first().map(|t| t.name.clone())),
        tier_since: account.as_ref().and_then(|a| a.tier_since),
        tier_review_at: account.as_ref().and_then(|a| a.tier_review_at),
        qualifying,
        next_expiry,
        has_redeemed: account.is_some_and(|a| a.has_redeemed),
    })
}
