//! What Twilio calls back: delivery reports of the SMS it took, and the
//! customers' replies (STOP withdraws their consent to SMS). Neither
//! carries a token: each request must bear Twilio's signature over the
//! address configured for it and its form (`X-Twilio-Signature`, made with
//! the auth token); anything else is 401 and changes nothing.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, post, web};
use jewel_domain::customer::consent::{Channel, ConsentSource, Purpose, asks_to_stop};
use jewel_services::Actor;
use jewel_services::engagement::reports::{self, Reported};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::config::TwilioSettings;
use crate::error::{ApiError, Problem};
use crate::notifiers::twilio::signed_by_twilio;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(twilio_status).service(twilio_inbound);
}

/// A delivery report, as Twilio posts it (form-encoded; other fields
/// Twilio adds are signed and kept out of the way).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"MessageSid": "SM0123456789abcdef0123456789abcdef",
    "MessageStatus": "delivered", "AccountSid": "AC0123456789abcdef0123456789abcdef",
    "To": "+919876500001", "From": "+15005550006"}))]
pub struct TwilioStatusForm {
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9]+$")]
    #[serde(rename = "MessageSid")]
    message_sid: String,
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`, ...
    #[schema(max_length = 32, pattern = "^[a-z_]+$")]
    #[serde(rename = "MessageStatus")]
    message_status: String,
    #[schema(max_length = 16, pattern = "^[0-9]+$")]
    #[serde(rename = "ErrorCode")]
    error_code: Option<String>,
}

/// A reply to one of the business's numbers, as Twilio posts it.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"MessageSid": "SM0123456789abcdef0123456789abcdef",
    "From": "+919876500001", "To": "+15005550006", "Body": "STOP"}))]
pub struct TwilioInboundForm {
    #[schema(max_length = 32, pattern = "^\\+?[0-9]+$")]
    #[serde(rename = "From")]
    from: String,
    #[schema(max_length = 1600)]
    #[serde(rename = "Body", default)]
    body: String,
}

/// `T` from the form of a Twilio request signed with the auth token over
/// the address `url` picks from the settings; 401 when it is not signed,
/// 404 when that address is not configured.
fn signed_form<T: serde::de::DeserializeOwned>(
    state: &AppState,
    req: &HttpRequest,
    url: fn(&TwilioSettings) -> Option<&str>,
    body: &Bytes,
) -> Result<T, ApiError> {
    let unsigned = ApiError::Unauthorized {
        detail: "not signed by Twilio",
        invalid_token: false,
    };
    let Some(signature) = req
        .headers()
        .get("X-Twilio-Signature")
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty())
    else {
        return Err(unsigned);
    };
    let Some((twilio, url)) = state
        .notify
        .twilio
        .as_ref()
        .and_then(|t| url(t).map(|u| (t, u)))
    else {
        return Err(ApiError::NotFound);
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let form_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_type || !signed_by_twilio(&twilio.auth_token, url, &params, signature) {
        return Err(unsigned);
    }
    serde_urlencoded::from_bytes(body).map_err(|error| {
        jewel_domain::Invalid::field(
            "form",
            "missing",
            format!("the form lacks a field: {error}"),
        )
        .into()
    })
}

/// Twilio's delivery report of an SMS: `delivered` marks the message
/// delivered; `undelivered` or `failed` marks it failed with Twilio's error
/// code. Other statuses (and reports of messages that moved on) change
/// nothing. Set `notify.twilio.status_callback_url` to this address as
/// Twilio reaches it.
#[utoipa::path(
    tag = "engagement",
    operation_id = "twilioStatusCallback",
    security(()),
    params(("X-Twilio-Signature" = String, Header, max_length = 64, description = "Twilio's signature of the address and the form")),
    request_body(content = TwilioStatusForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Taken."),
        (status = 401, description = "No signature, or not Twilio's with the auth token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Twilio is not configured for delivery reports.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A signed form without `MessageSid` or `MessageStatus`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/webhooks/twilio/status")]
pub async fn twilio_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let form: TwilioStatusForm =
        signed_form(&state, &req, |t| t.status_callback_url.as_deref(), &body)?;
    let report = match form.message_status.as_str() {
        "delivered" => Some(Reported::Delivered),
        "undelivered" | "failed" => Some(Reported::Undelivered(format!(
            "Twilio reports it {}, error {}",
            form.message_status,
            form.error_code.as_deref().unwrap_or("none")
        ))),
        _ => None,
    };
    if let Some(report) = report {
        reports::reported(&state.database, "twilio", &form.message_sid, report).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// A customer's reply by SMS: `STOP` (or `STOPALL`, `UNSUBSCRIBE`,
/// `CANCEL`, `END`, `QUIT`, as Twilio reads opt-outs) withdraws the
/// customer's consent to SMS for every purpose, recorded with source
/// `sms_stop`; other replies are taken and left. Set this address as the
/// number's messaging webhook at Twilio and in `notify.twilio.inbound_url`.
#[utoipa::path(
    tag = "engagement",
    operation_id = "twilioInbound",
    security(()),
    params(("X-Twilio-Signature" = String, Header, max_length = 64, description = "Twilio's signature of the address and the form")),
    request_body(content = TwilioInboundForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Taken."),
        (status = 401, description = "No signature, or not Twilio's with the auth token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Twilio is not configured for replies.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A signed form without `From`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/webhooks/twilio/inbound")]
pub async fn twilio_inbound(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let form: TwilioInboundForm = signed_form(&state, &req, |t| t.inbound_url.as_deref(), &body)?;
    if asks_to_stop(&form.body) {
        let mut unit = state.unit(Actor::System("twilio"));
        let every = [Purpose::Transactional, Purpose::Marketing];
        let sms = (Channel::Sms, every.as_slice());
        if reports::stopped(&mut unit, &form.from, sms, ConsentSource::SmsStop)
            .await?
            .is_some()
        {
            unit.commit().await?;
        }
    }
    Ok(HttpResponse::NoContent().finish())
}
