//! Follow-up tasks: who calls which customer, by when, and why; and the
//! sales person's own list, split into overdue, today and upcoming.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::Utc;
use jewel_domain::task::{Due, NewFollowUpTask, TaskStatus, due, parse_reason};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::tasks::{TaskPatch, Tasks};
use jewel_services::crm::follow_ups;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::tasks::{MyTasks, MyTasksQuery, NewTaskRequest, StatusName, TaskChanges, TaskView};
use crate::auth::caller::{Authorized, Principal, StaffLogin, needs};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::routes::{
    wire::collect, wire::created, wire::if_match, wire::parse_timezone, wire::staff_timezone,
    wire::with_etag,
};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(my_tasks)
        .service(create_task)
        .service(update_task);
}

impl From<StatusName> for TaskStatus {
    fn from(status: StatusName) -> Self {
        match status {
            StatusName::Open => TaskStatus::Open,
            StatusName::Done => TaskStatus::Done,
            StatusName::Cancelled => TaskStatus::Cancelled,
        }
    }
}

/// Create a follow-up task. Needs `customers:write`.
#[utoipa::path(
    tag = "tasks",
    operation_id = "createTask",
    security(("bearer" = [])),
    request_body = NewTaskRequest,
    responses((status = 201, description = "Created.", body = TaskView))
)]
#[post("/api/v1/tasks")]
pub async fn create_task(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    Json(body): Json<NewTaskRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let reason = collect(&mut errors, parse_reason("reason", &body.reason));
    let assignee = match (body.assignee_id, &caller.principal) {
        (Some(assignee), _) => Some(assignee),
        (None, Principal::Staff(_)) => Some(caller.id),
        (None, _) => {
            errors.push(FieldError::new(
                "assigneeId",
                "required",
                "an API client must name the assignee",
            ));
            None
        }
    };
    let (Some(reason), Some(assignee), None) =
        (reason, assignee, Invalid::from_errors(errors.clone()))
    else {
        return Err(Invalid::from_errors(errors)
            .unwrap_or_else(|| Invalid::field("body", "invalid", "invalid task"))
            .into());
    };
    let mut unit = state.unit(&caller);
    let new = NewFollowUpTask {
        customer_id: body.customer_id,
        assignee_id: assignee,
        due_at: body.due_at,
        reason,
    };
    let task = follow_ups::create_task(&mut unit, &new).await?;
    unit.commit().await?;
    let view = TaskView::from(task);
    Ok(created(
        format!("/api/v1/tasks/{}", view.id),
        view.version,
        view,
    ))
}

/// Close, cancel, reschedule or reassign a task. Needs `customers:write`; honours `If-Match`.
#[utoipa::path(
    tag = "tasks",
    operation_id = "updateTask",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The task's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = TaskChanges,
    responses(
        (status = 200, description = "Changed.", body = TaskView),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/tasks/{id}")]
pub async fn update_task(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<TaskChanges>,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(&req)?;
    let patch = TaskPatch {
        status: body.status.map(TaskStatus::from),
        due_at: body.due_at,
        assignee_id: body.assignee_id,
    };
    let mut unit = state.unit(&caller);
    let task =
        follow_ups::update_task(&mut unit, id.into_inner(), expected_version, &patch).await?;
    unit.commit().await?;
    let after = TaskView::from(task);
    Ok(with_etag(after.version, after))
}

/// My tasks: overdue, today and upcoming (staff only).
#[utoipa::path(
    tag = "tasks",
    operation_id = "myTasks",
    security(("bearer" = [])),
    params(MyTasksQuery),
    responses((status = 200, description = "The caller's open tasks.", body = MyTasks))
)]
#[get("/api/v1/tasks/mine")]
pub async fn my_tasks(
    state: web::Data<AppState>,
    staff: StaffLogin,
    Query(query): Query<MyTasksQuery>,
) -> Result<web::Json<MyTasks>, ApiError> {
    let db = state.database.connection();
    let zone_name = match query.timezone {
        Some(zone) => zone,
        None => staff_timezone(db, staff.caller.id).await?,
    };
    let zone = parse_timezone(&zone_name)?;
    let now = Utc::now();
    let mut mine = MyTasks {
        timezone: zone.name().to_owned(),
        overdue: Vec::new(),
        today: Vec::new(),
        upcoming: Vec::new(),
    };
    for task in Tasks::open_for(db, staff.caller.id).await? {
        let bucket = match due(task.due_at, now, zone) {
            Due::Overdue => &mut mine.overdue,
            Due::Today => &mut mine.today,
            Due::Upcoming => &mut mine.upcoming,
        };
        bucket.push(TaskView::from(task));
    }
    Ok(web::Json(mine))
}
