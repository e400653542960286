//! Loyalty: the programme's rules (what a bill earns, when points can be
//! spent, when they lapse, the tiers) and the arithmetic of the points
//! ledger. Points are whole numbers; the money they stand for is exact.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::measure::{Factor, Money, Percent};
use crate::validation::{FieldError, Invalid};

/// What of a bill earns points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EarnBasis {
    /// The value before tax, after discounts.
    TaxableValue,
    /// The making charge only.
    Making,
    /// What the customer pays, tax included.
    Total,
}

/// When earned points lapse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expiry {
    /// All of a customer's points, `expiry_months` after their last earning
    /// or spending.
    AfterLastActivity,
    /// Each award on its own, `expiry_months` after it was earned.
    PerAward,
}

/// What a birthday or anniversary gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OccasionReward {
    /// The occasion's points (`birthday_points`, `anniversary_points`).
    Points,
    /// A gift voucher of `occasion_voucher_value`.
    Voucher,
}

/// A tier of the programme: reached at `threshold` qualifying points
/// earned within the window, multiplying what later bills earn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tier {
    pub name: String,
    pub threshold: i64,
    pub multiplier: Factor,
}

/// Most points an occasion gives.
const MOST_OCCASION_POINTS: i64 = 100_000;

/// Most an occasion's voucher is worth, in paise (1,00,000.00).
const MOST_OCCASION_VOUCHER: i64 = 10_000_000;

/// Months from reaching a tier (or its last review) to its next review.
const TIER_YEAR: u32 = 12;

/// The programme's rules; every one a setting with a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Programme {
    pub earn_basis: EarnBasis,
    /// Points per 100 of the basis, before the tier's multiplier.
    pub points_per_100: Factor,
    /// Categories of pieces that earn nothing (coins, bullion) but count
    /// for the tier; lower case.
    pub non_earning_categories: Vec<String>,
    /// Days from the bill before its points can be spent (the return window).
    pub pending_days: u32,
    pub expiry: Expiry,
    pub expiry_months: u32,
    /// What one point is worth when spent.
    pub point_value: Money,
    /// Points a customer must hold to spend any the first time.
    pub first_redemption_minimum: i64,
    /// At most this share of a bill's total paid in points.
    pub redemption_cap: Percent,
    /// From the lowest threshold up; the first starts at 0.
    pub tiers: Vec<Tier>,
    /// Months of earning a tier is judged on.
    pub tier_window_months: u32,
    /// Points given on a customer's birthday, once a year (0: none).
    pub birthday_points: i64,
    /// Points given on a customer's wedding anniversary, once a year (0: none).
    pub anniversary_points: i64,
    /// Months a gift voucher can be spent for from its issue.
    pub gift_voucher_months: u32,
    /// Whether occasions give points or a gift voucher.
    pub occasion_reward: OccasionReward,
    /// The value of an occasion's voucher (0: none).
    pub occasion_voucher_value: Money,
}

impl Default for Programme {
    fn default() -> Self {
        let factor = |units| Factor::from_units(units);
        Self {
            earn_basis: EarnBasis::TaxableValue,
            points_per_100: factor(100),
            non_earning_categories: vec!["coin".to_owned(), "bullion".to_owned()],
            pending_days: 7,
            expiry: Expiry::AfterLastActivity,
            expiry_months: 24,
            point_value: Money::from_units(100),
            first_redemption_minimum: 250,
            redemption_cap: Percent::from_units(2000),
            tiers: vec![
                Tier {
                    name: "Silver".to_owned(),
                    threshold: 0,
                    multiplier: factor(100),
                },
                Tier {
                    name: "Gold".to_owned(),
                    threshold: 2_500,
                    multiplier: factor(125),
                },
                Tier {
                    name: "Platinum".to_owned(),
                    threshold: 10_000,
                    multiplier: factor(150),
                },
            ],
            tier_window_months: 24,
            birthday_points: 100,
            anniversary_points: 100,
            gift_voucher_months: 12,
            occasion_reward: OccasionReward::Points,
            occasion_voucher_value: Money::from_units(50_000),
        }
    }
}

