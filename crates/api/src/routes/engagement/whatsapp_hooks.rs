//! What Meta calls back about WhatsApp messages: the subscription's
//! check (`GET`, answering `hub.challenge` when `hub.verify_token` is ours)
//! and the status of each message taken and the customers' replies
//! (`POST`, signed in `X-Hub-Signature-256`: `sha256=` and the hex
//! HMAC-SHA256 of the raw body keyed with the app secret): a STOP withdraws
//! the customer's consent to WhatsApp; anything unsigned is 401 and
//! changes nothing.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use hmac::{Hmac, Mac};
use jewel_domain::customer::consent::{Channel, ConsentSource, Purpose, asks_to_stop};
use jewel_services::Actor;
use jewel_services::engagement::reports::{self, Reported};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, Problem};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(whatsapp_verify).service(whatsapp_events);
}

bounded_string!(
    /// Meta's challenge, answered as it came.
    ChallengeText, 1, 200, None::<String>
);

/// Meta's check of the callback address when it is subscribed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// `subscribe`.
    #[serde(rename = "hub.mode")]
    #[param(rename = "hub.mode", max_length = 16)]
    mode: String,
    /// The verify token set at Meta and in
    /// `notify.whatsapp_cloud.verify_token`.
    #[serde(rename = "hub.verify_token")]
    #[param(rename = "hub.verify_token", max_length = 200)]
    verify_token: String,
    /// What to answer.
    #[serde(rename = "hub.challenge")]
    #[param(rename = "hub.challenge", max_length = 200)]
    challenge: String,
}

/// A notification of the WhatsApp Business Account (only what is read of
/// it; Meta sends more).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398",
    "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp",
    "statuses": [{"id": "wamid.HBgMOTE5ODc2NTAwMDAxFQIAERgSQUFBQUFBQUFBQUFBQUFBQUFBAA==",
    "status": "delivered", "timestamp": "1796630400", "recipient_id": "919876500001"}]}}]}]}))]
pub struct WhatsappNotification {
    #[serde(default)]
    #[schema(max_items = 100)]
    entry: Vec<WhatsappEntry>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WhatsappEntry {
    #[serde(default)]
    #[schema(max_items = 100)]
    changes: Vec<WhatsappChange>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WhatsappChange {
    #[serde(default)]
    value: WhatsappValue,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct WhatsappValue {
    #[serde(default)]
    #[schema(max_items = 1000)]
    statuses: Vec<WhatsappStatus>,
    /// What customers wrote to the business number.
    #[serde(default)]
    #[schema(max_items = 1000)]
    messages: Vec<WhatsappInbound>,
}

/// A customer's message to the business number (what is read of it).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"from": "919876500001", "id": "wamid.HBgMOTE5ODc2NTAwMDAxFQIAEhgUM0VCMDRBNzYwREQ0RjMwOTQ3MUEA",
    "timestamp": "1796630400", "type": "text", "text": {"body": "STOP"}}))]
