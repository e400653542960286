//! Messages to customers and every attempt at sending them. A worker takes
//! a message by a lease (a conditional update that one replica wins), talks
//! to the provider with no transaction open, and writes how it went only
//! while it still holds that lease.

use chrono::{DateTime, Utc};
use jewel_domain::customer::consent::Purpose;
use jewel_domain::engagement::message::{Message, MessageStatus};
use jewel_domain::engagement::{Language, MessageChannel, Trigger};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{message_attempts, messages};
use crate::error::{RepoError, uuid_of};
use crate::repos::leases;

pub struct Messages;

/// One try at sending, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub message_id: uuid::Uuid,
    pub attempt: i32,
    pub transport: String,
    pub started_at: DateTime<Utc>,
    pub latency_ms: i64,
    /// `sent`, `transient` or `permanent`.
    pub outcome: String,
    pub answer: String,
}

/// Which messages a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct MessageFilter<'a> {
    /// `None`: every branch (and messages of no branch).
    pub branches: Option<&'a [uuid::Uuid]>,
    pub customer: Option<uuid::Uuid>,
    pub status: Option<MessageStatus>,
    pub trigger: Option<Trigger>,
    pub channel: Option<MessageChannel>,
}

/// How a leased try ended, to be written.
#[derive(Debug, Clone)]
pub struct Finished<'a> {
    pub status: MessageStatus,
    pub reason: Option<&'a str>,
    pub address: Option<&'a str>,
    pub transport: Option<&'a str>,
    pub provider_id: Option<&'a str>,
    /// Tries so far, this one included.
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The longest answer kept of a provider.
const ANSWER_CHARS: usize = 1_000;

impl Messages {
    /// Whether a message with `key` exists already.
    pub async fn exists(db: &impl ConnectionTrait, key: &str) -> Result<bool, RepoError> {
        Ok(messages::Entity::find()
            .select_only()
            .column(messages::Column::Id)
            .filter(messages::Column::DedupeKey.eq(key))
            .into_tuple::<String>()
            .one(db)
            .await?
            .is_some())
    }

