//! `Idempotency-Key` on POSTs that move stock or money, with Stripe's
//! semantics: the same key and body replay the first answer for 24 hours;
//! the same key with another body is 422; a duplicate sent while the first
//! is still running is 409. Failed requests free their key.
//!
//! A handler that commits its work in one transaction calls [`keep`] inside
//! it, so the kept answer commits with the work: a crash between the two
//! cannot leave work done and its key unanswered.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use jewel_domain::FieldError;
use jewel_persistence::RepoError;
use jewel_persistence::repos::idempotency::IdempotencyKeys;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::contract::DocumentedBody;
use crate::error::ApiError;
use crate::extract::{json_bytes, parse_documented_json};
use crate::state::AppState;

/// The header a client sends.
pub const HEADER: &str = "Idempotency-Key";
/// The header on a replayed answer.
pub const REPLAYED: &str = "Idempotent-Replayed";
/// How long a key's answer is kept.
const KEPT_HOURS: i64 = 24;

/// The key a request being run under [`once`] claimed, and whether its
/// answer was kept in the work's own transaction.
#[derive(Debug, Clone)]
struct Keeper {
    id: String,
    kept: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

tokio::task_local! {
    static KEEPER: Keeper;
}

/// The answer of the request being run under [`once`], when it came with
/// a key; marks it kept with the work.
fn answer_to_keep(
    status: StatusCode,
    location: Option<String>,
    body: &impl Serialize,
) -> Result<Option<jewel_services::unit::KeptAnswer>, ApiError> {
    let Ok(keeper) = KEEPER.try_with(Keeper::clone) else {
        return Ok(None);
    };
    let answer = Answer::new(status, location, body)?;
    keeper.kept.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(Some(jewel_services::unit::KeptAnswer {
        key: keeper.id,
        status: answer.status.as_u16(),
        body: answer.body,
        location: answer.location,
    }))
}

/// Keeps the answer of the request being run under [`once`] (if it came
/// with a key) in `txn`, the transaction that commits its work; call just
/// before committing, with the answer the handler will give.
pub async fn keep(
    txn: &impl jewel_persistence::ConnectionTrait,
    status: StatusCode,
    location: Option<String>,
    body: &impl Serialize,
) -> Result<(), ApiError> {
    if let Some(answer) = answer_to_keep(status, location, body)? {
        IdempotencyKeys::answer(
            txn,
            &answer.key,
            answer.status,
            &answer.body,
            answer.location.as_deref(),
        )
        .await?;
    }
    Ok(())
}

/// Keeps the answer of the request being run under [`once`] (if it came
/// with a key) with `unit`'s work: it is written when the unit commits.
pub fn keep_in(
    unit: &mut jewel_services::Unit,
    status: StatusCode,
    location: Option<String>,
    body: &impl Serialize,
) -> Result<(), ApiError> {
    if let Some(answer) = answer_to_keep(status, location, body)? {
        unit.keep_answer(answer);
    }
    Ok(())
}

/// A JSON body with the request's `Idempotency-Key`, if it has one.
#[derive(Debug)]
pub struct IdempotentJson<T> {
    pub body: T,
    pub key: Option<RequestKey>,
}

/// A key and the fingerprint of the request that carried it.
#[derive(Debug, Clone)]
pub struct RequestKey {
    key: String,
    digest: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl<T: DeserializeOwned + 'static> FromRequest for IdempotentJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let key = req
            .headers()
            .get(HEADER)
            .map(|v| v.to_str().map(|s| s.trim().to_owned()));
        let target = format!("{} {}", req.method(), req.path());
        let bytes = json_bytes(req, payload);
        let documented = DocumentedBody::of(req);
        Box::pin(async move {
            let key = match key {
                None => None,
                Some(Ok(key))
                    if (1..=255).contains(&key.len())
                        && key.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Some(key)
                }
                Some(_) => {
                    return Err(ApiError::bad_field(
                        "Idempotency-Key must be 1 to 255 visible ASCII characters",
                        HEADER,
                        "format",
                        "1 to 255 visible ASCII characters, such as a UUID",
                    ));
                }
            };
            let bytes = bytes.await?;
            let body = parse_documented_json(&bytes, documented.as_ref())?;
            let key = key.map(|key| {
                let mut digest = Sha256::new();
                digest.update(target.as_bytes());
                digest.update(b"\n");
                digest.update(&bytes);
                RequestKey {
                    key,
                    digest: hex(&digest.finalize()),
                }
            });
            Ok(Self { body, key })
        })
    }
}

