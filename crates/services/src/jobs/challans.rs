//! Artisans and challans: a job's metal issued to an artisan on a challan
//! numbered without gaps per branch and financial year (the number taken
//! last in the transaction), which moves the job `at_artisan`; and the
//! receipts that bring it back, the last of which reconciles the challan
//! (a loss beyond the allowance with its reason flags the challan and the
//! job) and, once no challan of the job is still out, moves the job
//! `back`. A receipt is written over the challan's version read: of two
//! racing receipts one wins.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::billing::invoice_number;
use jewel_domain::job::{
    Artisan, Challan, ChallanReceipt, ChallanStatus, JobCard, JobStatus, ReceiptRefused,
    StatusChange,
};
use jewel_domain::measure::{Carats, Percent, Weight};
use jewel_domain::metal::Metal;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::challans::{Artisans, Challans};
use jewel_persistence::repos::invoices::{Invoices, Series};
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::schemes::to_second;

use super::events::JobStatusChanged;
use super::{JobError, refused};
use crate::Unit;
use crate::billing::{BillingRules, financial_year};

/// Registers an artisan; audited.
pub async fn add_artisan(unit: &mut Unit, artisan: &Artisan) -> Result<(), JobError> {
    if artisan.default_wastage.units() > 10_000 {
        return Err(Invalid::field("defaultWastage", "range", "0 to 100").into());
    }
    Artisans::add(unit.txn().await?, artisan).await?;
    let record = serde_json::json!({"name": artisan.name,
        "defaultWastage": artisan.default_wastage.to_string()});
    unit.audit("create", "artisan", artisan.id, None, Some(&record))?;
    Ok(())
}

/// Metal of a job to send, as asked.
#[derive(Debug, Clone)]
pub struct Issue {
    pub artisan_id: uuid::Uuid,
    pub metal: Metal,
    pub fineness: u16,
    pub gross_weight: Weight,
    pub stones: Carats,
    /// The artisan's default when not given.
    pub allowed_wastage: Option<Percent>,
}

/// Issues metal of `job` (as read) to an artisan on a new challan.
pub async fn issue(
    unit: &mut Unit,
    rules: &BillingRules,
    job: &JobCard,
    asked: Issue,
) -> Result<(Challan, JobCard), JobError> {
    let to = job.check_issue().map_err(refused)?;
    let db = unit.db();
    let artisan = Artisans::get(db, asked.artisan_id)
        .await?
        .filter(|a| a.active)
        .ok_or_else(|| Invalid::field("artisanId", "not_found", "no such artisan"))?;
    if !(1..=999).contains(&asked.fineness) {
        return Err(Invalid::field("fineness", "range", "1 to 999").into());
    }
    let allowed_wastage = asked.allowed_wastage.unwrap_or(artisan.default_wastage);
    if allowed_wastage.units() > 10_000 {
        return Err(Invalid::field("allowedWastage", "range", "0 to 100").into());
    }
    let branch = Branches::get(db, job.branch_id)
        .await?
        .ok_or(JobError::NotFound)?;
    let now = to_second(Utc::now());
    let year = financial_year(rules, &branch, now).map_err(|_| JobError::BranchTimezone)?;
    let mut challan = Challan {
        id: uuid::Uuid::now_v7(),
        number: String::new(),
        financial_year: year.clone(),
        branch_id: branch.id,
        job_id: job.id,
        artisan_id: artisan.id,
        metal: asked.metal,
        fineness: asked.fineness,
        gross_weight: asked.gross_weight,
        stones: asked.stones,
        allowed_wastage,
        status: ChallanStatus::Open,
        flagged: false,
        loss_reason: None,
        issued_by: unit.actor().author().1,
        issued_at: now,
        receipts: Vec::new(),
        version: 1,
    };
    if challan.net_weight().units() <= 0 {
        return Err(Invalid::field(
            "grossWeight",
            "too_small",
            "more than the stones in it weigh",
        )
        .into());
    }
    // Outside the transaction: two first challans of a year may both open it.
    Invoices::open_sequence(db, branch.id, Series::Challan, &year).await?;
    let after = job.moved_to(to, now);
    let change =
        (to != job.status).then(|| StatusChange::of(job, to, None, unit.actor().author(), now));
    let txn = unit.txn().await?;
    if let Some(change) = &change
        && !Jobs::moved(txn, job, &after, Some(change)).await?
    {
        return Err(JobError::ChangedMeanwhile);
    }
    let sequence = Invoices::take_number(txn, branch.id, Series::Challan, &year).await?;
    challan.number = invoice_number(
        &format!("{}/CHL", branch.code),
        &year,
        u64::try_from(sequence).unwrap_or(0),
    );
    Challans::insert(txn, &challan).await?;
    unit.audit(
        "issue",
        "challan",
        challan.id,
        None,
        Some(&record(&challan)),
    )?;
    if let Some(change) = &change {
        let (before, moved) = (super::record(job), super::record(&after));
        unit.audit("status", "job", job.id, Some(&before), Some(&moved))?;
        unit.emit(&JobStatusChanged::of(&after, change))?;
    }
    let job = if change.is_some() { after } else { job.clone() };
    Ok((challan, job))
}

