//! Import jobs and the rows of their files. A worker takes a job by a
//! lease (a conditional update one replica wins) and writes each chunk's
//! outcomes and the job's counts in the chunk's transaction, only while it
//! holds the lease and the job is still running: the rows past `rows_done`
//! are what is left, after a restart too.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use jewel_domain::import_job::{ImportJob, ImportKind, ImportState, RowOutcome, RowResult};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{import_job_rows, import_jobs};
use crate::error::{RepoError, uuid_of};
use crate::repos::leases;

pub struct ImportJobs;

/// A row as uploaded: its number in the job, its cells, and the keys no
/// two rows of a job may share (for customers: the mobile as stored and
/// the external id).
#[derive(Debug, Clone, PartialEq)]
pub struct UploadedRow {
    pub line: i64,
    pub cells: serde_json::Map<String, serde_json::Value>,
    pub keys: [Option<String>; 2],
}

/// A row still to be done.
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub line: i64,
    pub cells: serde_json::Map<String, serde_json::Value>,
}

/// What one chunk adds to a job's counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub done: i64,
    pub created: i64,
    pub updated: i64,
    pub rejected: i64,
}

fn stored(text: &str) -> DbErr {
    DbErr::Type(format!("stored import value {text:?}"))
}

fn job_of(m: import_jobs::Model) -> Result<ImportJob, RepoError> {
    Ok(ImportJob {
        id: uuid_of(&m.id)?,
        kind: ImportKind::parse(&m.kind).ok_or_else(|| stored(&m.kind))?,
        dry_run: m.dry_run,
        state: ImportState::parse(&m.state).ok_or_else(|| stored(&m.state))?,
        made_by: (m.actor_kind, m.actor_id),
        rows_total: m.rows_total,
        rows_done: m.rows_done,
        rows_created: m.rows_created,
        rows_updated: m.rows_updated,
        rows_rejected: m.rows_rejected,
        failure: m.failure,
        created_at: m.created_at,
        started_at: m.started_at,
        finished_at: m.finished_at,
        version: m.version,
    })
}

/// A job that may be taken: waiting, or running under a lease that ran out.
fn takeable(now: DateTime<Utc>) -> Condition {
    use import_jobs::Column;
    Condition::any()
        .add(Column::State.eq(ImportState::UploadComplete.as_str()))
        .add(
            Condition::all()
                .add(Column::State.eq(ImportState::InProgress.as_str()))
                .add(Column::LeaseUntil.lt(now)),
        )
}

