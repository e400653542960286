//! The wire types of savings schemes: a plan's fields and view, an
//! enrolment's fields and its passbook, an instalment and its receipt.

use chrono::{DateTime, Utc};
use jewel_domain::invoice::PaymentMethod;
use jewel_domain::measure::{Money, Percent};
use jewel_domain::metal::Purity;
use jewel_domain::scheme::{
    Enrolment, EnrolmentStatus, Instalment, MissedRule, Plan, PlanKind, Settlement, SettlementKind,
    Terms,
};
use jewel_domain::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::wire::{
    MetalName, MoneyText, PercentText, SignedMoneyText, WeightText, collect,
};

wire_enum! {
    /// What a plan books an instalment as: `amount` (a fixed instalment
    /// and a bonus at maturity) or `weight` (grams of the plan's metal at
    /// the day's rate, rounded down to the milligram).
    PlanKindName mirrors PlanKind { Amount = "amount", Weight = "weight" }
}

wire_enum! {
    /// What a missed period does to an amount plan's bonus: `shrink` (by
    /// 1/N each) or `forfeit` (no bonus).
    MissedRuleName mirrors MissedRule { Shrink = "shrink", Forfeit = "forfeit" }
}

wire_enum! {
    /// Where an enrolment stands: `active` (paying, or matured and not yet
    /// redeemed), `redeemed` or `closed` (before maturity, refunded).
    EnrolmentStatusName mirrors EnrolmentStatus {
        Active = "active", Redeemed = "redeemed", Closed = "closed",
    }
}

/// How an instalment is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstalmentMethodName {
    Cash,
    Card,
    Upi,
    BankTransfer,
}

impl InstalmentMethodName {
    pub(crate) fn method(self) -> PaymentMethod {
        match self {
            Self::Cash => PaymentMethod::Cash,
            Self::Card => PaymentMethod::Card,
            Self::Upi => PaymentMethod::Upi,
            Self::BankTransfer => PaymentMethod::BankTransfer,
        }
    }

    fn of(method: PaymentMethod) -> Self {
        match method {
            PaymentMethod::Card => Self::Card,
            PaymentMethod::Upi => Self::Upi,
            PaymentMethod::BankTransfer => Self::BankTransfer,
            _ => Self::Cash,
        }
    }
}

/// A plan's terms as the owner sets them; each but the kind, count and
/// amount has a default.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "name": "Swarna 11", "kind": "amount", "instalments": 11, "amount": "5000.00",
    "bonusShare": "100.00", "missed": "shrink", "graceDays": 7, "redemptionDays": 30,
    "preclosureAfter": 3, "jewelleryOnly": true
}))]
pub struct PlanFields {
    #[schema(min_length = 1, max_length = 80)]
    pub(crate) name: String,
    pub(crate) kind: PlanKindName,
    /// Monthly instalments, N: at most 11, so every advance is redeemed
    /// within 365 days.
    #[schema(minimum = 1, maximum = 11)]
    pub(crate) instalments: u32,
    /// An amount plan's instalment; a weight plan's least instalment.
    #[schema(value_type = MoneyText)]
    pub(crate) amount: String,
    /// A weight plan's instalments go up from the least in these steps
    /// (none: any amount from the least).
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) step: Option<String>,
    /// An amount plan's bonus: this percent of one instalment (100.00 when
    /// not given and there is no making waiver; up to 200.00).
    #[schema(value_type = Option<PercentText>)]
    pub(crate) bonus_share: Option<String>,
    /// Instead of a bonus: this percent of the making charge is waived on
    /// the jewellery a matured enrolment pays for (0 when not given; up to
    /// 100.00; it shrinks or is forfeited for periods missed as a bonus).
    #[schema(value_type = Option<PercentText>)]
    pub(crate) making_waiver: Option<String>,
    /// Advances adding up to this or more need the customer's PAN on file
    /// (200000.00 when not given; 0: never).
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) pan_from: Option<String>,
    #[serde(default = "shrink")]
    pub(crate) missed: MissedRuleName,
    /// Days into the next period an unpaid period's instalment is still
    /// taken for it.
    #[schema(minimum = 0, maximum = 27, default = 7)]
    #[serde(default = "seven")]
    pub(crate) grace_days: u32,
    /// Days after maturity the value can be redeemed (cut to 365 days
    /// from the first instalment).
    #[schema(minimum = 1, maximum = 60, default = 30)]
    #[serde(default = "thirty")]
    pub(crate) redemption_days: u32,
    /// Instalments paid before an enrolment may be closed early (3, or
    /// every instalment of a shorter plan, when not given).
    #[schema(minimum = 0, maximum = 11)]
    pub(crate) preclosure_after: Option<u32>,
    /// A weight plan's metal and fineness.
    pub(crate) metal: Option<MetalName>,
    #[schema(minimum = 1, maximum = 999)]
    pub(crate) fineness: Option<u16>,
    /// Redeemed against jewellery only, never coins or bullion.
    #[serde(default = "yes")]
    pub(crate) jewellery_only: bool,
}

