//! Writing the audit trail from a handler that holds its own transaction:
//! every change made through the API records who did what to which record,
//! before and after, in the same transaction as the change itself. Work done
//! through a [`jewel_services::Unit`] records its entries with the unit.

use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::audit::AuditTrail;
use serde::Serialize;

pub use jewel_services::Actor;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::request_context::RequestContext;

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
        Actor::from(self).author()
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
    let entry = jewel_services::audit::entry(
        &actor.into(),
        &RequestContext::origin(),
        action,
        entity_type,
        &entity_id.to_string(),
        before,
        after,
    )
    .map_err(anyhow::Error::from)?;
    AuditTrail::record(db, entry).await?;
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
    let actor = actor.into();
    let origin = RequestContext::origin();
    let entries = records
        .into_iter()
        .map(|(id, after)| {
            jewel_services::audit::entry(
                &actor,
                &origin,
                action,
                entity_type,
                &id.to_string(),
                None,
                Some(&after),
            )
        })
        .collect::<Result<Vec<_>, serde_json::Error>>()
        .map_err(anyhow::Error::from)?;
    AuditTrail::record_many(db, entries).await?;
    Ok(())
}
