//! Money a customer leaves on a job before its bill (an advance, with its
//! own receipt), taken later on the job's bill as payment method
//! `advance`; and the gate on handing the item back.

use chrono::{DateTime, Utc};

use crate::invoice::PaymentMethod;
use crate::measure::Money;
use crate::validation::Invalid;

/// An advance received on a job, with its receipt number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deposit {
    pub id: uuid::Uuid,
    /// Without gaps per branch and financial year: `MUM1/ADV/2026-27/000001`.
    pub number: String,
    pub financial_year: String,
    pub branch_id: uuid::Uuid,
    pub job_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub amount: Money,
    pub method: PaymentMethod,
    /// The card slip, UPI or bank transaction, or cheque number.
    pub reference: Option<String>,
    /// How much of it the job's bill took so far.
    pub applied: Money,
    /// Given back to the customer (a job cancelled, or done for less).
    pub refund: Option<Refund>,
    pub received_by: uuid::Uuid,
    pub received_at: DateTime<Utc>,
}

/// What of an advance was given back, how and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub amount: Money,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub reason: String,
    pub by: uuid::Uuid,
    pub at: DateTime<Utc>,
}

impl Deposit {
    /// What is left of it for the job's bill (none once given back).
    pub fn unapplied(&self) -> Money {
        let refunded = self.refund.as_ref().map_or(Money::ZERO, |r| r.amount);
        self.amount - self.applied - refunded
    }

    /// Checks giving back what is left of it, for a job `done` (delivered
    /// or cancelled): its bill takes it while the job is open. Returns the
    /// amount given back.
    pub fn check_refund(&self, done: bool) -> Result<Money, RefundRefused> {
        if self.refund.is_some() {
            return Err(RefundRefused::Refunded);
        }
        if !done {
            return Err(RefundRefused::JobOpen);
        }
        let left = self.unapplied();
        if left.is_zero() {
            return Err(RefundRefused::NothingLeft);
        }
        Ok(left)
    }
}

/// Why an advance is not given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRefused {
    /// Given back already.
    Refunded,
    /// The job is open: its bill takes the advance.
    JobOpen,
    /// Its bill took all of it.
    NothingLeft,
}

/// Checks how an advance is paid: money only (cash, card, UPI, a bank
/// transfer or a cheque), with its reference where one is needed.
pub fn check_deposit_method(method: PaymentMethod, reference: Option<&str>) -> Result<(), Invalid> {
    use PaymentMethod::*;
    if !matches!(method, Cash | Card | Upi | BankTransfer | Cheque) {
        return Err(Invalid::field(
            "method",
            "not_money",
            "an advance is paid in cash, by card, UPI, bank transfer or cheque",
        ));
    }
    if method.needs_reference() && reference.is_none() {
        return Err(Invalid::field(
            "reference",
            "required",
            "the cheque number or bank transaction id",
        ));
    }
    Ok(())
}

/// Where a job's bill stands when the item is to be handed back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillState {
    /// No bill was made (or the one made was cancelled).
    None,
    /// Issued or drafted, not paid in full.
    Unpaid,
    Paid,
}

/// Why the item may not go back yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryRefused {
    /// The bill is not paid, and no override was given.
    Unpaid(BillState),
    /// An override by someone who may not give one.
    NotManager,
    Invalid(Invalid),
}

/// Checks a delivery: the job's bill paid, or a manager's override with
/// its reason (`may_override`: the caller approves what a seller may
/// not). An override where the bill is paid is refused as needless.
pub fn check_delivery(
    bill: BillState,
    override_reason: Option<&str>,
    may_override: bool,
) -> Result<(), DeliveryRefused> {
    match (bill, override_reason) {
        (BillState::Paid, None) => Ok(()),
        (BillState::Paid, Some(_)) => Err(DeliveryRefused::Invalid(Invalid::field(
            "overrideReason",
            "needless",
            "the bill is paid: no override is needed",
        ))),
        (state, None) => Err(DeliveryRefused::Unpaid(state)),
        (_, Some(_)) if !may_override => Err(DeliveryRefused::NotManager),
        (_, Some(reason)) if reason.trim().is_empty() => Err(DeliveryRefused::Invalid(
            Invalid::field("overrideReason", "required", "why it goes unpaid"),
        )),
        (_, Some(_)) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_needs_a_paid_bill_or_a_managers_reason() {
        assert!(check_delivery(BillState::Paid, None, false).is_ok());
        assert_eq!(
            check_delivery(BillState::Unpaid, None, true),
            Err(DeliveryRefused::Unpaid(BillState::Unpaid))
        );
        assert_eq!(
            check_delivery(BillState::None, Some("owner's friend"), false),
            Err(DeliveryRefused::NotManager)
        );
        assert!(check_delivery(BillState::None, Some("warranty repair"), true).is_ok());
        assert!(matches!(
            check_delivery(BillState::Paid, Some("x"), true),
            Err(DeliveryRefused::Invalid(_))
        ));
    }

    #[test]
    fn what_is_left_goes_back_once_the_job_is_done() {
        let at = chrono::Utc::now();
        let mut advance = Deposit {
            id: uuid::Uuid::now_v7(),
            number: "MUM1/ADV/2026-27/000001".to_owned(),
            financial_year: "2026-27".to_owned(),
            branch_id: uuid::Uuid::nil(),
            job_id: uuid::Uuid::nil(),
            customer_id: uuid::Uuid::nil(),
            amount: Money::from_units(50_000),
            method: PaymentMethod::Cash,
            reference: None,
            applied: Money::from_units(20_000),
            refund: None,
            received_by: uuid::Uuid::nil(),
            received_at: at,
        };
        assert_eq!(advance.check_refund(false), Err(RefundRefused::JobOpen));
        assert_eq!(advance.check_refund(true), Ok(Money::from_units(30_000)));
        advance.refund = Some(Refund {
            amount: Money::from_units(30_000),
            method: PaymentMethod::Upi,
            reference: None,
            reason: "Cancelled".to_owned(),
            by: uuid::Uuid::nil(),
            at,
        });
        assert_eq!(advance.unapplied(), Money::ZERO);
        assert_eq!(advance.check_refund(true), Err(RefundRefused::Refunded));
    }

    #[test]
    fn an_advance_is_money() {
        assert!(check_deposit_method(PaymentMethod::Cash, None).is_ok());
        assert!(check_deposit_method(PaymentMethod::Points, None).is_err());
        assert!(check_deposit_method(PaymentMethod::Cheque, None).is_err());
        assert!(check_deposit_method(PaymentMethod::Cheque, Some("000123")).is_ok());
    }
}
