//! Staff users: who works in which branches, in which role.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use jewel_domain::access::{NewStaffUser, StaffUser};
use jewel_domain::contact::{Email, Password, PersonName, Phone};
use jewel_domain::{Invalid, Permission, Role};
use jewel_persistence::repos::staff::{Staff, StaffFilter, StaffPatch};
use jewel_services::identity;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::staff::{NewStaffRequest, RoleName, StaffChanges, StaffView};
use crate::auth::caller::{Authorized, needs};
use crate::auth::{Caller, password, sessions};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::routes::{
    wire::Paged, wire::Pagination, wire::collect, wire::created, wire::if_match, wire::with_etag,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_staff)
        .service(list_staff)
        .service(get_staff)
        .service(update_staff);
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Owner => Role::Owner,
            RoleName::Manager => Role::Manager,
            RoleName::Sales => Role::Sales,
            RoleName::Accountant => Role::Accountant,
        }
    }
}

/// Checks that `caller` may give `role` in `branches`, naming what is wrong.
fn check_assignment(caller: &Caller, role: Role, branches: &[uuid::Uuid]) -> Result<(), ApiError> {
    if !caller.role().is_some_and(|r| r.may_assign(role)) {
        return Err(ApiError::Forbidden {
            permission: "a role that may assign this role",
        });
    }
    if role != Role::Owner && branches.is_empty() {
        return Err(
            Invalid::field("branchIds", "required", "at least one branch for this role").into(),
        );
    }
    if let Some(scope) = caller.branch_scope()
        && let Some(outside) = branches.iter().find(|b| !scope.contains(b))
    {
        return Err(Invalid::field(
            "branchIds",
            "out_of_scope",
            format!("{outside} is not one of your branches"),
        )
        .into());
    }
    Ok(())
}

/// Add a staff member.
///
/// Needs `staff:write` (owner, manager). A manager adds sales and accountants
/// to their own branches; only the owner adds managers and owners.
#[utoipa::path(
    tag = "staff",
    operation_id = "createStaff",
    security(("bearer" = [])),
    request_body = NewStaffRequest,
    responses(
        (status = 201, description = "Added.", body = StaffView),
        (status = 409, description = "The e-mail is taken.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/staff")]
pub async fn create_staff(
    state: web::Data<AppState>,
    caller: Authorized<needs::StaffWrite>,
    Json(body): Json<NewStaffRequest>,
) -> Result<HttpResponse, ApiError> {
    let role = Role::from(body.role);
    let mut errors = Vec::new();
    let name = collect(&mut errors, PersonName::parse("name", &body.name));
    let email = collect(&mut errors, Email::parse("email", &body.email));
    let phone = body
        .phone
        .as_deref()
        .map(|p| collect(&mut errors, Phone::parse("phone", p, state.home_country)));
    let password = collect(&mut errors, Password::parse("password", &body.password));
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Err(ApiError::Internal(anyhow::anyhow!("parsed fields missing")));
    };
    let mut branch_ids = body.branch_ids.clone();
    branch_ids.sort();
    branch_ids.dedup();
    check_assignment(&caller, role, &branch_ids)?;

    let password_hash = password::hash(&password).await?;
    let mut unit = state.unit(&caller);
    let user = identity::create_staff(
        &mut unit,
        &NewStaffUser {
            name,
            email,
            phone: phone.flatten(),
            role,
            branch_ids,
            password_hash,
        },
    )
    .await?;
    unit.commit().await?;
    let view = StaffView::from(user);
    Ok(created(
        format!("/api/v1/staff/{}", view.id),
        view.version,
        view,
    ))
}

/// List staff members.
///
/// Needs `staff:read`. Managers see the staff of their branches (and the owners).
#[utoipa::path(
    tag = "staff",
    operation_id = "listStaff",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of staff.", body = Paged<StaffView>))
)]
#[get("/api/v1/staff")]
pub async fn list_staff(
    state: web::Data<AppState>,
    caller: Authorized<needs::StaffRead>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<StaffView>>, ApiError> {
    let filter = StaffFilter {
        in_branches: caller.branch_scope().map(<[_]>::to_vec),
    };
    let page = Staff::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, StaffView::from)))
}

/// Loads a staff member the caller may see, or 404.
async fn visible(state: &AppState, caller: &Caller, id: uuid::Uuid) -> Result<StaffUser, ApiError> {
    let user = Staff::get(state.database.connection(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let in_scope = match caller.branch_scope() {
        None => true,
        Some(scope) => {
            user.role == Role::Owner || user.branch_ids.iter().any(|b| scope.contains(b))
        }
    };
    if in_scope || user.id == caller.id {
        Ok(user)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Get one staff member.
///
/// Anyone may read their own record; others need `staff:read`, within their
/// branches.
#[utoipa::path(
    tag = "staff",
    operation_id = "getStaff",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The staff member's id")),
    responses((status = 200, description = "The staff member; `ETag` carries the version.", body = StaffView))
)]
#[get("/api/v1/staff/{id}")]
pub async fn get_staff(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if id != caller.id {
        caller.require(Permission::StaffRead)?;
    }
    let view = StaffView::from(visible(&state, &caller, id).await?);
    Ok(with_etag(view.version, view))
}

/// Change a staff member: name, phone, role, branches, or disable them.
///
/// Needs `staff:write`. Send `If-Match` with the `ETag` you read to avoid
/// overwriting someone else's change (412 if it is stale). Disabling ends
/// every session of that person. The last active owner cannot be disabled
/// or given another role.
#[utoipa::path(
    tag = "staff",
    operation_id = "updateStaff",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The staff member's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = StaffChanges,
    responses(
        (status = 200, description = "Changed.", body = StaffView),
        (status = 409, description = "This would leave no active owner.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/staff/{id}")]
pub async fn update_staff(
    state: web::Data<AppState>,
    caller: Authorized<needs::StaffWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<StaffChanges>,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(&req)?;
    let before = visible(&state, &caller, id.into_inner()).await?;
    if !caller.role().is_some_and(|r| r.may_assign(before.role)) {
        return Err(ApiError::Forbidden {
            permission: "a role that may manage this staff member",
        });
    }
    let mut errors = Vec::new();
    let patch = StaffPatch {
        name: body
            .name
            .as_deref()
            .and_then(|n| collect(&mut errors, PersonName::parse("name", n)))
            .map(|n| n.as_str().to_owned()),
        phone: body
            .phone
            .as_deref()
            .and_then(|p| collect(&mut errors, Phone::parse("phone", p, state.home_country)))
            .map(|p| Some(p.as_str().to_owned())),
        role: body.role.map(Role::from),
        active: body.active,
        branch_ids: body.branch_ids.clone().map(|mut ids| {
            ids.sort();
            ids.dedup();
            ids
        }),
    };
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    if patch.role.is_some() || patch.branch_ids.is_some() {
        let role = patch.role.unwrap_or(before.role);
        let branches = patch.branch_ids.as_ref().unwrap_or(&before.branch_ids);
        check_assignment(&caller, role, branches)?;
    }
    let mut unit = state.unit(&caller);
    let after = identity::change_staff(&mut unit, &before, expected_version, &patch).await?;
    if patch.active == Some(false) && before.active {
        sessions::revoke_staff(&state, unit.txn().await?, before.id).await?;
    }
    unit.commit().await?;
    let after = StaffView::from(after);
    Ok(with_etag(after.version, after))
}