    pub async fn insert(db: &impl ConnectionTrait, message: &Message) -> Result<(), RepoError> {
        messages::Entity::insert(messages::ActiveModel {
            id: Set(message.id.to_string()),
            branch_id: Set(message.branch_id.map(|b| b.to_string())),
            customer_id: Set(message.customer_id.to_string()),
            trigger: Set(message.trigger.as_str().to_owned()),
            purpose: Set(message.purpose.as_str().to_owned()),
            channel: Set(message.channel.as_str().to_owned()),
            language: Set(message.language.as_str().to_owned()),
            dedupe_key: Set(message.dedupe_key.clone()),
            template_id: Set(message.template_id.map(|t| t.to_string())),
            template_version: Set(message.template_version),
            subject: Set(message.subject.clone()),
            body: Set(message.body.clone()),
            parameters: Set((!message.parameters.is_empty())
                .then(|| serde_json::to_string(&message.parameters).unwrap_or_default())),
            about_kind: Set(message.about.as_ref().map(|(kind, _)| kind.clone())),
            about_id: Set(message.about.as_ref().map(|(_, id)| id.to_string())),
            address: Set(message.address.clone()),
            status: Set(message.status.as_str().to_owned()),
            reason: Set(message.reason.clone()),
            attempts: Set(message.attempts),
            next_attempt_at: Set(message.next_attempt_at),
            lease_until: Set(None),
            lease_token: Set(None),
            transport: Set(message.transport.clone()),
            provider_id: Set(message.provider_id.clone()),
            created_at: Set(message.created_at),
            sent_at: Set(message.sent_at),
            updated_at: Set(message.created_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Message>, RepoError> {
        messages::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_message)
            .transpose()
    }

    /// Ids of up to `limit` messages due at `now`: queued and their time
    /// come, or left sending by a worker whose lease ran out.
    pub async fn due(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<uuid::Uuid>, RepoError> {
        use messages::Column;
        leases::due_ids::<messages::Entity>(
            db,
            (Column::Id, Column::NextAttemptAt),
            due_now(now),
            limit,
        )
        .await
    }

    /// Takes message `id` for a try under `token` until `until`, if it is
    /// still due; `false` when another worker took it first.
    pub async fn lease(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use messages::Column;
        let update = messages::Entity::update_many()
            .col_expr(Column::Status, Expr::value(MessageStatus::Sending.as_str()))
            .col_expr(Column::LeaseToken, Expr::value(token.to_string()))
            .col_expr(Column::LeaseUntil, Expr::value(until))
            .col_expr(Column::UpdatedAt, Expr::value(now));
        leases::take(db, update, (Column::Id, id), due_now(now)).await
    }

    /// Writes how the try under `token` ended; `false` when the lease was
    /// lost meanwhile (another worker took the message over).
    pub async fn finish(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        how: &Finished<'_>,
    ) -> Result<bool, RepoError> {
        use messages::Column;
        let done = messages::Entity::update_many()
            .col_expr(Column::Status, Expr::value(how.status.as_str()))
            .col_expr(Column::Reason, Expr::value(how.reason.map(str::to_owned)))
            .col_expr(Column::Address, Expr::value(how.address.map(str::to_owned)))
            .col_expr(
                Column::Transport,
                Expr::value(how.transport.map(str::to_owned)),
            )
            .col_expr(
                Column::ProviderId,
                Expr::value(how.provider_id.map(str::to_owned)),
            )
            .col_expr(Column::Attempts, Expr::value(how.attempts))
            .col_expr(Column::NextAttemptAt, Expr::value(how.next_attempt_at))
            .col_expr(Column::SentAt, Expr::value(how.sent_at))
            .col_expr(Column::LeaseToken, Expr::value(Option::<String>::None))
            .col_expr(
                Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::LeaseToken.eq(token.to_string()))
            .exec(db)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Sets a message `transport` took as `provider_id` to `status` as the
    /// provider reports it, if it stands `sent` (a report of a message
    /// failed or delivered already changes nothing); `false` otherwise.
    pub async fn reported(
        db: &impl ConnectionTrait,
        transport: &str,
        provider_id: &str,
        status: MessageStatus,
        reason: Option<&str>,
    ) -> Result<bool, RepoError> {
        use messages::Column;
        let done = messages::Entity::update_many()
            .col_expr(Column::Status, Expr::value(status.as_str()))
            .col_expr(Column::Reason, Expr::value(reason.map(str::to_owned)))
            .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(Column::Transport.eq(transport))
            .filter(Column::ProviderId.eq(provider_id))
            .filter(Column::Status.eq(MessageStatus::Sent.as_str()))
            .exec(db)
            .await?;
        Ok(done.rows_affected == 1)
    }

    pub async fn record_attempt(
        db: &impl ConnectionTrait,
        attempt: &Attempt,
    ) -> Result<(), RepoError> {
        let answer: String = attempt.answer.chars().take(ANSWER_CHARS).collect();
        message_attempts::Entity::insert(message_attempts::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            message_id: Set(attempt.message_id.to_string()),
            attempt: Set(attempt.attempt),
            transport: Set(attempt.transport.clone()),
            started_at: Set(attempt.started_at),
            latency_ms: Set(attempt.latency_ms),
            outcome: Set(attempt.outcome.clone()),
            answer: Set(answer),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// The tries at sending `message`, first first.
    pub async fn attempts(
        db: &impl ConnectionTrait,
        message: uuid::Uuid,
    ) -> Result<Vec<Attempt>, RepoError> {
        message_attempts::Entity::find()
            .filter(message_attempts::Column::MessageId.eq(message.to_string()))
            .order_by_asc(message_attempts::Column::Attempt)
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(Attempt {
                    message_id: uuid_of(&m.message_id)?,
                    attempt: m.attempt,
                    transport: m.transport,
                    started_at: m.started_at,
                    latency_ms: m.latency_ms,
                    outcome: m.outcome,
                    answer: m.answer,
                })
            })
            .collect()
    }

    /// Deletes every message to `customer` and its attempts (their words
    /// and addresses are the person's): part of erasing them.
    pub async fn erase_of(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<u64, RepoError> {
        let ids: Vec<String> = messages::Entity::find()
            .select_only()
            .column(messages::Column::Id)
            .filter(messages::Column::CustomerId.eq(customer.to_string()))
            .into_tuple()
            .all(db)
            .await?;
        for chunk in ids.chunks(500) {
            message_attempts::Entity::delete_many()
                .filter(message_attempts::Column::MessageId.is_in(chunk.iter().cloned()))
                .exec(db)
                .await?;
        }
        let deleted = messages::Entity::delete_many()
            .filter(messages::Column::CustomerId.eq(customer.to_string()))
            .exec(db)
            .await?;
        Ok(deleted.rows_affected)
    }

    /// How many tries `transport` made since `since`, and when the first
    /// of them began (a provider's pace over the last minute).
    pub async fn tries_since(
        db: &impl ConnectionTrait,
        transport: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, Option<DateTime<Utc>>), RepoError> {
        use message_attempts::Column;
        let row: Option<(i64, Option<DateTime<Utc>>)> = message_attempts::Entity::find()
            .select_only()
            .column_as(Expr::col(Column::Id).count(), "count")
            .column_as(Expr::col(Column::StartedAt).min(), "first")
            .filter(Column::Transport.eq(transport))
            .filter(Column::StartedAt.gte(since))
            .into_tuple()
            .one(db)
            .await?;
        Ok(row.unwrap_or((0, None)))
    }

    /// How many messages about `kind` `id` (a campaign's) stand in each
    /// status, by reason: `(status, reason, count)`.
    pub async fn tally(
        db: &impl ConnectionTrait,
        kind: &str,
        id: uuid::Uuid,
    ) -> Result<Vec<(MessageStatus, Option<String>, i64)>, RepoError> {
        use messages::Column;
        let rows: Vec<(String, Option<String>, i64)> = messages::Entity::find()
            .select_only()
            .column(Column::Status)
            .column(Column::Reason)
            .column_as(Expr::col(Column::Id).count(), "count")
            .filter(Column::AboutKind.eq(kind))
            .filter(Column::AboutId.eq(id.to_string()))
            .group_by(Column::Status)
            .group_by(Column::Reason)
            .into_tuple()
            .all(db)
            .await?;
        rows.into_iter()
            .map(|(status, reason, count)| {
                let status = MessageStatus::parse(&status).ok_or_else(|| bad("status"))?;
                Ok((status, reason, count))
            })
            .collect()
    }

    /// Skips, with `reason`, the messages about `kind` `id` still waiting
    /// to go (queued); how many.
    pub async fn skip_waiting(
        db: &impl ConnectionTrait,
        kind: &str,
        id: uuid::Uuid,
        reason: &str,
    ) -> Result<u64, RepoError> {
        use messages::Column;
        let skipped = messages::Entity::update_many()
            .col_expr(Column::Status, Expr::value(MessageStatus::Skipped.as_str()))
            .col_expr(Column::Reason, Expr::value(reason))
            .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(Column::AboutKind.eq(kind))
            .filter(Column::AboutId.eq(id.to_string()))
            .filter(Column::Status.eq(MessageStatus::Queued.as_str()))
            .exec(db)
            .await?;
        Ok(skipped.rows_affected)
    }

    /// Messages `filter` reads, newest first.
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: MessageFilter<'_>,
        page: PageRequest,
    ) -> Result<Page<Message>, RepoError> {
        use messages::Column;
        let mut query = messages::Entity::find()
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(branches) = filter.branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(|b| b.to_string())));
        }
        if let Some(customer) = filter.customer {
            query = query.filter(Column::CustomerId.eq(customer.to_string()));
        }
        if let Some(status) = filter.status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        if let Some(trigger) = filter.trigger {
            query = query.filter(Column::Trigger.eq(trigger.as_str()));
        }
        if let Some(channel) = filter.channel {
            query = query.filter(Column::Channel.eq(channel.as_str()));
        }
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let messages = query
            .all(db)
            .await?
            .into_iter()
            .map(into_message)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(messages, page.limit, |m| m.id))
    }
}

/// Queued with its time come, or sending under a lease that ran out.
fn due_now(now: DateTime<Utc>) -> Condition {
    use messages::Column;
    Condition::any()
        .add(
            Condition::all()
                .add(Column::Status.eq(MessageStatus::Queued.as_str()))
                .add(Column::NextAttemptAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(Column::Status.eq(MessageStatus::Sending.as_str()))
                .add(Column::LeaseUntil.lt(now)),
        )
}

fn bad(what: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Custom(format!("stored message {what}")))
}

fn into_message(m: messages::Model) -> Result<Message, RepoError> {
    let about = match (m.about_kind, m.about_id) {
        (Some(kind), Some(id)) => Some((kind, uuid_of(&id)?)),
        _ => None,
    };
    Ok(Message {
        id: uuid_of(&m.id)?,
        branch_id: m.branch_id.as_deref().map(uuid_of).transpose()?,
        customer_id: uuid_of(&m.customer_id)?,
        trigger: Trigger::parse(&m.trigger).ok_or_else(|| bad("trigger"))?,
        purpose: Purpose::parse(&m.purpose).ok_or_else(|| bad("purpose"))?,
        channel: MessageChannel::parse(&m.channel).ok_or_else(|| bad("channel"))?,
        language: Language::parse(&m.language).ok_or_else(|| bad("language"))?,
        dedupe_key: m.dedupe_key,
        template_id: m.template_id.as_deref().map(uuid_of).transpose()?,
        template_version: m.template_version,
        subject: m.subject,
        body: m.body,
        parameters: match m.parameters.as_deref() {
            Some(json) => serde_json::from_str(json).map_err(|_| bad("parameters"))?,
            None => Vec::new(),
        },
        about,
        address: m.address,
        status: MessageStatus::parse(&m.status).ok_or_else(|| bad("status"))?,
        reason: m.reason,
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        transport: m.transport,
        provider_id: m.provider_id,
        created_at: m.created_at,
        sent_at: m.sent_at,
    })
}
