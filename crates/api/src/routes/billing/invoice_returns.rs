//! Returns: a credit note takes back lines of a paid invoice, reverses
//! their value and tax exactly as billed, puts the pieces and lots back in
//! stock through the ledger, and is settled by a refund or store credit.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use jewel_domain::invoice::PaymentMethod;
use jewel_services::billing::settle;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::invoice_returns::{RefundMethodName, ReturnFields};
use super::invoice_actions::finish;
use super::invoices::visible_invoice;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(return_lines);
}

impl From<RefundMethodName> for PaymentMethod {
    fn from(method: RefundMethodName) -> Self {
        match method {
            RefundMethodName::Cash => Self::Cash,
            RefundMethodName::Card => Self::Card,
            RefundMethodName::Upi => Self::Upi,
            RefundMethodName::BankTransfer => Self::BankTransfer,
            RefundMethodName::Cheque => Self::Cheque,
        }
    }
}

/// Take back lines of a paid invoice with a credit note: numbered without
/// gaps per branch and financial year (`MDS1/CN/2026-27/000001`), their
/// taxable value and tax reversed exactly as billed, the pieces back on
/// hand as returned and the lots back in stock (each with a ledger line),
/// the customer's lifetime value reduced; settled by a refund or store
/// credit. A line returned before is 422 naming `lineIds[i]`; two returns
/// racing for one line: one wins, the other is 409. Needs `sales:write` in
/// the branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "returnInvoiceLines",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The invoice's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = ReturnFields,
    responses(
        (status = 201, description = "Returned; the invoice with its credit notes.", body = super::invoices::InvoiceView),
        (status = 409, description = "The invoice is not paid, or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A line is unknown or returned before; a refund without its method.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/invoices/{id}/returns")]
pub async fn return_lines(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<ReturnFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let (reason, settlement) = request.body.check()?;
        let invoice = visible_invoice(&state, &caller, *id).await?;
        let mut unit = state.unit(&caller);
        let rules = state.billing_rules();
        let line_ids = &request.body.line_ids;
        let returned =
            settle::take_return(&mut unit, &rules, &invoice, line_ids, reason, settlement).await?;
        let location = Some(format!("/api/v1/invoices/{}", invoice.id));
        let view = finish(unit, &returned, (StatusCode::CREATED, location.clone())).await?;
        Answer::new(StatusCode::CREATED, location, &view)
    })
    .await
}
