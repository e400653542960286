//! The audit trail: append-only. Nothing here deletes an event; the one
//! update is [`AuditTrail::redact`], which erasure of a person's data needs.

use chrono::{DateTime, Utc};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Statement,
};

use crate::entities::audit_event_branches;
use crate::entities::audit_events::{self, Column, Entity};
use crate::error::{RepoError, uuid_of};

pub struct AuditTrail;

/// One change, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: uuid::Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: String,
    pub ip: Option<String>,
}

/// A change to record; `before`/`after` must never hold secrets or hashes.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor_kind: String,
    pub actor_id: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: String,
    pub ip: Option<String>,
    /// The branches the change concerns.
    pub branches: Vec<uuid::Uuid>,
    /// A change to a record of the whole business that concerns no branch
    /// (a customer, a rate): every reader of the trail sees it.
    pub business_wide: bool,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only events that concern one of these branches, or the whole
    /// business; `None` for every event.
    pub branches: Option<Vec<uuid::Uuid>>,
}

impl AuditTrail {
    #[tracing::instrument(name = "audit.record", skip_all, fields(action = %event.action, entity = %event.entity_type))]
    pub async fn record(db: &impl ConnectionTrait, event: NewAuditEvent) -> Result<(), RepoError> {
        Self::record_many(db, vec![event]).await
    }

    /// Records many changes at once (a delivery of pieces), a few hundred
    /// rows per statement.
    #[tracing::instrument(name = "audit.record_many", skip_all, fields(count = events.len()))]
    pub async fn record_many(
        db: &impl ConnectionTrait,
        events: Vec<NewAuditEvent>,
    ) -> Result<(), RepoError> {
        crate::closing::run_all(db, Self::writes(db.get_database_backend(), events)).await
    }

    /// The statements that record `events`, for a unit's closing writes.
    pub fn writes(backend: DatabaseBackend, events: Vec<NewAuditEvent>) -> Vec<Statement> {
        let now = Utc::now();
        let mut statements = Vec::new();
        let mut events = events.into_iter().peekable();
        while events.peek().is_some() {
            let mut concerns = Vec::new();
            let chunk: Vec<audit_events::ActiveModel> = events
                .by_ref()
                .take(200)
                .map(|event| {
                    let id = uuid::Uuid::now_v7().to_string();
                    concerns.extend(event.branches.iter().map(|branch| {
                        audit_event_branches::ActiveModel {
                            branch_id: Set(branch.to_string()),
                            event_id: Set(id.clone()),
                        }
                    }));
                    (id, event)
                })
                .map(|(id, event)| audit_events::ActiveModel {
                    id: Set(id),
                    occurred_at: Set(now),
                    actor_kind: Set(event.actor_kind),
                    actor_id: Set(event.actor_id),
                    action: Set(event.action),
                    entity_type: Set(event.entity_type),
                    entity_id: Set(event.entity_id),
                    before: Set(event.before.map(|v| v.to_string())),
                    after: Set(event.after.map(|v| v.to_string())),
                    request_id: Set(event.request_id),
                    ip: Set(event.ip),
                    business_wide: Set(event.business_wide),
                })
                .collect();
            statements.push(Entity::insert_many(chunk).build(backend));
            if !concerns.is_empty() {
                statements.push(audit_event_branches::Entity::insert_many(concerns).build(backend));
            }
        }
        statements
    }

    #[tracing::instrument(name = "audit.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEvent>, RepoError> {
        let mut query = Entity::find()
            .order_by_asc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.gt(after.to_string()));
        }
        if let Some(entity_type) = &filter.entity_type {
            query = query.filter(Column::EntityType.eq(entity_type.clone()));
        }
        if let Some(entity_id) = &filter.entity_id {
            query = query.filter(Column::EntityId.eq(entity_id.clone()));
        }
        if let Some(actor_id) = &filter.actor_id {
            query = query.filter(Column::ActorId.eq(actor_id.clone()));
        }
        if let Some(from) = filter.from {
            query = query.filter(Column::OccurredAt.gte(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(Column::OccurredAt.lt(to));
        }
        if let Some(branches) = &filter.branches {
            let theirs = Query::select()
                .column(audit_event_branches::Column::EventId)
                .from(audit_event_branches::Entity)
                .and_where(
                    audit_event_branches::Column::BranchId
                        .is_in(branches.iter().map(uuid::Uuid::to_string)),
                )
                .to_owned();
            query = query.filter(
                Condition::any()
                    .add(Column::BusinessWide.eq(true))
                    .add(Column::Id.in_subquery(theirs)),
            );
        }
        let events = query
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(AuditEvent {
                    id: uuid_of(&m.id)?,
                    occurred_at: m.occurred_at,
                    actor_kind: m.actor_kind,
                    actor_id: m.actor_id,
                    action: m.action,
                    entity_type: m.entity_type,
                    entity_id: m.entity_id,
                    before: m.before.and_then(|t| serde_json::from_str(&t).ok()),
                    after: m.after.and_then(|t| serde_json::from_str(&t).ok()),
                    request_id: m.request_id,
                    ip: m.ip,
                })
            })
            .collect::<Result<Vec<_>, RepoError>>()?;
        Ok(Page::from_overfetch(events, page.limit, |e| e.id))
    }

    /// Removes the personal data recorded about one record (its before and
    /// after snapshots), keeping who did what and when. What the right to
    /// erasure asks of the trail; the caller holds the transaction.
    #[tracing::instrument(name = "audit.redact", skip(db))]
    pub async fn redact(
        db: &impl ConnectionTrait,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<u64, RepoError> {
        use sea_orm::sea_query::Expr;
        let result = Entity::update_many()
            .col_expr(Column::Before, Expr::value(None::<String>))
            .col_expr(Column::After, Expr::value(None::<String>))
            .filter(Column::EntityType.eq(entity_type))
            .filter(Column::EntityId.eq(entity_id))
            .exec(db)
            .await?;
        Ok(result.rows_affected)
    }
}
