//! Branches (stores) of the business.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::branch::{
    Branch, BranchCode, BranchPatch, Gstin, NewBranch, StateCode, TimeZoneName, check_gstin_state,
    parse_address,
};
use jewel_domain::contact::PersonName;
use jewel_persistence::repos::branches::{BranchFilter, Branches};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

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

/// A branch (store).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-000000000001", "code": "CHN1", "name": "T. Nagar",
    "address": "12 Usman Road, T. Nagar, Chennai 600017", "stateCode": "33",
    "gstin": "33AABCU9603R1ZM", "timezone": "Asia/Kolkata", "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct BranchView {
    id: uuid::Uuid,
    /// Printed in invoice numbers; never changes.
    #[schema(max_length = 8, pattern = "^[A-Z0-9]{2,8}$")]
    code: String,
    #[schema(value_type = crate::routes::wire::NameText)]
    name: String,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    address: String,
    /// GST state code: decides the place of supply.
    #[schema(max_length = 2, pattern = "^(0[1-9]|[12][0-9]|3[0-8]|97|99)$")]
    state_code: String,
    #[schema(
        max_length = 15,
        pattern = "^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$"
    )]
    gstin: Option<String>,
    #[schema(max_length = 64, pattern = r"^[A-Za-z0-9_+\-/]+$")]
    timezone: String,
    #[schema(minimum = 1)]
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Branch> for BranchView {
    fn from(b: Branch) -> Self {
        Self {
            id: b.id,
            code: b.code,
            name: b.name,
            address: b.address,
            state_code: b.state_code,
            gstin: b.gstin,
            timezone: b.timezone,
            version: b.version,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

/// A branch to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "code": "CHN1", "name": "T. Nagar", "address": "12 Usman Road, T. Nagar, Chennai 600017",
    "stateCode": "33", "gstin": "33AABCU9603R1ZM", "timezone": "Asia/Kolkata"
}))]
pub struct NewBranchRequest {
    #[schema(max_length = 8, pattern = "^[A-Z0-9]{2,8}$")]
    code: String,
    #[schema(value_type = crate::routes::wire::NameText)]
    name: String,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    address: String,
    #[schema(max_length = 2, pattern = "^(0[1-9]|[12][0-9]|3[0-8]|97|99)$")]
    state_code: String,
    #[schema(
        max_length = 40,
        pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[0-9]{2}[A-Za-z]{5}[0-9]{4}[A-Za-z][1-9A-Za-z][Zz][0-9A-Za-z][\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    gstin: Option<String>,
    /// Defaults to `Asia/Kolkata`.
    #[schema(max_length = 64, pattern = r"^[A-Za-z0-9_+\-/]+$")]
    timezone: Option<String>,
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
    let transaction = jewel_persistence::begin_writing(state.database.connection()).await?;
    let view = BranchView::from(Branches::create(&transaction, &new).await?);
    crate::audit::record(
        &transaction,
        &caller,
        "create",
        "branch",
        view.id,
        None,
        Some(&view),
    )
    .await?;
    transaction.commit().await?;
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

/// Changes to a branch; absent fields stay. `gstin: null` removes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "T. Nagar flagship", "gstin": "33AABCU9603R1ZM"}))]
pub struct BranchChanges {
    #[schema(value_type = Option<crate::routes::wire::NameText>)]
    name: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    address: Option<String>,
    #[schema(max_length = 2, pattern = "^(0[1-9]|[12][0-9]|3[0-8]|97|99)$")]
    state_code: Option<String>,
    #[serde(default, deserialize_with = "crate::routes::wire::double_option")]
    #[schema(max_length = 40, pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[0-9]{2}[A-Za-z]{5}[0-9]{4}[A-Za-z][1-9A-Za-z][Zz][0-9A-Za-z][\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$", value_type = Option<String>)]
    gstin: Option<Option<String>>,
    #[schema(max_length = 64, pattern = r"^[A-Za-z0-9_+\-/]+$")]
    timezone: Option<String>,
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
    let transaction = jewel_persistence::begin_writing(state.database.connection()).await?;
    let after = BranchView::from(
        Branches::update(&transaction, before.id, expected_version, &patch).await?,
    );
    let before = BranchView::from(before);
    crate::audit::record(
        &transaction,
        &caller,
        "update",
        "branch",
        after.id,
        Some(&before),
        Some(&after),
    )
    .await?;
    transaction.commit().await?;
    Ok(with_etag(after.version, after))
}
