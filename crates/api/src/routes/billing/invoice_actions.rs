//! What happens to an invoice after its draft: issuing (the gapless number,
//! the pieces sold and the ledger in one transaction), payments (split over
//! methods, old gold as a credit, the cash and PAN guards), a manager's
//! approval of a large discount, and cancelling (stock back).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use jewel_domain::billing::OldGold;
use jewel_domain::invoice::{Exchange, Invoice, InvoiceStatus, LineKind, Payment, PaymentMethod};
use jewel_domain::lot::LotMovementKind;
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::movement::{Move, MovementKind};
use jewel_domain::piece::PieceStatus;
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::lots::{LotChange, LotError, Lots};
use jewel_persistence::repos::pieces::Pieces;
use jewel_services::Unit;
use jewel_services::billing::{self, issue::check_received};
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

/// 409 for an invoice changed by another request between our read and write.
pub(crate) fn changed_meanwhile() -> ApiError {
    ApiError::Conflict {
        detail: "the invoice was changed by someone else at the same moment; read it again"
            .to_owned(),
        errors: vec![FieldError::new("version", "changed", "changed meanwhile")],
    }
}

pub(crate) fn not_in_state(invoice: &Invoice, wanted: &str) -> ApiError {
    ApiError::Conflict {
        detail: format!("the invoice is {}; {wanted}", invoice.status.as_str()),
        errors: vec![FieldError::new(
            "status",
            "wrong_status",
            format!("the invoice is {}", invoice.status.as_str()),
        )],
    }
}

/// Reads the invoice back after `unit`'s change, records its events and
/// audit entry, keeps the answer (`status`, with `location`) of an
/// idempotent request with it, commits, and answers with the invoice.
pub(crate) async fn commit(
    mut unit: Unit,
    action: &str,
    before: &Invoice,
    answer: (StatusCode, Option<String>),
) -> Result<InvoiceView, ApiError> {
    let after = billing::changed(&mut unit, before).await?;
    finish(unit, action, before, &after, answer).await
}

/// Audits a change whose events `unit` already holds, keeps the answer
/// and commits.
async fn finish(
    mut unit: Unit,
    action: &str,
    before: &Invoice,
    after: &Invoice,
    answer: (StatusCode, Option<String>),
) -> Result<InvoiceView, ApiError> {
    billing::drafts::audited(&mut unit, action, before, after)?;
    let after_view = InvoiceView::of(after);
    idempotency::keep_in(&mut unit, answer.0, answer.1, &after_view)?;
    unit.commit().await?;
    Ok(after_view)
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
        (status = 422, description = "Discount awaiting approval, prices older than the validity, PAN required, cash limit, payments beyond the total.", body = Problem, content_type = "application/problem+json"),
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
    finish(unit, "issue", &invoice, &issued, (StatusCode::OK, None)).await
}

