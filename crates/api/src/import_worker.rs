//! Import jobs' rows: read from an uploaded part (CSV or NDJSON), and
//! worked through by a leased worker a chunk per transaction. Every
//! replica may run the worker; each job is taken by one lease, kept while
//! its chunks commit, so a job whose server stopped is taken up again at
//! its first row without an outcome once the lease runs out.

use std::time::Duration;

use chrono::Utc;
use jewel_domain::FieldError;
use jewel_domain::import_job::{ImportJob, ImportKind, ImportState, RowOutcome, RowResult};
use jewel_persistence::RepoError;
use jewel_persistence::repos::import_jobs::{ImportJobs, PendingRow, UploadedRow};
use jewel_services::Origin;
use jewel_services::crm::import::ImportChange;
use jewel_services::integrations::IntegrationError;
use jewel_services::integrations::imports::{self, Chunk};

use crate::error::ApiError;
use crate::routes::crm::customer_rows::{COLUMNS, check_rows, keys_of, repeated};
use crate::routes::wire::csv::read_rows;
use crate::state::AppState;

/// Rows a worker checks and applies in one transaction.
const CHUNK: u64 = 500;

/// Chunks a worker applies of one job before it lets the job go for
/// another turn.
const CHUNKS_A_TURN: usize = 20;

/// How long a worker holds a job between chunks.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);

/// How many times a chunk outrun by another change is checked again
/// before the job fails.
const OUTRUN_TRIES: u32 = 3;

/// How a part's rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
}

/// A part's rows, numbered on from `before` (the rows the job holds).
pub fn rows_of(
    state: &AppState,
    kind: ImportKind,
    (format, body): (Format, &[u8]),
    before: i64,
) -> Result<Vec<UploadedRow>, ApiError> {
    let cells = match (kind, format) {
        (ImportKind::Customers, Format::Csv) => read_rows(body, &COLUMNS, &["name", "mobile"])?
            .into_iter()
            .map(|(_, cells)| cells)
            .collect(),
        (_, Format::Ndjson) => ndjson_rows(body)?,
    };
    Ok((before + 1..)
        .zip(cells)
        .map(|(line, cells)| UploadedRow {
            line,
            keys: match kind {
                ImportKind::Customers => keys_of(&cells, state.home_country),
            },
            cells,
        })
        .collect())
}

/// One JSON object per non-blank line.
fn ndjson_rows(body: &[u8]) -> Result<Vec<serde_json::Map<String, serde_json::Value>>, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_field("the body is not UTF-8", "body", "encoding", "UTF-8"))?;
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(serde_json::Value::Object(cells)) => rows.push(cells),
            _ => {
                return Err(ApiError::bad_field(
                    format!("line {} is not a JSON object", index + 1),
                    format!("body[{}]", index + 1),
                    "malformed_json",
                    "one JSON object per line",
                ));
            }
        }
    }
    Ok(rows)
}

/// Works on import jobs for as long as the server runs: at once when a
/// job's upload is closed on this server, else every `poll` (a job closed
/// on another replica, or left by a stopped worker).
pub async fn run_imports(state: AppState, poll: Duration) {
    loop {
        match pass(&state).await {
            Ok(0) => rest(&state, poll).await,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "working on import jobs failed");
                rest(&state, poll).await;
            }
        }
    }
}

async fn rest(state: &AppState, poll: Duration) {
    tokio::select! {
        () = tokio::time::sleep(poll) => {}
        () = state.imports_wake.notified() => {}
    }
}

/// Takes each job that may be taken and works up to [`CHUNKS_A_TURN`] of
/// its chunks, so that a big job does not keep a small one waiting; how
/// many it took.
pub async fn pass(state: &AppState) -> Result<usize, RepoError> {
    let db = state.database.connection();
    let now = Utc::now();
    let mut worked = 0;
    for id in ImportJobs::takeable(db, now, 4).await? {
        let token = uuid::Uuid::now_v7();
        if ImportJobs::lease(db, id, token, now, now + LEASE).await? {
            worked += 1;
            work_for(state, (id, token), CHUNKS_A_TURN).await?;
        }
    }
    Ok(worked)
}

/// Why a job's work stopped short of its end.
enum Stopped {
    /// The lease ran out or the job was aborted: another worker, or
    /// nobody, goes on.
    Lost,
    /// The job cannot go on: it fails saying why.
    Failed(String),
    /// The database failed: the job is taken up again when the lease runs
    /// out.
    Store(RepoError),
}

impl From<IntegrationError> for Stopped {
    fn from(error: IntegrationError) -> Self {
        match error {
            IntegrationError::LeaseLost => Stopped::Lost,
            IntegrationError::Store(error) => Stopped::Store(error),
            other => Stopped::Failed(other.to_string()),
        }
    }
}

impl From<RepoError> for Stopped {
    fn from(error: RepoError) -> Self {
        Stopped::Store(error)
    }
}