fn shrink() -> MissedRuleName {
    MissedRuleName::Shrink
}
fn seven() -> u32 {
    7
}
fn thirty() -> u32 {
    30
}
fn yes() -> bool {
    true
}

impl PlanFields {
    /// The terms these fields make, every field checked.
    pub(crate) fn terms(&self) -> Result<Terms, Invalid> {
        let mut errors = Vec::new();
        let amount = collect(&mut errors, Money::parse("amount", &self.amount));
        let step = match &self.step {
            Some(step) => collect(&mut errors, Money::parse("step", step)),
            None => Some(Money::ZERO),
        };
        let waiver = self.making_waiver.as_deref().unwrap_or("0");
        let making_waiver = collect(&mut errors, Percent::parse("makingWaiver", waiver));
        let pan_from = self.pan_from.as_deref().unwrap_or("200000.00");
        let pan_from = collect(&mut errors, Money::parse("panFrom", pan_from));
        let default_share = match self.kind {
            PlanKindName::Amount if self.making_waiver.is_none() => "100",
            _ => "0",
        };
        let share = self.bonus_share.as_deref().unwrap_or(default_share);
        let bonus_share = collect(&mut errors, Percent::parse("bonusShare", share));
        let purity = match (self.metal, self.fineness) {
            (Some(metal), Some(fineness)) => collect(
                &mut errors,
                Purity::parse("fineness", metal.into(), fineness),
            ),
            (None, None) => None,
            _ => {
                errors.push(FieldError::new(
                    "metal",
                    "together",
                    "give metal and fineness both",
                ));
                None
            }
        };
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        let terms = Terms {
            kind: self.kind.into(),
            instalments: self.instalments,
            amount: amount.unwrap_or_default(),
            step: step.unwrap_or_default(),
            bonus_share: bonus_share.unwrap_or_default(),
            missed: self.missed.into(),
            grace_days: self.grace_days,
            redemption_days: self.redemption_days,
            preclosure_after: self
                .preclosure_after
                .unwrap_or_else(|| self.instalments.min(3)),
            purity,
            jewellery_only: self.jewellery_only,
            making_waiver: making_waiver.unwrap_or_default(),
            pan_from: pan_from.unwrap_or_default(),
        };
        terms.validate()?;
        Ok(terms)
    }

    fn of(name: &str, t: &Terms) -> Self {
        Self {
            name: name.to_owned(),
            kind: t.kind.into(),
            instalments: t.instalments,
            amount: t.amount.to_string(),
            step: (!t.step.is_zero()).then(|| t.step.to_string()),
            bonus_share: Some(t.bonus_share.to_string()),
            missed: t.missed.into(),
            grace_days: t.grace_days,
            redemption_days: t.redemption_days,
            preclosure_after: Some(t.preclosure_after),
            metal: t.purity.map(|p| p.metal().into()),
            fineness: t.purity.map(Purity::fineness),
            jewellery_only: t.jewellery_only,
            making_waiver: Some(t.making_waiver.to_string()),
            pan_from: Some(t.pan_from.to_string()),
        }
    }
}

