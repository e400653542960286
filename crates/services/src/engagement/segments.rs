//! Segments: saved filters over customers. A manager keeps the segments of
//! their branches (customers by home branch); a segment of the whole
//! business is the owner's. Saving one checks its filter; deleting one a
//! campaign still sends from is refused.

use chrono::Utc;
use jewel_domain::engagement::segment::{Segment, SegmentFilter, check_name};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::campaigns::Campaigns;
use jewel_persistence::repos::schemes::to_second;
use jewel_persistence::repos::segments::Segments;
use jewel_persistence::{ConnectionTrait, RepoError};

use super::EngagementError;
use crate::Unit;

/// A segment as asked to be saved.
#[derive(Debug, Clone)]
pub struct SegmentFields {
    pub name: String,
    pub filter: SegmentFilter,
}

/// The branches a caller acts in (`None`: every branch, and the whole
/// business's segments).
pub type Scope<'a> = Option<&'a [uuid::Uuid]>;

/// Segment `id`, if the caller may see it.
pub async fn visible(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    id: uuid::Uuid,
) -> Result<Option<Segment>, RepoError> {
    Ok(Segments::get(db, id)
        .await?
        .filter(|s| in_scope(scope, s.branch_id)))
}

/// Whether a caller acting in `scope` keeps what belongs to `branch`.
pub fn in_scope(scope: Scope<'_>, branch: Option<uuid::Uuid>) -> bool {
    match (scope, branch) {
        (None, _) => true,
        (Some(scope), Some(branch)) => scope.contains(&branch),
        (Some(_), None) => false,
    }
}

/// Saves a new segment of `branch` (`None`: the whole business's).
pub async fn create(
    unit: &mut Unit,
    scope: Scope<'_>,
    branch: Option<uuid::Uuid>,
    asked: SegmentFields,
) -> Result<Segment, EngagementError> {
    let (name, filter) = checked(asked)?;
    if let Some(id) = branch
        && Branches::get(unit.db(), id).await?.is_none()
    {
        return Err(Invalid::field("branchId", "not_found", "No such branch.").into());
    }
    if !in_scope(scope, branch) {
        let said = match branch {
            Some(_) => "One of the branches you act in.",
            None => "A segment of the whole business is the owner's: name a branch.",
        };
        return Err(Invalid::field("branchId", "out_of_scope", said).into());
    }
    let (_, by) = unit.actor().author();
    let now = to_second(Utc::now());
    let segment = Segment {
        id: uuid::Uuid::now_v7(),
        name,
        branch_id: branch,
        filter,
        created_by: by,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    Segments::insert(unit.txn().await?, &segment).await?;
    unit.audit(
        "create",
        "segment",
        segment.id,
        None,
        Some(&record(&segment)),
    )?;
    Ok(segment)
}

/// Writes segment `id`'s name and filter, over version `expected` when
/// given; `None` when the caller may not see it.
pub async fn update(
    unit: &mut Unit,
    scope: Scope<'_>,
    id: uuid::Uuid,
    expected: Option<i32>,
    asked: SegmentFields,
) -> Result<Option<Segment>, EngagementError> {
    let (name, filter) = checked(asked)?;
    let txn = unit.txn().await?;
    let Some(before) = visible(txn, scope, id).await? else {
        return Ok(None);
    };
    if expected.is_some_and(|v| v != before.version) {
        return Err(RepoError::StaleVersion.into());
    }
    let after = Segment {
        name,
        filter,
        updated_at: to_second(Utc::now()),
        version: before.version + 1,
        ..before.clone()
    };
    Segments::update(txn, &after).await?;
    unit.audit(
        "update",
        "segment",
        id,
        Some(&record(&before)),
        Some(&record(&after)),
    )?;
    Ok(Some(after))
}

/// Deletes segment `id` unless a campaign still to send uses it; `false`
/// when the caller may not see it.
pub async fn delete(
    unit: &mut Unit,
    scope: Scope<'_>,
    id: uuid::Uuid,
) -> Result<bool, EngagementError> {
    let txn = unit.txn().await?;
    let Some(before) = visible(txn, scope, id).await? else {
        return Ok(false);
    };
    if Campaigns::uses_segment(txn, id).await? {
        return Err(EngagementError::InUse);
    }
    Segments::delete(txn, id).await?;
    unit.audit("delete", "segment", id, Some(&record(&before)), None)?;
    Ok(true)
}

fn checked(asked: SegmentFields) -> Result<(String, SegmentFilter), Invalid> {
    let mut errors: Vec<FieldError> = Vec::new();
    let name = check_name(&asked.name).map_err(|e| errors.extend(e.into_errors()));
    let filter = asked
        .filter
        .checked()
        .map_err(|e| errors.extend(e.into_errors()));
    match (name, filter) {
        (Ok(name), Ok(filter)) => Ok((name, filter)),
        _ => Err(Invalid::from_errors(errors).unwrap_or_else(|| {
            Invalid::field("filter", "invalid", "The segment could not be read.")
        })),
    }
}

/// What the audit trail keeps of a segment (a filter names no customer).
fn record(segment: &Segment) -> serde_json::Value {
    serde_json::json!({
        "name": segment.name, "branchId": segment.branch_id,
        "filter": segment.filter, "version": segment.version,
    })
}