/// The label of the financial year `at` falls in at `branch` (its own
/// clock): `2026-27`.
pub(crate) fn financial_year(
    state: &AppState,
    branch: &jewel_domain::branch::Branch,
    at: chrono::DateTime<Utc>,
) -> Result<String, ApiError> {
    Ok(billing::financial_year(&state.billing_rules(), branch, at)?)
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
        if !matches!(
            invoice.status,
            InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid
        ) {
            return Err(not_in_state(
                &invoice,
                "payments go against an issued invoice with a balance",
            ));
        }
        if request.body.payments.is_empty() {
            return Err(Invalid::field("payments", "count", "1 to 10 payments").into());
        }
        let payments = payments_of(&request.body.payments, caller.id)?;
        check_received(&state.billing_rules(), &invoice, &payments)?;
        let mut unit = state.unit(&caller);
        let txn = unit.txn().await?;
        if !Invoices::add_payments(txn, &invoice, &payments, caller.author()).await? {
            return Err(changed_meanwhile());
        }
        let location = Some(format!("/api/v1/invoices/{}", invoice.id));
        let answer = (StatusCode::CREATED, location.clone());
        let view = commit(unit, "pay", &invoice, answer).await?;
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
    if invoice.status != InvoiceStatus::Draft {
        return Err(not_in_state(
            &invoice,
            "only a draft's discount is approved",
        ));
    }
    if !invoice.approval_needed {
        return Err(Invalid::field(
            "discount",
            "no_approval_needed",
            "the discount is within the limit",
        )
        .into());
    }
    let mut unit = state.unit(&caller);
    let txn = unit.txn().await?;
    if !Invoices::approve(txn, &invoice, caller.id).await? {
        return Err(changed_meanwhile());
    }
    Ok(web::Json(
        commit(unit, "approve_discount", &invoice, (StatusCode::OK, None)).await?,
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
    if invoice.status == InvoiceStatus::Cancelled {
        return Err(not_in_state(&invoice, "it cannot be cancelled again"));
    }
    if invoice.status != InvoiceStatus::Draft {
        caller.require(jewel_domain::Permission::SalesApprove)?;
    }
    if !invoice.credit_notes.is_empty() {
        return Err(ApiError::Conflict {
            detail:
                "goods were returned against this invoice; return the rest instead of cancelling"
                    .to_owned(),
            errors: vec![FieldError::new(
                "creditNotes",
                "has_returns",
                "returns were taken",
            )],
        });
    }
    let mut unit = state.unit(&caller);
    let txn = unit.txn().await?;
    if !Invoices::cancel(txn, &invoice, caller.id, reason).await? {
        return Err(changed_meanwhile());
    }
    if invoice.status.is_sale() {
        let lines: Vec<_> = invoice.lines.iter().collect();
        let reason = format!(
            "invoice {} cancelled",
            invoice.number.as_deref().unwrap_or_default()
        );
        put_back_stock(
            txn,
            &caller,
            &invoice,
            &lines,
            PieceStatus::InStock,
            &reason,
        )
        .await?;
        Invoices::reverse_scrap(txn, &invoice, caller.author()).await?;
        if let Some(customer) = invoice.customer_id {
            Invoices::refresh_purchases(txn, customer).await?;
        }
    }
    Ok(web::Json(
        commit(unit, "cancel", &invoice, (StatusCode::OK, None)).await?,
    ))
}

/// Puts the pieces and lots of `lines` (of `invoice`) back: each sold
/// piece becomes `to` (in stock after a cancel, returned after a return),
/// each lot's quantity is back on hand, with ledger lines saying `reason`.
pub(crate) async fn put_back_stock(
    txn: &DatabaseTransaction,
    caller: &Caller,
    invoice: &Invoice,
    lines: &[&jewel_domain::invoice::BillLine],
    to: PieceStatus,
    reason: &str,
) -> Result<(), ApiError> {
    for line in lines {
        match (line.kind, line.piece_id, line.lot_id, line.quantity) {
            (LineKind::Piece, Some(piece_id), _, _) => {
                // A piece moved back by hand already stays where it is.
                let Some(piece) = Pieces::get(txn, piece_id)
                    .await?
                    .filter(|p| p.status == PieceStatus::Sold)
                else {
                    continue;
                };
                let change = Move {
                    kind: MovementKind::Return,
                    to_status: to,
                    to_branch: None,
                    reason: Some(reason.to_owned()),
                    reference: Some(invoice.id),
                    reservation: None,
                };
                if !Pieces::move_piece(txn, &piece, &change, caller.author()).await? {
                    return Err(changed_meanwhile());
                }
            }
            (LineKind::Lot, _, Some(lot), Some(quantity)) => {
                let change = LotChange {
                    branch_id: invoice.branch_id,
                    kind: LotMovementKind::Return,
                    quantity,
                    reason: Some(reason.to_owned()),
                };
                Lots::change(txn, lot, &change, caller.author())
                    .await
                    .map_err(|e| match e {
                        LotError::Repo(e) => ApiError::from(e),
                        LotError::NotEnough { .. } => changed_meanwhile(),
                    })?;
            }
            _ => {}
        }
    }
    Ok(())
}
