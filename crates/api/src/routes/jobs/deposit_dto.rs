//! The wire types of a job's advances.

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::invoice::PaymentMethod;
use jewel_domain::job::Deposit;
use jewel_domain::measure::Money;
use jewel_services::jobs::deposits::{DepositAsked, RefundAsked};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::wire::{MoneyText, PaymentMethodName, PositiveMoneyText, text};

/// How an advance is paid: money only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DepositMethodName {
    Cash,
    Card,
    Upi,
    BankTransfer,
    Cheque,
}

impl From<DepositMethodName> for PaymentMethod {
    fn from(value: DepositMethodName) -> Self {
        match value {
            DepositMethodName::Cash => Self::Cash,
            DepositMethodName::Card => Self::Card,
            DepositMethodName::Upi => Self::Upi,
            DepositMethodName::BankTransfer => Self::BankTransfer,
            DepositMethodName::Cheque => Self::Cheque,
        }
    }
}

/// An advance left on a job.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"amount": "500.00", "method": "cash"}))]
pub struct DepositFields {
    #[schema(value_type = PositiveMoneyText)]
    pub(crate) amount: String,
    pub(crate) method: DepositMethodName,
    /// The cheque number or bank transaction id (needed for those), a
    /// card slip or UPI reference.
    #[schema(max_length = 80)]
    pub(crate) reference: Option<String>,
}

/// A payment's reference as given: blank is none, else at most 80
/// characters.
fn reference_of(reference: Option<&str>) -> Result<Option<String>, Invalid> {
    reference
        .filter(|r| !r.trim().is_empty())
        .map(|r| text("reference", r, 80))
        .transpose()
}

impl DepositFields {
    pub(crate) fn asked(&self) -> Result<DepositAsked, Invalid> {
        let amount = Money::parse("amount", &self.amount)?;
        let reference = reference_of(self.reference.as_deref())?;
        Ok(DepositAsked {
            amount,
            method: self.method.into(),
            reference,
        })
    }
}

/// An advance given back: how and why.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"method": "upi", "reference": "UPI-77120", "reason": "Repair cancelled"}))]
pub struct RefundFields {
    pub(crate) method: DepositMethodName,
    /// The cheque number or bank transaction id (needed for those).
    #[schema(max_length = 80)]
    pub(crate) reference: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub(crate) reason: String,
}

impl RefundFields {
    pub(crate) fn asked(&self) -> Result<RefundAsked, Invalid> {
        let reference = reference_of(self.reference.as_deref())?;
        Ok(RefundAsked {
            method: self.method.into(),
            reference,
            reason: text("reason", &self.reason, 500)?,
        })
    }
}

/// What of an advance was given back.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"amount": "500.00", "method": "upi", "reference": "UPI-77120",
    "reason": "Repair cancelled", "by": "01936f0e-1111-7000-8000-000000000001",
    "at": "2026-12-08T11:00:00Z"}))]
pub struct RefundView {
    #[schema(value_type = MoneyText)]
    amount: String,
    method: PaymentMethodName,
    #[schema(max_length = 80)]
    reference: Option<String>,
    #[schema(max_length = 500)]
    reason: String,
    by: uuid::Uuid,
    at: DateTime<Utc>,
}

/// An advance with its receipt number, and how much of it the job's bill
/// took.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000d1", "number": "MUM1/ADV/2026-27/000001",
    "jobId": "01936f0e-0000-7000-8000-0000000000f1",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1",
    "amount": "500.00", "method": "cash", "reference": null, "applied": "0.00",
    "left": "500.00", "refund": null, "receivedBy": "01936f0e-1111-7000-8000-000000000001",
    "receivedAt": "2026-12-07T10:30:00Z"
}))]
pub struct DepositView {
    id: uuid::Uuid,
    /// Without gaps per branch and financial year; what an `advance`
    /// payment names as its `reference`.
    #[schema(max_length = 40)]
    number: String,
    job_id: uuid::Uuid,
    customer_id: uuid::Uuid,
    #[schema(value_type = MoneyText)]
    amount: String,
    method: PaymentMethodName,
    #[schema(max_length = 80)]
    reference: Option<String>,
    /// Taken by the job's bill so far.
    #[schema(value_type = MoneyText)]
    applied: String,
    /// Left for the job's bill.
    #[schema(value_type = MoneyText)]
    left: String,
    /// Given back (`null` while not).
    refund: Option<RefundView>,
    received_by: uuid::Uuid,
    received_at: DateTime<Utc>,
}

impl From<&Deposit> for DepositView {
    fn from(d: &Deposit) -> Self {
        Self {
            id: d.id,
            number: d.number.clone(),
            job_id: d.job_id,
            customer_id: d.customer_id,
            amount: d.amount.to_string(),
            method: d.method.into(),
            reference: d.reference.clone(),
            applied: d.applied.to_string(),
            left: d.unapplied().to_string(),
            refund: d.refund.as_ref().map(|r| RefundView {
                amount: r.amount.to_string(),
                method: r.method.into(),
                reference: r.reference.clone(),
                reason: r.reason.clone(),
                by: r.by,
                at: r.at,
            }),
            received_by: d.received_by,
            received_at: d.received_at,
        }
    }
}

/// A job's advances and what is left of them together.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"items": [], "left": "0.00"}))]
pub struct JobDepositsView {
    /// Oldest first.
    #[schema(max_items = 1000)]
    items: Vec<DepositView>,
    /// Left for the job's bill, of all its advances.
    #[schema(value_type = MoneyText)]
    left: String,
}

impl JobDepositsView {
    pub(crate) fn of(deposits: &[Deposit]) -> Self {
        Self {
            items: deposits.iter().map(DepositView::from).collect(),
            left: deposits
                .iter()
                .map(Deposit::unapplied)
                .sum::<Money>()
                .to_string(),
        }
    }
}
