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
    AuditTrail::record(
        db,
        NewAuditEvent {
            actor_kind: actor_kind.to_owned(),
            actor_id,
            action: action.to_owned(),
            entity_type: entity_type.to_owned(),
            entity_id: entity_id.to_string(),
            before: json(before).map_err(anyhow::Error::from)?,
            after: json(after).map_err(anyhow::Error::from)?,
            request_id: context
                .as_ref()
                .map(|c| c.id.clone())
                .unwrap_or_else(|| "cli".to_owned()),
            ip: context.and_then(|c| c.ip),
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
            Ok(NewAuditEvent {
                actor_kind: actor_kind.to_owned(),
                actor_id: actor_id.clone(),
                action: action.to_owned(),
                entity_type: entity_type.to_owned(),
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::to_value(after)?),
                request_id: request_id.clone(),
                ip: ip.clone(),
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
