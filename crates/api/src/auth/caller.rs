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

/// Who is calling: a staff member or an integrator's API client.
#[derive(Debug, Clone)]
pub struct Caller {
    pub id: uuid::Uuid,
    pub principal: Principal,
    /// Branches the caller acts in (for owners and unlimited clients: all).
    branches: Vec<uuid::Uuid>,
    /// A staff member's login session.
    pub session: Option<uuid::Uuid>,
    /// An API client's own requests per rate-limit window.
    pub rate_limit: Option<u64>,
}

#[derive(Debug, Clone)]
pub enum Principal {
    Staff(Role),
    Client { scopes: Vec<Permission> },
}

impl Caller {
    /// 403 unless the caller's role (or client's scopes) grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        let granted = match &self.principal {
            Principal::Staff(role) => role.can(permission),
            Principal::Client { scopes } => scopes.contains(&permission),
        };
        if granted {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                permission: permission.as_str(),
            })
        }
    }

    /// A staff member's role; `None` for API clients.
    pub fn role(&self) -> Option<Role> {
        match self.principal {
            Principal::Staff(role) => Some(role),
            Principal::Client { .. } => None,
        }
    }

    /// The staff member's login session, or 403 for an API client.
    pub fn staff_session(&self) -> Result<uuid::Uuid, ApiError> {
        self.session.ok_or(ApiError::Forbidden {
            permission: "a staff login",
        })
    }

    /// The branches the caller is limited to; `None` for all of them.
    pub fn branch_scope(&self) -> Option<&[uuid::Uuid]> {
        let all = match &self.principal {
            Principal::Staff(role) => role.sees_all_branches(),
            Principal::Client { .. } => self.branches.is_empty(),
        };
        (!all).then_some(self.branches.as_slice())
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

pub fn revoked_client_key(client: uuid::Uuid) -> String {
    format!("revoked:client:{client}")
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
    let id = uuid::Uuid::parse_str(&claims.sub).map_err(|_| refused())?;
    let branches = claims
        .branches
        .iter()
        .map(|b| uuid::Uuid::parse_str(b))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| refused())?;
    let (principal, session, revoked_key) = match claims.kind.as_str() {
        "staff" => {
            let role = claims
                .role
                .as_deref()
                .and_then(Role::parse)
                .ok_or_else(refused)?;
            let session = claims
                .sid
                .as_deref()
                .and_then(|sid| uuid::Uuid::parse_str(sid).ok())
                .ok_or_else(refused)?;
            // Logout marks the session revoked in the cache until its
            // tokens would have expired anyway.
            if state
                .cache
                .get(&revoked_session_key(session))
                .await
                .is_some()
            {
                return Err(refused());
            }
            (Principal::Staff(role), Some(session), revoked_staff_key(id))
        }
        "client" => {
            let scopes = claims
                .scope
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .map(|s| Permission::client_scope(s).ok_or_else(refused))
                .collect::<Result<Vec<_>, _>>()?;
            (Principal::Client { scopes }, None, revoked_client_key(id))
        }
        _ => return Err(refused()),
    };
    // Logout-everywhere, a disabled account or client mark every token
    // issued up to that second as revoked.
    if let Some(before) = state.cache.get(&revoked_key).await {
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
        principal,
        branches,
        session,
        rate_limit: claims.rl,
    })
}
