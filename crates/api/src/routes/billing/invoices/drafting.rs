//! Pricing a draft: each line at the rates in force, discounts within the
//! caller's limit, GST by the place of supply.

use actix_web::http::StatusCode;
use chrono::Utc;
use jewel_domain::invoice::{
    BillLine, HSN_JEWELLERY, Invoice, InvoiceStatus, LineKind, LineSnapshot, price_lines,
};
use jewel_domain::lot::LotUnit;
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal_rate::CurrentRates;
use jewel_domain::piece::PieceStatus;
use jewel_domain::pricing::Supply;
use jewel_domain::{FieldError, Invalid, Role};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::lots::Lots;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::staff::Staff;
use jewel_services::billing;

use super::views::*;
use crate::auth::Caller;
use crate::auth::caller::Principal;
use crate::error::ApiError;
use crate::idempotency::{self};
use crate::rates::current_rates;
use crate::routes::billing::dto::invoices::*;
use crate::state::AppState;

/// The most one bill may come to, in paise (10^12 of the currency).
const MOST_PAISE: i64 = 100_000_000_000_000;
/// The most lines on one bill.
const MOST_LINES: usize = 100;

/// The most discount the caller may give without a manager's approval, in
/// percent of the value; `None` has no limit.
fn discount_limit(state: &AppState, caller: &Caller) -> Option<Percent> {
    let limits = &state.billing;
    match caller.principal {
        Principal::Staff(Role::Owner) => None,
        Principal::Staff(Role::Manager) => Some(limits.discount_limit_manager),
        Principal::Staff(Role::Sales) => Some(limits.discount_limit_sales),
        Principal::Staff(Role::Accountant) | Principal::Client { .. } | Principal::Customer => {
            Some(limits.discount_limit_accountant)
        }
    }
}

/// The rate per gram in force for a purity, or 422 naming `field`.
fn rate_for(
    rates: &CurrentRates,
    purity: jewel_domain::metal::Purity,
    field: &str,
) -> Result<Money, Invalid> {
    rates.for_purity(purity).map(|r| r.per_gram).ok_or_else(|| {
        Invalid::field(
            field,
            "no_rate",
            format!(
                "no rate is set for {} {}",
                purity.metal().as_str(),
                purity.fineness()
            ),
        )
    })
}