/// A successful answer, as kept for replays.
#[derive(Debug)]
pub struct Answer {
    status: StatusCode,
    body: String,
    location: Option<String>,
}

impl Answer {
    /// `status` with `body` as JSON and, for a new record, its `Location`.
    pub fn new(
        status: StatusCode,
        location: Option<String>,
        body: &impl Serialize,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            status,
            body: serde_json::to_string(body).map_err(anyhow::Error::from)?,
            location,
        })
    }

    fn response(&self, replayed: bool) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type(mime::APPLICATION_JSON);
        if let Some(location) = &self.location {
            response.insert_header((header::LOCATION, location.clone()));
        }
        if replayed {
            response.insert_header((REPLAYED, "true"));
        }
        response.body(self.body.clone())
    }
}

/// Runs `work` once per key: a retry with the same key and body gets the
/// first answer again without running it.
pub async fn once<F, Fut>(
    state: &AppState,
    caller: &Caller,
    key: Option<RequestKey>,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Answer, ApiError>>,
{
    let Some(key) = key else {
        return Ok(work().await?.response(false));
    };
    let db = state.database.connection();
    let id = {
        let mut digest = Sha256::new();
        digest.update(caller.id.as_bytes());
        digest.update(key.key.as_bytes());
        hex(&digest.finalize())
    };
    match IdempotencyKeys::claim(db, &id, &key.digest).await {
        Ok(()) => {}
        Err(RepoError::Taken { .. }) => {
            let Some(kept) = IdempotencyKeys::get(db, &id).await? else {
                return Err(in_progress());
            };
            if kept.created_at < Utc::now() - Duration::hours(KEPT_HOURS) {
                // Too old to replay: the key is new again.
                IdempotencyKeys::release(db, &id).await?;
                IdempotencyKeys::claim(db, &id, &key.digest)
                    .await
                    .map_err(|_| in_progress())?;
            } else if kept.request_digest != key.digest {
                return Err(crate::error::ApiError::Invalid(
                    jewel_domain::Invalid::field(
                        HEADER,
                        "reused",
                        "this key was used with another request; use a new key",
                    ),
                ));
            } else {
                return match (kept.status, kept.body) {
                    (Some(status), Some(body)) => Ok(Answer {
                        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                        body,
                        location: kept.location,
                    }
                    .response(true)),
                    _ => Err(in_progress()),
                };
            }
        }
        Err(other) => return Err(other.into()),
    }
    let keeper = Keeper {
        id: id.clone(),
        kept: std::sync::Arc::default(),
    };
    match KEEPER.scope(keeper.clone(), work()).await {
        Ok(answer) => {
            // Kept with the work already, or kept now (a handler that does
            // not commit through one transaction).
            if !keeper.kept.load(std::sync::atomic::Ordering::SeqCst) {
                IdempotencyKeys::answer(
                    db,
                    &id,
                    answer.status.as_u16(),
                    &answer.body,
                    answer.location.as_deref(),
                )
                .await?;
            }
            Ok(answer.response(false))
        }
        Err(error) => {
            IdempotencyKeys::release(db, &id).await?;
            Err(error)
        }
    }
}

fn in_progress() -> ApiError {
    ApiError::Conflict {
        detail: "a request with this Idempotency-Key is still being processed; retry shortly"
            .to_owned(),
        errors: vec![FieldError::new(
            HEADER,
            "in_progress",
            "still being processed",
        )],
    }
}