pub struct WhatsappInbound {
    /// The customer's WhatsApp id: their number in international form
    /// without the `+`.
    #[schema(max_length = 20, pattern = "^[0-9]{6,20}$")]
    from: String,
    /// `text`, `button` (a quick reply, such as "Stop promotions"), ...
    #[serde(rename = "type")]
    #[schema(max_length = 32)]
    kind: String,
    text: Option<WhatsappText>,
    button: Option<WhatsappButton>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WhatsappText {
    #[schema(max_length = 4096)]
    body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WhatsappButton {
    /// The button's label.
    #[schema(max_length = 256)]
    text: String,
}

impl WhatsappInbound {
    /// The purposes this message stops, if it asks to: a STOP written
    /// stops every message on WhatsApp; "Stop promotions" (the button
    /// Meta adds to marketing templates) stops marketing.
    fn stops(&self) -> Option<&'static [Purpose]> {
        const EVERY: &[Purpose] = &[Purpose::Transactional, Purpose::Marketing];
        const OFFERS: &[Purpose] = &[Purpose::Marketing];
        match (self.kind.as_str(), &self.text, &self.button) {
            ("text", Some(text), _) if asks_to_stop(&text.body) => Some(EVERY),
            ("button", _, Some(button))
                if button.text.trim().eq_ignore_ascii_case("stop promotions") =>
            {
                Some(OFFERS)
            }
            _ => None,
        }
    }
}

/// One message's status.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WhatsappStatus {
    /// The `wamid` Meta gave the message.
    #[schema(max_length = 200)]
    id: String,
    /// `sent`, `delivered`, `read` or `failed`.
    #[schema(max_length = 16)]
    status: String,
    /// Why it failed.
    #[serde(default)]
    #[schema(max_items = 10)]
    errors: Vec<WhatsappError>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WhatsappError {
    code: Option<i64>,
    #[schema(max_length = 500)]
    title: Option<String>,
}

/// What a notification changed.
#[derive(Debug, serde::Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"recorded": 1, "stopped": 0}))]
pub struct WhatsappTakenView {
    /// Reports that marked a message delivered or failed (a report of a
    /// message that moved on, or of another's, changes nothing).
    recorded: u32,
    /// Customers whose STOP withdrew their consent to WhatsApp.
    stopped: u32,
}

/// Whether `signature` (`sha256=<hex>`) is Meta's over `body` with
/// `app_secret`.
pub fn signed_by_meta(app_secret: &SecretString, body: &[u8], signature: &str) -> bool {
    let Some(hex) = signature.trim().strip_prefix("sha256=") else {
        return false;
    };
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    let given: Vec<u8> = (0..32)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.expose_secret().as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// Meta checks the callback address: it answers `hub.challenge` when the
/// verify token is the one set in `notify.whatsapp_cloud.verify_token`.
#[utoipa::path(
    tag = "engagement",
    operation_id = "whatsappVerify",
    security(()),
    params(VerifyQuery),
    responses(
        (status = 200, description = "The challenge, as sent.", body = ChallengeText, content_type = "text/plain", example = json!("1158201444")),
        (status = 401, description = "Not our verify token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "WhatsApp's callbacks are not configured.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/webhooks/whatsapp")]
pub async fn whatsapp_verify(
    state: web::Data<AppState>,
    query: web::Query<VerifyQuery>,
) -> Result<HttpResponse, ApiError> {
    let Some(ours) = state
        .notify
        .whatsapp_cloud
        .as_ref()
        .and_then(|c| c.verify_token.as_ref())
    else {
        return Err(ApiError::NotFound);
    };
    let same: bool = ours
        .expose_secret()
        .as_bytes()
        .ct_eq(query.verify_token.as_bytes())
        .into();
    if query.mode != "subscribe" || !same {
        return Err(ApiError::Unauthorized {
            detail: "not the verify token set for WhatsApp",
            invalid_token: false,
        });
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(query.challenge.clone()))
}

/// The status of WhatsApp messages Meta took: `delivered` and `read` mark
/// the message delivered; `failed` marks it failed with Meta's error code
/// and title; `sent` (and reports of messages that moved on) change
/// nothing. A customer's reply `STOP` (`UNSUBSCRIBE`, `QUIT`, ...)
/// withdraws their consent to WhatsApp for every purpose, the "Stop
/// promotions" button for marketing, recorded with source
/// `whatsapp_stop`; other replies are taken and left. Subscribe this
/// address to the `messages` field at Meta, with
/// `notify.whatsapp_cloud.app_secret` set.
#[utoipa::path(
    tag = "engagement",
    operation_id = "whatsappEvents",
    security(()),
    params(("X-Hub-Signature-256" = String, Header, max_length = 80, description = "`sha256=` and the hex HMAC-SHA256 of the body with the app secret")),
    request_body(content = WhatsappNotification, content_type = "application/json"),
    responses(
        (status = 200, description = "Taken: how many reports changed a message.", body = WhatsappTakenView),
        (status = 401, description = "No signature, or not Meta's with the app secret.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "WhatsApp's callbacks are not configured.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A signed body that is not a notification.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/webhooks/whatsapp")]
pub async fn whatsapp_events(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let unsigned = ApiError::Unauthorized {
        detail: "not signed by Meta",
        invalid_token: false,
    };
    let Some(signature) = req
        .headers()
        .get("X-Hub-Signature-256")
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty())
    else {
        return Err(unsigned);
    };
    let Some(secret) = state
        .notify
        .whatsapp_cloud
        .as_ref()
        .and_then(|c| c.app_secret.as_ref())
    else {
        return Err(ApiError::NotFound);
    };
    if !signed_by_meta(secret, &body, signature) {
        return Err(unsigned);
    }
    let notification: WhatsappNotification = serde_json::from_slice(&body).map_err(|error| {
        jewel_domain::Invalid::field("body", "format", format!("not a notification: {error}"))
    })?;
    let mut recorded = 0;
    for status in notification
        .entry
        .iter()
        .flat_map(|e| &e.changes)
        .flat_map(|c| &c.value.statuses)
    {
        let report = match status.status.as_str() {
            "delivered" | "read" => Reported::Delivered,
            "failed" => {
                let error = status.errors.first();
                Reported::Undelivered(format!(
                    "WhatsApp reports it failed, error {}: {}",
                    error.and_then(|e| e.code).unwrap_or_default(),
                    error.and_then(|e| e.title.as_deref()).unwrap_or("")
                ))
            }
            _ => continue,
        };
        if reports::reported(&state.database, "whatsapp_cloud", &status.id, report).await? {
            recorded += 1;
        }
    }
    let mut stopped = 0;
    for inbound in notification
        .entry
        .iter()
        .flat_map(|e| &e.changes)
        .flat_map(|c| &c.value.messages)
    {
        let Some(purposes) = inbound.stops() else {
            continue;
        };
        let mobile = format!("+{}", inbound.from);
        let mut unit = state.unit(Actor::System("whatsapp"));
        let whatsapp = (Channel::WhatsApp, purposes);
        if reports::stopped(&mut unit, &mobile, whatsapp, ConsentSource::WhatsappStop)
            .await?
            .is_some()
        {
            unit.commit().await?;
            stopped += 1;
        }
    }
    Ok(HttpResponse::Ok().json(WhatsappTakenView { recorded, stopped }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_signature_is_checked_over_the_raw_body() {
        let secret = SecretString::from("app-secret".to_owned());
        let body = br#"{"object":"whatsapp_business_account"}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"app-secret").expect("a key");
        mac.update(body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(signed_by_meta(&secret, body, &format!("sha256={hex}")));
        assert!(!signed_by_meta(&secret, b"{}", &format!("sha256={hex}")));
        assert!(!signed_by_meta(&secret, body, &hex));
    }
}
