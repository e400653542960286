//! What service jobs tell the rest of the business: every move of a job's
//! status, with what a message to the customer needs (the engagement
//! capability sends it).

use chrono::{DateTime, NaiveDate, Utc};
use jewel_domain::job::{JobCard, StatusChange};
use serde::{Deserialize, Serialize};

/// `job.status_changed`: a job was taken in (`from` null) or moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobStatusChanged {
    pub job_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    /// `repair`, `custom_order`, `special_order` or `appraisal`.
    pub kind: String,
    pub from: Option<String>,
    pub to: String,
    /// Why it was held or cancelled.
    pub reason: Option<String>,
    pub promised_on: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

impl JobStatusChanged {
    pub fn of(job: &JobCard, change: &StatusChange) -> Self {
        Self {
            job_id: job.id,
            number: job.number.clone(),
            branch_id: job.branch_id,
            customer_id: job.customer_id,
            kind: job.kind.as_str().to_owned(),
            from: change.from.map(|s| s.as_str().to_owned()),
            to: change.to.as_str().to_owned(),
            reason: change.reason.clone(),
            promised_on: job.intake.promised_on,
            at: change.at,
        }
    }
}

/// `job.estimated`: a job's estimate set or changed; the customer is asked
/// to approve it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobEstimated {
    pub job_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    /// 1 for the first estimate, one more each change.
    pub revision: u32,
    pub total: String,
    pub status: String,
}

impl JobEstimated {
    pub fn of(job: &JobCard, total: jewel_domain::measure::Money) -> Self {
        Self {
            job_id: job.id,
            number: job.number.clone(),
            branch_id: job.branch_id,
            customer_id: job.customer_id,
            revision: job.estimate_revision,
            total: total.to_string(),
            status: job.status.as_str().to_owned(),
        }
    }
}

domain_event!(JobEstimated, "job.estimated", "job", job_id, |e| Some(
    e.branch_id
));
domain_event!(JobStatusChanged, "job.status_changed", "job", job_id, |e| {
    Some(e.branch_id)
});