/// A plan: its terms as the owner set them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000a1", "active": true,
    "createdAt": "2026-12-06T10:00:00Z",
    "terms": {
        "name": "Swarna 11", "kind": "amount", "instalments": 11, "amount": "5000.00",
        "step": null, "bonusShare": "100.00", "missed": "shrink", "graceDays": 7,
        "redemptionDays": 30, "preclosureAfter": 3, "metal": null, "fineness": null,
        "jewelleryOnly": true, "makingWaiver": "0.00", "panFrom": "200000.00"
    }
}))]
pub struct PlanView {
    id: uuid::Uuid,
    /// Open to new enrolments.
    active: bool,
    created_at: DateTime<Utc>,
    terms: PlanFields,
}

impl From<Plan> for PlanView {
    fn from(plan: Plan) -> Self {
        Self {
            id: plan.id,
            active: plan.active,
            created_at: plan.created_at,
            terms: PlanFields::of(&plan.name, &plan.terms),
        }
    }
}

/// A customer joining a plan at a branch; the first period begins now.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "planId": "01936f0e-0000-7000-8000-0000000000a1",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1",
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "nomineeName": "Arun Sundaram", "nomineeRelation": "son"
}))]
pub struct EnrolmentFields {
    pub(crate) plan_id: uuid::Uuid,
    pub(crate) customer_id: uuid::Uuid,
    pub(crate) branch_id: uuid::Uuid,
    /// Who receives the value if the customer cannot.
    #[schema(min_length = 1, max_length = 120)]
    pub(crate) nominee_name: String,
    #[schema(min_length = 1, max_length = 40)]
    pub(crate) nominee_relation: String,
}

/// An instalment as received.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"amount": "5000.00", "method": "upi", "reference": "UPI 4521"}))]
pub struct InstalmentFields {
    #[schema(value_type = MoneyText)]
    pub(crate) amount: String,
    pub(crate) method: InstalmentMethodName,
    /// The card slip, UPI or bank transaction id (needed for a bank transfer).
    #[schema(max_length = 80)]
    pub(crate) reference: Option<String>,
}

/// An instalment with its receipt.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000b1",
    "enrolmentId": "01936f0e-0000-7000-8000-0000000000e1", "period": 1,
    "amount": "5000.00", "weight": null, "rate": null, "method": "upi",
    "reference": "UPI 4521", "receiptNumber": "MDS1/SCH/2026-27/000001",
    "acceptedAt": "2026-12-06T10:15:00Z",
    "acceptedBy": "01936f0e-1111-7000-8000-000000000001"
}))]
pub struct InstalmentView {
    id: uuid::Uuid,
    enrolment_id: uuid::Uuid,
    /// The period (1 to N) it pays.
    #[schema(minimum = 1, maximum = 11)]
    period: u32,
    #[schema(value_type = MoneyText)]
    amount: String,
    /// A weight plan's grams booked, at `rate` per gram.
    #[schema(value_type = Option<WeightText>)]
    weight: Option<String>,
    #[schema(value_type = Option<MoneyText>)]
    rate: Option<String>,
    method: InstalmentMethodName,
    #[schema(max_length = 80)]
    reference: Option<String>,
    /// Without gaps per branch and financial year.
    #[schema(max_length = 40)]
    receipt_number: String,
    accepted_at: DateTime<Utc>,
    accepted_by: uuid::Uuid,
}

impl From<&Instalment> for InstalmentView {
    fn from(i: &Instalment) -> Self {
        Self {
            id: i.id,
            enrolment_id: i.enrolment_id,
            period: i.period,
            amount: i.amount.to_string(),
            weight: i.weight.map(|w| w.to_string()),
            rate: i.rate.map(|r| r.to_string()),
            method: InstalmentMethodName::of(i.method),
            reference: i.reference.clone(),
            receipt_number: i.receipt_number.clone(),
            accepted_at: i.accepted_at,
            accepted_by: i.accepted_by,
        }
    }
}

