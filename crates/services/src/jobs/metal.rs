//! The customer's metal account: metal handed over for their orders
//! (weighed, tested, in fine grams), used on their jobs, given back, or
//! bought by the store (an old-gold purchase at the fine rate, without
//! GST). Each entry moves the balance only while it stays at or above
//! nothing; audited.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::job::{MetalAsked, MetalEntry, MetalEntryKind, check_entry};
use jewel_domain::metal::Metal;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customer_metal::CustomerMetal;
use jewel_persistence::repos::jobs::Jobs;
use jewel_persistence::repos::schemes::to_second;

use super::JobError;
use crate::Unit;

/// An entry as asked for at the counter.
#[derive(Debug, Clone)]
pub struct MetalRequest {
    pub customer_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub metal: Metal,
    pub kind: MetalEntryKind,
    pub asked: MetalAsked,
    pub note: Option<String>,
}

/// Records an entry of a customer's metal at a branch of `branch_scope`
/// (`None`: every branch): checked, written with its balance, audited.
pub async fn record(
    unit: &mut Unit,
    request: MetalRequest,
    branch_scope: Option<&[uuid::Uuid]>,
) -> Result<MetalEntry, JobError> {
    let db = unit.db();
    Branches::get(db, request.branch_id)
        .await?
        .filter(|b| branch_scope.is_none_or(|scope| scope.contains(&b.id)))
        .ok_or_else(|| Invalid::field("branchId", "out_of_scope", "not one of your branches"))?;
    crate::crm::live_customer(db, request.customer_id)
        .await
        .map_err(|_| JobError::NotFound)?;
    let (fine_weight, value) = check_entry(request.kind, &request.asked)?;
    if let Some(job) = request.asked.job_id {
        let job = Jobs::get(db, job)
            .await?
            .filter(|j| j.customer_id == request.customer_id)
            .filter(|j| branch_scope.is_none_or(|scope| scope.contains(&j.branch_id)))
            .ok_or_else(|| Invalid::field("jobId", "not_found", "no such job of this customer"))?;
        if job.status.is_final() {
            return Err(JobError::Closed {
                status: job.status.as_str(),
            });
        }
    }
    let entry = MetalEntry {
        id: uuid::Uuid::now_v7(),
        customer_id: request.customer_id,
        branch_id: request.branch_id,
        metal: request.metal,
        kind: request.kind,
        fine_weight,
        gross_weight: request.asked.gross_weight,
        fineness: request.asked.fineness,
        job_id: request.asked.job_id,
        rate: request.asked.rate,
        value,
        note: request.note,
        created_by: unit.actor().author().1,
        created_at: to_second(Utc::now()),
    };
    if !CustomerMetal::record(unit.txn().await?, &entry).await? {
        return Err(Invalid::field(
            "fineWeight",
            "more_than_held",
            format!(
                "more {} than the customer's metal holds",
                entry.metal.as_str()
            ),
        )
        .into());
    }
    let record = serde_json::json!({
        "kind": entry.kind.as_str(), "metal": entry.metal.as_str(),
        "fineWeight": entry.fine_weight.to_string(), "jobId": entry.job_id,
        "value": entry.value.map(|v| v.to_string()),
    });
    unit.audit("metal", "customer", entry.customer_id, None, Some(&record))?;
    Ok(entry)
}
