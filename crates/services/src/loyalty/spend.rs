//! Points spent as a payment on a bill: a whole number of points at the
//! programme's value, within its cap on the bill, from active points (the
//! soonest to lapse first), at least the first-time minimum held before
//! the customer's first spending. Two bills spending the same points: the
//! account's row lock makes one wait for the other, which then finds them
//! spent.

use chrono::Utc;
use jewel_domain::invoice::{Invoice, Payment, PaymentMethod};
use jewel_domain::loyalty::{Entry, EntryKind, draw};
use jewel_domain::measure::Money;
use jewel_domain::{Invalid, loyalty::Award};
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::loyalty::Loyalty;

use super::LoyaltyError;

/// Spends points for the payments `spent` (each with its index among the
/// request's payments) on `invoice`, with the rest of its work in `txn`.
pub async fn spend(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    spent: &[(usize, &Payment)],
) -> Result<(), LoyaltyError> {
    let Some(&(first, _)) = spent.first() else {
        return Ok(());
    };
    let Some(customer) = invoice.customer_id else {
        return Err(Invalid::field(
            format!("payments[{first}].method"),
            "no_customer",
            "a bill without a customer has no points to spend",
        )
        .into());
    };
    let account = Loyalty::lock(txn, customer).await?;
    let (programme, _) = Loyalty::programme(txn).await?;
    let cap = programme.redemption_cap.of(invoice.bill.total);
    let mut in_points: Money = invoice
        .payments
        .iter()
        .filter(|p| p.method == PaymentMethod::Points)
        .map(|p| p.amount)
        .sum();
    let now = Utc::now();
    let mut awards: Vec<Award> = Loyalty::awards(txn, customer).await?;
    let available = |awards: &[Award]| -> i64 {
        awards
            .iter()
            .filter(|a| a.active_at <= now)
            .map(|a| a.remaining)
            .sum()
    };
    let mut has_redeemed = account.has_redeemed;
    for &(index, payment) in spent {
        let field = format!("payments[{index}].amount");
        let points = match programme.points_paying(payment.amount) {
            Some(points) => points,
            None => {
                return Err(Invalid::field(
                    field,
                    "whole_points",
                    format!("a whole number of points at {} each", programme.point_value),
                )
                .into());
            }
        };
        in_points = in_points + payment.amount;
        if in_points > cap {
            return Err(Invalid::field(
                field,
                "over_cap",
                format!(
                    "at most {cap} of this bill in points ({}% of {})",
                    programme.redemption_cap, invoice.bill.total
                ),
            )
            .into());
        }
        let held = available(&awards);
        if !has_redeemed && held < programme.first_redemption_minimum {
            return Err(Invalid::field(
                field,
                "below_first_minimum",
                format!(
                    "the first spending needs {} points held; {held} are",
                    programme.first_redemption_minimum
                ),
            )
            .into());
        }
        let draws = draw(&awards, points, now).ok_or_else(|| {
            Invalid::field(
                field.clone(),
                "more_than_available",
                format!("more than the {held} points available"),
            )
        })?;
        for (award, taken) in &draws {
            if let Some(a) = awards.iter_mut().find(|a| a.entry_id == *award) {
                a.remaining -= taken;
            }
        }
        let entry = Entry {
            id: uuid::Uuid::now_v7(),
            customer_id: customer,
            kind: EntryKind::Redeemed,
            points: -points,
            remaining: 0,
            qualifying: 0,
            active_at: now,
            expires_at: None,
            invoice_id: Some(invoice.id),
            credit_note_id: None,
            source: Some(format!("payment:{}", payment.id)),
            reason: Some("Paid on a bill".to_owned()),
            actor_kind: "system".to_owned(),
            actor_id: uuid::Uuid::nil(),
            created_at: now,
        };
        Loyalty::record(txn, &entry, &draws)
            .await
            .map_err(|_| LoyaltyError::Raced)?;
        has_redeemed = true;
    }
    Ok(())
}
