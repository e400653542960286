//! The daily run: points lapse, tiers due for review are judged again (the
//! only time a customer goes down), and birthdays and wedding anniversaries
//! get their points or a gift voucher (a setting). It runs for a given moment (`as_of`), so it can be
//! run for a past or a coming day; run twice, it changes nothing more:
//! points lapse once (what lapsed is spent), a tier is reviewed once a year,
//! an occasion's reward is given once a year (the entry's or the
//! voucher's `source`).
//! Each customer is one transaction that holds their account's row lock,
//! so the run and a bill or an adjustment of the same points take turns.

use chrono::{DateTime, Datelike, Utc};
use jewel_domain::gift_voucher::{GiftVoucher, VoucherEntry, VoucherEntryKind, VoucherOrigin};
use jewel_domain::loyalty::{
    Entry, EntryKind, Expiry, Occasion, OccasionReward, Programme, occasion_days,
};
use jewel_domain::occasion::OccasionKind;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::loyalty::{Due, Loyalty};
use jewel_persistence::{Database, RepoError};
use serde::Serialize;

use super::LoyaltyError;
use super::adjust::EntryRecord;
use crate::{Actor, Origin, Unit};

/// Customers read at a time.
const BATCH: u64 = 500;

/// Days an occasion is still given for when the run missed its day.
const OCCASION_DAYS: u32 = 7;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyRun {
    pub as_of: DateTime<Utc>,
    /// Customers whose points lapsed, and how many points in all.
    pub lapsed_customers: u64,
    pub lapsed_points: i64,
    /// Tiers judged at their anniversary: kept, raised or lowered.
    pub tiers_kept: u64,
    pub tiers_raised: u64,
    pub tiers_lowered: u64,
    pub birthdays: u64,
    pub anniversaries: u64,
}

/// Runs the day's loyalty work as of `as_of`.
pub async fn run_daily(
    database: &Database,
    as_of: DateTime<Utc>,
) -> Result<DailyRun, LoyaltyError> {
    let (programme, _) = Loyalty::programme(database.connection()).await?;
    let mut run = DailyRun {
        as_of,
        ..DailyRun::default()
    };
    let lapsing = match programme.expiry {
        Expiry::PerAward => Due::AwardsEnded { now: as_of },
        Expiry::AfterLastActivity => Due::Quiet {
            since: as_of
                .checked_sub_months(chrono::Months::new(programme.expiry_months))
                .unwrap_or(as_of),
        },
    };
    let mut lapsing = Batches::of(lapsing);
    while let Some(batch) = lapsing.next(database).await? {
        for customer in batch {
            let lapsed = lapse(database, &programme, customer, as_of).await?;
            if lapsed > 0 {
                run.lapsed_customers += 1;
                run.lapsed_points += lapsed;
            }
        }
    }
    let mut reviews = Batches::of(Due::TierReview { now: as_of });
    while let Some(batch) = reviews.next(database).await? {
        for customer in batch {
            match review(database, &programme, customer, as_of).await? {
                Some(std::cmp::Ordering::Less) => run.tiers_lowered += 1,
                Some(std::cmp::Ordering::Equal) => run.tiers_kept += 1,
                Some(std::cmp::Ordering::Greater) => run.tiers_raised += 1,
                None => {}
            }
        }
    }
    run.birthdays = celebrate(database, &programme, Occasion::Birthday, as_of).await?;
    run.anniversaries = celebrate(database, &programme, Occasion::Anniversary, as_of).await?;
    Ok(run)
}

/// The customers `due` names, read a batch at a time, so that a run over a
/// million accounts holds one batch in memory.
struct Batches {
    due: Due,
    after: Option<uuid::Uuid>,
    done: bool,
}

impl Batches {
    fn of(due: Due) -> Self {
        Self {
            due,
            after: None,
            done: false,
        }
    }

    async fn next(&mut self, database: &Database) -> Result<Option<Vec<uuid::Uuid>>, RepoError> {
        if self.done {
            return Ok(None);
        }
        let batch = Loyalty::due(database.connection(), self.due, self.after, BATCH).await?;
        self.done = batch.len() < BATCH as usize;
        self.after = batch.last().copied();
        Ok((!batch.is_empty()).then_some(batch))
    }
}

