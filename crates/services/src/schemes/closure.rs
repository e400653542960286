//! Closing an enrolment early: after the plan's number of instalments and
//! before maturity, or once its redemption window has closed (a refund
//! due), with nothing redeemed; the advance is paid back without bonus,
//! audited, and the enrolment is closed.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::invoice::PaymentMethod;
use jewel_domain::scheme::{Enrolment, EnrolmentStatus, Settlement, SettlementKind};
use jewel_persistence::RepoError;
use jewel_persistence::repos::schemes::{Schemes, SettledBy};

use super::SchemeError;
use crate::Unit;

/// Closes `enrolment` (as read) and refunds its advance by `method`.
pub async fn close(
    unit: &mut Unit,
    enrolment: &Enrolment,
    method: PaymentMethod,
    reference: Option<String>,
) -> Result<Settlement, SchemeError> {
    match method {
        PaymentMethod::Cash | PaymentMethod::Upi => {}
        PaymentMethod::BankTransfer if reference.is_some() => {}
        PaymentMethod::BankTransfer => {
            return Err(
                Invalid::field("reference", "required", "the bank's transaction id").into(),
            );
        }
        _ => {
            return Err(Invalid::field(
                "refundMethod",
                "not_a_refund",
                "a refund is paid in cash, by UPI or bank transfer",
            )
            .into());
        }
    }
    let actor = unit.actor().author();
    let txn = unit.txn().await?;
    let locked = Schemes::lock_enrolment(txn, enrolment.id)
        .await?
        .ok_or(SchemeError::NotFound)?;
    let (instalments, settlements) = Schemes::held(txn, enrolment.id).await?;
    let redeemed = settlements
        .iter()
        .map(|s| s.value)
        .sum::<jewel_domain::measure::Money>();
    let now = Utc::now();
    let first = instalments.iter().map(|i| i.accepted_at).min();
    let paid = u32::try_from(instalments.len()).unwrap_or(u32::MAX);
    locked.check_closure(paid, !redeemed.is_zero(), now, first)?;
    let left = locked.left(&instalments, &settlements, None);
    let refund = Settlement {
        id: uuid::Uuid::now_v7(),
        enrolment_id: enrolment.id,
        kind: SettlementKind::Refunded,
        value: left.advance,
        advance: left.advance,
        weight: (!left.weight.is_zero()).then_some(left.weight),
        invoice_id: None,
        created_at: now,
    };
    let by = SettledBy {
        source: &format!("closure:{}", enrolment.id),
        method: Some(method.as_str()),
        reference: reference.as_deref(),
        actor,
    };
    Schemes::settle(txn, &refund, &by)
        .await
        .map_err(|error| match error {
            RepoError::Taken { .. } => SchemeError::ChangedMeanwhile,
            other => other.into(),
        })?;
    Schemes::set_status(txn, enrolment.id, EnrolmentStatus::Closed).await?;
    let record = serde_json::json!({"branchId": enrolment.branch_id, "status": "closed",
        "refund": refund.value.to_string(), "refundMethod": method.as_str()});
    unit.audit(
        "close",
        "scheme_enrolment",
        enrolment.id,
        None,
        Some(&record),
    )?;
    Ok(refund)
}