/// A line of the request made into a bill line, priced from `rates`.
async fn bill_line(
    state: &AppState,
    branch: uuid::Uuid,
    rates: &CurrentRates,
    index: usize,
    fields: &LineFields,
) -> Result<BillLine, ApiError> {
    let at = |name: &str| format!("lines[{index}].{name}");
    let missing = |name: &str| -> ApiError {
        Invalid::field(
            at(name),
            "required",
            format!("needed for a {:?} line", fields.kind),
        )
        .into()
    };
    let discount = fields
        .discount
        .as_ref()
        .map(|d| d.check(&at("discount")))
        .transpose()?;
    let gst = state.pricing.gst_percent;
    let db = state.database.connection();
    let line = match fields.kind {
        LineKindName::Piece => {
            let id = fields.piece_id.ok_or_else(|| missing("pieceId"))?;
            let piece = Pieces::get(db, id)
                .await?
                .filter(|p| p.branch_id == branch)
                .ok_or_else(|| {
                    ApiError::from(Invalid::field(
                        at("pieceId"),
                        "not_found",
                        "no such piece at the bill's branch",
                    ))
                })?;
            piece
                .check_move(PieceStatus::Sold, &state.hallmark_rule())
                .map_err(|refusal| with_field(ApiError::from(refusal), &at("pieceId")))?;
            let rate = rate_for(rates, piece.purity, &at("pieceId"))?;
            BillLine {
                discount,
                ..BillLine::of_piece(&piece, rate, gst)
            }
        }
        LineKindName::Lot => {
            let id = fields.lot_id.ok_or_else(|| missing("lotId"))?;
            let lot = Lots::get(db, id).await?.ok_or_else(|| {
                ApiError::from(Invalid::field(at("lotId"), "not_found", "no such lot"))
            })?;
            let quantity_text = fields
                .quantity
                .as_deref()
                .ok_or_else(|| missing("quantity"))?;
            let quantity = lot.unit.parse_quantity(&at("quantity"), quantity_text)?;
            let mut snapshot = LineSnapshot::of_amount("", Money::ZERO, gst);
            snapshot.other_charges.clear();
            match (lot.unit, lot.purity, &fields.unit_price) {
                (LotUnit::Weight, Some(purity), None) => {
                    snapshot.purity = Some(purity);
                    snapshot.net_weight = Weight::from_units(quantity);
                    snapshot.gross_weight = Some(snapshot.net_weight);
                    snapshot.rate = rate_for(rates, purity, &at("lotId"))?;
                    if let Some(making) = &fields.making {
                        snapshot.making = making.check(&at("making"))?;
                    }
                }
                (unit, _, Some(price)) => {
                    let price = Money::parse(&at("unitPrice"), price)?;
                    let amount = match unit {
                        LotUnit::Count => price.times(quantity),
                        LotUnit::Weight => Weight::from_units(quantity).at(price),
                    };
                    snapshot.purity = lot.purity;
                    if unit == LotUnit::Weight {
                        snapshot.net_weight = Weight::from_units(quantity);
                    }
                    snapshot.other_charges =
                        vec![(format!("{} x {price}", lot.unit.format(quantity)), amount)];
                }
                (_, _, None) => return Err(missing("unitPrice")),
            }
            BillLine {
                kind: LineKind::Lot,
                piece_id: None,
                lot_id: Some(lot.id),
                quantity: Some(quantity),
                description: lot.name.clone(),
                hsn: HSN_JEWELLERY.to_owned(),
                snapshot,
                discount,
                discount_amount: Money::ZERO,
                returned_by: None,
            }
        }
        LineKindName::Service => {
            let description = fields
                .description
                .as_deref()
                .ok_or_else(|| missing("description"))?;
            let description = description.trim();
            if description.is_empty() || description.chars().count() > 120 {
                return Err(
                    Invalid::field(at("description"), "length", "1 to 120 characters").into(),
                );
            }
            let amount_text = fields.amount.as_deref().ok_or_else(|| missing("amount"))?;
            let amount = Money::parse(&at("amount"), amount_text)?;
            BillLine {
                kind: LineKind::Service,
                piece_id: None,
                lot_id: None,
                quantity: None,
                description: description.to_owned(),
                hsn: jewel_domain::invoice::SAC_SERVICES.to_owned(),
                snapshot: LineSnapshot::of_amount(
                    "service",
                    amount,
                    state.billing.service_gst_percent,
                ),
                discount,
                discount_amount: Money::ZERO,
                returned_by: None,
            }
        }
    };
    if line.kind != LineKind::Lot && (fields.quantity.is_some() || fields.unit_price.is_some()) {
        return Err(Invalid::field(at("quantity"), "unexpected", "only for a lot line").into());
    }
    Ok(line)
}

/// An error re-aimed at `field` (a refusal about a piece of line `i`).
fn with_field(error: ApiError, field: &str) -> ApiError {
    match error {
        ApiError::Conflict { detail, errors } => ApiError::Conflict {
            detail,
            errors: errors
                .into_iter()
                .map(|e| FieldError::new(field, &e.code, &e.message))
                .collect(),
        },
        ApiError::Invalid(invalid) => ApiError::Invalid(
            Invalid::from_errors(
                invalid
                    .into_errors()
                    .into_iter()
                    .map(|e| FieldError::new(field, &e.code, &e.message))
                    .collect(),
            )
            .unwrap_or_else(|| Invalid::field(field, "invalid", "not valid")),
        ),
        other => other,
    }
}

/// Prices and stores a draft for `caller`.
pub(super) async fn create(
    state: &AppState,
    caller: &Caller,
    body: NewInvoice,
) -> Result<Invoice, ApiError> {
    let invoice = priced_draft(state, caller, body).await?;
    let mut unit = state.unit(caller);
    billing::drafts::draft(&mut unit, &invoice).await?;
    idempotency::keep_in(
        &mut unit,
        StatusCode::CREATED,
        Some(format!("/api/v1/invoices/{}", invoice.id)),
        &InvoiceView::of(&invoice),
    )?;
    unit.commit().await?;
    Ok(invoice)
}

