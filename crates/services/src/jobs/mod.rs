//! Service jobs: a job card taken in at a branch for a customer, numbered
//! without gaps per branch and financial year (its own series, the number
//! taken last in the transaction), and its status moved by legal moves
//! only, each move over the version it was checked against, kept in the
//! card's history, audited and told as `job.status_changed`.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::billing::invoice_number;
use jewel_domain::job::{
    Intake, JobCard, JobKind, JobPriority, JobStatus, MoveRefused, StatusChange,
};
use jewel_persistence::RepoError;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::invoices::{Invoices, Series};
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::schemes::to_second;

use crate::Unit;
use crate::billing::{BillingRules, financial_year};

pub mod bill;
pub mod challans;
pub mod deposits;
pub mod estimate;
pub mod events;
pub mod metal;
pub mod photos;
pub mod report;
pub mod status;

use events::JobStatusChanged;

/// Why a job's work is refused.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("no such record")]
    NotFound,
    /// Not a legal move from where the job stands.
    #[error("a {from} job cannot become {to}")]
    IllegalMove {
        from: &'static str,
        to: &'static str,
    },
    /// Made ready while the estimate as it stands waits for approval.
    #[error("the estimate changed and waits for the customer's approval")]
    Unapproved,
    /// No estimate, or the one there is was approved already.
    #[error("there is no estimate waiting for approval")]
    NothingToApprove,
    /// The challan was closed by an earlier receipt.
    #[error("the challan is closed: everything came back already")]
    ChallanClosed,
    #[error("the job was changed by someone else at the same moment; read it again")]
    ChangedMeanwhile,
    /// Delivered or cancelled: nothing more is taken on it.
    #[error("the job is {status}")]
    Closed { status: &'static str },
    /// A bill without an estimate to make it from.
    #[error("the job has no estimate to bill")]
    NoEstimate,
    /// The job's bill stands already (cancel it to make another).
    #[error("the job has its bill already")]
    Billed { invoice_id: uuid::Uuid },
    /// Handed back with its bill not paid (`state`: `none` or `unpaid`).
    #[error("the job's bill is not paid; a manager may let it go with an overrideReason")]
    Unpaid { state: &'static str },
    /// An advance not given back (`why`: `refunded`, `job_open`,
    /// `nothing_left`).
    #[error("the advance cannot be given back: {why}")]
    NotRefundable { why: &'static str },
    /// An override of the bill by someone who may not give one.
    #[error("only a manager lets an item go without its bill paid")]
    NotManager,
    /// An upload beyond the limit, in bytes.
    #[error("the photo is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// The store of photos' bytes failed.
    #[error("the photo could not be stored: {0}")]
    Storage(anyhow::Error),
    #[error(transparent)]
    Billing(#[from] crate::billing::BillingError),
    #[error("timezone is not an IANA time zone")]
    BranchTimezone,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] RepoError),
    #[error(transparent)]
    Record(#[from] crate::unit::RecordError),
}

/// A job as asked for at the counter.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub branch_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub kind: JobKind,
    pub priority: JobPriority,
    pub intake: Intake,
}

/// Takes a job in at a branch (one of `branch_scope`, `None` for every
/// branch): checked, numbered, its history begun; audited and told.
pub async fn take_in(
    unit: &mut Unit,
    rules: &BillingRules,
    request: NewJob,
    branch_scope: Option<&[uuid::Uuid]>,
) -> Result<JobCard, JobError> {
    let db = unit.db();
    let branch = Branches::get(db, request.branch_id)
        .await?
        .filter(|b| branch_scope.is_none_or(|scope| scope.contains(&b.id)))
        .ok_or_else(|| Invalid::field("branchId", "out_of_scope", "not one of your branches"))?;
    crate::crm::live_customer(db, request.customer_id)
        .await
        .map_err(|_| Invalid::field("customerId", "not_found", "no such customer"))?;
    if let Some(piece) = request.intake.piece_id {
        Pieces::get(db, piece)
            .await?
            .ok_or_else(|| Invalid::field("pieceId", "not_found", "no such piece"))?;
    }
    let now = to_second(Utc::now());
    // The only refusal of `financial_year`: a branch clock it cannot read.
    let year = financial_year(rules, &branch, now).map_err(|_| JobError::BranchTimezone)?;
    let today = branch.day_of(now).ok_or(JobError::BranchTimezone)?;
    request.intake.validate(request.kind, today)?;
    // Outside the transaction: two first jobs of a year may both open it.
    Invoices::open_sequence(db, branch.id, Series::Job, &year).await?;
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    let sequence = Invoices::take_number(txn, branch.id, Series::Job, &year).await?;
    let job = JobCard {
        id: uuid::Uuid::now_v7(),
        number: invoice_number(
            &format!("{}/JOB", branch.code),
            &year,
            u64::try_from(sequence).unwrap_or(0),
        ),
        financial_year: year,
        branch_id: branch.id,
        customer_id: request.customer_id,
        kind: request.kind,
        priority: request.priority,
        status: JobStatus::Received,
        held_from: None,
        hold_reason: None,
        intake: request.intake,
        estimate_revision: 0,
        approved_revision: 0,
        approved_by: None,
        approved_at: None,
        flagged: false,
        collected_by: None,
        delivered_at: None,
        invoice_id: None,
        delivery_override: None,
        created_by: author.1,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let change = StatusChange {
        id: uuid::Uuid::now_v7(),
        job_id: job.id,
        from: None,
        to: JobStatus::Received,
        reason: None,
        actor_kind: author.0.to_owned(),
        actor_id: author.1,
        at: now,
    };
    Jobs::insert(txn, &job, &change, author).await?;
    unit.audit("create", "job", job.id, None, Some(&record(&job)))?;
    unit.emit(&JobStatusChanged::of(&job, &change))?;
    Ok(job)
}

/// A refused move as the job's error.
fn refused(refused: MoveRefused) -> JobError {
    match refused {
        MoveRefused::Illegal { from, to } => JobError::IllegalMove {
            from: from.as_str(),
            to: to.as_str(),
        },
        MoveRefused::Unapproved => JobError::Unapproved,
        MoveRefused::NothingToApprove => JobError::NothingToApprove,
        MoveRefused::Invalid(invalid) => invalid.into(),
    }
}

/// What the audit trail keeps of a card.
fn record(job: &JobCard) -> serde_json::Value {
    serde_json::json!({
        "number": job.number, "branchId": job.branch_id, "customerId": job.customer_id,
        "kind": job.kind.as_str(), "status": job.status.as_str(),
        "holdReason": job.hold_reason, "collectedBy": job.collected_by,
        "grossWeightIn": job.intake.gross_weight_in.map(|w| w.to_string()),
        "promisedOn": job.intake.promised_on, "invoiceId": job.invoice_id,
        "deliveryOverride": job.delivery_override, "version": job.version,
    })
}
