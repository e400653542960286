//! A new bill from the request: its fields made into the domain's types,
//! then priced by `services::billing::pricing` at the rates in force with
//! the caller's discount limit.

use actix_web::http::StatusCode;
use jewel_domain::branch::StateCode;
use jewel_domain::invoice::Invoice;
use jewel_domain::measure::{Money, Percent};
use jewel_domain::{FieldError, Invalid, Role};
use jewel_services::billing;
use jewel_services::billing::pricing::{self, BillRequest, Item, LineRequest, PricingTerms};

use super::views::*;
use crate::auth::Caller;
use crate::auth::caller::Principal;
use crate::error::ApiError;
use crate::idempotency::{self};
use crate::rates::current_rates;
use crate::routes::billing::dto::invoices::*;
use crate::state::AppState;

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
    let request = bill_request(body)?;
    let pricing = Pricing::now(state).await?;
    let terms = pricing.terms(state, caller);
    Ok(pricing::price_bill(state.database.connection(), request, &terms).await?)
}

/// What bills are priced by now: the rates in force, the hallmarking rule.
pub(crate) struct Pricing {
    rates: jewel_domain::metal_rate::CurrentRates,
    hallmark: jewel_domain::piece::HallmarkRule,
}

impl Pricing {
    pub(crate) async fn now(state: &AppState) -> Result<Self, ApiError> {
        Ok(Self {
            rates: current_rates(state).await?,
            hallmark: state.hallmark_rule(),
        })
    }

    /// The terms `caller` prices a bill on (their discount limit, their
    /// branches).
    pub(crate) fn terms<'a>(&'a self, state: &'a AppState, caller: &'a Caller) -> PricingTerms<'a> {
        PricingTerms {
            rates: &self.rates,
            gst: state.pricing.gst_percent,
            service_gst: state.billing.service_gst_percent,
            hallmark: &self.hallmark,
            currency: &state.pricing.currency,
            discount_limit: discount_limit(state, caller),
            branch_scope: caller.branch_scope(),
            author: caller.id,
        }
    }
}

/// The request's fields as the domain has them, each checked where it
/// stands: 422 naming the field.
fn bill_request(body: NewInvoice) -> Result<BillRequest, Invalid> {
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
        return Err(invalid);
    }
    let place_of_supply = body
        .place_of_supply
        .as_deref()
        .map(|code| StateCode::parse("placeOfSupply", code))
        .transpose()?;
    let lines = body
        .lines
        .iter()
        .enumerate()
        .map(|(index, fields)| line_request(index, fields))
        .collect();
    let discount = body
        .discount
        .as_ref()
        .map(|d| d.check("discount"))
        .transpose();
    Ok(BillRequest {
        branch_id: body.branch_id,
        customer_id: body.customer_id,
        place_of_supply,
        sales_people: body.sales_people,
        note,
        discount,
        waiver_enrolment_id: body.scheme_enrolment_id,
        lines,
    })
}

/// Line `index` of the request: the fields its kind needs, and no others.
fn line_request(index: usize, fields: &LineFields) -> Result<LineRequest, Invalid> {
    let at = |name: &str| format!("lines[{index}].{name}");
    let missing = |name: &str| {
        Invalid::field(
            at(name),
            "required",
            format!("needed for a {:?} line", fields.kind),
        )
    };
    let discount = fields
        .discount
        .as_ref()
        .map(|d| d.check(&at("discount")))
        .transpose()?;
    if fields.kind != LineKindName::Lot
        && (fields.quantity.is_some() || fields.unit_price.is_some())
    {
        return Err(Invalid::field(
            at("quantity"),
            "unexpected",
            "only for a lot line",
        ));
    }
    let item = match fields.kind {
        LineKindName::Piece => Item::Piece(fields.piece_id.ok_or_else(|| missing("pieceId"))?),
        LineKindName::Lot => Item::Lot {
            lot_id: fields.lot_id.ok_or_else(|| missing("lotId"))?,
            quantity: fields.quantity.clone().ok_or_else(|| missing("quantity"))?,
            unit_price: fields
                .unit_price
                .as_deref()
                .map(|price| Money::parse(&at("unitPrice"), price))
                .transpose()?,
            making: fields
                .making
                .as_ref()
                .map(|making| making.check(&at("making")))
                .transpose()?,
        },
        LineKindName::Service | LineKindName::Material => {
            let description = fields
                .description
                .as_deref()
                .ok_or_else(|| missing("description"))?
                .trim();
            if description.is_empty() || description.chars().count() > 120 {
                return Err(Invalid::field(
                    at("description"),
                    "length",
                    "1 to 120 characters",
                ));
            }
            let amount = fields.amount.as_deref().ok_or_else(|| missing("amount"))?;
            let (description, amount) =
                (description.to_owned(), Money::parse(&at("amount"), amount)?);
            if fields.kind == LineKindName::Material {
                Item::Material {
                    description,
                    amount,
                }
            } else {
                Item::Service {
                    description,
                    amount,
                }
            }
        }
        LineKindName::GiftVoucher => {
            if discount.is_some() {
                return Err(Invalid::field(
                    at("discount"),
                    "unexpected",
                    "a gift voucher is sold at its value",
                ));
            }
            let amount = fields.amount.as_deref().ok_or_else(|| missing("amount"))?;
            let amount = Money::parse(&at("amount"), amount)?;
            if amount.is_zero() {
                return Err(Invalid::field(at("amount"), "too_small", "more than 0"));
            }
            Item::GiftVoucher { amount }
        }
    };
    Ok(LineRequest { item, discount })
}
