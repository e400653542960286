//! What happens to an invoice after its draft: issuing (the gapless number,
//! the pieces sold and the ledger in one transaction), payments (split over
//! methods, old gold as a credit, the cash and PAN guards), a manager's
//! approval of a large discount, and cancelling (stock back).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use jewel_domain::billing::OldGold;
use jewel_domain::invoice::{Exchange, Invoice, InvoiceStatus, Payment, PaymentMethod};
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::{FieldError, Invalid};
use jewel_services::Unit;
use jewel_services::billing::{self, settle};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::invoice_actions::{CancelFields, IssueFields, PaymentFields, PaymentsFields};
use super::invoices::{InvoiceView, visible_invoice};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(issue_invoice)
        .service(add_payments)
        .service(approve_discount)
        .service(cancel_invoice);
}

/// The most payments in one request.
const MOST_PAYMENTS: usize = 10;

/// The payments of a request, checked field by field (`payments[i].x`).
fn payments_of(fields: &[PaymentFields], by: uuid::Uuid) -> Result<Vec<Payment>, ApiError> {
    if fields.len() > MOST_PAYMENTS {
        return Err(Invalid::field("payments", "count", "at most 10 payments").into());
    }
    let now = Utc::now();
    let mut payments = Vec::with_capacity(fields.len());
    let mut errors = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let at = |name: &str| format!("payments[{i}].{name}");
        let method = PaymentMethod::from(f.method);
        let reference = f
            .reference
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if reference.is_some_and(|r| r.chars().count() > 80) {
            errors.push(FieldError::new(
                at("reference"),
                "length",
                "at most 80 characters",
            ));
            continue;
        }
        if method.needs_reference() && reference.is_none() {
            errors.push(FieldError::new(
                at("reference"),
                "required",
                "the cheque number, voucher code or bank transaction id",
            ));
            continue;
        }
        let result = if method == PaymentMethod::OldGold {
            exchange_of(f, &at)
        } else {
            match (
                &f.amount,
                f.weight.is_some() || f.tested_fineness.is_some() || f.rate.is_some(),
            ) {
                (_, true) => Err(Invalid::field(
                    at("weight"),
                    "unexpected",
                    "only for an old_gold payment",
                )),
                (None, _) => Err(Invalid::field(at("amount"), "required", "the amount paid")),
                (Some(amount), _) => Money::parse(&at("amount"), amount).map(|a| (a, None)),
            }
        };
        match result {
            Ok((amount, exchange)) => payments.push(Payment {
                id: uuid::Uuid::now_v7(),
                method,
                amount,
                reference: reference.map(str::to_owned),
                exchange,
                received_by: by,
                received_at: now,
            }),
            Err(invalid) => errors.extend(invalid.into_errors()),
        }
    }
    match Invalid::from_errors(errors) {
        Some(invalid) => Err(invalid.into()),
        None => Ok(payments),
    }
}

/// Old gold weighed and tested, and its value.
fn exchange_of(
    f: &PaymentFields,
    at: &dyn Fn(&str) -> String,
) -> Result<(Money, Option<Exchange>), Invalid> {
    if f.amount.is_some() {
        return Err(Invalid::field(
            at("amount"),
            "unexpected",
            "old gold is valued from its weight, fineness, rate and deduction",
        ));
    }
    let required = |name: &str| Invalid::field(at(name), "required", "needed for old gold");
    let weight = Weight::parse(
        &at("weight"),
        f.weight.as_deref().ok_or_else(|| required("weight"))?,
    )?;
    let rate = Money::parse(
        &at("rate"),
        f.rate.as_deref().ok_or_else(|| required("rate"))?,
    )?;
    let deduction = match &f.deduction_percent {
        Some(text) => Percent::parse_share(&at("deductionPercent"), text)?,
        None => Percent::ZERO,
    };
    let old_gold = OldGold {
        weight,
        tested_fineness: f
            .tested_fineness
            .ok_or_else(|| required("testedFineness"))?,
        rate,
        deduction,
    };
    old_gold.check().map_err(|invalid| {
        Invalid::from_errors(
            invalid
                .into_errors()
                .into_iter()
                .map(|e| FieldError::new(at(&e.field), &e.code, &e.message))
                .collect(),
        )
        .unwrap_or_else(|| required("weight"))
    })?;
    let value = old_gold.value();
    let metal = f
        .metal
        .map(Into::into)
        .unwrap_or(jewel_domain::metal::Metal::Gold);
    Ok((
        value.value,
        Some(Exchange {
            metal,
            old_gold,
            value,
        }),
    ))
}

/// Keeps the answer (`status`, with `location`) of an idempotent request
/// with the work done in `unit`, commits, and answers with the invoice.
pub(crate) async fn finish(
    mut unit: Unit,
    after: &Invoice,
    answer: (StatusCode, Option<String>),
) -> Result<InvoiceView, ApiError> {
    let view = InvoiceView::of(after);
    idempotency::keep_in(&mut unit, answer.0, answer.1, &view)?;
    unit.commit().await?;
    Ok(view)
}

