//! Advances on a job: each with its receipt numbered without gaps per
//! branch and financial year (the number taken last), cash together below
//! the limit for the job (its advances and its bill are one transaction
//! in the law's eyes); taken on the job's bill as payment method
//! `advance`, only while enough of it is left, and given back to the
//! advance when that bill is cancelled.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::billing::invoice_number;
use jewel_domain::invoice::{Invoice, Payment, PaymentMethod};
use jewel_domain::job::{Deposit, JobCard, Refund, RefundRefused, check_deposit_method};
use jewel_domain::measure::Money;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::deposits::Deposits;
use jewel_persistence::repos::invoices::{Invoices, Series};
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::schemes::to_second;
use jewel_persistence::{ConnectionTrait, DatabaseTransaction};

use super::JobError;
use crate::Unit;
use crate::billing::{BillingError, BillingRules, financial_year};

/// An advance as asked for at the counter.
#[derive(Debug, Clone)]
pub struct DepositAsked {
    pub amount: Money,
    pub method: PaymentMethod,
    pub reference: Option<String>,
}

/// Takes an advance on `job` (as read): money only, while the job is
/// open, cash below the limit with the job's other cash; audited.
pub async fn take(
    unit: &mut Unit,
    rules: &BillingRules,
    job: &JobCard,
    asked: DepositAsked,
) -> Result<Deposit, JobError> {
    check_deposit_method(asked.method, asked.reference.as_deref())?;
    if asked.amount.is_zero() {
        return Err(Invalid::field("amount", "too_small", "more than 0").into());
    }
    let branch = Branches::get(unit.db(), job.branch_id)
        .await?
        .ok_or(JobError::NotFound)?;
    let now = to_second(Utc::now());
    let year = financial_year(rules, &branch, now).map_err(|_| JobError::BranchTimezone)?;
    // Outside the transaction: two first advances of a year may both open it.
    Invoices::open_sequence(unit.db(), branch.id, Series::Advance, &year).await?;
    let by = unit.actor().author().1;
    let txn = unit.txn().await?;
    // The card's lock orders advances of one job: the cash read is the last.
    let job = Jobs::lock(txn, job.id).await?.ok_or(JobError::NotFound)?;
    if job.status.is_final() {
        return Err(JobError::Closed {
            status: job.status.as_str(),
        });
    }
    if asked.method == PaymentMethod::Cash {
        let cash = cash_of(txn, &job).await? + asked.amount;
        if cash >= rules.cash_limit {
            return Err(Invalid::field(
                "amount",
                "cash_limit",
                format!(
                    "cash for one job (its advances and its bill) must stay below {}; it would be {cash}",
                    rules.cash_limit
                ),
            )
            .into());
        }
    }
    let sequence = Invoices::take_number(txn, branch.id, Series::Advance, &year).await?;
    let deposit = Deposit {
        id: uuid::Uuid::now_v7(),
        number: invoice_number(
            &format!("{}/ADV", branch.code),
            &year,
            u64::try_from(sequence).unwrap_or(0),
        ),
        financial_year: year,
        branch_id: branch.id,
        job_id: job.id,
        customer_id: job.customer_id,
        amount: asked.amount,
        method: asked.method,
        reference: asked.reference,
        applied: Money::ZERO,
        refund: None,
        received_by: by,
        received_at: now,
    };
    Deposits::insert(txn, &deposit).await?;
    let record = serde_json::json!({
        "number": deposit.number, "jobId": deposit.job_id,
        "amount": deposit.amount.to_string(), "method": deposit.method.as_str(),
    });
    unit.audit("create", "job_deposit", deposit.id, None, Some(&record))?;
    Ok(deposit)
}

/// A refund of an advance as asked for.
#[derive(Debug, Clone)]
pub struct RefundAsked {
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub reason: String,
}

