//! Bulk import jobs: open one, upload its file in parts (CSV or NDJSON),
//! close the upload, and a worker goes through the rows in the
//! background; follow its progress and download every row's outcome.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, patch, post, put, web};
use futures_util::future::LocalBoxFuture;
use futures_util::stream::{self, StreamExt};
use jewel_domain::Role;
use jewel_domain::import_job::{ImportJob, ImportKind, RowOutcome};
use jewel_persistence::repos::import_jobs::ImportJobs;
use jewel_services::integrations::imports;
use utoipa_actix_web::service_config::ServiceConfig;

use super::import_job_dto::{
    ImportJobChange, ImportJobList, ImportJobQuery, ImportJobRequest, ImportJobView,
};
use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::import_worker::{Format, rows_of};
use crate::routes::wire::csv::{CsvDocument, inert, read_import_body};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(open_import_job)
        .service(list_import_jobs)
        .service(get_import_job)
        .service(upload_import_part)
        .service(move_import_job)
        .service(import_job_results);
}

/// A caller who may import some kind of record: anyone else is refused
/// (403) before the body is read.
struct Importer(Caller);

impl FromRequest for Importer {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            let may = ImportKind::ALL
                .into_iter()
                .any(|k| caller.require(k.writer()).is_ok());
            if !may {
                caller.require(ImportKind::Customers.writer())?;
            }
            Ok(Self(caller))
        })
    }
}

/// Job `id`, if the caller may see it: whoever made it (still holding the
/// permission its kind needs), or the owner.
async fn visible_job(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<ImportJob, ApiError> {
    let job = ImportJobs::get(state.database.connection(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let theirs = job.made_by.1 == caller.id.to_string();
    if !(theirs || caller.role() == Some(Role::Owner)) {
        return Err(ApiError::NotFound);
    }
    caller.require(job.kind.writer())?;
    Ok(job)
}

async fn view_of(state: &AppState, id: uuid::Uuid) -> Result<ImportJobView, ApiError> {
    ImportJobs::get(state.database.connection(), id)
        .await?
        .map(ImportJobView::from)
        .ok_or(ApiError::NotFound)
}

/// Open an import job. Needs the permission its kind needs
/// (`customers:bulk` for customers).
///
/// Then upload the file in one or more parts (`PUT .../data`), and move the
/// job to `upload_complete`: a worker takes it, checks every row as the
/// JSON API checks a record, and applies each chunk of 500 rows in one
/// transaction (a dry run changes nothing). A row whose `externalId`, or
/// else whose mobile, belongs to a customer updates that customer; any
/// other row creates one; a row repeating an earlier row's mobile or
/// external id is rejected. A server that stops mid-job leaves it to
/// another (or to itself once restarted), which goes on at the first row
/// not done.
#[utoipa::path(
    tag = "imports",
    operation_id = "openImportJob",
    security(("bearer" = [])),
    request_body = ImportJobRequest,
    responses(
        (status = 201, description = "Opened: upload its parts.", body = ImportJobView,
         headers(("Location" = String, description = "The job"))),
    )
)]
#[post("/api/v1/import-jobs")]
pub async fn open_import_job(
    state: web::Data<AppState>,
    Importer(caller): Importer,
    Json(body): Json<ImportJobRequest>,
) -> Result<HttpResponse, ApiError> {
    let kind = ImportKind::from(body.kind);
    caller.require(kind.writer())?;
    let mut unit = state.unit(&caller);
    let job = imports::open(&mut unit, kind, body.dry_run.unwrap_or(false)).await?;
    unit.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/import-jobs/{}", job.id),
        ))
        .json(ImportJobView::from(job)))
}

/// List your import jobs, newest first (the owner sees every job).
#[utoipa::path(
    tag = "imports",
    operation_id = "listImportJobs",
    security(("bearer" = [])),
    params(ImportJobQuery),
    responses((status = 200, description = "A page of jobs.", body = ImportJobList))
)]
#[get("/api/v1/import-jobs")]
pub async fn list_import_jobs(
    state: web::Data<AppState>,
    Importer(caller): Importer,
    Query(query): Query<ImportJobQuery>,
) -> Result<web::Json<ImportJobList>, ApiError> {
    let db = state.database.connection();
    let mine = caller.id.to_string();
    let actor = (caller.role() != Some(Role::Owner)).then_some(mine.as_str());
    let limit = query.limit.unwrap_or(20).clamp(1, 100);
    let jobs = ImportJobs::list(db, actor, query.before, limit + 1).await?;
    let more = jobs.len() as u64 > limit;
    let items: Vec<ImportJobView> = jobs
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(100))
        .map(ImportJobView::from)
        .collect();
    let next_before = more.then(|| items.last().map(|j| j.id)).flatten();
    Ok(web::Json(ImportJobList { items, next_before }))
}

/// Read a job: its state and how far it has gone.
#[utoipa::path(
    tag = "imports",
    operation_id = "getImportJob",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job.", body = ImportJobView),
        (status = 404, description = "No such job of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/import-jobs/{id}")]