impl ImportJobs {
    pub async fn insert(db: &impl ConnectionTrait, job: &ImportJob) -> Result<(), RepoError> {
        import_jobs::Entity::insert(import_jobs::ActiveModel {
            id: Set(job.id.to_string()),
            kind: Set(job.kind.as_str().to_owned()),
            dry_run: Set(job.dry_run),
            state: Set(job.state.as_str().to_owned()),
            actor_kind: Set(job.made_by.0.clone()),
            actor_id: Set(job.made_by.1.clone()),
            rows_total: Set(0),
            rows_done: Set(0),
            rows_created: Set(0),
            rows_updated: Set(0),
            rows_rejected: Set(0),
            failure: Set(None),
            lease_token: Set(None),
            lease_until: Set(None),
            tries: Set(0),
            created_at: Set(job.created_at),
            started_at: Set(None),
            finished_at: Set(None),
            version: Set(1),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<ImportJob>, RepoError> {
        import_jobs::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(job_of)
            .transpose()
    }

    /// Jobs newest first (their ids are UUIDv7: in the order made), made by
    /// `actor` (every job when `None`), made before job `before` when given.
    pub async fn list(
        db: &impl ConnectionTrait,
        actor: Option<&str>,
        before: Option<uuid::Uuid>,
        limit: u64,
    ) -> Result<Vec<ImportJob>, RepoError> {
        use import_jobs::Column;
        let mut query = import_jobs::Entity::find()
            .order_by_desc(Column::Id)
            .limit(limit);
        if let Some(actor) = actor {
            query = query.filter(Column::ActorId.eq(actor));
        }
        if let Some(before) = before {
            query = query.filter(Column::Id.lt(before.to_string()));
        }
        query.all(db).await?.into_iter().map(job_of).collect()
    }

    /// Adds `rows` to job `id` if it is still open and holds `before` rows
    /// (as read when they were numbered); `false` when it is not (closed,
    /// or another part came first).
    pub async fn append(
        db: &impl ConnectionTrait,
        (id, before): (uuid::Uuid, i64),
        rows: &[UploadedRow],
    ) -> Result<bool, RepoError> {
        use import_jobs::Column;
        let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let grown = import_jobs::Entity::update_many()
            .col_expr(Column::RowsTotal, Expr::col(Column::RowsTotal).add(count))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::State.eq(ImportState::Open.as_str()))
            .filter(Column::RowsTotal.eq(before))
            .exec(db)
            .await?;
        if grown.rows_affected != 1 {
            return Ok(false);
        }
        for chunk in rows.chunks(200) {
            let models = chunk.iter().map(|row| {
                let [key_a, key_b] = row.keys.clone();
                import_job_rows::ActiveModel {
                    job_id: Set(id.to_string()),
                    line: Set(row.line),
                    cells: Set(serde_json::Value::Object(row.cells.clone()).to_string()),
                    key_a: Set(key_a),
                    key_b: Set(key_b),
                    outcome: Set(None),
                    record_id: Set(None),
                    errors: Set(None),
                }
            });
            import_job_rows::Entity::insert_many(models)
                .exec_without_returning(db)
                .await?;
        }
        Ok(true)
    }

    /// Moves job `id` from one of `from` to `to`; `false` when it stood
    /// elsewhere.
    pub async fn change_state(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        from: &[ImportState],
        to: ImportState,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use import_jobs::Column;
        let mut update = import_jobs::Entity::update_many()
            .col_expr(Column::State, Expr::value(to.as_str()))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1));
        if to.ended() {
            update = update.col_expr(Column::FinishedAt, Expr::value(now));
        }
        let moved = update
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::State.is_in(from.iter().map(|s| s.as_str())))
            .exec(db)
            .await?;
        Ok(moved.rows_affected == 1)
    }

    /// Jobs a worker may take now, oldest first.
    pub async fn takeable(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<uuid::Uuid>, RepoError> {
        use import_jobs::Column;
        leases::due_ids::<import_jobs::Entity>(
            db,
            (Column::Id, Column::CreatedAt),
            takeable(now),
            limit,
        )
        .await
    }

    /// Takes job `id` under `token` until `until` if it may be taken now;
    /// `false` when another worker has it. Counts the try.
    pub async fn lease(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use import_jobs::Column;
        let update = import_jobs::Entity::update_many()
            .col_expr(Column::State, Expr::value(ImportState::InProgress.as_str()))
            .col_expr(Column::LeaseToken, Expr::value(token.to_string()))
            .col_expr(Column::LeaseUntil, Expr::value(until))
            .col_expr(
                Column::StartedAt,
                Expr::col(Column::StartedAt).if_null(Expr::value(now)),
            )
            .col_expr(Column::Tries, Expr::col(Column::Tries).add(1));
        leases::take(db, update, (Column::Id, id), takeable(now)).await
    }

    /// Lets job `id` go for another turn: it may be taken from `now` on.
    pub async fn release(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use import_jobs::Column;
        let let_go = import_jobs::Entity::update_many()
            .col_expr(Column::LeaseUntil, Expr::value(now))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::LeaseToken.eq(token.to_string()))
            .filter(Column::State.eq(ImportState::InProgress.as_str()))
            .exec(db)
            .await?;
        Ok(let_go.rows_affected == 1)
    }

    /// Up to `limit` rows after the `done` first, in order.
    pub async fn pending(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        done: i64,
        limit: u64,
    ) -> Result<Vec<PendingRow>, RepoError> {
        use import_job_rows::Column;
        import_job_rows::Entity::find()
            .filter(Column::JobId.eq(id.to_string()))
            .filter(Column::Line.gt(done))
            .order_by_asc(Column::Line)
            .limit(limit)
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                let cells = match serde_json::from_str(&m.cells) {
                    Ok(serde_json::Value::Object(cells)) => cells,
                    _ => return Err(RepoError::Database(stored(&m.cells))),
                };
                Ok(PendingRow {
                    line: m.line,
                    cells,
                })
            })
            .collect()
    }

    /// The first row of job `id` holding each of `keys` in its first key
    /// (`second` false) or its second.
    pub async fn first_with(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        second: bool,
        keys: &[String],
    ) -> Result<HashMap<String, i64>, RepoError> {
        use import_job_rows::Column;
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let column = if second { Column::KeyB } else { Column::KeyA };
        let found: Vec<(String, i64)> = import_job_rows::Entity::find()
            .select_only()
            .column(column)
            .column_as(Column::Line.min(), "first")
            .filter(Column::JobId.eq(id.to_string()))
            .filter(column.is_in(keys.iter().cloned()))
            .group_by(column)
            .into_tuple()
            .all(db)
            .await?;
        Ok(found.into_iter().collect())
    }

    /// Writes a chunk's outcomes, adds its counts and keeps the lease
    /// until `until`, while `token` holds job `id` and it is running;
    /// `false` (write nothing more: roll back) when the lease was lost or
    /// the job aborted.
    pub async fn record(
        db: &impl ConnectionTrait,
        (id, token): (uuid::Uuid, uuid::Uuid),
        outcomes: &[RowOutcome],
        counts: Counts,
        until: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use import_jobs::Column;
        let add = |column: Column, by: i64| (column, Expr::col(column).add(by));
        let mut update = import_jobs::Entity::update_many();
        for (column, value) in [
            add(Column::RowsDone, counts.done),
            add(Column::RowsCreated, counts.created),
            add(Column::RowsUpdated, counts.updated),
            add(Column::RowsRejected, counts.rejected),
            add(Column::Version, 1),
        ] {
            update = update.col_expr(column, value);
        }
        let held = update
            .col_expr(Column::LeaseUntil, Expr::value(until))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::LeaseToken.eq(token.to_string()))
            .filter(Column::State.eq(ImportState::InProgress.as_str()))
            .exec(db)
            .await?;
        if held.rows_affected != 1 {
            return Ok(false);
        }
        if outcomes.is_empty() {
            return Ok(true);
        }
        // Every row's outcome in one statement: `CASE line WHEN .. THEN ..`.
        let (mut results, mut records, mut errors) = (
            CaseStatement::new(),
            CaseStatement::new(),
            CaseStatement::new(),
        );
        for o in outcomes {
            let this = import_job_rows::Column::Line.eq(o.line);
            results = results.case(this.clone(), Expr::value(o.result.as_str()));
            records = records.case(
                this.clone(),
                Expr::value(o.record_id.map(|r| r.to_string())),
            );
            let told = (!o.errors.is_empty()).then(|| {
                serde_json::Value::Array(
                    o.errors
                        .iter()
                        .map(|(field, code, message)| {
                            serde_json::json!({"field": field, "code": code, "message": message})
                        })
                        .collect(),
                )
                .to_string()
            });
            errors = errors.case(this, Expr::value(told));
        }
        import_job_rows::Entity::update_many()
            .col_expr(import_job_rows::Column::Outcome, results.into())
            .col_expr(import_job_rows::Column::RecordId, records.into())
            .col_expr(import_job_rows::Column::Errors, errors.into())
            .filter(import_job_rows::Column::JobId.eq(id.to_string()))
            .filter(import_job_rows::Column::Line.is_in(outcomes.iter().map(|o| o.line)))
            .exec(db)
            .await?;
        Ok(true)
    }

    /// Ends job `id` held by `token`: done, or failed saying why.
    pub async fn finish(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        failure: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use import_jobs::Column;
        let state = match failure {
            None => ImportState::JobComplete,
            Some(_) => ImportState::Failed,
        };
        let ended = import_jobs::Entity::update_many()
            .col_expr(Column::State, Expr::value(state.as_str()))
            .col_expr(
                Column::Failure,
                Expr::value(failure.map(|f| f.chars().take(500).collect::<String>())),
            )
            .col_expr(Column::FinishedAt, Expr::value(now))
            .col_expr(Column::LeaseToken, Expr::value(Option::<String>::None))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::LeaseToken.eq(token.to_string()))
            .filter(Column::State.eq(ImportState::InProgress.as_str()))
            .exec(db)
            .await?;
        Ok(ended.rows_affected == 1)
    }

    /// Up to `limit` outcomes of rows after `after`, in order.
    pub async fn outcomes(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        after: i64,
        limit: u64,
    ) -> Result<Vec<RowOutcome>, RepoError> {
        use import_job_rows::Column;
        let found = import_job_rows::Entity::find()
            .filter(Column::JobId.eq(id.to_string()))
            .filter(Column::Line.gt(after))
            .filter(Column::Outcome.is_not_null())
            .order_by_asc(Column::Line)
            .limit(limit)
            .all(db)
            .await?;
        found
            .into_iter()
            .map(|m| {
                let text = m.outcome.unwrap_or_default();
                let result = RowResult::parse(&text).ok_or_else(|| stored(&text))?;
                let errors: Vec<serde_json::Value> = m
                    .errors
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| stored(&e.to_string()))?
                    .unwrap_or_default();
                let field = |e: &serde_json::Value, name: &str| {
                    e[name].as_str().unwrap_or_default().to_owned()
                };
                Ok(RowOutcome {
                    line: m.line,
                    result,
                    record_id: m.record_id.as_deref().map(uuid_of).transpose()?,
                    errors: errors
                        .iter()
                        .map(|e| (field(e, "field"), field(e, "code"), field(e, "message")))
                        .collect(),
                })
            })
            .collect()
    }
}
