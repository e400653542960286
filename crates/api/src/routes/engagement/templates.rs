//! Message templates: the triggers and their variables, the templates in
//! use and every version, saving a new version (checked: an unknown
//! variable is a 422) and a preview.

use actix_web::http::StatusCode;
use actix_web::web::{Json, Query};
use actix_web::{HttpResponse, get, post, web};
use jewel_domain::engagement::template::{check, render};
use jewel_persistence::repos::message_templates::MessageTemplates;
use jewel_services::engagement::templates;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::template_dto::{
    OccasionRunFields, OccasionRunView, PreviewFields, PreviewView, TemplateFields, TemplateView,
    TemplatesView, TriggersView,
};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::routes::wire::Paged;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_triggers)
        .service(list_templates)
        .service(save_template)
        .service(get_template)
        .service(preview_template)
        .service(run_occasions);
}

/// Run the day's clienteling now (the server also runs it every hour):
/// one SMS per customer whose birthday or anniversary falls
/// `notify.occasion_days_ahead` after `date`, in the business's language;
/// and the follow-ups after a sale due on `date` (a bill over
/// `notify.follow_up_min_total` 6 and 11 months after it was issued, a
/// sale to a customer tagged `notify.bridal_tag` 30, 60 and 90 days after),
/// each a message, a task for the customer's sales person, or both
/// (`notify.follow_up_action`); and reminders of savings schemes'
/// instalments due and maturities `notify.scheme_reminder_days` after
/// `date` (transactional). An occasion or a scheme reminder is, instead
/// or as well, a task for the customer's assigned staff member to call as
/// `notify.actions` says (`tasks` counts every task made). A marketing
/// message goes only with the customer's marketing consent for SMS and
/// waits out the branch's quiet hours. One of each per customer, occasion and year, per sale and
/// follow-up, or per enrolment and period, however often it runs. Needs
/// `messages:settings` (the owner).
#[utoipa::path(
    tag = "engagement",
    operation_id = "runOccasionGreetings",
    security(("bearer" = [])),
    request_body = OccasionRunFields,
    responses((status = 200, description = "What the run queued.", body = OccasionRunView))
)]
#[post("/api/v1/message-triggers/occasions/run")]
pub async fn run_occasions(
    state: web::Data<AppState>,
    _caller: Authorized<needs::MessagesSettings>,
    Json(body): Json<OccasionRunFields>,
) -> Result<web::Json<OccasionRunView>, ApiError> {
    let as_of = body
        .date
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .map_or_else(chrono::Utc::now, |d| d.and_utc());
    let run = jewel_services::engagement::occasions::run(
        &state.database,
        as_of,
        state.notify.occasion_days_ahead,
        state.notify.language(),
        &state.notify.actions(),
    )
    .await?;
    let after = jewel_services::engagement::after_sales::run(
        &state.database,
        as_of.date_naive(),
        state.notify.language(),
        &state.notify.after_sales(),
    )
    .await?;
    let schemes = jewel_services::engagement::scheme_reminders::run(
        &state.database,
        as_of.date_naive(),
        state.notify.scheme_reminder_days,
        state.notify.language(),
        &state.notify.actions(),
    )
    .await?;
    Ok(web::Json(OccasionRunView::of(run, after, schemes)))
}

/// What can send a message: each trigger with its purpose, channel and
/// the variables its templates may name (with examples). Needs
/// `messages:read` (owner, manager).
#[utoipa::path(
    tag = "engagement",
    operation_id = "listMessageTriggers",
    security(("bearer" = [])),
    responses((status = 200, description = "Every trigger.", body = TriggersView))
)]
#[get("/api/v1/message-triggers")]
pub async fn list_triggers(_caller: Authorized<needs::MessagesRead>) -> web::Json<TriggersView> {
    web::Json(TriggersView::all())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TemplateQuery {
    /// `true`: every version, newest first in each trigger, channel and
    /// language; else only the versions in use.
    all_versions: Option<bool>,
}

/// The templates in use (the newest version of each trigger, channel and
/// language), or every version. Needs `messages:read` (owner, manager).
#[utoipa::path(
    tag = "engagement",
    operation_id = "listMessageTemplates",
    security(("bearer" = [])),
    params(TemplateQuery),
    responses((status = 200, description = "The templates.", body = TemplatesView))
)]
#[get("/api/v1/message-templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    _caller: Authorized<needs::MessagesRead>,
    Query(query): Query<TemplateQuery>,
) -> Result<web::Json<TemplatesView>, ApiError> {
    let current_only = query.all_versions != Some(true);
    let templates = MessageTemplates::all(state.database.connection(), current_only).await?;
    let page = jewel_domain::Page {
        items: templates,
        next: None,
    };
    Ok(web::Json(Paged::from_page(page, TemplateView::from)))
}

/// Save a template as the next version of its trigger, channel and
/// language; messages queued from now on use it, and those sent keep the
/// version they used. Checked first: it must parse, name only its
/// trigger's variables, have a subject exactly when it is an e-mail and
/// fit the channel (an SMS at most 670 characters). Needs
/// `messages:settings` (the owner).
#[utoipa::path(
    tag = "engagement",
    operation_id = "saveMessageTemplate",
    security(("bearer" = [])),
    request_body = TemplateFields,
    responses(
        (status = 201, description = "Saved: the new version.", body = TemplateView),
        (status = 409, description = "Saved by someone else at the same moment.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A syntax error, an unknown variable (`unknown_variable`, naming it), a subject on an SMS or none on an e-mail, too long.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/message-templates")]
pub async fn save_template(
    state: web::Data<AppState>,
    caller: Authorized<needs::MessagesSettings>,
    Json(body): Json<TemplateFields>,
) -> Result<HttpResponse, ApiError> {
    let mut unit = state.unit(&caller);
    let template = templates::save(&mut unit, body.asked()).await?;
    unit.commit().await?;
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((
            "Location",
            format!("/api/v1/message-templates/{}", template.id),
        ))
        .json(TemplateView::from(template)))
}

/// One version of a template. Needs `messages:read` (owner, manager).
#[utoipa::path(
    tag = "engagement",
    operation_id = "getMessageTemplate",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The version's id")),
    responses(
        (status = 200, description = "The template.", body = TemplateView),
        (status = 404, description = "No such template.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/message-templates/{id}")]
pub async fn get_template(
    state: web::Data<AppState>,
    _caller: Authorized<needs::MessagesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<TemplateView>, ApiError> {
    let template = MessageTemplates::get(state.database.connection(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(TemplateView::from(template)))
}

/// Render a template without saving it: checked as a save is, then
/// filled with the trigger's example values or the `values` given.
/// Needs `messages:read` (owner, manager).
#[utoipa::path(
    tag = "engagement",
    operation_id = "previewMessageTemplate",
    security(("bearer" = [])),
    request_body = PreviewFields,
    responses(
        (status = 200, description = "The message as it would be sent.", body = PreviewView),
        (status = 422, description = "What a save would refuse, or a value for a variable the trigger has not (`values.<name>`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/message-templates/preview")]
pub async fn preview_template(
    _caller: Authorized<needs::MessagesRead>,
    Json(body): Json<PreviewFields>,
) -> Result<web::Json<PreviewView>, ApiError> {
    let text = body.text();
    check(body.trigger.into(), body.channel.into(), &text)?;
    let values = body.values()?;
    Ok(web::Json(PreviewView::from(render(&text, &values)?)))
}