/// Gives back what is left of advance `deposit_id` of `job`, once the job
/// is delivered or cancelled (while it is open its bill takes it): money
/// only; of a refund and a bill racing for it, one wins. Audited.
pub async fn refund(
    unit: &mut Unit,
    job: &JobCard,
    deposit_id: uuid::Uuid,
    asked: RefundAsked,
) -> Result<Deposit, JobError> {
    check_deposit_method(asked.method, asked.reference.as_deref())?;
    let by = unit.actor().author().1;
    let txn = unit.txn().await?;
    let job = Jobs::lock(txn, job.id).await?.ok_or(JobError::NotFound)?;
    let deposit = Deposits::of_job(txn, job.id, true)
        .await?
        .into_iter()
        .find(|d| d.id == deposit_id)
        .ok_or(JobError::NotFound)?;
    let amount = deposit
        .check_refund(job.status.is_final())
        .map_err(|refused| JobError::NotRefundable {
            why: match refused {
                RefundRefused::Refunded => "refunded",
                RefundRefused::JobOpen => "job_open",
                RefundRefused::NothingLeft => "nothing_left",
            },
        })?;
    let given = Refund {
        amount,
        method: asked.method,
        reference: asked.reference,
        reason: asked.reason,
        by,
        at: to_second(Utc::now()),
    };
    if !Deposits::refund(txn, deposit.id, &given).await? {
        return Err(JobError::ChangedMeanwhile);
    }
    let record = serde_json::json!({
        "number": deposit.number, "jobId": job.id, "refunded": given.amount.to_string(),
        "method": given.method.as_str(), "reason": given.reason,
    });
    unit.audit("refund", "job_deposit", deposit.id, None, Some(&record))?;
    Ok(Deposit {
        refund: Some(given),
        ..deposit
    })
}

/// What of `deposits` was left in cash.
fn cash_among(deposits: &[Deposit]) -> Money {
    deposits
        .iter()
        .filter(|d| d.method == PaymentMethod::Cash)
        .map(|d| d.amount)
        .sum()
}

/// Cash received for `job` so far: its advances and its bill's payments.
async fn cash_of(db: &impl ConnectionTrait, job: &JobCard) -> Result<Money, JobError> {
    let advances = cash_among(&Deposits::of_job(db, job.id, true).await?);
    let billed = match job.invoice_id {
        Some(id) => Invoices::get(db, id)
            .await?
            .filter(|i| i.status.is_sale())
            .map_or(Money::ZERO, |i| i.cash_received()),
        None => Money::ZERO,
    };
    Ok(advances + billed)
}

/// The cash guard on a payment of `invoice` when it is a job's bill: the
/// job's cash advances count with the bill's own cash.
pub async fn check_cash(
    db: &impl ConnectionTrait,
    rules: &BillingRules,
    invoice: &Invoice,
    payments: &[Payment],
) -> Result<(), BillingError> {
    let cash: Money = payments
        .iter()
        .filter(|p| p.method == PaymentMethod::Cash)
        .map(|p| p.amount)
        .sum();
    if cash.is_zero() {
        return Ok(());
    }
    let Some(job) = Jobs::of_invoice(db, invoice.id).await? else {
        return Ok(());
    };
    let advances = cash_among(&Deposits::of_job(db, job.id, false).await?);
    jewel_domain::billing::check_cash(advances + invoice.cash_received() + cash, rules.cash_limit)?;
    Ok(())
}

/// Takes what the `advance` payments among `payments` name from their
/// advances: each an advance of the job whose bill `invoice` is, with
/// that much left.
pub async fn spend(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    payments: &[Payment],
) -> Result<(), BillingError> {
    let advances: Vec<(usize, &Payment)> = payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.method == PaymentMethod::Advance)
        .collect();
    if advances.is_empty() {
        return Ok(());
    }
    let job = Jobs::of_invoice(txn, invoice.id).await?;
    for (i, payment) in advances {
        let Some(job) = &job else {
            return Err(Invalid::field(
                format!("payments[{i}].method"),
                "not_a_job_bill",
                "an advance pays only the bill of the job it was left on",
            )
            .into());
        };
        let number = payment.reference.as_deref().unwrap_or_default();
        let deposit = Deposits::by_number(txn, number)
            .await?
            .filter(|d| d.job_id == job.id)
            .ok_or_else(|| {
                Invalid::field(
                    format!("payments[{i}].reference"),
                    "not_found",
                    format!("job {} has no advance with this receipt number", job.number),
                )
            })?;
        if !Deposits::apply(txn, deposit.id, payment.amount).await? {
            return Err(Invalid::field(
                format!("payments[{i}].amount"),
                "more_than_left",
                format!(
                    "advance {} has {} left, not {}",
                    deposit.number,
                    deposit.unapplied(),
                    payment.amount
                ),
            )
            .into());
        }
    }
    Ok(())
}

/// Gives the advances `invoice` took back to them (it was cancelled).
pub async fn give_back(txn: &DatabaseTransaction, invoice: &Invoice) -> Result<(), BillingError> {
    for payment in &invoice.payments {
        if payment.method == PaymentMethod::Advance
            && let Some(number) = &payment.reference
        {
            Deposits::give_back(txn, number, payment.amount).await?;
        }
    }
    Ok(())
}
