//! Savings schemes: the owner's plans, a customer's enrolment at a branch
//! (refused when it could not be redeemed within 365 days of its first
//! instalment), and instalments: one per period under the enrolment's row
//! lock, the cash guard, a weight plan's grams at the day's rate, and a
//! receipt number without gaps per branch and financial year taken last in
//! the transaction. Every change is audited.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::billing::{check_cash, invoice_number};
use jewel_domain::invoice::PaymentMethod;
use jewel_domain::measure::Money;
use jewel_domain::metal_rate::CurrentRates;
use jewel_domain::scheme::{
    Enrolment, EnrolmentStatus, Instalment, PeriodRefused, Plan, PlanKind, Terms, grams_for,
};
use jewel_persistence::RepoError;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::invoices::{Invoices, Series};
use jewel_persistence::repos::schemes::{Schemes, to_second};

use crate::Unit;
use crate::billing::{BillingRules, financial_year};

mod closure;
pub mod events;
pub(crate) mod redemption;
mod refunds;
pub(crate) mod waiver;

pub use closure::close;
pub use refunds::refunds_due;

/// Why a scheme's work is refused.
#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    #[error("no such record")]
    NotFound,
    /// The enrolment is redeemed or closed.
    #[error("the enrolment is {status}; instalments go to an active one")]
    WrongStatus { status: &'static str },
    /// This period's instalment was paid already.
    #[error("the instalment of period {period} was paid already")]
    PeriodPaid { period: u32 },
    /// Every period is over.
    #[error("the enrolment has matured; it takes no more instalments")]
    Matured,
    #[error("the enrolment was changed by someone else at the same moment; read it again")]
    ChangedMeanwhile,
    #[error("timezone is not an IANA time zone")]
    BranchTimezone,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}

/// Defines a plan named `name` on `terms`, open to enrolments.
pub async fn create_plan(unit: &mut Unit, name: String, terms: Terms) -> Result<Plan, SchemeError> {
    terms.validate()?;
    let plan = Plan {
        id: uuid::Uuid::now_v7(),
        name,
        terms,
        active: true,
        created_at: to_second(Utc::now()),
    };
    let by = unit.actor().id();
    Schemes::add_plan(unit.txn().await?, &plan, by).await?;
    let record = serde_json::json!({"name": plan.name, "kind": plan.terms.kind.as_str(),
        "instalments": plan.terms.instalments, "amount": plan.terms.amount.to_string()});
    unit.audit("create", "scheme_plan", plan.id, None, Some(&record))?;
    Ok(plan)
}

/// A new enrolment as asked for.
#[derive(Debug, Clone)]
pub struct NewEnrolment {
    pub plan_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub nominee_name: String,
    pub nominee_relation: String,
}

/// Enrols a customer in a plan at a branch (one of `branch_scope`, `None`
/// for every branch), beginning now.
pub async fn enrol(
    unit: &mut Unit,
    request: NewEnrolment,
    branch_scope: Option<&[uuid::Uuid]>,
) -> Result<Enrolment, SchemeError> {
    let db = unit.db();
    let plan = Schemes::plan(db, request.plan_id)
        .await?
        .ok_or_else(|| Invalid::field("planId", "not_found", "no such plan"))?;
    if !plan.active {
        return Err(Invalid::field("planId", "retired", "the plan takes no new enrolments").into());
    }
    Branches::get(db, request.branch_id)
        .await?
        .filter(|b| branch_scope.is_none_or(|scope| scope.contains(&b.id)))
        .ok_or_else(|| Invalid::field("branchId", "out_of_scope", "not one of your branches"))?;
    let customer = crate::crm::live_customer(db, request.customer_id)
        .await
        .map_err(|_| Invalid::field("customerId", "not_found", "no such customer"))?;
    let started_at = to_second(Utc::now());
    plan.terms.check_enrolment(started_at)?;
    if plan.terms.kind == PlanKind::Amount {
        let all = plan.terms.amount.times(plan.terms.instalments.into());
        plan.terms
            .check_pan(Money::ZERO, all, customer.pan.is_some(), "customerId")?;
    }
    let enrolment = Enrolment {
        id: uuid::Uuid::now_v7(),
        plan_id: plan.id,
        plan_name: plan.name,
        customer_id: request.customer_id,
        branch_id: request.branch_id,
        terms: plan.terms,
        nominee_name: request.nominee_name,
        nominee_relation: request.nominee_relation,
        started_at,
        status: EnrolmentStatus::Active,
        created_by: unit.actor().id(),
    };
    Schemes::enrol(unit.txn().await?, &enrolment).await?;
    let record = serde_json::json!({"planId": enrolment.plan_id, "customerId": enrolment.customer_id,
        "branchId": enrolment.branch_id, "nomineeName": enrolment.nominee_name});
    unit.audit(
        "create",
        "scheme_enrolment",
        enrolment.id,
        None,
        Some(&record),
    )?;
    unit.emit(&events::SchemeEnrolled::of(&enrolment))?;
    Ok(enrolment)
}