/// A new bill checked and priced at the rates in force, not yet stored:
/// a draft invoice, or the content of a quote.
pub(crate) async fn priced_draft(
    state: &AppState,
    caller: &Caller,
    body: NewInvoice,
) -> Result<Invoice, ApiError> {
    let db = state.database.connection();
    let mut errors = Vec::new();
    if body.lines.is_empty() || body.lines.len() > MOST_LINES {
        errors.push(FieldError::new("lines", "count", "1 to 100 lines"));
    }
    if body.sales_people.len() > 5 {
        errors.push(FieldError::new("salesPeople", "count", "at most 5"));
    }
    let note = match body.note.as_deref().map(str::trim) {
        Some(note) if note.chars().count() > 500 => {
            errors.push(FieldError::new("note", "length", "at most 500 characters"));
            None
        }
        Some("") | None => None,
        Some(note) => Some(note.to_owned()),
    };
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let branch = Branches::get(db, body.branch_id)
        .await?
        .filter(|b| caller.acts_in(b.id))
        .ok_or_else(|| {
            ApiError::from(Invalid::field(
                "branchId",
                "out_of_scope",
                "not one of your branches",
            ))
        })?;
    let place_of_supply = match body.place_of_supply.as_deref() {
        None => branch.state_code.clone(),
        Some(code) => jewel_domain::branch::StateCode::parse("placeOfSupply", code)?.as_string(),
    };
    let supply = if place_of_supply == branch.state_code {
        Supply::WithinState
    } else {
        Supply::InterState
    };
    if let Some(customer) = body.customer_id {
        let customer = jewel_services::crm::live_customer(db, customer)
            .await
            .map_err(|_| Invalid::field("customerId", "not_found", "no such customer"))?;
        if customer.erased_at.is_some() {
            return Err(Invalid::field("customerId", "erased", "this customer was erased").into());
        }
    }
    for (i, person) in body.sales_people.iter().enumerate() {
        if Staff::get(db, *person).await?.is_none() {
            return Err(Invalid::field(
                format!("salesPeople[{i}]"),
                "not_found",
                "no staff member has this id",
            )
            .into());
        }
    }
    let rates = current_rates(state).await?;
    let mut lines = Vec::with_capacity(body.lines.len());
    let mut pieces = std::collections::HashSet::new();
    for (index, fields) in body.lines.iter().enumerate() {
        let line = bill_line(state, branch.id, &rates, index, fields).await?;
        if let Some(piece) = line.piece_id
            && !pieces.insert(piece)
        {
            return Err(Invalid::field(
                format!("lines[{index}].pieceId"),
                "repeated",
                "the piece is on the bill already",
            )
            .into());
        }
        lines.push(line);
    }
    let discount = body
        .discount
        .as_ref()
        .map(|d| d.check("discount"))
        .transpose()?;
    let bill = price_lines(&mut lines, discount, supply).map_err(|e| e.into_invalid())?;
    if bill.total > Money::from_units(MOST_PAISE) {
        return Err(Invalid::field(
            "lines",
            "too_large",
            "a bill comes to at most 1,000,000,000,000.00",
        )
        .into());
    }
    let approval_needed =
        discount_limit(state, caller).is_some_and(|limit| bill.discount_beyond(limit));
    let now = Utc::now();
    let invoice = Invoice {
        id: uuid::Uuid::now_v7(),
        branch_id: branch.id,
        customer_id: body.customer_id,
        quote_id: None,
        status: InvoiceStatus::Draft,
        number: None,
        financial_year: None,
        place_of_supply,
        supply,
        currency: state.pricing.currency.clone(),
        line_ids: lines.iter().map(|_| uuid::Uuid::now_v7()).collect(),
        lines,
        discount,
        bill,
        paid: Money::ZERO,
        payments: Vec::new(),
        credit_notes: Vec::new(),
        approval_needed,
        approved_by: None,
        approved_at: None,
        sales_people: body.sales_people,
        note,
        priced_at: now,
        created_by: caller.id,
        issued_by: None,
        issued_at: None,
        cancelled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    Ok(invoice)
}