fn system_unit(database: &Database) -> Unit {
    Unit::new(
        database,
        Actor::System("loyalty_daily"),
        Origin {
            request_id: "loyalty-daily".to_owned(),
            ip: None,
        },
    )
}

/// Lets the customer's points lapse that the programme says have; how many.
async fn lapse(
    database: &Database,
    programme: &Programme,
    customer: uuid::Uuid,
    as_of: DateTime<Utc>,
) -> Result<i64, LoyaltyError> {
    let mut unit = system_unit(database);
    let txn = unit.txn().await?;
    let account = Loyalty::lock(txn, customer).await?;
    let awards = Loyalty::awards(txn, customer).await?;
    let lapsed = programme.lapsing(&awards, account.last_activity_at, as_of);
    let points: i64 = lapsed.iter().map(|l| l.1).sum();
    if points == 0 {
        unit.rollback().await?;
        return Ok(0);
    }
    let entry = system_entry(
        customer,
        EntryKind::Expired,
        -points,
        as_of,
        None,
        format!("Lapsed on {}", as_of.date_naive()),
    );
    Loyalty::record(txn, &entry, &lapsed).await?;
    unit.audit(
        "create",
        "loyalty_entry",
        entry.id,
        None,
        Some(&EntryRecord::from(&entry)),
    )?;
    unit.commit().await?;
    Ok(points)
}

/// Judges the customer's tier at its review: on what they earned within the
/// window. The same or a new tier is theirs until its next anniversary.
async fn review(
    database: &Database,
    programme: &Programme,
    customer: uuid::Uuid,
    as_of: DateTime<Utc>,
) -> Result<Option<std::cmp::Ordering>, LoyaltyError> {
    let mut unit = system_unit(database);
    let txn = unit.txn().await?;
    let account = Loyalty::lock(txn, customer).await?;
    let Some(due) = account.tier_review_at.filter(|at| *at <= as_of) else {
        // Reviewed meanwhile (another replica's run).
        unit.rollback().await?;
        return Ok(None);
    };
    let earned = Loyalty::qualifying_since(txn, customer, programme.window_start(as_of)).await?;
    let held = programme.rank(account.tier.as_deref());
    let judged = programme.tier_for(earned);
    let rank = judged.map_or(0, |t| programme.rank(Some(&t.name)));
    let change = rank.cmp(&held);
    match judged {
        Some(tier) if account.tier.as_deref() != Some(tier.name.as_str()) => {
            let next = Programme::tier_review_at(as_of);
            Loyalty::set_tier(txn, customer, &tier.name, as_of, next).await?;
            unit.audit(
                "update",
                "loyalty_tier",
                customer,
                Some(&account.tier),
                Some(&Some(tier.name.clone())),
            )?;
        }
        _ => {
            // Kept: judged again at its next anniversary after today.
            let mut next = Programme::tier_review_at(due);
            while next <= as_of {
                next = Programme::tier_review_at(next);
            }
            Loyalty::set_tier_review(txn, customer, next).await?;
        }
    }
    unit.commit().await?;
    Ok(Some(change))
}

/// Gives the occasion's points to every customer whose day it is (or was,
/// within the days a missed run makes up), once a year; how many got them.
async fn celebrate(
    database: &Database,
    programme: &Programme,
    occasion: Occasion,
    as_of: DateTime<Utc>,
) -> Result<u64, LoyaltyError> {
    if !occasion.rewarded(programme) {
        return Ok(0);
    }
    let days = occasion_days(as_of.date_naive(), OCCASION_DAYS);
    let keys: Vec<i32> = days.iter().map(|d| d.0).collect();
    let kind = match occasion {
        Occasion::Birthday => OccasionKind::Birthday,
        Occasion::Anniversary => OccasionKind::Anniversary,
    };
    let mut given = 0;
    let mut after = None;
    loop {
        let batch =
            Customers::celebrating(database.connection(), kind, &keys, after, BATCH).await?;
        after = batch.last().map(|c| c.0);
        for (customer, key) in &batch {
            let Some(&(_, day)) = days.iter().find(|d| d.0 == *key) else {
                continue;
            };
            let year = day.year();
            let gave = match programme.occasion_reward {
                OccasionReward::Points => {
                    give(database, programme, occasion, *customer, year, as_of).await?
                }
                OccasionReward::Voucher => {
                    give_voucher(database, programme, occasion, *customer, year, as_of).await?
                }
            };
            if gave {
                given += 1;
            }
        }
        if batch.len() < BATCH as usize {
            return Ok(given);
        }
    }
}