/// Issue a draft: it takes the next number of its branch and financial year
/// (`MUM1/2026-27/000123`, no gaps, never reused), its pieces become sold
/// and its lots go down, each with its line in the stock ledger, all in one
/// transaction with the number; payments given here are taken in the same
/// transaction. Two drafts selling the same piece: one is issued, the other
/// is 409. A bill at or above the PAN threshold needs a customer with a PAN
/// (422 `pan_required`); cash at or above the limit is 422 `cash_limit`.
/// Needs `sales:write` in the branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "issueInvoice",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The invoice's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = IssueFields,
    responses(
        (status = 200, description = "Issued, with its number.", body = InvoiceView),
        (status = 409, description = "Not a draft, a piece was sold or moved meanwhile, or a lot has not enough on hand.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Discount awaiting approval, prices older than the validity, PAN required, cash limit, payments beyond the total; a bill that took a scheme's making waiver not paid from that scheme (`payments`, `scheme_required`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/invoices/{id}/issue")]
pub async fn issue_invoice(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<IssueFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let view = issue(&state, &caller, *id, request.body).await?;
        Answer::new(StatusCode::OK, None, &view)
    })
    .await
}

async fn issue(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
    body: IssueFields,
) -> Result<InvoiceView, ApiError> {
    let invoice = visible_invoice(state, caller, id).await?;
    let payments = match invoice.status {
        // Payments are read only for a draft: anything else is refused first.
        InvoiceStatus::Draft => payments_of(&body.payments, caller.id)?,
        _ => Vec::new(),
    };
    let mut unit = state.unit(caller);
    let issued =
        billing::issue::issue(&mut unit, &state.billing_rules(), &invoice, &payments).await?;
    finish(unit, &issued, (StatusCode::OK, None)).await
}

/// Record payments against an issued invoice, split over methods: cash,
/// card, UPI, bank transfer, cheque, gift voucher, old gold (valued from
/// weight, tested fineness, rate and deduction; the metal enters stock as
/// scrap). Together no more than the balance (422 `more_than_due`); cash
/// for the bill stays below the limit (422 `cash_limit`). The invoice
/// becomes partially paid or paid. Needs `payments:write` in its branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "addInvoicePayments",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The invoice's id"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = PaymentsFields,
    responses(
        (status = 201, description = "Received; the invoice with its payments and balance.", body = InvoiceView),
        (status = 409, description = "The invoice is not issued (draft, paid, cancelled) or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More than the balance, the cash limit, a missing reference.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/invoices/{id}/payments")]
pub async fn add_payments(
    state: web::Data<AppState>,
    caller: Authorized<needs::PaymentsWrite>,
    id: web::Path<uuid::Uuid>,
    request: IdempotentJson<PaymentsFields>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let invoice = visible_invoice(&state, &caller, *id).await?;
        settle::check_payable(&invoice)?;
        if request.body.payments.is_empty() {
            return Err(Invalid::field("payments", "count", "1 to 10 payments").into());
        }
        let payments = payments_of(&request.body.payments, caller.id)?;
        let mut unit = state.unit(&caller);
        let paid = settle::pay(&mut unit, &state.billing_rules(), &invoice, &payments).await?;
        let location = Some(format!("/api/v1/invoices/{}", invoice.id));
        let view = finish(unit, &paid, (StatusCode::CREATED, location.clone())).await?;
        Answer::new(StatusCode::CREATED, location, &view)
    })
    .await
}

/// Approve the discount of a draft that is beyond the limit of its
/// creator's role; the approval is recorded on the invoice (who, when).
/// Needs `sales:approve` (owner, manager) in the branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "approveInvoiceDiscount",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The invoice's id")),
    responses(
        (status = 200, description = "Approved; the draft may be issued.", body = InvoiceView),
        (status = 409, description = "Not a draft, or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The discount needs no approval.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/invoices/{id}/discount-approval")]
pub async fn approve_discount(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesApprove>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<InvoiceView>, ApiError> {
    let invoice = visible_invoice(&state, &caller, *id).await?;
    let mut unit = state.unit(&caller);
    let approved = settle::approve_discount(&mut unit, &invoice).await?;
    Ok(web::Json(
        finish(unit, &approved, (StatusCode::OK, None)).await?,
    ))
}

/// Cancel an invoice with a reason. An issued invoice's pieces go back in
/// stock and its lots back on hand (each with a ledger line), old gold
/// taken on it leaves the scrap stock, and what was paid shows as
/// `refundDue`; its number stays used. Needs `sales:approve` (owner,
/// manager) in the branch; a draft (no number, no stock touched) may be
/// discarded with `sales:write`.
#[utoipa::path(
    tag = "invoices",
    operation_id = "cancelInvoice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The invoice's id")),
    request_body = CancelFields,
    responses(
        (status = 200, description = "Cancelled.", body = InvoiceView),
        (status = 409, description = "Already cancelled, or changed meanwhile.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/invoices/{id}/cancel")]
pub async fn cancel_invoice(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<CancelFields>,
) -> Result<web::Json<InvoiceView>, ApiError> {
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(Invalid::field("reason", "length", "1 to 500 characters").into());
    }
    let invoice = visible_invoice(&state, &caller, *id).await?;
    settle::check_cancellable(&invoice)?;
    if invoice.status != InvoiceStatus::Draft {
        caller.require(jewel_domain::Permission::SalesApprove)?;
    }
    let mut unit = state.unit(&caller);
    let cancelled = settle::cancel(&mut unit, &invoice, reason).await?;
    Ok(web::Json(
        finish(unit, &cancelled, (StatusCode::OK, None)).await?,
    ))
}
