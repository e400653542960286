//! Gold savings schemes: a customer pays an instalment a month into a plan
//! and redeems what it came to against jewellery. An `amount` plan pays a
//! fixed instalment and adds a bonus of a share of one instalment, or
//! waives a share of the making charge on the bills it pays; a `weight` plan books each instalment as grams of the plan's metal at that
//! day's rate. No advance is held beyond 365 days from its acceptance, so
//! a plan has at most 11 monthly instalments and its redemption window
//! closes within 365 days of the first.

use chrono::{DateTime, Days, Months, Utc};
use rust_decimal::Decimal;

use crate::measure::{Money, Percent, Weight};
use crate::metal::Purity;
use crate::validation::{FieldError, Invalid};

mod enrolment;
mod reminder;
pub use enrolment::*;
pub use reminder::Reminder;

/// The longest an advance may be held, in days.
pub const MOST_DAYS_HELD: u64 = 365;

/// The most monthly instalments a plan can take and stay within 365 days.
pub const MOST_INSTALMENTS: u32 = 11;

/// What a plan books an instalment as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    /// Money: a fixed instalment, and a bonus at maturity.
    Amount,
    /// Grams of the plan's metal at the day's rate.
    Weight,
}

impl PlanKind {
    pub const ALL: [Self; 2] = [Self::Amount, Self::Weight];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Amount => "amount",
            Self::Weight => "weight",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// What a missed instalment does to an amount plan's bonus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissedRule {
    /// The bonus shrinks by 1/N for each period missed.
    Shrink,
    /// Any period missed and there is no bonus.
    Forfeit,
}

impl MissedRule {
    pub const ALL: [Self; 2] = [Self::Shrink, Self::Forfeit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shrink => "shrink",
            Self::Forfeit => "forfeit",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The terms of a plan, kept on each enrolment as they were when it began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub kind: PlanKind,
    /// N: one a month.
    pub instalments: u32,
    /// An amount plan's instalment; a weight plan's least instalment.
    pub amount: Money,
    /// A weight plan's instalments go up from the least in steps of this
    /// (zero: any amount from the least).
    pub step: Money,
    /// An amount plan's bonus: this share of one instalment.
    pub bonus_share: Percent,
    /// Or, instead: this share of the making charge waived on the
    /// jewellery the enrolment pays for (either kind of plan).
    pub making_waiver: Percent,
    pub missed: MissedRule,
    /// Days into the next period an instalment still counts for the one
    /// before, if that one is unpaid.
    pub grace_days: u32,
    /// Days after maturity the value can be redeemed (cut to 365 days from
    /// the first instalment).
    pub redemption_days: u32,
    /// Instalments paid before the enrolment may be closed early.
    pub preclosure_after: u32,
    /// A weight plan's metal and fineness.
    pub purity: Option<Purity>,
    /// Redeemed against jewellery only, not coins or bullion.
    pub jewellery_only: bool,
    /// Advances adding up to this or more need the customer's PAN on file
    /// (zero: never).
    pub pan_from: Money,
}

impl Terms {
    /// Checks the terms, each refusal naming its field.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errors = Vec::new();
        let mut fault = |field: &str, code: &str, message: &str| {
            errors.push(FieldError::new(field, code, message));
        };
        if !(1..=MOST_INSTALMENTS).contains(&self.instalments) {
            fault(
                "instalments",
                "range",
                "1 to 11 monthly instalments: every advance is redeemed within 365 days",
            );
        }
        if self.amount.is_zero() {
            fault("amount", "too_small", "more than 0");
        }
        if self.bonus_share.value() > Decimal::ONE_HUNDRED * Decimal::TWO {
            fault("bonusShare", "range", "at most 200 (two instalments)");
        }
        if self.making_waiver.value() > Decimal::ONE_HUNDRED {
            fault(
                "makingWaiver",
                "range",
                "at most 100 (the whole making charge)",
            );
        } else if !self.making_waiver.is_zero() && !self.bonus_share.is_zero() {
            fault(
                "makingWaiver",
                "with_bonus",
                "a plan's bonus is a share of an instalment or a making-charge waiver, not both",
            );
        }
        if self.grace_days > 27 {
            fault("graceDays", "range", "0 to 27 days, within the next period");
        }
        if !(1..=60).contains(&self.redemption_days) {
            fault("redemptionDays", "range", "1 to 60 days");
        }
        if self.preclosure_after > self.instalments {
            fault(
                "preclosureAfter",
                "range",
                "at most the number of instalments",
            );
        }
        match (self.kind, self.purity) {
            (PlanKind::Weight, None) => {
                fault("metal", "required", "a weight plan books grams of a metal")
            }
            (PlanKind::Amount, Some(_)) => fault(
                "metal",
                "unexpected",
                "an amount plan books money, not grams",
            ),
            _ => {}
        }
        if self.kind == PlanKind::Amount && !self.step.is_zero() {
            fault("step", "unexpected", "an amount plan's instalment is fixed");
        }
        Invalid::from_errors(errors).map_or(Ok(()), Err)
    }