/// Gives `occasion`'s points of `year` to the customer unless given already.
async fn give(
    database: &Database,
    programme: &Programme,
    occasion: Occasion,
    customer: uuid::Uuid,
    year: i32,
    as_of: DateTime<Utc>,
) -> Result<bool, LoyaltyError> {
    let source = format!("{}:{customer}:{year}", occasion.as_str());
    let mut unit = system_unit(database);
    let txn = unit.txn().await?;
    let account = Loyalty::lock(txn, customer).await?;
    if Loyalty::by_source(txn, &source).await?.is_some() {
        unit.rollback().await?;
        return Ok(false);
    }
    let points = occasion.points(programme);
    let mut entry = system_entry(
        customer,
        EntryKind::Earned,
        points,
        as_of,
        Some(source),
        format!("{} points {year}", capitalised(occasion.as_str())),
    );
    // Spendable at once (there is no bill to return), and a balance below
    // zero is made up first, as from any earning.
    entry.remaining = (points - (-account.balance).max(0)).max(0);
    entry.expires_at = programme.award_expires_at(as_of);
    Loyalty::record(txn, &entry, &[]).await?;
    unit.audit(
        "create",
        "loyalty_entry",
        entry.id,
        None,
        Some(&EntryRecord::from(&entry)),
    )?;
    unit.commit().await?;
    Ok(true)
}

/// Gives `occasion`'s gift voucher of `year` to the customer unless given
/// already (the voucher's `source` is the occasion's, once only).
async fn give_voucher(
    database: &Database,
    programme: &Programme,
    occasion: Occasion,
    customer: uuid::Uuid,
    year: i32,
    as_of: DateTime<Utc>,
) -> Result<bool, LoyaltyError> {
    let source = format!("{}:{customer}:{year}", occasion.as_str());
    let value = programme.occasion_voucher_value;
    let mut voucher = GiftVoucher {
        id: uuid::Uuid::now_v7(),
        code: crate::billing::gift_vouchers::fresh_code(),
        origin: VoucherOrigin::Reward,
        value,
        balance: value,
        customer_id: Some(customer),
        invoice_id: None,
        invoice_line_id: None,
        issued_at: as_of,
        expires_at: GiftVoucher::expiry(as_of, programme.gift_voucher_months),
        voided_at: None,
    };
    let issued = VoucherEntry {
        id: uuid::Uuid::now_v7(),
        voucher_id: voucher.id,
        kind: VoucherEntryKind::Issued,
        amount: value,
        invoice_id: None,
        reason: format!("{} voucher {year}", capitalised(occasion.as_str())),
        actor_kind: "system".to_owned(),
        actor_id: uuid::Uuid::nil(),
        created_at: as_of,
    };
    let mut unit = system_unit(database);
    let txn = unit.txn().await?;
    match crate::billing::gift_vouchers::register(txn, &mut voucher, &source, issued).await {
        Err(RepoError::Taken { field: "source" }) => {
            unit.rollback().await?;
            return Ok(false);
        }
        outcome => outcome?,
    }
    // The code is the voucher itself: the trail keeps what it is worth.
    let record = serde_json::json!({
        "customerId": customer, "origin": "reward", "value": value.to_string(),
        "expiresAt": voucher.expires_at, "reason": format!("{} {year}", occasion.as_str()),
    });
    unit.audit("create", "gift_voucher", voucher.id, None, Some(&record))?;
    unit.commit().await?;
    Ok(true)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An entry the run makes: no bill behind it, by the system.
fn system_entry(
    customer: uuid::Uuid,
    kind: EntryKind,
    points: i64,
    at: DateTime<Utc>,
    source: Option<String>,
    reason: String,
) -> Entry {
    Entry {
        id: uuid::Uuid::now_v7(),
        customer_id: customer,
        kind,
        points,
        remaining: 0,
        qualifying: 0,
        active_at: at,
        expires_at: None,
        invoice_id: None,
        credit_note_id: None,
        source,
        reason: Some(reason),
        actor_kind: "system".to_owned(),
        actor_id: uuid::Uuid::nil(),
        created_at: at,
    }
}
