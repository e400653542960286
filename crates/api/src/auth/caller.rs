//! The `Caller` extractor: a verified access token, turned into who is
//! calling and what they may do. Every protected handler takes one.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use jewel_domain::{Permission, Role};

use super::revocations::Revoked;
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
    Client {
        scopes: Vec<Permission>,
    },
    /// A customer using self-service: only their own records, under `/api/v1/me`.
    Customer,
}

impl Caller {
    /// 403 unless the caller's role (or client's scopes) grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        let granted = match &self.principal {
            Principal::Staff(role) => role.can(permission),
            Principal::Client { scopes } => scopes.contains(&permission),
            Principal::Customer => false,
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
            Principal::Client { .. } | Principal::Customer => None,
        }
    }

    /// The calling customer's id, or 403 for staff and API clients.
    pub fn customer(&self) -> Result<uuid::Uuid, ApiError> {
        match self.principal {
            Principal::Customer => Ok(self.id),
            _ => Err(ApiError::Forbidden {
                permission: "a customer login",
            }),
        }
    }

    /// The staff member's login session, or 403 for anyone else.
    pub fn staff_session(&self) -> Result<uuid::Uuid, ApiError> {
        match (&self.principal, self.session) {
            (Principal::Staff(_), Some(session)) => Ok(session),
            _ => Err(ApiError::Forbidden {
                permission: "a staff login",
            }),
        }
    }

    /// The branches the caller is limited to; `None` for all of them.
    pub fn branch_scope(&self) -> Option<&[uuid::Uuid]> {
        let all = match &self.principal {
            Principal::Staff(role) => role.sees_all_branches(),
            Principal::Client { .. } => self.branches.is_empty(),
            Principal::Customer => false,
        };
        (!all).then_some(self.branches.as_slice())
    }

    pub fn acts_in(&self, branch: uuid::Uuid) -> bool {
        self.branch_scope()
            .is_none_or(|scope| scope.contains(&branch))
    }
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
    let session = match claims.sid.as_deref() {
        Some(sid) => {
            let session = uuid::Uuid::parse_str(sid).map_err(|_| refused())?;
            if state
                .revocations
                .voids(Revoked::Session(session), claims.iat)
            {
                return Err(refused());
            }
            Some(session)
        }
        None => None,
    };
    let (principal, whose) = match claims.kind.as_str() {
        "staff" if session.is_some() => {
            let role = claims
                .role
                .as_deref()
                .and_then(Role::parse)
                .ok_or_else(refused)?;
            (Principal::Staff(role), Revoked::Staff(id))
        }
        "customer" if session.is_some() => (Principal::Customer, Revoked::Customer(id)),
        "client" => {
            let scopes = claims
                .scope
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .map(|s| Permission::client_scope(s).ok_or_else(refused))
                .collect::<Result<Vec<_>, _>>()?;
            (Principal::Client { scopes }, Revoked::Client(id))
        }
        _ => return Err(refused()),
    };
    // Logout everywhere, a changed password, a disabled account or client
    // void every token issued up to that second.
    if state.revocations.voids(whose, claims.iat) {
        return Err(refused());
    }
    Ok(Caller {
        id,
        principal,
        branches,
        session,
        rate_limit: claims.rl,
    })
}

/// A permission an operation needs, as a type, so that the handler's
/// signature says it and the check runs before the body is read.
pub trait Requirement {
    const PERMISSION: Permission;
}

/// Marker types for [`Authorized`], one per permission.
pub mod needs {
    use super::{Permission, Requirement};

    macro_rules! requirements {
        ($($name:ident),+ $(,)?) => {$(
            #[derive(Debug, Clone, Copy)]
            pub struct $name;

            impl Requirement for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )+};
    }

    requirements!(
        BranchesRead,
        BranchesWrite,
        StaffRead,
        StaffWrite,
        AuditRead,
        ApiClientsWrite,
        CustomersRead,
        CustomersWrite,
        CustomersKyc,
        CustomersMerge,
        CustomersBulk,
        CustomersErase,
        InventoryRead,
        InventoryWrite,
        InventoryCost,
        InventoryReserve,
        MetalRatesWrite,
        SalesRead,
        SalesWrite,
        SalesApprove,
        PaymentsWrite,
        LoyaltyRead,
        LoyaltyAdjust,
        LoyaltySettings,
        ReportsRead,
        JobsRead,
        JobsWrite,
        JobsSettings,
        MessagesRead,
        MessagesSettings,
        CampaignsWrite,
        WebhooksWrite,
    );
}

/// A caller holding the permission `R` (401 without a token, 403 without the permission).
#[derive(Debug, Clone)]
pub struct Authorized<R> {
    caller: Caller,
    requirement: std::marker::PhantomData<R>,
}

impl<R> std::ops::Deref for Authorized<R> {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl<R: Requirement + 'static> FromRequest for Authorized<R> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            caller.require(R::PERMISSION)?;
            Ok(Self {
                caller,
                requirement: std::marker::PhantomData,
            })
        })
    }
}

/// A staff member in a login session (403 for API clients and customers).
#[derive(Debug, Clone)]
pub struct StaffLogin {
    pub caller: Caller,
    pub session: uuid::Uuid,
}

impl FromRequest for StaffLogin {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            let session = caller.staff_session()?;
            Ok(Self { caller, session })
        })
    }
}