/// An enrolment's passbook: every instalment with its receipt, the bonus
/// earned so far, the maturity and the days left.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000e1",
    "planId": "01936f0e-0000-7000-8000-0000000000a1", "planName": "Swarna 11",
    "kind": "amount", "customerId": "01936f0e-0000-7000-8000-0000000000c1",
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "nomineeName": "Arun Sundaram", "nomineeRelation": "son", "status": "active",
    "startedAt": "2026-12-06T10:15:00Z", "maturesAt": "2027-11-06T10:15:00Z",
    "lastRedemptionAt": "2027-12-06T10:15:00Z", "daysLeft": 334,
    "instalmentsDue": 11, "instalmentsPaid": 1, "periodsMissed": 0,
    "paid": "5000.00", "bonus": "454.55", "makingWaiver": "0.00", "weight": "0.000",
    "refundDue": false, "redeemed": "0.00", "refunded": "0.00", "valueLeft": "5454.55",
    "settlements": [],
    "instalments": [{
        "id": "01936f0e-0000-7000-8000-0000000000b1",
        "enrolmentId": "01936f0e-0000-7000-8000-0000000000e1", "period": 1,
        "amount": "5000.00", "weight": null, "rate": null, "method": "upi",
        "reference": "UPI 4521", "receiptNumber": "MDS1/SCH/2026-27/000001",
        "acceptedAt": "2026-12-06T10:15:00Z",
        "acceptedBy": "01936f0e-1111-7000-8000-000000000001"
    }]
}))]
pub struct EnrolmentView {
    id: uuid::Uuid,
    plan_id: uuid::Uuid,
    #[schema(max_length = 80)]
    plan_name: String,
    kind: PlanKindName,
    customer_id: uuid::Uuid,
    branch_id: uuid::Uuid,
    #[schema(max_length = 120)]
    nominee_name: String,
    #[schema(max_length = 40)]
    nominee_relation: String,
    status: EnrolmentStatusName,
    started_at: DateTime<Utc>,
    /// After the last period.
    matures_at: DateTime<Utc>,
    /// The value can be redeemed until then: the window after maturity,
    /// cut to 365 days from the first instalment.
    last_redemption_at: DateTime<Utc>,
    /// Whole days to maturity, then to the last redemption day (0 after).
    days_left: i64,
    #[schema(minimum = 1, maximum = 11)]
    instalments_due: u32,
    instalments_paid: u32,
    /// Periods over (past their grace days) without an instalment.
    periods_missed: u32,
    #[schema(value_type = MoneyText)]
    paid: String,
    /// The bonus the instalments paid so far earn at maturity.
    #[schema(value_type = MoneyText)]
    bonus: String,
    /// The share of the making charge they waive at maturity, on the
    /// jewellery the enrolment pays for (a waiver plan's).
    #[schema(value_type = PercentText)]
    making_waiver: String,
    /// A weight plan's grams booked.
    #[schema(value_type = WeightText)]
    weight: String,
    /// Nothing was redeemed by the last redemption day: refund it.
    refund_due: bool,
    /// Value redeemed on bills (less what cancelled bills gave back).
    #[schema(value_type = MoneyText)]
    redeemed: String,
    /// The advance paid back on closing it early.
    #[schema(value_type = MoneyText)]
    refunded: String,
    /// What it redeems for as paid so far, less what was redeemed: an
    /// amount plan's instalments and bonus, a weight plan's grams at
    /// today's rate; 0 once redeemed or closed.
    #[schema(value_type = MoneyText)]
    value_left: String,
    #[schema(max_items = 11)]
    instalments: Vec<InstalmentView>,
    /// What was taken out of it, one by one, oldest first: value redeemed
    /// on a bill, given back when that bill was cancelled, or the advance
    /// refunded on closing it.
    #[schema(max_items = 1000)]
    settlements: Vec<SettlementView>,
}

/// Value taken out of an enrolment, or given back to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "kind": "redeemed", "value": "30000.00", "advance": "30000.00", "weight": null,
    "invoiceId": "01936f0e-0000-7000-8000-0000000000a9", "at": "2027-11-10T11:00:00Z"
}))]
pub struct SettlementView {
    /// `redeemed` on a bill, `restored` when that bill was cancelled (the
    /// amounts negative), `refunded` on closing it early.
    #[schema(pattern = "^(redeemed|restored|refunded)$", max_length = 10)]
    kind: &'static str,
    /// What it paid for, or was refunded.
    #[schema(value_type = SignedMoneyText)]
    value: String,
    /// The customer's advance in it (the rest is bonus).
    #[schema(value_type = SignedMoneyText)]
    advance: String,
    /// A weight plan's grams.
    #[schema(value_type = Option<String>, pattern = "^-?[0-9]+\\.[0-9]{3}$", max_length = 16)]
    weight: Option<String>,
    invoice_id: Option<uuid::Uuid>,
    at: DateTime<Utc>,
}