/// An instalment as received at the counter.
#[derive(Debug, Clone)]
pub struct InstalmentRequest {
    pub amount: Money,
    pub method: PaymentMethod,
    pub reference: Option<String>,
}

/// Takes an instalment of `enrolment` (as read): the period it pays, a
/// weight plan's grams at `rates`, and the receipt number.
pub async fn pay_instalment(
    unit: &mut Unit,
    rules: &BillingRules,
    rates: &CurrentRates,
    enrolment: &Enrolment,
    request: InstalmentRequest,
) -> Result<Instalment, SchemeError> {
    match request.method {
        PaymentMethod::Cash | PaymentMethod::Card | PaymentMethod::Upi => {}
        PaymentMethod::BankTransfer if request.reference.is_some() => {}
        PaymentMethod::BankTransfer => {
            return Err(
                Invalid::field("reference", "required", "the bank's transaction id").into(),
            );
        }
        _ => {
            return Err(Invalid::field(
                "method",
                "not_for_instalments",
                "an instalment is paid in cash, by card, UPI or bank transfer",
            )
            .into());
        }
    }
    if enrolment.status != EnrolmentStatus::Active {
        return Err(SchemeError::WrongStatus {
            status: enrolment.status.as_str(),
        });
    }
    let terms = &enrolment.terms;
    terms.check_amount(request.amount)?;
    if request.method == PaymentMethod::Cash {
        check_cash(request.amount, rules.cash_limit).map_err(|_| {
            Invalid::field(
                "amount",
                "cash_limit",
                format!(
                    "cash for one instalment must stay below {}",
                    rules.cash_limit
                ),
            )
        })?;
    }
    let (weight, rate) = match (terms.kind, terms.purity) {
        (PlanKind::Weight, Some(purity)) => {
            let rate = rates
                .for_purity(purity)
                .map(|r| r.per_gram)
                .ok_or_else(|| {
                    Invalid::field(
                        "amount",
                        "no_rate",
                        "no rate is set for the plan's metal today",
                    )
                })?;
            let grams = grams_for(request.amount, rate);
            if grams.is_zero() {
                return Err(
                    Invalid::field("amount", "too_small", "it buys less than a milligram").into(),
                );
            }
            (Some(grams), Some(rate))
        }
        _ => (None, None),
    };
    let branch = Branches::get(unit.db(), enrolment.branch_id)
        .await?
        .ok_or(SchemeError::NotFound)?;
    let accepted_at = to_second(Utc::now());
    // The only refusal of `financial_year`: a branch clock it cannot read.
    let year =
        financial_year(rules, &branch, accepted_at).map_err(|_| SchemeError::BranchTimezone)?;
    // Outside the transaction: two first receipts of a year may both open it.
    Invoices::open_sequence(unit.db(), branch.id, Series::SchemeReceipt, &year).await?;
    let (by_kind, by) = unit.actor().author();
    let txn = unit.txn().await?;
    let locked = Schemes::lock_enrolment(txn, enrolment.id)
        .await?
        .ok_or(SchemeError::NotFound)?;
    if locked.status != EnrolmentStatus::Active {
        return Err(SchemeError::ChangedMeanwhile);
    }
    let held = Schemes::held(txn, enrolment.id).await?.0;
    let paid: Vec<u32> = held.iter().map(|i| i.period).collect();
    let has_pan = Customers::get(txn, enrolment.customer_id)
        .await?
        .is_some_and(|c| c.pan.is_some());
    let so_far: Money = held.iter().map(|i| i.amount).sum();
    terms.check_pan(so_far, request.amount, has_pan, "amount")?;
    let period = terms
        .period_for(enrolment.started_at, accepted_at, &paid)
        .map_err(|refused| match refused {
            PeriodRefused::Paid { period } => SchemeError::PeriodPaid { period },
            PeriodRefused::Matured | PeriodRefused::NotBegun => SchemeError::Matured,
        })?;
    let sequence = Invoices::take_number(txn, branch.id, Series::SchemeReceipt, &year).await?;
    let instalment = Instalment {
        id: uuid::Uuid::now_v7(),
        enrolment_id: enrolment.id,
        period,
        amount: request.amount,
        weight,
        rate,
        method: request.method,
        reference: request.reference,
        receipt_number: invoice_number(
            &format!("{}/SCH", branch.code),
            &year,
            u64::try_from(sequence).unwrap_or(0),
        ),
        accepted_at,
        accepted_by: by,
    };
    Schemes::add_instalment(txn, &instalment, branch.id, by_kind)
        .await
        .map_err(|error| match error {
            RepoError::Taken { .. } => SchemeError::ChangedMeanwhile,
            other => other.into(),
        })?;
    let record = serde_json::json!({"enrolmentId": enrolment.id, "branchId": branch.id,
        "period": period, "amount": instalment.amount.to_string(),
        "receiptNumber": instalment.receipt_number});
    unit.audit(
        "create",
        "scheme_instalment",
        instalment.id,
        None,
        Some(&record),
    )?;
    unit.emit(&events::InstalmentReceived::of(enrolment, &instalment))?;
    Ok(instalment)
}