/// Works job `id` leased under `token`, a chunk per transaction, for at
/// most `turn` chunks (then lets it go for the next pass), to its end, or
/// until the lease is lost or the job aborted. A job that cannot go on
/// fails saying why; one the database failed is taken up again.
pub async fn work_for(
    state: &AppState,
    (id, token): (uuid::Uuid, uuid::Uuid),
    turn: usize,
) -> Result<(), RepoError> {
    let db = state.database.connection();
    let Some(job) = ImportJobs::get(db, id).await? else {
        return Ok(());
    };
    let stopped = match chunks(state, (id, token), turn).await {
        Ok(()) => return Ok(()),
        Err(stopped) => stopped,
    };
    match stopped {
        Stopped::Lost => Ok(()),
        Stopped::Store(error) => Err(error),
        Stopped::Failed(failure) => {
            tracing::warn!(job = %id, %failure, "an import job failed");
            let mut unit = unit_of(state, &job);
            match imports::finish(&mut unit, &job, token, Some(&failure), Utc::now()).await {
                Ok(()) => unit.commit().await,
                Err(IntegrationError::LeaseLost) => Ok(()),
                Err(error) => Err(RepoError::Database(jewel_persistence::DbErr::Custom(
                    error.to_string(),
                ))),
            }
        }
    }
}

/// Applies up to `turn` of job `id`'s chunks, one transaction each, and
/// ends it when no row is left.
async fn chunks(
    state: &AppState,
    (id, token): (uuid::Uuid, uuid::Uuid),
    turn: usize,
) -> Result<(), Stopped> {
    let db = state.database.connection();
    for _ in 0..turn {
        let job = match ImportJobs::get(db, id).await? {
            Some(job) if job.state == ImportState::InProgress => job,
            _ => return Err(Stopped::Lost),
        };
        let rows = ImportJobs::pending(db, id, job.rows_done, CHUNK).await?;
        if rows.is_empty() {
            let mut unit = unit_of(state, &job);
            imports::finish(&mut unit, &job, token, None, Utc::now()).await?;
            return Ok(unit.commit().await?);
        }
        let mut tries = 0;
        loop {
            let chunk = check_chunk(state, &job, &rows).await.map_err(|error| {
                Stopped::Store(RepoError::Database(jewel_persistence::DbErr::Custom(
                    error.to_string(),
                )))
            })?;
            let mut unit = unit_of(state, &job);
            let lease = (token, Utc::now() + LEASE);
            match imports::apply_chunk(&mut unit, &job, lease, &chunk).await {
                Ok(()) => break unit.commit().await?,
                Err(IntegrationError::Outrun) if tries + 1 < OUTRUN_TRIES => tries += 1,
                Err(error) => return Err(error.into()),
            }
        }
    }
    ImportJobs::release(db, id, token, Utc::now()).await?;
    Ok(())
}

fn unit_of(state: &AppState, job: &ImportJob) -> jewel_services::Unit {
    let origin = Origin {
        request_id: format!("import_job:{}", job.id),
        ip: None,
    };
    jewel_services::Unit::new(&state.database, imports::actor_of(job), origin)
        .waking(state.relay_wake.clone())
}

/// What each row of a chunk comes to.
async fn check_chunk(
    state: &AppState,
    job: &ImportJob,
    rows: &[PendingRow],
) -> Result<Chunk, ApiError> {
    let db = state.database.connection();
    let keys: Vec<[Option<String>; 2]> = rows
        .iter()
        .map(|r| keys_of(&r.cells, state.home_country))
        .collect();
    let wanted = |second: bool| -> Vec<String> {
        keys.iter()
            .filter_map(|k| k[usize::from(second)].clone())
            .collect()
    };
    let first_mobile = ImportJobs::first_with(db, job.id, false, &wanted(false)).await?;
    let first_external = ImportJobs::first_with(db, job.id, true, &wanted(true)).await?;
    let line_keys: std::collections::HashMap<u64, [Option<String>; 2]> = rows
        .iter()
        .zip(keys)
        .map(|(r, k)| (u64::try_from(r.line).unwrap_or(0), k))
        .collect();
    let repeats = |line: u64, _: &jewel_domain::customer::NewCustomer| {
        let mut errors: Vec<FieldError> = Vec::new();
        let Some([mobile, external]) = line_keys.get(&line) else {
            return errors;
        };
        let earlier = |first: Option<&i64>| {
            first
                .and_then(|f| u64::try_from(*f).ok())
                .filter(|f| *f < line)
        };
        if let Some(first) = earlier(mobile.as_ref().and_then(|m| first_mobile.get(m))) {
            errors.push(repeated("mobile", first));
        }
        if let Some(first) = earlier(external.as_ref().and_then(|e| first_external.get(e))) {
            errors.push(repeated("externalId", first));
        }
        errors
    };
    let asked = rows
        .iter()
        .map(|r| (u64::try_from(r.line).unwrap_or(0), r.cells.clone()))
        .collect();
    let checked = check_rows(state, asked, repeats).await?;
    let mut chunk = Chunk {
        changes: Vec::new(),
        outcomes: Vec::with_capacity(checked.len()),
    };
    for (line, outcome) in checked {
        let line = i64::try_from(line).unwrap_or(0);
        chunk.outcomes.push(match outcome {
            Ok(change) => {
                let (result, record) = match &change {
                    ImportChange::Create(id, _) => (RowResult::Created, *id),
                    ImportChange::Update(customer, _) => (RowResult::Updated, customer.id),
                };
                chunk.changes.push(change);
                RowOutcome {
                    line,
                    result,
                    record_id: (!job.dry_run || result == RowResult::Updated).then_some(record),
                    errors: Vec::new(),
                }
            }
            Err(errors) => RowOutcome {
                line,
                result: RowResult::Rejected,
                record_id: None,
                errors: errors
                    .into_iter()
                    .map(|e| (e.field, e.code, e.message))
                    .collect(),
            },
        });
    }
    Ok(chunk)
}