impl Programme {
    /// Every rule checked at once, each fault naming its field.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errors = Vec::new();
        let mut fault = |field: &str, code: &str, message: &str| {
            errors.push(FieldError::new(field, code, message));
        };
        if self.points_per_100.is_zero() || self.points_per_100.value() > Decimal::ONE_HUNDRED {
            fault("pointsPer100", "range", "more than 0, at most 100");
        }
        if self.pending_days > 365 {
            fault("pendingDays", "range", "at most 365");
        }
        if !(1..=120).contains(&self.expiry_months) {
            fault("expiryMonths", "range", "from 1 to 120");
        }
        if self.point_value.is_zero() {
            fault("pointValue", "range", "more than 0");
        }
        if !(0..=1_000_000).contains(&self.first_redemption_minimum) {
            fault("firstRedemptionMinimum", "range", "from 0 to 1000000");
        }
        if self.redemption_cap.value() > Decimal::ONE_HUNDRED {
            fault("redemptionCap", "range", "at most 100");
        }
        if !(1..=60).contains(&self.tier_window_months) {
            fault("tierWindowMonths", "range", "from 1 to 60");
        }
        if !(0..=MOST_OCCASION_POINTS).contains(&self.birthday_points) {
            fault("birthdayPoints", "range", "from 0 to 100000");
        }
        if !(0..=MOST_OCCASION_POINTS).contains(&self.anniversary_points) {
            fault("anniversaryPoints", "range", "from 0 to 100000");
        }
        if !(1..=60).contains(&self.gift_voucher_months) {
            fault("giftVoucherMonths", "range", "from 1 to 60");
        }
        if self.occasion_voucher_value > Money::from_units(MOST_OCCASION_VOUCHER) {
            fault("occasionVoucherValue", "range", "at most 100000.00");
        }
        for (index, category) in self.non_earning_categories.iter().enumerate() {
            if category.trim().is_empty() || category.chars().count() > 40 {
                fault(
                    &format!("nonEarningCategories[{index}]"),
                    "format",
                    "a category of 1 to 40 characters",
                );
            }
        }
        if self.tiers.is_empty() || self.tiers.len() > 10 {
            fault("tiers", "range", "from 1 to 10 tiers");
        }
        for (index, tier) in self.tiers.iter().enumerate() {
            let field = |name: &str| format!("tiers[{index}].{name}");
            if tier.name.trim().is_empty() || tier.name.chars().count() > 40 {
                fault(&field("name"), "format", "a name of 1 to 40 characters");
            }
            if self.tiers[..index]
                .iter()
                .any(|t| t.name.eq_ignore_ascii_case(&tier.name))
            {
                fault(&field("name"), "duplicate", "another tier has this name");
            }
            let previous = index.checked_sub(1).map(|i| &self.tiers[i]);
            match previous {
                None if tier.threshold != 0 => {
                    fault(&field("threshold"), "range", "the first tier starts at 0");
                }
                Some(before) if tier.threshold <= before.threshold => {
                    fault(&field("threshold"), "order", "above the tier before it");
                }
                _ => {}
            }
            if tier.multiplier.value() < Decimal::ONE || tier.multiplier.value() > Decimal::TEN {
                fault(&field("multiplier"), "range", "from 1 to 10");
            }
        }
        Invalid::from_errors(errors).map_or(Ok(()), Err)
    }

    /// Whether a line of this category earns points.
    pub fn earns(&self, category: Option<&str>) -> bool {
        category.is_none_or(|c| {
            !self
                .non_earning_categories
                .iter()
                .any(|n| n.eq_ignore_ascii_case(c.trim()))
        })
    }

    /// The points `basis` earns at `multiplier`: basis / 100 x points per
    /// 100 x multiplier, rounded down to a whole point; never below 0.
    pub fn points(&self, basis: Money, multiplier: Factor) -> i64 {
        let exact =
            basis.value() / Decimal::ONE_HUNDRED * self.points_per_100.value() * multiplier.value();
        exact.floor().to_i64().unwrap_or(i64::MAX).max(0)
    }

    /// The points `amount` paid in points stands for; `None` unless it is a
    /// whole number of them.
    pub fn points_paying(&self, amount: Money) -> Option<i64> {
        let exact = amount.value() / self.point_value.value();
        exact.fract().is_zero().then(|| exact.to_i64()).flatten()
    }

    /// The tier `qualifying` points reach (the first when none).
    pub fn tier_for(&self, qualifying: i64) -> Option<&Tier> {
        self.tiers
            .iter()
            .rev()
            .find(|t| t.threshold <= qualifying)
            .or(self.tiers.first())
    }

    /// The multiplier of the tier named `name` (1 when it is not a tier).
    pub fn multiplier_of(&self, name: Option<&str>) -> Factor {
        name.and_then(|n| self.tiers.iter().find(|t| t.name == n))
            .map_or(Factor::from_units(100), |t| t.multiplier)
    }

    /// When points earned at `at` can be spent.
    pub fn active_at(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        at.checked_add_days(Days::new(self.pending_days.into()))
            .unwrap_or(at)
    }

    /// When an award earned at `at` lapses on its own (per-award expiry).
    pub fn award_expires_at(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.expiry {
            Expiry::PerAward => at.checked_add_months(Months::new(self.expiry_months)),
            Expiry::AfterLastActivity => None,
        }
    }

    /// When all points lapse after a last earning or spending at `at`.
    pub fn inactive_expiry(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.expiry {
            Expiry::AfterLastActivity => at.checked_add_months(Months::new(self.expiry_months)),
            Expiry::PerAward => None,
        }
    }

    /// The place of the tier named `name` from the lowest (the first tier
    /// when `name` is none or no longer a tier).
    pub fn rank(&self, name: Option<&str>) -> usize {
        name.and_then(|n| self.tiers.iter().position(|t| t.name == n))
            .unwrap_or(0)
    }

    /// When a tier reached (or kept) at `since` is judged again: its
    /// anniversary, the only time a customer can go down.
    pub fn tier_review_at(since: DateTime<Utc>) -> DateTime<Utc> {
        since
            .checked_add_months(Months::new(TIER_YEAR))
            .unwrap_or(since)
    }

    /// The awards that lapse at `now`: under per-award expiry each whose
    /// term ended; otherwise all of them once `expiry_months` passed since
    /// the last earning or spending (`last_activity`, or the newest award
    /// when there was none). What each gives up.
    pub fn lapsing(
        &self,
        awards: &[Award],
        last_activity: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Vec<(uuid::Uuid, i64)> {
        let unspent = awards.iter().filter(|a| a.remaining > 0);
        let lapsed: Vec<&Award> = match self.expiry {
            Expiry::PerAward => unspent
                .filter(|a| a.expires_at.is_some_and(|at| at <= now))
                .collect(),
            Expiry::AfterLastActivity => {
                let last = last_activity.or_else(|| awards.iter().map(|a| a.created_at).max());
                match last.and_then(|at| self.inactive_expiry(at)) {
                    Some(at) if at <= now => unspent.collect(),
                    _ => Vec::new(),
                }
            }
        };
        lapsed.iter().map(|a| (a.entry_id, a.remaining)).collect()
    }

    /// Where a tier's window starts for a judgement at `now`.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now.checked_sub_months(Months::new(self.tier_window_months))
            .unwrap_or(now)
    }
}

