//! A customer's enrolment in a plan: its passbook from the instalments,
//! what is left of it after redemptions and refunds, and the rules of
//! redeeming it and closing it early.

use chrono::{DateTime, Days, Utc};
use rust_decimal::Decimal;

use super::{PlanKind, Terms};
use crate::measure::{Money, Percent, Weight};
use crate::validation::Invalid;

/// A plan as the owner defined it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: uuid::Uuid,
    pub name: String,
    pub terms: Terms,
    /// Open to new enrolments.
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Where an enrolment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolmentStatus {
    /// Taking instalments, or matured and waiting to be redeemed.
    Active,
    /// Redeemed in full.
    Redeemed,
    /// Closed before maturity, the instalments refunded without bonus.
    Closed,
}

impl EnrolmentStatus {
    pub const ALL: [Self; 3] = [Self::Active, Self::Redeemed, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Redeemed => "redeemed",
            Self::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A customer's place in a plan, with the plan's terms as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub id: uuid::Uuid,
    pub plan_id: uuid::Uuid,
    pub plan_name: String,
    pub customer_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub terms: Terms,
    pub nominee_name: String,
    pub nominee_relation: String,
    pub started_at: DateTime<Utc>,
    pub status: EnrolmentStatus,
    pub created_by: uuid::Uuid,
}

/// An instalment received, with its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instalment {
    pub id: uuid::Uuid,
    pub enrolment_id: uuid::Uuid,
    /// Which period (1 to N) it pays.
    pub period: u32,
    pub amount: Money,
    /// A weight plan's: the grams booked, at the day's rate.
    pub weight: Option<Weight>,
    pub rate: Option<Money>,
    pub method: crate::invoice::PaymentMethod,
    pub reference: Option<String>,
    /// Without gaps per branch and financial year: `MDS1/SCH/2026-27/000001`.
    pub receipt_number: String,
    pub accepted_at: DateTime<Utc>,
    pub accepted_by: uuid::Uuid,
}

/// Where an enrolment stands at a moment, from its instalments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passbook {
    pub paid: Money,
    pub instalments_paid: u32,
    /// Periods over (past their grace) without an instalment.
    pub periods_missed: u32,
    /// The bonus the instalments paid so far would earn at maturity.
    pub bonus: Money,
    /// The share of the making charge they would waive at maturity.
    pub making_waiver: Percent,
    /// A weight plan's grams booked.
    pub weight: Weight,
    pub maturity: DateTime<Utc>,
    pub last_redemption: DateTime<Utc>,
    /// Nothing redeemed by the last redemption day: refund it.
    pub refund_due: bool,
}

impl Enrolment {
    /// Its passbook at `now`, from `instalments` (its own).
    pub fn passbook(&self, instalments: &[Instalment], now: DateTime<Utc>) -> Passbook {
        let paid: Money = instalments.iter().map(|i| i.amount).sum();
        let count = u32::try_from(instalments.len()).unwrap_or(u32::MAX);
        let first = instalments.iter().map(|i| i.accepted_at).min();
        let periods: Vec<u32> = instalments.iter().map(|i| i.period).collect();
        let over = (1..=self.terms.instalments)
            .filter(|p| {
                Terms::period_begins(self.started_at, p + 1)
                    .checked_add_days(Days::new(self.terms.grace_days.into()))
                    .is_some_and(|end| end <= now)
            })
            .filter(|p| !periods.contains(p))
            .count();
        let last_redemption = self.terms.last_redemption(self.started_at, first);
        Passbook {
            paid,
            instalments_paid: count,
            periods_missed: u32::try_from(over).unwrap_or(u32::MAX),
            bonus: self.terms.bonus(count),
            making_waiver: self.terms.waiver(count),
            weight: Weight::from_units(
                instalments
                    .iter()
                    .filter_map(|i| i.weight)
                    .map(Weight::units)
                    .sum(),
            ),
            maturity: self.terms.maturity(self.started_at),
            last_redemption,
            refund_due: self.status == EnrolmentStatus::Active
                && count > 0
                && now > last_redemption,
        }
    }
}

/// What a settlement of an enrolment records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettlementKind {
    /// Spent as a payment on a bill.
    Redeemed,
    /// Given back when that bill was cancelled (amounts negated).
    Restored,
    /// The advance paid back on closing it.
    Refunded,
}

impl SettlementKind {
    pub const ALL: [Self; 3] = [Self::Redeemed, Self::Restored, Self::Refunded];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Redeemed => "redeemed",
            Self::Restored => "restored",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Value taken out of an enrolment: what it paid for (`value`), the part
/// of the customer's advance in it (`advance`; the rest is bonus), and a
/// weight plan's grams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub id: uuid::Uuid,
    pub enrolment_id: uuid::Uuid,
    pub kind: SettlementKind,
    pub value: Money,
    pub advance: Money,
    pub weight: Option<Weight>,
    pub invoice_id: Option<uuid::Uuid>,
    pub created_at: DateTime<Utc>,
}

/// What is left of an enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Left {
    pub advance: Money,
    pub value: Money,
    pub weight: Weight,
}

