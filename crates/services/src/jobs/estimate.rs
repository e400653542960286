//! A job's estimate and the customer's approval of it. Setting or changing
//! the estimate writes a new revision line by line (labour at the price
//! list's price of the day, new metal at the day's rate) and moves a job
//! not yet with an artisan to `estimated`; the approval of the revision as
//! it stands moves an `estimated` job to `approved`. Each is written over
//! the version read, audited and told (`job.estimated`, and
//! `job.status_changed` when the status moved).

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::job::{EstimateLine, EstimateLineKind, JobCard, StatusChange, estimate_bill};
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal::Purity;
use jewel_domain::metal_rate::CurrentRates;
use jewel_domain::pricing::Supply;
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::schemes::to_second;
use jewel_persistence::repos::service_tasks::ServiceTasks;

use super::events::{JobEstimated, JobStatusChanged};
use super::{JobError, refused};
use crate::Unit;

/// An estimate line as asked for.
#[derive(Debug, Clone)]
pub enum LineAsked {
    /// A task of the price list, at its price; the description may say
    /// more than the task's name.
    Labour {
        task_id: uuid::Uuid,
        description: Option<String>,
    },
    /// New metal, at the day's rate.
    Metal {
        purity: Purity,
        weight: Weight,
    },
    Stone {
        description: String,
        amount: Money,
    },
    Other {
        description: String,
        amount: Money,
    },
}

/// What an estimate is priced by.
#[derive(Debug, Clone, Copy)]
pub struct EstimateTerms<'a> {
    pub rates: &'a CurrentRates,
    /// GST on goods (new metal, stones) and on work.
    pub goods_gst: Percent,
    pub work_gst: Percent,
}

/// The lines as priced today; a refusal names the line's field.
async fn priced(
    unit: &Unit,
    asked: Vec<LineAsked>,
    terms: EstimateTerms<'_>,
) -> Result<Vec<EstimateLine>, JobError> {
    let mut lines = Vec::with_capacity(asked.len());
    for (index, line) in asked.into_iter().enumerate() {
        let at = |name: &str| format!("lines[{index}].{name}");
        let plain = |kind: EstimateLineKind, description: String, amount: Money| EstimateLine {
            kind,
            description,
            task_id: None,
            purity: None,
            weight: None,
            rate: None,
            amount,
            tax_rate: if kind.is_goods() {
                terms.goods_gst
            } else {
                terms.work_gst
            },
        };
        lines.push(match line {
            LineAsked::Labour {
                task_id,
                description,
            } => {
                let task = ServiceTasks::get(unit.db(), task_id)
                    .await?
                    .filter(|t| t.active)
                    .ok_or_else(|| {
                        Invalid::field(at("taskId"), "not_found", "no such task on the price list")
                    })?;
                EstimateLine {
                    task_id: Some(task.id),
                    ..plain(
                        EstimateLineKind::Labour,
                        description.unwrap_or(task.name),
                        task.price,
                    )
                }
            }
            LineAsked::Metal { purity, weight } => {
                let rate = terms
                    .rates
                    .for_purity(purity)
                    .map(|r| r.per_gram)
                    .ok_or_else(|| {
                        Invalid::field(at("fineness"), "no_rate", "no rate is set for it today")
                    })?;
                EstimateLine::metal(purity, weight, rate, terms.goods_gst)
            }
            LineAsked::Stone {
                description,
                amount,
            } => plain(EstimateLineKind::Stone, description, amount),
            LineAsked::Other {
                description,
                amount,
            } => plain(EstimateLineKind::Other, description, amount),
        });
    }
    Ok(lines)
}

/// Sets or changes `job`'s (as read) estimate to `asked`, priced today.
pub async fn set_estimate(
    unit: &mut Unit,
    job: &JobCard,
    asked: Vec<LineAsked>,
    terms: EstimateTerms<'_>,
) -> Result<(JobCard, Vec<EstimateLine>), JobError> {
    let to = job.check_estimate().map_err(refused)?;
    if asked.is_empty() || asked.len() > 50 {
        return Err(Invalid::field("lines", "count", "1 to 50 lines").into());
    }
    let lines = priced(unit, asked, terms).await?;
    let bill = estimate_bill(&lines, Supply::WithinState).map_err(|e| e.into_invalid())?;
    let now = to_second(Utc::now());
    let mut after = job.moved_to(to, now);
    after.estimate_revision = job.estimate_revision + 1;
    // An approved estimate changed waits for the approval again.
    let reason = job
        .estimate_approved()
        .then(|| "the estimate changed: it needs approval again".to_owned());
    let change =
        (to != job.status).then(|| StatusChange::of(job, to, reason, unit.actor().author(), now));
    let txn = unit.txn().await?;
    Jobs::add_estimate(txn, job.id, after.estimate_revision, &lines).await?;
    if !Jobs::moved(txn, job, &after, change.as_ref()).await? {
        return Err(JobError::ChangedMeanwhile);
    }
    let record = serde_json::json!({"revision": after.estimate_revision,
        "status": after.status.as_str(), "total": bill.total.to_string(), "branchId": job.branch_id});
    unit.audit("estimate", "job", job.id, None, Some(&record))?;
    unit.emit(&JobEstimated::of(&after, bill.total))?;
    if let Some(change) = &change {
        unit.emit(&JobStatusChanged::of(&after, change))?;
    }
    Ok((after, lines))
}

/// Records the approval of `job`'s (as read) estimate as it stands, by
/// whoever `unit` acts for (staff at the counter, or the customer).
pub async fn approve(unit: &mut Unit, job: &JobCard) -> Result<JobCard, JobError> {
    let to = job.check_approval().map_err(refused)?;
    let now = to_second(Utc::now());
    let (kind, by) = unit.actor().author();
    let mut after = job.moved_to(to, now);
    after.approved_revision = job.estimate_revision;
    after.approved_by = Some((kind.to_owned(), by));
    after.approved_at = Some(now);
    let change = (to != job.status).then(|| StatusChange::of(job, to, None, (kind, by), now));
    if !Jobs::moved(unit.txn().await?, job, &after, change.as_ref()).await? {
        return Err(JobError::ChangedMeanwhile);
    }
    let record = serde_json::json!({"approvedRevision": after.approved_revision,
        "status": after.status.as_str(), "branchId": job.branch_id});
    unit.audit("approve", "job", job.id, None, Some(&record))?;
    if let Some(change) = &change {
        unit.emit(&JobStatusChanged::of(&after, change))?;
    }
    Ok(after)
}
