//! Quotes (estimates): a bill priced at one rate snapshot that holds its
//! prices for a set time (`billing.price_valid_minutes`, 60 by default);
//! converting a valid quote makes a draft invoice at the quote's prices.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use jewel_domain::Invalid;
use jewel_domain::invoice::Quote;
use jewel_persistence::repos::quotes::Quotes;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::quotes::{ConvertFields, QuoteView};
use super::invoices::{InvoiceView, NewQuote, priced_draft};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::state::AppState;
use jewel_services::billing;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_quote)
        .service(get_quote)
        .service(convert_quote);
}

/// Make a quote: the same body as a new invoice, priced at the rates in
/// force with every line's breakup; its prices hold for
/// `billing.price_valid_minutes` (60 by default). Stock is not touched.
/// Needs `sales:write` in the branch.
#[utoipa::path(
    tag = "quotes",
    operation_id = "createQuote",
    security(("bearer" = [])),
    request_body = NewQuote,
    responses(
        (status = 201, description = "The quote.", body = QuoteView),
        (status = 409, description = "A piece is not in stock (`lines[i].pieceId`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A line is not valid (unknown piece or lot, no rate, HUID pending, a discount beyond its base).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotes")]
pub async fn create_quote(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesWrite>,
    crate::extract::Json(body): crate::extract::Json<NewQuote>,
) -> Result<HttpResponse, ApiError> {
    let bill = priced_draft(&state, &caller, body.into()).await?;
    let quote = Quote {
        valid_until: bill.priced_at
            + Duration::minutes(i64::from(state.billing.price_valid_minutes)),
        bill,
        invoice_id: None,
    };
    let mut unit = state.unit(&caller);
    billing::drafts::quote(&mut unit, &quote).await?;
    unit.commit().await?;
    let view = QuoteView::of(&quote);
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/quotes/{}", quote.bill.id),
        ))
        .json(view))
}

async fn visible_quote(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<Quote, ApiError> {
    Quotes::get(state.database.connection(), id)
        .await?
        .filter(|q| caller.acts_in(q.bill.branch_id))
        .ok_or(ApiError::NotFound)
}

/// Read a quote with its breakup, its validity and the invoice it became.
/// Needs `sales:read` in its branch.
#[utoipa::path(
    tag = "quotes",
    operation_id = "getQuote",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The quote's id")),
    responses((status = 200, description = "The quote.", body = QuoteView))
)]
#[get("/api/v1/quotes/{id}")]
pub async fn get_quote(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<QuoteView>, ApiError> {
    Ok(web::Json(QuoteView::of(
        &visible_quote(&state, &caller, *id).await?,
    )))
}

/// Turn a valid quote into a draft invoice at the quote's prices (its rate
/// snapshot, discounts and taxes); the draft must be issued while the
/// quote's prices hold. An expired quote is 422 `quote_expired`; a quote
/// converted before is 409. Needs `sales:write` in the branch.
#[utoipa::path(
    tag = "quotes",
    operation_id = "convertQuote",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The quote's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = ConvertFields,
    responses(
        (status = 201, description = "The draft invoice.", body = InvoiceView),
        (status = 409, description = "The quote became an invoice already.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The quote's prices no longer hold.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/quotes/{id}/invoice")]
pub async fn convert_quote(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<ConvertFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let quote = visible_quote(&state, &caller, *id).await?;
        let now = Utc::now();
        if !quote.is_valid_at(now) {
            return Err(Invalid::field(
                "validUntil",
                "quote_expired",
                "the quote's prices no longer hold; make a new quote at today's rates",
            )
            .into());
        }
        let invoice = quote.to_invoice(caller.id, now);
        let mut unit = state.unit(&caller);
        billing::drafts::convert(&mut unit, quote.bill.id, &invoice).await?;
        let view = InvoiceView::of(&invoice);
        let location = Some(format!("/api/v1/invoices/{}", invoice.id));
        idempotency::keep_in(&mut unit, StatusCode::CREATED, location.clone(), &view)?;
        unit.commit().await?;
        Answer::new(StatusCode::CREATED, location, &view)
    })
    .await
}
