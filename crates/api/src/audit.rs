//! Writing the audit trail: every change made through the API records who
//! did what to which record, before and after, in the same transaction as
//! the change itself.

use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::audit::{AuditTrail, NewAuditEvent};
use serde::Serialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::request_context::RequestContext;

/// Who made a change.
#[derive(Debug, Clone)]
pub enum Actor {
    Staff(uuid::Uuid),
    Client(uuid::Uuid),
    Customer(uuid::Uuid),
    /// The command line (`jewel-crm create-owner`).
    Cli,
}

impl<R> From<&crate::auth::caller::Authorized<R>> for Actor {
    fn from(caller: &crate::auth::caller::Authorized<R>) -> Self {
        Actor::from(&**caller)
    }
}

impl From<&Caller> for Actor {
    fn from(caller: &Caller) -> Self {
        match caller.principal {
            crate::auth::caller::Principal::Staff(_) => Actor::Staff(caller.id),
            crate::auth::caller::Principal::Client { .. } => Actor::Client(caller.id),
            crate::auth::caller::Principal::Customer => Actor::Customer(caller.id),
        }
    }
}

impl Caller {
    /// How records the caller makes name their author: `staff`, `client`
    /// or `customer`, and the id.
    pub fn author(&self) -> (&'static str, uuid::Uuid) {
        match self.principal {
            crate::auth::caller::Principal::Staff(_) => ("staff", self.id),
            crate::auth::caller::Principal::Client { .. } => ("client", self.id),
            crate::auth::caller::Principal::Customer => ("customer", self.id),
        }
    }
}

/// Records one change; `before`/`after` are the API views of the record,
/// which never hold secrets or hashes.
pub async fn record<T: Serialize>(
    db: &impl ConnectionTrait,
    actor: impl Into<Actor>,
    action: &str,
    entity_type: &str,
    entity_id: impl ToString,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), ApiError> {
    let context = RequestContext::current();
    let (actor_kind, actor_id) = actor_ids(actor.into());
    let json = |value: Option<&T>| value.map(serde_json::to_value).transpose();
    let entity_id = entity_id.to_string();
    let before = json(before).map_err(anyhow::Error::from)?;
    let after = json(after).map_err(anyhow::Error::from)?;
    let (branches, business_wide) =
        concerns(entity_type, &entity_id, [before.as_ref(), after.as_ref()]);
    AuditTrail::record(
        db,
        NewAuditEvent {
            actor_kind: actor_kind.to_owned(),
            actor_id,
            action: action.to_owned(),
            entity_type: entity_type.to_owned(),
            entity_id,
            before,
            after,
            request_id: context
                .as_ref()
                .map(|c| c.id.clone())
                .unwrap_or_else(|| "cli".to_owned()),
            ip: context.and_then(|c| c.ip),
            branches,
            business_wide,
        },
    )
    .await?;
    Ok(())
}

/// Records the creation of many records of one kind at once: `(id, after)`.
pub async fn record_created<T: Serialize>(
    db: &impl ConnectionTrait,
    actor: impl Into<Actor>,
    action: &str,
    entity_type: &str,
    records: impl IntoIterator<Item = (uuid::Uuid, T)>,
) -> Result<(), ApiError> {
    let context = RequestContext::current();
    let (actor_kind, actor_id) = actor_ids(actor.into());
    let request_id = context
        .as_ref()
        .map(|c| c.id.clone())
        .unwrap_or_else(|| "cli".to_owned());
    let ip = context.and_then(|c| c.ip);
    let events = records
        .into_iter()
        .map(|(id, after)| {
            let entity_id = id.to_string();
            let after = serde_json::to_value(after)?;
            let (branches, business_wide) = concerns(entity_type, &entity_id, [None, Some(&after)]);
            Ok(NewAuditEvent {
                actor_kind: actor_kind.to_owned(),
                actor_id: actor_id.clone(),
                action: action.to_owned(),
                entity_type: entity_type.to_owned(),
                entity_id,
                before: None,
                after: Some(after),
                request_id: request_id.clone(),
                ip: ip.clone(),
                branches,
                business_wide,
            })
        })
        .collect::<Result<Vec<_>, serde_json::Error>>()
        .map_err(anyhow::Error::from)?;
    AuditTrail::record_many(db, events).await?;
    Ok(())
}

fn actor_ids(actor: Actor) -> (&'static str, String) {
    match actor {
        Actor::Staff(id) => ("staff", id.to_string()),
        Actor::Client(id) => ("client", id.to_string()),
        Actor::Customer(id) => ("customer", id.to_string()),
        Actor::Cli => ("cli", "jewel-crm".to_owned()),
    }
}

/// Records that belong to the whole business rather than to one branch:
/// their events are read by every reader of the trail when they name no
/// branch. Any other record's event that names no branch (an owner's staff
/// record, an API client) is read only by those who see every branch.
const BUSINESS_WIDE: [&str; 8] = [
    "customer",
    "consent",
    "interaction",
    "task",
    "wish",
    "design",
    "metal_rate",
    "lot",
];

/// The branches a change concerns, read from its before and after views
/// (`branchId`, `fromBranchId`, `toBranchId`, `branchIds`; a branch's own
/// events concern that branch), and whether it is business-wide instead.
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
