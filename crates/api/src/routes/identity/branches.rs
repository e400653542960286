//! Branches (stores) of the business.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use jewel_domain::Invalid;
use jewel_domain::branch::{
    Branch, BranchCode, BranchPatch, Gstin, NewBranch, StateCode, TimeZoneName, check_gstin_state,
    parse_address,
};
use jewel_domain::contact::PersonName;
use jewel_persistence::repos::branches::{BranchFilter, Branches};
use jewel_services::identity::branches;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::branches::{BranchChanges, BranchView, NewBranchRequest};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::routes::{
    wire::Paged, wire::Pagination, wire::collect, wire::created, wire::if_match, wire::with_etag,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_branch)
        .service(list_branches)
        .service(get_branch)
        .service(update_branch);
}

impl TryFrom<NewBranchRequest> for NewBranch {
    type Error = Invalid;

    fn try_from(body: NewBranchRequest) -> Result<Self, Invalid> {
        let mut errors = Vec::new();
        let code = collect(&mut errors, BranchCode::parse("code", &body.code));
        let name = collect(&mut errors, PersonName::parse("name", &body.name));
        let address = collect(&mut errors, parse_address("address", &body.address));
        let state = collect(&mut errors, StateCode::parse("stateCode", &body.state_code));
        let gstin = body
            .gstin
            .as_deref()
            .and_then(|g| collect(&mut errors, Gstin::parse("gstin", g)));
        let timezone = collect(
            &mut errors,
            TimeZoneName::parse(
                "timezone",
                body.timezone.as_deref().unwrap_or("Asia/Kolkata"),
            ),
        );
        if let Some(state) = state {
            collect(&mut errors, check_gstin_state(gstin.as_ref(), state));
        }
        match (
            code,
            name,
            address,
            state,
            timezone,
            Invalid::from_errors(errors),
        ) {
            (Some(code), Some(name), Some(address), Some(state), Some(timezone), None) => {
                Ok(NewBranch {
                    code,
                    name: name.as_str().to_owned(),
                    address,
                    state,
                    gstin,
                    timezone,
                })
            }
            (.., Some(invalid)) => Err(invalid),
            _ => Err(Invalid::field("body", "invalid", "invalid branch")),
        }
    }
}

/// Open a branch. Needs `branches:write` (owner).
#[utoipa::path(
    tag = "branches",
    operation_id = "createBranch",
    security(("bearer" = [])),
    request_body = NewBranchRequest,
    responses(
        (status = 201, description = "Opened.", body = BranchView),
        (status = 409, description = "The code is taken.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/branches")]
pub async fn create_branch(
    state: web::Data<AppState>,
    caller: Authorized<needs::BranchesWrite>,
    Json(body): Json<NewBranchRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = NewBranch::try_from(body)?;
    let mut unit = state.unit(&caller);
    let branch = branches::open_branch(&mut unit, &new).await?;
    unit.commit().await?;
    let view = BranchView::from(branch);
    Ok(created(
        format!("/api/v1/branches/{}", view.id),
        view.version,
        view,
    ))
}

/// List branches: all for the owner, one's own for everyone else.
#[utoipa::path(
    tag = "branches",
    operation_id = "listBranches",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of branches.", body = Paged<BranchView>))
)]
#[get("/api/v1/branches")]
pub async fn list_branches(
    state: web::Data<AppState>,
    caller: Authorized<needs::BranchesRead>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<BranchView>>, ApiError> {
    let filter = BranchFilter {
        only: caller.branch_scope().map(<[_]>::to_vec),
    };
    let page = Branches::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, BranchView::from)))
}

async fn visible(state: &AppState, caller: &Caller, id: uuid::Uuid) -> Result<Branch, ApiError> {
    match Branches::get(state.database.connection(), id).await? {
        Some(branch) if caller.acts_in(branch.id) => Ok(branch),
        _ => Err(ApiError::NotFound),
    }
}

/// Get one branch (outside your branches it is 404).
#[utoipa::path(
    tag = "branches",
    operation_id = "getBranch",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The branch id")),
    responses((status = 200, description = "The branch; `ETag` carries the version.", body = BranchView))
)]
#[get("/api/v1/branches/{id}")]
pub async fn get_branch(
    state: web::Data<AppState>,
    caller: Authorized<needs::BranchesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = BranchView::from(visible(&state, &caller, id.into_inner()).await?);
    Ok(with_etag(view.version, view))
}

/// Change a branch. Needs `branches:write` (owner); honours `If-Match`.
#[utoipa::path(
    tag = "branches",
    operation_id = "updateBranch",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The branch id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = BranchChanges,
    responses(
        (status = 200, description = "Changed.", body = BranchView),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/branches/{id}")]
pub async fn update_branch(
    state: web::Data<AppState>,
    caller: Authorized<needs::BranchesWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<BranchChanges>,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(&req)?;
    let before = visible(&state, &caller, id.into_inner()).await?;
    let mut errors = Vec::new();
    let patch = BranchPatch {
        name: body
            .name
            .as_deref()
            .and_then(|n| collect(&mut errors, PersonName::parse("name", n)))
            .map(|n| n.as_str().to_owned()),
        address: body
            .address
            .as_deref()
            .and_then(|a| collect(&mut errors, parse_address("address", a))),
        state: body
            .state_code
            .as_deref()
            .and_then(|s| collect(&mut errors, StateCode::parse("stateCode", s))),
        gstin: body.gstin.as_ref().map(|g| {
            g.as_deref()
                .and_then(|g| collect(&mut errors, Gstin::parse("gstin", g)))
        }),
        timezone: body
            .timezone
            .as_deref()
            .and_then(|t| collect(&mut errors, TimeZoneName::parse("timezone", t))),
    };
    let state_code = match patch.state {
        Some(code) => Some(code),
        None => StateCode::parse("stateCode", &before.state_code).ok(),
    };
    let gstin = match &patch.gstin {
        Some(gstin) => gstin.clone(),
        None => before
            .gstin
            .as_deref()
            .and_then(|g| Gstin::parse("gstin", g).ok()),
    };
    if let Some(state_code) = state_code {
        collect(&mut errors, check_gstin_state(gstin.as_ref(), state_code));
    }
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let mut unit = state.unit(&caller);
    let after = branches::change_branch(&mut unit, &before, expected_version, &patch).await?;
    unit.commit().await?;
    let after = BranchView::from(after);
    Ok(with_etag(after.version, after))
}