/// What an entry of the points ledger records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Earned,
    Redeemed,
    Expired,
    Reversed,
    Adjusted,
}

impl EntryKind {
    pub const ALL: [Self; 5] = [
        Self::Earned,
        Self::Redeemed,
        Self::Expired,
        Self::Reversed,
        Self::Adjusted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Earned => "earned",
            Self::Redeemed => "redeemed",
            Self::Expired => "expired",
            Self::Reversed => "reversed",
            Self::Adjusted => "adjusted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One entry of the points ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub kind: EntryKind,
    /// What it adds to the balance (negative when it takes).
    pub points: i64,
    /// Of an entry that adds points, what is not yet spent.
    pub remaining: i64,
    /// What counts toward the tier.
    pub qualifying: i64,
    /// When its points can be spent (pending until then).
    pub active_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub invoice_id: Option<uuid::Uuid>,
    pub credit_note_id: Option<uuid::Uuid>,
    /// What makes it once only: the event behind it, or an adjustment's
    /// external id.
    pub source: Option<String>,
    pub reason: Option<String>,
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub created_at: DateTime<Utc>,
}

/// Points added to a customer's balance that are not yet spent (an
/// earning, or an adjustment up): what spending draws on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    pub entry_id: uuid::Uuid,
    pub remaining: i64,
    pub active_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Takes `points` from `awards` that are active at `now`, the soonest to
/// lapse first (then the oldest): what each gives. `None` when they hold
/// fewer points than that.
pub fn draw(awards: &[Award], points: i64, now: DateTime<Utc>) -> Option<Vec<(uuid::Uuid, i64)>> {
    let mut usable: Vec<&Award> = awards
        .iter()
        .filter(|a| a.remaining > 0 && a.active_at <= now)
        .collect();
    usable.sort_by_key(|a| {
        (
            a.expires_at.is_none(),
            a.expires_at,
            a.created_at,
            a.entry_id,
        )
    });
    let taken = take_in_order(&usable, points);
    (taken.iter().map(|t| t.1).sum::<i64>() == points).then_some(taken)
}

/// Up to `points` from `awards` in their order: what each gives.
fn take_in_order(awards: &[&Award], points: i64) -> Vec<(uuid::Uuid, i64)> {
    let mut left = points;
    let mut taken = Vec::new();
    for award in awards {
        if left == 0 {
            break;
        }
        let take = award.remaining.min(left);
        taken.push((award.entry_id, take));
        left -= take;
    }
    taken
}

/// Takes back up to `points` from `awards`, pending or active: first from
/// the award `own` (the earning being reversed), then the pending ones,
/// then the active ones, the soonest to lapse first. What each gives; less
/// than `points` in all when they hold less (the balance then goes below
/// zero and the next earning makes it up).
pub fn take_back(
    awards: &[Award],
    points: i64,
    own: Option<uuid::Uuid>,
    now: DateTime<Utc>,
) -> Vec<(uuid::Uuid, i64)> {
    let mut order: Vec<&Award> = awards.iter().filter(|a| a.remaining > 0).collect();
    order.sort_by_key(|a| {
        (
            Some(a.entry_id) != own,
            a.active_at <= now,
            a.expires_at.is_none(),
            a.expires_at,
            a.created_at,
            a.entry_id,
        )
    });
    take_in_order(&order, points)
}

/// `share` of `whole` points, in proportion to `part` of `of`, rounded up
/// (a return never leaves a point it earned behind); all of `whole` when
/// `part` is all of `of`.
pub fn share(whole: i64, part: Money, of: Money) -> i64 {
    if of.is_zero() || part >= of {
        return whole;
    }
    let exact = Decimal::from(whole) * part.value() / of.value();
    exact.ceil().to_i64().unwrap_or(whole).clamp(0, whole)
}

/// A yearly occasion that earns points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    Birthday,
    Anniversary,
}

