//! A job's bill, made through billing from its approved estimate: work on
//! the customer's own at the services rate (SAC 9988), new metal and
//! stones as goods (HSN 7113); one live bill a job, kept on its card. And
//! where that bill stands when the item is to go back.

use jewel_domain::invoice::{Invoice, InvoiceStatus};
use jewel_domain::job::{BillState, JobCard, JobStatus};
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::schemes::to_second;

use super::JobError;
use crate::Unit;
use crate::billing::pricing::{BillRequest, Item, LineRequest, PricingTerms, price_bill};

/// Drafts the bill of `job` (as read) from its approved estimate, priced
/// as billing prices a draft; the card keeps it. A job whose bill stands
/// (not cancelled) is [`JobError::Billed`].
pub async fn make(
    unit: &mut Unit,
    terms: &PricingTerms<'_>,
    job: &JobCard,
) -> Result<Invoice, JobError> {
    check_billable(job)?;
    let lines = Jobs::estimate(unit.db(), job.id, job.estimate_revision).await?;
    let request = BillRequest {
        branch_id: job.branch_id,
        customer_id: Some(job.customer_id),
        place_of_supply: None,
        sales_people: Vec::new(),
        note: Some(format!("Job {}", job.number)),
        discount: Ok(None),
        waiver_enrolment_id: None,
        lines: lines
            .into_iter()
            .map(|line| {
                let (description, amount) = (line.description, line.amount);
                let item = if line.kind.is_goods() {
                    Item::Material {
                        description,
                        amount,
                    }
                } else {
                    Item::Service {
                        description,
                        amount,
                    }
                };
                Ok(LineRequest {
                    item,
                    discount: None,
                })
            })
            .collect(),
    };
    let invoice = price_bill(unit.db(), request, terms).await?;
    let txn = unit.txn().await?;
    // The card's lock: of two bills made at once, the second sees the first.
    let latest = Jobs::lock(txn, job.id).await?.ok_or(JobError::NotFound)?;
    if latest.version != job.version {
        return Err(JobError::ChangedMeanwhile);
    }
    if bill_state(txn, &latest).await? != BillState::None {
        return Err(JobError::Billed {
            invoice_id: latest.invoice_id.unwrap_or_default(),
        });
    }
    crate::billing::drafts::draft(unit, &invoice).await?;
    let mut after = latest.moved_to(latest.status, to_second(chrono::Utc::now()));
    after.invoice_id = Some(invoice.id);
    if !Jobs::moved(unit.txn().await?, &latest, &after, None).await? {
        return Err(JobError::ChangedMeanwhile);
    }
    let (before, billed) = (super::record(&latest), super::record(&after));
    unit.audit("bill", "job", job.id, Some(&before), Some(&billed))?;
    Ok(invoice)
}

/// Refuses a bill for a job without an approved estimate, or done with.
fn check_billable(job: &JobCard) -> Result<(), JobError> {
    use JobStatus::*;
    if job.status.is_final() {
        return Err(JobError::Closed {
            status: job.status.as_str(),
        });
    }
    if job.estimate_revision == 0 {
        return Err(JobError::NoEstimate);
    }
    if !job.estimate_approved() || matches!(job.status, Received | Estimated) {
        return Err(JobError::Unapproved);
    }
    Ok(())
}

/// Where the bill of `job` stands: none (or cancelled), not paid, paid.
pub async fn bill_state(db: &impl ConnectionTrait, job: &JobCard) -> Result<BillState, JobError> {
    let Some(id) = job.invoice_id else {
        return Ok(BillState::None);
    };
    Ok(match Invoices::get(db, id).await?.map(|i| i.status) {
        None | Some(InvoiceStatus::Cancelled) => BillState::None,
        Some(InvoiceStatus::Paid) => BillState::Paid,
        Some(_) => BillState::Unpaid,
    })
}