impl Enrolment {
    /// What is left of it after `settlements`: the advance, the value to
    /// redeem (an amount plan's instalments and bonus; a weight plan's
    /// grams at `rate`) and the grams.
    pub fn left(
        &self,
        instalments: &[Instalment],
        settlements: &[Settlement],
        rate: Option<Money>,
    ) -> Left {
        let paid: Money = instalments.iter().map(|i| i.amount).sum();
        let advance = paid - settlements.iter().map(|s| s.advance).sum::<Money>();
        let booked: i64 = instalments
            .iter()
            .filter_map(|i| i.weight)
            .map(Weight::units)
            .sum();
        let taken: i64 = settlements
            .iter()
            .filter_map(|s| s.weight)
            .map(Weight::units)
            .sum();
        let weight = Weight::from_units(booked - taken);
        let count = u32::try_from(instalments.len()).unwrap_or(u32::MAX);
        let value = match self.terms.kind {
            PlanKind::Amount => {
                paid + self.terms.bonus(count) - settlements.iter().map(|s| s.value).sum::<Money>()
            }
            PlanKind::Weight => rate.map_or(Money::ZERO, |rate| weight.at(rate)),
        };
        Left {
            advance,
            value,
            weight,
        }
    }

    /// Refuses to redeem `amount` of it at `now` (a payment's `field`s:
    /// `reference` for the enrolment, `amount`): before maturity, after
    /// the window, or beyond what is left. What it takes otherwise: the
    /// advance first, then the bonus; a weight plan's grams at `rate`.
    pub fn redeem(
        &self,
        left: Left,
        amount: Money,
        rate: Option<Money>,
        now: DateTime<Utc>,
        fields: (&str, &str),
    ) -> Result<(Money, Option<Weight>), Invalid> {
        let (reference, amount_field) = fields;
        if self.status != EnrolmentStatus::Active {
            return Err(Invalid::field(
                reference,
                self.status.as_str(),
                "nothing is left to redeem",
            ));
        }
        let matures = self.terms.maturity(self.started_at);
        if now < matures {
            return Err(Invalid::field(
                reference,
                "not_matured",
                format!(
                    "it matures on {}; it may be closed early instead",
                    matures.date_naive()
                ),
            ));
        }
        if amount > left.value {
            return Err(Invalid::field(
                amount_field,
                "more_than_held",
                format!("more than the {} left in the scheme", left.value),
            ));
        }
        Ok(match (self.terms.kind, rate) {
            (PlanKind::Weight, Some(rate)) if !left.weight.is_zero() => {
                let all = amount == left.value;
                let needed = i128::from(amount.units()) * 1000;
                let rate = i128::from(rate.units()).max(1);
                let grams = if all {
                    left.weight.units()
                } else {
                    i64::try_from((needed + rate - 1) / rate)
                        .unwrap_or(i64::MAX)
                        .min(left.weight.units())
                };
                let advance = if grams == left.weight.units() {
                    left.advance
                } else {
                    Money::rounded(
                        left.advance.value() * Decimal::from(grams)
                            / Decimal::from(left.weight.units()),
                    )
                };
                (advance, Some(Weight::from_units(grams)))
            }
            _ => (amount.min(left.advance), None),
        })
    }

    /// The share of the making charge it waives on a bill drafted at
    /// `now` (the draft's `field` names it): refused unless its plan
    /// waives making and the instalments earned some, it has matured, and
    /// its redemption window is open.
    pub fn waiver_at(
        &self,
        instalments: &[Instalment],
        now: DateTime<Utc>,
        field: &str,
    ) -> Result<Percent, Invalid> {
        let refuse = |code: &str, message: String| Err(Invalid::field(field, code, message));
        if self.status != EnrolmentStatus::Active {
            return refuse(self.status.as_str(), "nothing is left to redeem".to_owned());
        }
        let matures = self.terms.maturity(self.started_at);
        if now < matures {
            return refuse(
                "not_matured",
                format!("it matures on {}", matures.date_naive()),
            );
        }
        let first = instalments.iter().map(|i| i.accepted_at).min();
        let last = self.terms.last_redemption(self.started_at, first);
        if now > last {
            return refuse(
                "lapsed",
                format!("its redemption window closed on {}", last.date_naive()),
            );
        }
        let waiver = self
            .terms
            .waiver(u32::try_from(instalments.len()).unwrap_or(u32::MAX));
        if waiver.is_zero() {
            return refuse(
                "no_waiver",
                "its plan waives no making charge, or the periods missed forfeited it".to_owned(),
            );
        }
        Ok(waiver)
    }

    /// Refuses to close it early at `now` after `paid` instalments, with
    /// nothing redeemed: allowed after the plan's threshold before
    /// maturity, and after the redemption window (a refund due).
    pub fn check_closure(
        &self,
        paid: u32,
        redeemed: bool,
        now: DateTime<Utc>,
        first: Option<DateTime<Utc>>,
    ) -> Result<(), Invalid> {
        let refuse = |code: &str, message: String| Err(Invalid::field("enrolment", code, message));
        if self.status != EnrolmentStatus::Active {
            return refuse(self.status.as_str(), "it is settled already".to_owned());
        }
        if redeemed {
            return refuse(
                "redeemed",
                "part of it was redeemed; redeem the rest".to_owned(),
            );
        }
        if paid == 0 {
            return refuse("nothing_paid", "no instalment was paid".to_owned());
        }
        let matures = self.terms.maturity(self.started_at);
        if now < matures && paid < self.terms.preclosure_after {
            return refuse(
                "too_early",
                format!(
                    "it may be closed after {} instalments",
                    self.terms.preclosure_after
                ),
            );
        }
        if now >= matures && now <= self.terms.last_redemption(self.started_at, first) {
            return refuse(
                "matured",
                "it has matured: redeem it against jewellery".to_owned(),
            );
        }
        Ok(())
    }
}