impl From<&Settlement> for SettlementView {
    fn from(s: &Settlement) -> Self {
        Self {
            kind: s.kind.as_str(),
            value: s.value.to_string(),
            advance: s.advance.to_string(),
            weight: s.weight.map(|w| w.to_string()),
            invoice_id: s.invoice_id,
            at: s.created_at,
        }
    }
}

/// What was paid into an enrolment and taken out of it, and the rate of
/// its metal today (a weight plan's).
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    pub(crate) instalments: Vec<Instalment>,
    pub(crate) settlements: Vec<Settlement>,
    pub(crate) rate: Option<Money>,
}

impl EnrolmentView {
    pub(crate) fn of(e: &Enrolment, ledger: &Ledger, now: DateTime<Utc>) -> Self {
        let instalments = &ledger.instalments;
        let book = e.passbook(instalments, now);
        let of_kind = |kinds: &[SettlementKind]| -> Money {
            ledger
                .settlements
                .iter()
                .filter(|s| kinds.contains(&s.kind))
                .map(|s| s.value)
                .sum()
        };
        let value_left = match e.status {
            EnrolmentStatus::Active => e.left(instalments, &ledger.settlements, ledger.rate).value,
            EnrolmentStatus::Redeemed | EnrolmentStatus::Closed => Money::ZERO,
        };
        let until = if now < book.maturity {
            book.maturity
        } else {
            book.last_redemption
        };
        Self {
            id: e.id,
            plan_id: e.plan_id,
            plan_name: e.plan_name.clone(),
            kind: e.terms.kind.into(),
            customer_id: e.customer_id,
            branch_id: e.branch_id,
            nominee_name: e.nominee_name.clone(),
            nominee_relation: e.nominee_relation.clone(),
            status: e.status.into(),
            started_at: e.started_at,
            matures_at: book.maturity,
            last_redemption_at: book.last_redemption,
            days_left: (until - now).num_days().max(0),
            instalments_due: e.terms.instalments,
            instalments_paid: book.instalments_paid,
            periods_missed: book.periods_missed,
            paid: book.paid.to_string(),
            bonus: book.bonus.to_string(),
            making_waiver: book.making_waiver.to_string(),
            weight: book.weight.to_string(),
            refund_due: book.refund_due,
            redeemed: of_kind(&[SettlementKind::Redeemed, SettlementKind::Restored]).to_string(),
            refunded: of_kind(&[SettlementKind::Refunded]).to_string(),
            value_left: value_left.to_string(),
            instalments: instalments.iter().map(InstalmentView::from).collect(),
            settlements: ledger
                .settlements
                .iter()
                .map(SettlementView::from)
                .collect(),
        }
    }
}

/// How a closed enrolment's advance is paid back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SchemeRefundMethodName {
    Cash,
    Upi,
    BankTransfer,
}

impl SchemeRefundMethodName {
    pub(crate) fn method(self) -> PaymentMethod {
        match self {
            Self::Cash => PaymentMethod::Cash,
            Self::Upi => PaymentMethod::Upi,
            Self::BankTransfer => PaymentMethod::BankTransfer,
        }
    }
}

/// Closing an enrolment early.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"refundMethod": "upi", "reference": "UPI 7781"}))]
pub struct ClosureFields {
    pub(crate) refund_method: SchemeRefundMethodName,
    /// The UPI or bank transaction id (needed for a bank transfer).
    #[schema(max_length = 80)]
    pub(crate) reference: Option<String>,
}

/// An enrolment closed early: the advance paid back, without bonus.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "enrolmentId": "01936f0e-0000-7000-8000-0000000000e1", "refund": "15000.00",
    "refundMethod": "upi", "reference": "UPI 7781", "closedAt": "2027-03-10T11:00:00Z"
}))]
pub struct ClosureView {
    pub(crate) enrolment_id: uuid::Uuid,
    #[schema(value_type = MoneyText)]
    pub(crate) refund: String,
    pub(crate) refund_method: SchemeRefundMethodName,
    #[schema(max_length = 80)]
    pub(crate) reference: Option<String>,
    pub(crate) closed_at: DateTime<Utc>,
}
