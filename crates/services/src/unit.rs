//! The unit of work: one writing transaction, who acts, where the request
//! came from, and what the work collected on the way (audit entries, domain
//! events, the answer kept for an `Idempotency-Key`, writes that wait for
//! the end). [`Unit::commit`] writes all of it and commits, in one place:
//! on MariaDB in one round trip before the commit
//! ([`jewel_persistence::closing`]).

use std::sync::Arc;

use jewel_persistence::repos::audit::{AuditTrail, NewAuditEvent};
use jewel_persistence::repos::idempotency::IdempotencyKeys;
use jewel_persistence::repos::outbox::{NewOutboxEvent, Outbox};
use jewel_persistence::{ConnectionTrait, Database, DatabaseTransaction, RepoError, Statement};
use serde::Serialize;

pub use crate::actor::{Actor, Origin};
use crate::events::DomainEvent;

/// An audit entry or event that could not be turned into JSON.
#[derive(Debug, thiserror::Error)]
#[error("an audit entry or event could not be recorded: {0}")]
pub struct RecordError(#[from] serde_json::Error);

/// The answer of a request that came with an `Idempotency-Key`, kept with
/// the work so that a retry replays it.
#[derive(Debug, Clone)]
pub struct KeptAnswer {
    pub key: String,
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
}

/// Wakes the relay when a unit committed events, so that subscribers see
/// them at once rather than at the next poll.
#[derive(Debug, Clone, Default)]
pub struct Wake(Arc<tokio::sync::Notify>);

impl Wake {
    pub fn notify(&self) {
        self.0.notify_one();
    }

    pub async fn notified(&self) {
        self.0.notified().await;
    }
}

/// One business transaction in the making. Its database transaction
/// begins when the work first asks for it ([`Unit::txn`]), so that reads
/// and steps that must not wait inside it (opening a number sequence) come
/// first, on the pool ([`Unit::db`]).
#[derive(Debug)]
pub struct Unit {
    database: Database,
    txn: Option<DatabaseTransaction>,
    actor: Actor,
    origin: Origin,
    audit: Vec<NewAuditEvent>,
    events: Vec<NewOutboxEvent>,
    answer: Option<KeptAnswer>,
    closing: Vec<Statement>,
    wake: Option<Wake>,
}

impl Unit {
    /// Work by `actor` on `database`; nothing is begun yet.
    pub fn new(database: &Database, actor: Actor, origin: Origin) -> Self {
        Self {
            database: database.clone(),
            txn: None,
            actor,
            origin,
            audit: Vec::new(),
            events: Vec::new(),
            answer: None,
            closing: Vec::new(),
            wake: None,
        }
    }

    /// Wakes `wake` after a commit that wrote events.
    pub fn waking(mut self, wake: Wake) -> Self {
        self.wake = Some(wake);
        self
    }

    /// The writing transaction, begun on first use (on SQLite one that
    /// takes the write lock at once, so racing writers queue instead of
    /// failing).
    pub async fn txn(&mut self) -> Result<&DatabaseTransaction, RepoError> {
        let txn = match self.txn.take() {
            Some(txn) => txn,
            None => jewel_persistence::begin_writing(self.database.connection()).await?,
        };
        Ok(self.txn.insert(txn))
    }

    /// The pool, outside the transaction: for reads before the work
    /// writes, and for steps that must not wait inside it.
    pub fn db(&self) -> &jewel_persistence::DatabaseConnection {
        self.database.connection()
    }

    /// Who acts from here on: a customer signing up acts once their record
    /// exists.
    pub fn act_as(&mut self, actor: Actor) {
        self.actor = actor;
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Records a change in the audit trail (written at commit); `before`
    /// and `after` are views that never hold secrets or hashes.
    pub fn audit<T: Serialize>(
        &mut self,
        action: &str,
        entity_type: &str,
        entity_id: impl ToString,
        before: Option<&T>,
        after: Option<&T>,
    ) -> Result<(), RecordError> {
        let entry = crate::audit::entry(
            &self.actor,
            &self.origin,
            action,
            entity_type,
            &entity_id.to_string(),
            before,
            after,
        )?;
        self.audit.push(entry);
        Ok(())
    }

    /// Records a domain event (written at commit, handed to subscribers
    /// after it).
    pub fn emit<E: DomainEvent>(&mut self, event: &E) -> Result<(), RecordError> {
        let (entity_type, entity_id) = event.entity();
        let (actor_kind, actor_id) = self.actor.ids();
        self.events.push(NewOutboxEvent {
            id: uuid::Uuid::now_v7(),
            event_type: E::TYPE.to_owned(),
            occurred_at: chrono::Utc::now(),
            actor_kind: actor_kind.to_owned(),
            actor_id,
            entity_type: entity_type.to_owned(),
            entity_id,
            branch_id: event.branch(),
            business_wide: event.business_wide(),
            request_id: self.origin.request_id.clone(),
            version: E::VERSION,
            payload: serde_json::to_value(event)?,
        });
        Ok(())
    }

    /// Writes `statements` with the audit entries and events, just before
    /// the commit: for what need not be read back before then (a bill's
    /// number and ledger lines, written after the branch's number row is
    /// locked, which every other bill of the branch waits for).
    pub fn write_at_commit(&mut self, statements: impl IntoIterator<Item = Statement>) {
        self.closing.extend(statements);
    }

    /// Keeps the answer of an idempotent request with the work.
    pub fn keep_answer(&mut self, answer: KeptAnswer) {
        self.answer = Some(answer);
    }

    /// Gives the work up: nothing it wrote stays.
    pub async fn rollback(self) -> Result<(), RepoError> {
        if let Some(txn) = self.txn {
            txn.rollback().await?;
        }
        Ok(())
    }

    /// Writes the audit entries, the events, the kept answer and the
    /// writes left for the end, then commits. Dropping a unit without committing rolls everything back.
    pub async fn commit(mut self) -> Result<(), RepoError> {
        if self.txn.is_none()
            && self.audit.is_empty()
            && self.events.is_empty()
            && self.answer.is_none()
            && self.closing.is_empty()
        {
            return Ok(());
        }
        let txn = match self.txn.take() {
            Some(txn) => txn,
            None => jewel_persistence::begin_writing(self.database.connection()).await?,
        };
        let Self {
            audit,
            events,
            answer,
            mut closing,
            wake,
            ..
        } = self;
        let backend = txn.get_database_backend();
        let wrote_events = !events.is_empty();
        closing.extend(AuditTrail::writes(backend, audit));
        closing.extend(Outbox::writes(backend, events));
        if let Some(answer) = answer {
            closing.push(IdempotencyKeys::answer_write(
                backend,
                &answer.key,
                answer.status,
                &answer.body,
                answer.location.as_deref(),
            ));
        }
        jewel_persistence::closing::run_all(&txn, closing).await?;
        txn.commit().await?;
        if wrote_events && let Some(wake) = wake {
            wake.notify();
        }
        Ok(())
    }
}