pub async fn get_import_job(
    state: web::Data<AppState>,
    Importer(caller): Importer,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<ImportJobView>, ApiError> {
    Ok(web::Json(visible_job(&state, &caller, *id).await?.into()))
}

/// Upload a part of an open job's file: `text/csv` with a header row
/// naming columns as the JSON fields (the columns of `importCustomers`;
/// lists `;`-separated), or `application/x-ndjson` with one JSON object per
/// line as the JSON API takes a record. Up to 16 MiB a part and 100,000
/// rows a job; row numbers go on across parts in the order uploaded (the
/// first data row of the first part is row 1). Upload parts one after
/// another; a part racing another is 409 `rows`.
#[utoipa::path(
    tag = "imports",
    operation_id = "uploadImportPart",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    request_body(content = CsvDocument, content_type = "text/csv", description = "A header row, then one record per row; or NDJSON.", example = "name,mobile,email,tags\nLakshmi Narayanan,98765 43210,lakshmi@example.com,bridal;vip\n"),
    responses(
        (status = 200, description = "Taken: the job with its rows counted.", body = ImportJobView),
        (status = 409, description = "The job is no longer open (`state`), or another part of it came in meanwhile (`rows`: upload parts one after another).", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A part over 16 MiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither `text/csv` nor `application/x-ndjson`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More than 100,000 rows in the job (`rows`), or an unknown or missing column (`header`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/api/v1/import-jobs/{id}/data")]
pub async fn upload_import_part(
    state: web::Data<AppState>,
    Importer(caller): Importer,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    mut payload: web::Payload,
) -> Result<web::Json<ImportJobView>, ApiError> {
    let job = visible_job(&state, &caller, *id).await?;
    let (format, body) = read_import_body(&req, &mut payload).await?;
    let format = if format == "csv" {
        Format::Csv
    } else {
        Format::Ndjson
    };
    let rows = rows_of(&state, job.kind, (format, &body), job.rows_total)?;
    let mut unit = state.unit(&caller);
    imports::add_part(&mut unit, &job, &rows).await?;
    unit.commit().await?;
    Ok(web::Json(view_of(&state, job.id).await?))
}

/// Move a job: `upload_complete` once every part is in (a job with no rows
/// is 422 `rows`), or `aborted` before it ends (rows done stay done). Any
/// other move is 409 naming `state`.
#[utoipa::path(
    tag = "imports",
    operation_id = "moveImportJob",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    request_body = ImportJobChange,
    responses(
        (status = 200, description = "Moved.", body = ImportJobView),
        (status = 409, description = "The job cannot move there from where it is.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Closing the upload of a job with no rows.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/import-jobs/{id}")]
pub async fn move_import_job(
    state: web::Data<AppState>,
    Importer(caller): Importer,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<ImportJobChange>,
) -> Result<web::Json<ImportJobView>, ApiError> {
    let job = visible_job(&state, &caller, *id).await?;
    let mut unit = state.unit(&caller);
    let to = body.state.into();
    imports::move_to(&mut unit, &job, to).await?;
    unit.commit().await?;
    if to == jewel_domain::import_job::ImportState::UploadComplete {
        state.imports_wake.notify();
    }
    Ok(web::Json(view_of(&state, job.id).await?))
}

/// The CSV line of one row's outcome.
fn result_line(outcome: &RowOutcome) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fields: Vec<&str> = outcome.errors.iter().map(|(f, _, _)| f.as_str()).collect();
    let errors: Vec<String> = outcome
        .errors
        .iter()
        .map(|(field, code, message)| format!("{field} ({code}): {message}"))
        .collect();
    writer
        .write_record([
            outcome.line.to_string(),
            outcome.result.as_str().to_owned(),
            outcome.record_id.map(|r| r.to_string()).unwrap_or_default(),
            inert(&fields.join(";")).into_owned(),
            inert(&errors.join("; ")).into_owned(),
        ])
        .map_err(|e| ApiError::Internal(e.into()))?;
    writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))
}

/// Every row's outcome so far, as CSV, streamed: `row`, `outcome`
/// (`created`, `updated` or `rejected`; in a dry run what would be),
/// `recordId` (a created record's only after a real run), `errorFields`
/// (the bad fields, `;`-separated) and `errors` (each field, its code and
/// why); a cell that a spreadsheet would take for a formula (it begins
/// with `=`, `+`, `-` or `@`) begins with `'`.
#[utoipa::path(
    tag = "imports",
    operation_id = "getImportJobResults",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses(
        (status = 200, description = "One line per row done.", content_type = "text/csv", body = CsvDocument,
         example = "row,outcome,recordId,errorFields,errors\n1,created,01936f0e-5555-7000-8000-000000000005,,\n2,rejected,,mobile,mobile (format): must be a phone number such as +919876543210\n"),
        (status = 404, description = "No such job of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/import-jobs/{id}/results")]
pub async fn import_job_results(
    state: web::Data<AppState>,
    Importer(caller): Importer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let job = visible_job(&state, &caller, *id).await?;
    let header = stream::once(async {
        Ok::<_, ApiError>(web::Bytes::from_static(
            b"row,outcome,recordId,errorFields,errors\n",
        ))
    });
    let pages = stream::unfold(Some(0i64), move |after| {
        let state = state.clone();
        async move {
            let after = after?;
            let found =
                ImportJobs::outcomes(state.database.connection(), job.id, after, 2000).await;
            match found {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map(|r| r.line);
                    let mut bytes = Vec::new();
                    for row in &rows {
                        match result_line(row) {
                            Ok(line) => bytes.extend(line),
                            Err(error) => return Some((Err(error), None)),
                        }
                    }
                    Some((Ok(web::Bytes::from(bytes)), last))
                }
                Err(error) => Some((Err(error.into()), None)),
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"import-{}-results.csv\"", job.id),
        ))
        .streaming(header.chain(pages)))
}