    /// When period `period` (1-based) of an enrolment begun at `start` begins.
    pub fn period_begins(start: DateTime<Utc>, period: u32) -> DateTime<Utc> {
        start
            .checked_add_months(Months::new(period.saturating_sub(1)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// When an enrolment begun at `start` matures: after its last period.
    pub fn maturity(&self, start: DateTime<Utc>) -> DateTime<Utc> {
        Self::period_begins(start, self.instalments + 1)
    }

    /// The last moment its value can be redeemed: the window after
    /// maturity, cut to 365 days from the first instalment (`first`, or
    /// the start before there is one).
    pub fn last_redemption(
        &self,
        start: DateTime<Utc>,
        first: Option<DateTime<Utc>>,
    ) -> DateTime<Utc> {
        let window = self
            .maturity(start)
            .checked_add_days(Days::new(self.redemption_days.into()))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let held = first
            .unwrap_or(start)
            .checked_add_days(Days::new(MOST_DAYS_HELD))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        window.min(held)
    }

    /// Refuses an enrolment begun at `start` that could not be redeemed
    /// within 365 days of its first instalment.
    pub fn check_enrolment(&self, start: DateTime<Utc>) -> Result<(), Invalid> {
        if self.last_redemption(start, None) <= self.maturity(start) {
            return Err(Invalid::field(
                "planId",
                "beyond_365_days",
                "its maturity would come 365 days or more after the first instalment",
            ));
        }
        Ok(())
    }

    /// The period an instalment accepted at `at` pays, given the periods
    /// `paid` already: the current one, or the one before while within its
    /// grace days and unpaid.
    pub fn period_for(
        &self,
        start: DateTime<Utc>,
        at: DateTime<Utc>,
        paid: &[u32],
    ) -> Result<u32, PeriodRefused> {
        if at < start {
            return Err(PeriodRefused::NotBegun);
        }
        let mut current = 1;
        while current <= self.instalments && Self::period_begins(start, current + 1) <= at {
            current += 1;
        }
        let in_grace = |period: u32| {
            at < Self::period_begins(start, period + 1)
                .checked_add_days(Days::new(self.grace_days.into()))
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        };
        if current > 1 && !paid.contains(&(current - 1)) && in_grace(current - 1) {
            return Ok(current - 1);
        }
        if current > self.instalments {
            return Err(PeriodRefused::Matured);
        }
        if paid.contains(&current) {
            return Err(PeriodRefused::Paid { period: current });
        }
        Ok(current)
    }

    /// Refuses an instalment of `amount`: an amount plan takes its own
    /// amount; a weight plan its least, or more in its steps.
    pub fn check_amount(&self, amount: Money) -> Result<(), Invalid> {
        let refuse = |message: String| Err(Invalid::field("amount", "instalment", message));
        match self.kind {
            PlanKind::Amount if amount != self.amount => {
                refuse(format!("the plan's instalment is {}", self.amount))
            }
            PlanKind::Weight if amount < self.amount => {
                refuse(format!("the plan's least instalment is {}", self.amount))
            }
            PlanKind::Weight
                if !self.step.is_zero()
                    && (amount.units() - self.amount.units()) % self.step.units() != 0 =>
            {
                refuse(format!(
                    "{} and more in steps of {}",
                    self.amount, self.step
                ))
            }
            _ => Ok(()),
        }
    }

    /// An amount plan's bonus at maturity with `paid` instalments of N:
    /// the share of one instalment, less 1/N for each period missed (or
    /// none at all once one is missed, as the plan says).
    pub fn bonus(&self, paid: u32) -> Money {
        if self.kind != PlanKind::Amount || paid == 0 {
            return Money::ZERO;
        }
        Money::rounded(self.earned(self.bonus_share.of(self.amount).value(), paid))
    }

    /// The share of the making charge waived after `paid` instalments of
    /// N: the plan's waiver, shrunk or forfeited for periods missed as the
    /// bonus is.
    pub fn waiver(&self, paid: u32) -> Percent {
        if paid == 0 {
            return Percent::ZERO;
        }
        Percent::rounded(self.earned(self.making_waiver.value(), paid))
    }

    /// What of `whole` (a bonus or a waiver) `paid` instalments earn.
    fn earned(&self, whole: Decimal, paid: u32) -> Decimal {
        match self.missed {
            _ if paid >= self.instalments => whole,
            MissedRule::Forfeit => Decimal::ZERO,
            MissedRule::Shrink => whole * Decimal::from(paid) / Decimal::from(self.instalments),
        }
    }

    /// Refuses an enrolment whose advances, `paid` so far and `amount`
    /// now, reach the plan's PAN threshold when the customer has no PAN
    /// on file (`field`: what the refusal names).
    pub fn check_pan(
        &self,
        paid: Money,
        amount: Money,
        has_pan: bool,
        field: &str,
    ) -> Result<(), Invalid> {
        if has_pan || self.pan_from.is_zero() || paid + amount < self.pan_from {
            return Ok(());
        }
        Err(Invalid::field(
            field,
            "pan_required",
            format!(
                "advances of {} and more need the customer's PAN on file",
                self.pan_from
            ),
        ))
    }
}

/// Why an instalment has no period to pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodRefused {
    /// Before the enrolment began.
    NotBegun,
    /// Every period is over.
    Matured,
    /// This period's instalment was paid already.
    Paid { period: u32 },
}

/// The grams `amount` buys at `rate` per gram, rounded down to the milligram.
pub fn grams_for(amount: Money, rate: Money) -> Weight {
    if rate.is_zero() {
        return Weight::ZERO;
    }
    let milligrams = i128::from(amount.units()) * 1000 / i128::from(rate.units());
    Weight::from_units(i64::try_from(milligrams).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Money {
        Money::parse("x", text).expect("money")
    }

    fn eleven_of_5000() -> Terms {
        Terms {
            kind: PlanKind::Amount,
            instalments: 11,
            amount: money("5000.00"),
            step: Money::ZERO,
            bonus_share: Percent::from_units(10_000),
            missed: MissedRule::Shrink,
            grace_days: 7,
            redemption_days: 30,
            preclosure_after: 3,
            purity: None,
            jewellery_only: true,
            making_waiver: Percent::ZERO,
            pan_from: money("200000.00"),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("at")
            .with_timezone(&Utc)
    }

    #[test]
    fn the_worked_bonuses() {
        let terms = eleven_of_5000();
        assert!(terms.validate().is_ok());
        let all = terms.amount.times(11) + terms.bonus(11);
        assert_eq!(all, money("60000.00"));
        let ten = terms.amount.times(10) + terms.bonus(10);
        assert_eq!(ten, money("54545.45"));
        let forfeit = Terms {
            missed: MissedRule::Forfeit,
            ..eleven_of_5000()
        };
        assert_eq!(forfeit.bonus(10), Money::ZERO);
    }

    #[test]
    fn a_making_waiver_shrinks_with_missed_periods_as_a_bonus_does() {
        let waiver = Terms {
            bonus_share: Percent::ZERO,
            making_waiver: Percent::from_units(5_000),
            ..eleven_of_5000()
        };
        assert!(waiver.validate().is_ok());
        assert_eq!(waiver.waiver(11).to_string(), "50.00");
        assert_eq!(waiver.waiver(10).to_string(), "45.45");
        assert_eq!(waiver.bonus(11), Money::ZERO);
        let both = Terms {
            making_waiver: Percent::from_units(5_000),
            ..eleven_of_5000()
        };
        assert_eq!(
            both.validate().expect_err("both").errors()[0].field,
            "makingWaiver"
        );
    }

    #[test]
    fn advances_from_the_threshold_need_a_pan() {
        let terms = eleven_of_5000();
        let (paid, instalment) = (money("195000.00"), money("5000.00"));
        let refused = terms
            .check_pan(paid, instalment, false, "amount")
            .expect_err("200000.00 without a PAN");
        assert_eq!(refused.errors()[0].code, "pan_required");
        assert!(terms.check_pan(paid, instalment, true, "amount").is_ok());
        assert!(
            terms
                .check_pan(money("190000.00"), instalment, false, "amount")
                .is_ok()
        );
    }

    #[test]
    fn the_worked_weight_booking() {
        assert_eq!(
            grams_for(money("5000.00"), money("12800.00")).to_string(),
            "0.390"
        );
    }

    #[test]
    fn twelve_instalments_would_hold_an_advance_beyond_365_days() {
        let twelve = Terms {
            instalments: 12,
            ..eleven_of_5000()
        };
        assert_eq!(
            twelve.validate().expect_err("12").errors()[0].field,
            "instalments"
        );
        assert!(twelve.check_enrolment(at("2026-12-06T10:00:00Z")).is_err());
        let terms = eleven_of_5000();
        let start = at("2026-12-06T10:00:00Z");
        assert!(terms.check_enrolment(start).is_ok());
        assert_eq!(terms.maturity(start), at("2027-11-06T10:00:00Z"));
        // 30 days after maturity is within 365 days of the first instalment.
        assert_eq!(
            terms.last_redemption(start, Some(start)),
            at("2027-12-06T10:00:00Z")
        );
    }

    #[test]
    fn periods_take_one_instalment_each_with_grace_for_the_one_before() {
        let terms = eleven_of_5000();
        let start = at("2026-12-06T10:00:00Z");
        assert_eq!(terms.period_for(start, start, &[]), Ok(1));
        assert_eq!(
            terms.period_for(start, at("2026-12-20T10:00:00Z"), &[1]),
            Err(PeriodRefused::Paid { period: 1 })
        );
        // Period 2 unpaid: three days into period 3 it still counts for 2.
        let late = at("2027-02-09T10:00:00Z");
        assert_eq!(terms.period_for(start, late, &[1]), Ok(2));
        // Beyond the grace, period 2 is missed and this pays period 3.
        assert_eq!(
            terms.period_for(start, at("2027-02-14T10:00:00Z"), &[1]),
            Ok(3)
        );
        assert_eq!(
            terms.period_for(start, at("2027-11-20T10:00:00Z"), &[11]),
            Err(PeriodRefused::Matured)
        );
    }
}
