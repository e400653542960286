//! Store credit on bills: a return settled as store credit credits the
//! customer with what of it goes back as money (the share paid in points
//! goes back as points); a payment in store credit spends it under the
//! account's row lock, never below zero, so two bills spending the same
//! credit take turns and the second finds it spent; cancelling an issued
//! bill gives back what it spent.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::invoice::{CreditNote, Invoice, Payment, PaymentMethod};
use jewel_domain::store_credit::{CreditEntry, CreditKind};
use jewel_persistence::repos::store_credit::StoreCredit;
use jewel_persistence::{DatabaseTransaction, RepoError};

use super::BillingError;

/// Who writes an entry: the kind and id.
type Author = (&'static str, uuid::Uuid);

fn entry(
    customer: uuid::Uuid,
    kind: CreditKind,
    amount: jewel_domain::measure::Money,
    invoice: &Invoice,
    reason: String,
    author: Author,
) -> CreditEntry {
    CreditEntry {
        id: uuid::Uuid::now_v7(),
        customer_id: customer,
        kind,
        amount,
        invoice_id: Some(invoice.id),
        credit_note_id: None,
        reason,
        actor_kind: author.0.to_owned(),
        actor_id: author.1,
        created_at: Utc::now(),
    }
}

fn number(invoice: &Invoice) -> &str {
    invoice.number.as_deref().unwrap_or_default()
}

/// Who holds store credit from `invoice`: its customer; a bill without
/// one cannot be settled as store credit.
pub fn holder(invoice: &Invoice) -> Result<uuid::Uuid, Invalid> {
    invoice.customer_id.ok_or_else(|| {
        Invalid::field(
            "settlement",
            "no_customer",
            "a bill without a customer cannot be settled as store credit",
        )
    })
}

/// Credits the bill's customer for `note`, settled as store credit.
pub(super) async fn credit_return(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    note: &CreditNote,
    author: Author,
) -> Result<(), BillingError> {
    let customer = holder(invoice)?;
    let amount = invoice.money_back(note.bill.total);
    if amount.is_zero() {
        return Ok(());
    }
    StoreCredit::lock(txn, customer).await?;
    let mut credit = entry(
        customer,
        CreditKind::Credited,
        amount,
        invoice,
        format!("Goods returned on credit note {}", note.number),
        author,
    );
    credit.credit_note_id = Some(note.id);
    StoreCredit::record(txn, &credit, &format!("credit_note:{}", note.id))
        .await
        .map_err(raced)
}

/// Spends the customer's store credit for the payments in it among
/// `payments` (none: nothing is read).
pub(super) async fn spend(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    payments: &[Payment],
    author: Author,
) -> Result<(), BillingError> {
    let spent: Vec<(usize, &Payment)> = payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.method == PaymentMethod::StoreCredit)
        .collect();
    let Some(&(first, _)) = spent.first() else {
        return Ok(());
    };
    let Some(customer) = invoice.customer_id else {
        return Err(Invalid::field(
            format!("payments[{first}].method"),
            "no_customer",
            "a bill without a customer has no store credit to spend",
        )
        .into());
    };
    let mut balance = StoreCredit::lock(txn, customer).await?;
    for (index, payment) in spent {
        if payment.amount > balance {
            return Err(Invalid::field(
                format!("payments[{index}].amount"),
                "more_than_held",
                format!("more than the {balance} of store credit the customer holds"),
            )
            .into());
        }
        let taken = entry(
            customer,
            CreditKind::Spent,
            payment.amount.negated(),
            invoice,
            format!("Paid on invoice {}", number(invoice)),
            author,
        );
        StoreCredit::record(txn, &taken, &format!("payment:{}", payment.id))
            .await
            .map_err(raced)?;
        balance = balance - payment.amount;
    }
    Ok(())
}

/// Gives back the store credit spent on `invoice`, cancelled.
pub(super) async fn give_back(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    author: Author,
) -> Result<(), BillingError> {
    let spent: Vec<CreditEntry> = StoreCredit::of_invoice(txn, invoice.id)
        .await?
        .into_iter()
        .filter(|e| e.kind == CreditKind::Spent)
        .collect();
    for taken in spent {
        StoreCredit::lock(txn, taken.customer_id).await?;
        let back = entry(
            taken.customer_id,
            CreditKind::Restored,
            taken.amount.negated(),
            invoice,
            format!("Invoice {} cancelled", number(invoice)),
            author,
        );
        StoreCredit::record(txn, &back, &format!("restored:{}", taken.id))
            .await
            .map_err(raced)?;
    }
    Ok(())
}

/// A write that lost a race (the same source written, the balance gone).
pub(super) fn raced(error: RepoError) -> BillingError {
    match error {
        RepoError::Taken { .. } | RepoError::StaleVersion => BillingError::ChangedMeanwhile,
        other => other.into(),
    }
}
