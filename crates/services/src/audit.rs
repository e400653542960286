//! Entries of the audit trail: who did what to which record, before and
//! after, and which branches the change concerns (so that a reader scoped
//! to branches sees only theirs).

use jewel_persistence::repos::audit::NewAuditEvent;
use serde::Serialize;

use crate::actor::{Actor, Origin};

/// Records that belong to the whole business rather than to one branch:
/// their entries are read by every reader of the trail when they name no
/// branch. Any other record's entry that names no branch (an owner's staff
/// record, an API client) is read only by those who see every branch.
const BUSINESS_WIDE: [&str; 11] = [
    "customer",
    "gift_voucher",
    "loyalty_entry",
    "loyalty_tier",
    "consent",
    "interaction",
    "task",
    "wish",
    "design",
    "metal_rate",
    "lot",
];

/// One audit entry; `before`/`after` are views that never hold secrets.
pub fn entry<T: Serialize>(
    actor: &Actor,
    origin: &Origin,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<NewAuditEvent, serde_json::Error> {
    let json = |value: Option<&T>| value.map(serde_json::to_value).transpose();
    let before = json(before)?;
    let after = json(after)?;
    let (branches, business_wide) =
        concerns(entity_type, entity_id, [before.as_ref(), after.as_ref()]);
    let (actor_kind, actor_id) = actor.ids();
    Ok(NewAuditEvent {
        actor_kind: actor_kind.to_owned(),
        actor_id,
        action: action.to_owned(),
        entity_type: entity_type.to_owned(),
        entity_id: entity_id.to_owned(),
        before,
        after,
        request_id: origin.request_id.clone(),
        ip: origin.ip.clone(),
        branches,
        business_wide,
    })
}

/// The branches a change concerns, read from its before and after views
/// (`branchId`, `fromBranchId`, `toBranchId`, `branchIds`; a branch's own
/// entries concern that branch), and whether it is business-wide instead.
fn concerns(
    entity_type: &str,
    entity_id: &str,
    views: [Option<&serde_json::Value>; 2],
) -> (Vec<uuid::Uuid>, bool) {
    let mut branches = Vec::new();
    if entity_type == "branch" {
        branches.extend(uuid::Uuid::parse_str(entity_id).ok());
    }
    let id = |value: &serde_json::Value| value.as_str().and_then(|t| uuid::Uuid::parse_str(t).ok());
    for view in views.into_iter().flatten() {
        for field in ["branchId", "fromBranchId", "toBranchId"] {
            branches.extend(view.get(field).and_then(id));
        }
        if let Some(ids) = view.get("branchIds").and_then(|v| v.as_array()) {
            branches.extend(ids.iter().filter_map(id));
        }
    }
    branches.sort();
    branches.dedup();
    let business_wide = branches.is_empty() && BUSINESS_WIDE.contains(&entity_type);
    (branches, business_wide)
}