/// Part or all of a challan back, as asked.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub gross_weight: Weight,
    pub stones: Carats,
    /// The last part: reconcile and close the challan.
    pub closes: bool,
    /// Why a loss beyond the allowance happened.
    pub loss_reason: Option<String>,
}

/// Receives part or all of `challan` back. What came back already is read
/// again under the job's lock: a receipt racing another is checked against
/// the challan as the other left it (closed: 409), never against half of it.
pub async fn receive(
    unit: &mut Unit,
    challan: &Challan,
    asked: Receipt,
) -> Result<Challan, JobError> {
    let now = to_second(Utc::now());
    let (by_kind, by) = unit.actor().author();
    let txn = unit.txn().await?;
    // The job's lock first: the last two challans of a job closing at once
    // each see the other's receipt, so one of them moves the job back.
    let job = Jobs::lock(txn, challan.job_id)
        .await?
        .ok_or(JobError::NotFound)?;
    let challan = &Challans::get(txn, challan.id)
        .await?
        .ok_or(JobError::NotFound)?;
    let reconciled = challan
        .check_receipt(
            asked.gross_weight,
            asked.stones,
            asked.closes,
            asked.loss_reason.as_deref(),
        )
        .map_err(|refused| match refused {
            ReceiptRefused::Closed => JobError::ChallanClosed,
            ReceiptRefused::Invalid(invalid) => invalid.into(),
        })?;
    let receipt = ChallanReceipt {
        id: uuid::Uuid::now_v7(),
        challan_id: challan.id,
        gross_weight: asked.gross_weight,
        stones: asked.stones,
        closes: asked.closes,
        received_by: by,
        received_at: now,
    };
    let mut after = challan.clone();
    after.version = challan.version + 1;
    after.receipts.push(receipt.clone());
    after.status = if asked.closes {
        ChallanStatus::Closed
    } else {
        ChallanStatus::PartlyReceived
    };
    if let Some(reconciled) = reconciled
        && reconciled.beyond_allowance
    {
        after.flagged = true;
        after.loss_reason = asked.loss_reason.clone();
    }
    if !Challans::received(txn, challan, &after, &receipt).await? {
        return Err(JobError::ChangedMeanwhile);
    }
    let still_out = Challans::others_out(txn, job.id, challan.id).await?;
    let mut moved = job.clone();
    if after.flagged {
        moved.flagged = true;
    }
    let back = asked.closes && !still_out && job.status == JobStatus::AtArtisan;
    if back {
        moved = moved.moved_to(JobStatus::Back, now);
    } else if after.flagged {
        moved.version = job.version + 1;
        moved.updated_at = now;
    }
    let change = back.then(|| StatusChange::of(&job, JobStatus::Back, None, (by_kind, by), now));
    if (back || after.flagged) && !Jobs::moved(txn, &job, &moved, change.as_ref()).await? {
        return Err(JobError::ChangedMeanwhile);
    }
    unit.audit(
        "receive",
        "challan",
        challan.id,
        Some(&record(challan)),
        Some(&record(&after)),
    )?;
    if back || after.flagged {
        let (before, now) = (super::record(&job), super::record(&moved));
        unit.audit("status", "job", job.id, Some(&before), Some(&now))?;
    }
    if let Some(change) = &change {
        unit.emit(&JobStatusChanged::of(&moved, change))?;
    }
    Ok(after)
}

/// What the audit trail keeps of a challan.
fn record(challan: &Challan) -> serde_json::Value {
    let (back, stones_back) = challan.received();
    serde_json::json!({
        "number": challan.number, "branchId": challan.branch_id, "jobId": challan.job_id,
        "artisanId": challan.artisan_id, "metal": challan.metal.as_str(),
        "fineness": challan.fineness, "grossWeight": challan.gross_weight.to_string(),
        "stonesCarats": challan.stones.to_string(), "status": challan.status.as_str(),
        "received": back.to_string(), "stonesBack": stones_back.to_string(),
        "flagged": challan.flagged, "lossReason": challan.loss_reason,
    })
}