impl Occasion {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Birthday => "birthday",
            Self::Anniversary => "anniversary",
        }
    }

    /// The points the programme gives for it.
    pub fn points(self, programme: &Programme) -> i64 {
        match self {
            Self::Birthday => programme.birthday_points,
            Self::Anniversary => programme.anniversary_points,
        }
    }

    /// Whether the programme gives anything for it: its points, or a
    /// voucher of some value.
    pub fn rewarded(self, programme: &Programme) -> bool {
        match programme.occasion_reward {
            OccasionReward::Points => self.points(programme) > 0,
            OccasionReward::Voucher => !programme.occasion_voucher_value.is_zero(),
        }
    }
}

/// The days a run on `today` gives occasions for (today and the `days - 1`
/// before it, so that a run missed is made up), by the month-and-day key
/// (`MMDD`, as customers keep it) that falls on each: a 29 February falls
/// on the 28th in a year without one.
pub fn occasion_days(today: NaiveDate, days: u32) -> Vec<(i32, NaiveDate)> {
    let key = |d: NaiveDate| i32::try_from(d.month() * 100 + d.day()).unwrap_or(0);
    let mut keys = Vec::new();
    for back in 0..days {
        let Some(day) = today.checked_sub_days(Days::new(back.into())) else {
            break;
        };
        keys.push((key(day), day));
        if day.month() == 2 && day.day() == 28 && !day.leap_year() {
            keys.push((229, day));
        }
    }
    keys
}

/// A customer's points as they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub customer_id: uuid::Uuid,
    /// Every entry of the ledger summed: active and pending points.
    pub balance: i64,
    /// Of the balance, points not yet spendable.
    pub pending: i64,
    pub tier: Option<String>,
    pub tier_since: Option<DateTime<Utc>>,
    /// Qualifying points earned within the tier's window.
    pub qualifying: i64,
    /// When the tier is judged again (a customer goes down only then).
    pub tier_review_at: Option<DateTime<Utc>>,
    /// The next time points lapse, and how many.
    pub next_expiry: Option<(DateTime<Utc>, i64)>,
    /// Whether the customer has spent points before (the first-time minimum).
    pub has_redeemed: bool,
}

impl Standing {
    /// Points that can be spent now.
    pub fn available(&self) -> i64 {
        self.balance - self.pending
    }
}

#[cfg(test)]
mod tests;
