//! The unsubscribe link every campaign message carries. It needs no login:
//! the token in it names the customer and the channel, signed by this
//! server. Opening it shows a page asking to confirm (a mail scanner that
//! follows links changes nothing); confirming, or a mail client's one-click
//! `POST` (RFC 8058), withdraws the customer's marketing consent for that
//! channel, recorded as their own decision.

use actix_web::{HttpResponse, get, post, web};
use jewel_domain::Invalid;
use jewel_domain::engagement::MessageChannel;
use jewel_services::Actor;
use jewel_services::engagement::unsubscribe::{self, LinkRefused, Unsubscriber};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, Problem};
use crate::state::AppState;

bounded_string!(
    /// A short HTML page for the customer.
    UnsubscribePage, 1, 10_000, None::<String>
);

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(unsubscribe_page).service(unsubscribe_confirm);
}

/// Whom `token` is for; 422 naming `link` when it is not a link of this
/// server or has expired.
fn read(state: &AppState, token: &str) -> Result<Unsubscriber, ApiError> {
    state
        .unsubscribe
        .read(token, chrono::Utc::now())
        .map_err(|refused| {
            let code = match refused {
                LinkRefused::Forged => "invalid",
                LinkRefused::Expired => "expired",
            };
            Invalid::field("link", code, refused.to_string()).into()
        })
}

fn channel_words(channel: MessageChannel) -> &'static str {
    match channel {
        MessageChannel::Email => "e-mails",
        MessageChannel::Sms => "text messages (SMS)",
        MessageChannel::Whatsapp => "WhatsApp messages",
        MessageChannel::Push => "notifications on our app",
    }
}

fn html(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
             <body><h1>{title}</h1>{body}</body></html>\n"
        ))
}

/// The page an unsubscribe link opens: it asks the customer to confirm and
/// changes nothing itself. No login: the token is the credential.
#[utoipa::path(
    tag = "engagement",
    operation_id = "openUnsubscribeLink",
    security(()),
    params(("link" = String, Path, max_length = 200, pattern = "^[0-9a-z.-]+$", description = "The signed part of the link (whom it is for, the channel, until when, the signature)")),
    responses(
        (status = 200, description = "A page with a button to confirm.", content(
            (UnsubscribePage = "text/html", example = "<!DOCTYPE html>\n<html lang=\"en\">...<button>Unsubscribe</button>...</html>"))),
        (status = 422, description = "Not a link of this shop (`link`, `invalid`) or expired (`expired`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/unsubscribe/{link}")]
pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let who = read(&state, &token)?;
    // The token holds only [0-9a-z.-] once read: safe in the page as is.
    Ok(html(
        "Unsubscribe",
        &format!(
            "<p>Stop receiving offers and greetings by {} from us?</p>\
             <form method=\"post\" action=\"/api/v1/unsubscribe/{}\">\
             <button type=\"submit\">Unsubscribe</button></form>",
            channel_words(who.channel),
            token.as_str()
        ),
    ))
}

/// Confirm an unsubscribe link (the page's button, or a mail client's
/// one-click `List-Unsubscribe-Post`): the customer's marketing consent
/// for the link's channel is withdrawn (source `unsubscribe_link`); bills
/// and job updates still come. Any body is ignored. Confirming twice is
/// harmless. No login: the token is the credential.
#[utoipa::path(
    tag = "engagement",
    operation_id = "confirmUnsubscribeLink",
    security(()),
    params(("link" = String, Path, max_length = 200, pattern = "^[0-9a-z.-]+$", description = "The signed part of the link (whom it is for, the channel, until when, the signature)")),
    responses(
        (status = 200, description = "Unsubscribed: a page saying so.", content(
            (UnsubscribePage = "text/html", example = "<!DOCTYPE html>\n<html lang=\"en\">...<h1>Unsubscribed</h1>...</html>"))),
        (status = 422, description = "Not a link of this shop (`link`, `invalid`) or expired (`expired`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/unsubscribe/{link}")]
pub async fn unsubscribe_confirm(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let who = read(&state, &token)?;
    let mut unit = state.unit(Actor::System("unsubscribe_link"));
    if unsubscribe::unsubscribe(&mut unit, who).await? {
        unit.commit().await?;
    }
    Ok(html(
        "Unsubscribed",
        &format!(
            "<p>You will no longer receive offers and greetings by {} from us.</p>",
            channel_words(who.channel)
        ),
    ))
}
