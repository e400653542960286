//! The `Caller` extractor: a verified access token, turned into who is
//! calling and what they may do. Every protected handler takes one.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use jewel_domain::{Permission, Role};

use crate::error::ApiError;
use crate::state::AppState;

/// A staff member acting through the API.
#[derive(Debug, Clone)]
pub struct Caller {
    pub id: uuid::Uuid,
    pub role: Role,
    /// Branches the caller acts in; owners act in all.
    pub branches: Vec<uuid::Uuid>,
    /// The login session the token belongs to.
    pub session: uuid::Uuid,
    /// When the token was issued (seconds since the epoch).
    pub issued_at: u64,
}

impl Caller {
    /// 403 unless the caller's role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                permission: permission.as_str(),
            })
        }
    }

    /// The branches the caller is limited to; `None` for all of them.
    pub fn branch_scope(&self) -> Option<&[uuid::Uuid]> {
        (!self.role.sees_all_branches()).then_some(self.branches.as_slice())
    }

    pub fn acts_in(&self, branch: uuid::Uuid) -> bool {
        self.branch_scope()
            .is_none_or(|scope| scope.contains(&branch))
    }
}

/// Cache keys marking tokens revoked before they expire.
pub fn revoked_session_key(session: uuid::Uuid) -> String {
    format!("revoked:session:{session}")
}

pub fn revoked_staff_key(staff: uuid::Uuid) -> String {
    format!("revoked:staff:{staff}")
}

fn refused() -> ApiError {
    ApiError::Unauthorized {
        detail: "the access token is invalid, expired or revoked",
        invalid_token: true,
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The rate limiter verified the token already on API routes.
        let verified = req.extensions().get::<Caller>().cloned();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let authorization = authorization(req);
        Box::pin(async move {
            if let Some(caller) = verified {
                return Ok(caller);
            }
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no app state")))?;
            authenticate(&state, authorization).await
        })
    }
}

/// The `Authorization` header as sent (`Some(Err)` when it is not text).
pub fn authorization(req: &HttpRequest) -> Option<Result<String, ()>> {
    req.headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().map(str::to_owned).map_err(|_| ()))
}

/// Verifies a bearer token and says who is calling.
pub async fn authenticate(
    state: &AppState,
    authorization: Option<Result<String, ()>>,
) -> Result<Caller, ApiError> {
    let token = match authorization {
        None => {
            return Err(ApiError::Unauthorized {
                detail: "this operation needs an access token (Authorization: Bearer ...)",
                invalid_token: false,
            });
        }
        Some(Ok(value)) => match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                token.trim().to_owned()
            }
            _ => return Err(refused()),
        },
        Some(Err(())) => return Err(refused()),
    };
    let claims = state.tokens.verify(&token).map_err(|error| {
        tracing::info!(%error, "access token refused");
        refused()
    })?;
    if claims.kind != "staff" {
        return Err(refused());
    }
    let id = uuid::Uuid::parse_str(&claims.sub).map_err(|_| refused())?;
    let session = uuid::Uuid::parse_str(&claims.sid).map_err(|_| refused())?;
    let role = Role::parse(&claims.role).ok_or_else(refused)?;
    let branches = claims
        .branches
        .iter()
        .map(|b| uuid::Uuid::parse_str(b))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| refused())?;
    // Logout, logout-everywhere and disabling a user mark tokens revoked in
    // the cache until they would have expired anyway.
    if state
        .cache
        .get(&revoked_session_key(session))
        .await
        .is_some()
    {
        return Err(refused());
    }
    if let Some(before) = state.cache.get(&revoked_staff_key(id)).await {
        let before: u64 = std::str::from_utf8(&before)
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(u64::MAX);
        if claims.iat <= before {
            return Err(refused());
        }
    }
    Ok(Caller {
        id,
        role,
        branches,
        session,
        issued_at: claims.iat,
    })
}
