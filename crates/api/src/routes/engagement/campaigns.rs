//! Campaigns: an offer to a segment's customers from a template of trigger
//! `campaign`, from a time on, paced per minute; each message goes only
//! with the customer's marketing consent for the channel, outside the
//! branch's quiet hours, and carries an unsubscribe link. Counted by
//! status and reason; cancelling skips what still waits.

use actix_web::web::Query;
use actix_web::{HttpResponse, get, post, web};
use jewel_domain::Invalid;
use jewel_domain::engagement::MessageChannel;
use jewel_domain::engagement::device::Holder;
use jewel_domain::engagement::message::Outcome;
use jewel_persistence::repos::campaigns::Campaigns;
use jewel_persistence::repos::messages::Messages;
use jewel_persistence::repos::staff::Staff;
use jewel_services::engagement::campaigns::{self, ABOUT, visible_campaign};
use jewel_services::engagement::devices::{devices_word, tokens_of};
use utoipa_actix_web::service_config::ServiceConfig;

use super::campaign_dto::{
    CampaignQuery, CampaignRequest, CampaignView, CancelledCampaignView, TestSendView,
};
use crate::auth::caller::{Authorized, Principal, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::{Paged, Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_campaign)
        .service(list_campaigns)
        .service(get_campaign)
        .service(cancel_campaign)
        .service(test_send_campaign);
}

/// Make a campaign: at `scheduledAt` (now when not given) the server
/// queues one message per customer the segment holds then, `perMinute`
/// apart, from the template named (trigger `campaign`; its channel and
/// language are the campaign's). Needs `campaigns:write` and the segment
/// in your branches.
#[utoipa::path(
    tag = "engagement",
    operation_id = "createCampaign",
    security(("bearer" = [])),
    request_body = CampaignRequest,
    responses(
        (status = 201, description = "Scheduled.", body = CampaignView),
        (status = 422, description = "A field named: `segmentId` unknown or not yours, `templateId` unknown or not of trigger `campaign` (`not_campaign`), `perMinute` out of range, `name`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    caller: Authorized<needs::CampaignsWrite>,
    Json(body): Json<CampaignRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut unit = state.unit(&caller);
    let campaign = campaigns::create(&mut unit, caller.branch_scope(), body.fields()).await?;
    unit.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/campaigns/{}", campaign.id)))
        .json(CampaignView::of(campaign, Some(Vec::new()))))
}

/// Campaigns of your branches (and the whole business's, for the owner),
/// newest first, by status. Needs `messages:read` (owner, manager).
#[utoipa::path(
    tag = "engagement",
    operation_id = "listCampaigns",
    security(("bearer" = [])),
    params(CampaignQuery, Pagination),
    responses((status = 200, description = "One page of campaigns.", body = Paged<CampaignView>))
)]
#[get("/api/v1/campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    caller: Authorized<needs::MessagesRead>,
    Query(query): Query<CampaignQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<CampaignView>>, ApiError> {
    let page = Campaigns::list(
        state.database.connection(),
        caller.branch_scope(),
        query.status.map(Into::into),
        pagination.page()?,
    )
    .await?;
    Ok(web::Json(Paged::from_page(page, |c| {
        CampaignView::of(c, None)
    })))
}

/// A campaign with its messages counted by status and reason (sent,
/// delivered, skipped for `no_consent`, ...). Its messages themselves are
/// at `GET /api/v1/messages`. Needs `messages:read` in its branch.
#[utoipa::path(
    tag = "engagement",
    operation_id = "getCampaign",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "The campaign and its counts.", body = CampaignView),
        (status = 404, description = "No such campaign of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    caller: Authorized<needs::MessagesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<CampaignView>, ApiError> {
    let db = state.database.connection();
    let campaign = visible_campaign(db, caller.branch_scope(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let tally = Messages::tally(db, ABOUT, campaign.id).await?;
    Ok(web::Json(CampaignView::of(campaign, Some(tally))))
}

/// Cancel a campaign: it queues no more, and its messages still waiting
/// are skipped (reason `cancelled`); those sent stay sent. Needs
/// `campaigns:write` in its branch.
#[utoipa::path(
    tag = "engagement",
    operation_id = "cancelCampaign",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "Cancelled, with how many waiting messages were skipped.", body = CancelledCampaignView),
        (status = 404, description = "No such campaign of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Cancelled already.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/campaigns/{id}/cancel")]
pub async fn cancel_campaign(
    state: web::Data<AppState>,
    caller: Authorized<needs::CampaignsWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<CancelledCampaignView>, ApiError> {
    let mut unit = state.unit(&caller);
    let (campaign, skipped) = campaigns::cancel(&mut unit, caller.branch_scope(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    unit.commit().await?;
    let tally = Messages::tally(state.database.connection(), ABOUT, campaign.id).await?;
    Ok(web::Json(CancelledCampaignView {
        campaign: CampaignView::of(campaign, Some(tally)),
        skipped,
    }))
}

/// Try a campaign's message on yourself: it is written for you (your name
/// as the customer's) and sent once, now, to your own e-mail address or
/// mobile or the devices you registered (as its channel needs) through the channel's transport, whatever
/// the campaign's status; nothing is kept. Needs `campaigns:write` in its
/// branch, as a staff member.
#[utoipa::path(
    tag = "engagement",
    operation_id = "testSendCampaign",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "What the transport answered.", body = TestSendView),
        (status = 404, description = "No such campaign of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "You have no mobile on your record for an SMS or WhatsApp campaign (`phone`), no device registered for an app notification (`devices`), you are not a staff member, or the shop's DLT registration is set and the template has no DLT content template id (`templateId`, `dlt_template_missing`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/campaigns/{id}/test-send")]
pub async fn test_send_campaign(
    state: web::Data<AppState>,
    caller: Authorized<needs::CampaignsWrite>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<TestSendView>, ApiError> {
    let db = state.database.connection();
    let campaign = visible_campaign(db, caller.branch_scope(), *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let staff = match caller.principal {
        Principal::Staff(_) => Staff::get(db, caller.id).await?,
        _ => None,
    }
    .ok_or_else(|| Invalid::field("caller", "not_staff", "A staff member tries a campaign."))?;
    let mut devices = Vec::new();
    let to = match campaign.channel {
        MessageChannel::Email => staff.email.clone(),
        MessageChannel::Sms | MessageChannel::Whatsapp => staff.phone.clone().ok_or_else(|| {
            Invalid::field(
                "phone",
                "missing",
                "Your staff record has no mobile number.",
            )
        })?,
        MessageChannel::Push => {
            devices = tokens_of(db, Holder::Staff(staff.id)).await?;
            if devices.is_empty() {
                return Err(Invalid::field(
                    "devices",
                    "missing",
                    "Register the staff app on your phone first (POST /api/v1/staff/me/devices).",
                )
                .into());
            }
            devices_word(devices.len())
        }
    };
    let answer = campaigns::test_send(
        &state.database,
        (
            &state.notifiers,
            &state.unsubscribe,
            state.notify.dlt_registration().as_ref(),
        ),
        &campaign,
        (&to, &staff.name),
        &devices,
    )
    .await?;
    let outcome = match answer.outcome {
        Outcome::Sent { .. } => "sent",
        Outcome::Transient(_) => "transient",
        Outcome::Permanent(_) => "permanent",
    };
    Ok(web::Json(TestSendView {
        to,
        transport: state.notifiers.of(campaign.channel).name(),
        outcome,
        answer: answer.said.chars().take(1000).collect(),
    }))
}
