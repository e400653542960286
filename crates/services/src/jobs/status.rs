//! A job's status moved by hand: a legal move only, a delivery with its
//! bill paid or a manager's override; written over the version read, kept
//! in the card's history, audited and told as `job.status_changed`.

use chrono::Utc;
use jewel_domain::job::{
    BillState, DeliveryRefused, JobCard, JobStatus, StatusChange, StatusMove, check_delivery,
};
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::schemes::to_second;

use super::events::JobStatusChanged;
use super::{JobError, bill, record, refused};
use crate::Unit;

/// Moves `job` (as read) as `asked`: a legal move, or 409 naming the
/// status; a delivery with its bill paid or a manager's override
/// (`may_override`); written over the version read, kept in its history,
/// audited and told.
pub async fn move_status(
    unit: &mut Unit,
    job: &JobCard,
    asked: StatusMove,
    may_override: bool,
) -> Result<JobCard, JobError> {
    job.check_move(&asked).map_err(refused)?;
    if asked.to == JobStatus::Delivered {
        let state = bill::bill_state(unit.db(), job).await?;
        check_delivery(state, asked.override_reason.as_deref(), may_override).map_err(
            |refused| match refused {
                DeliveryRefused::Unpaid(state) => JobError::Unpaid {
                    state: if state == BillState::None {
                        "none"
                    } else {
                        "unpaid"
                    },
                },
                DeliveryRefused::NotManager => JobError::NotManager,
                DeliveryRefused::Invalid(invalid) => invalid.into(),
            },
        )?;
    }
    let now = to_second(Utc::now());
    let after = job.moved(&asked, now);
    let change = StatusChange::of(
        job,
        asked.to,
        asked.reason.clone(),
        unit.actor().author(),
        now,
    );
    if !Jobs::moved(unit.txn().await?, job, &after, Some(&change)).await? {
        return Err(JobError::ChangedMeanwhile);
    }
    unit.audit(
        "status",
        "job",
        job.id,
        Some(&record(job)),
        Some(&record(&after)),
    )?;
    unit.emit(&JobStatusChanged::of(&after, &change))?;
    Ok(after)
}
