//! Pricing a new bill: each line at the rates in force, discounts within
//! the seller's limit, GST by the place of supply. Nothing is stored: the
//! result is a draft invoice, or the content of a quote.

use chrono::Utc;
use jewel_domain::branch::StateCode;
use jewel_domain::invoice::{
    BillLine, Discount, HSN_JEWELLERY, Invoice, InvoiceStatus, LineKind, LineSnapshot,
    SAC_SERVICES, price_lines,
};
use jewel_domain::lot::LotUnit;
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal::Purity;
use jewel_domain::metal_rate::CurrentRates;
use jewel_domain::piece::{HallmarkRule, MoveRefused, PieceStatus};
use jewel_domain::pricing::{MakingCharge, Supply};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::lots::Lots;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::staff::Staff;

use super::BillingError;

/// The most one bill may come to, in paise (10^12 of the currency).
const MOST_PAISE: i64 = 100_000_000_000_000;

/// A new bill as asked for, its fields already of the domain's types.
#[derive(Debug, Clone)]
pub struct BillRequest {
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    /// Where the goods go, when not the branch's own state.
    pub place_of_supply: Option<StateCode>,
    pub sales_people: Vec<uuid::Uuid>,
    pub note: Option<String>,
    /// The bill's own discount, over its lines, or why it could not be
    /// read; a refusal is told after the lines, as before the move.
    pub discount: Result<Option<Discount>, Invalid>,
    /// A savings scheme enrolment of the customer whose making waiver the
    /// bill takes.
    pub waiver_enrolment_id: Option<uuid::Uuid>,
    /// Each line, or why it could not be read: a line's refusal is told
    /// when its turn comes, after what the database says of the bill and
    /// of the lines before it (a request is refused for stored facts
    /// first, in the order of the request).
    pub lines: Vec<Result<LineRequest, Invalid>>,
}

/// A line of a new bill as asked for.
#[derive(Debug, Clone)]
pub struct LineRequest {
    pub item: Item,
    /// The line's own discount.
    pub discount: Option<Discount>,
}

/// What a line sells.
#[derive(Debug, Clone)]
pub enum Item {
    /// A piece in stock at the bill's branch.
    Piece(uuid::Uuid),
    /// Some of a lot: `quantity` as written (a count, or grams of a lot by
    /// weight), at `unit_price` or, for metal by weight without a price, at
    /// the day's rate plus `making`.
    Lot {
        lot_id: uuid::Uuid,
        quantity: String,
        unit_price: Option<Money>,
        making: Option<MakingCharge>,
    },
    /// A service (engraving, polishing) at a price before tax.
    Service { description: String, amount: Money },
    /// A gift voucher of `amount`, without GST or discount.
    GiftVoucher { amount: Money },
    /// New metal or stones put into the customer's own item, at a price
    /// before tax, taxed as goods.
    Material { description: String, amount: Money },
}

/// What a bill is priced by, besides its request.
#[derive(Debug, Clone)]
pub struct PricingTerms<'a> {
    pub rates: &'a CurrentRates,
    /// GST on goods and on services, in percent.
    pub gst: Percent,
    pub service_gst: Percent,
    pub hallmark: &'a HallmarkRule,
    pub currency: &'a str,
    /// The most discount the seller may give without a manager's
    /// approval, in percent of the value; `None` has no limit.
    pub discount_limit: Option<Percent>,
    /// The branches the seller acts in; `None` is every branch.
    pub branch_scope: Option<&'a [uuid::Uuid]>,
    /// Who prices the bill.
    pub author: uuid::Uuid,
}

/// Checks a new bill and prices it at the rates in force.
pub async fn price_bill(
    db: &impl ConnectionTrait,
    request: BillRequest,
    terms: &PricingTerms<'_>,
) -> Result<Invoice, BillingError> {
    let branch = Branches::get(db, request.branch_id)
        .await?
        .filter(|b| terms.branch_scope.is_none_or(|scope| scope.contains(&b.id)))
        .ok_or_else(|| Invalid::field("branchId", "out_of_scope", "not one of your branches"))?;
    let place_of_supply = request
        .place_of_supply
        .map_or_else(|| branch.state_code.clone(), |code| code.as_string());
    let supply = if place_of_supply == branch.state_code {
        Supply::WithinState
    } else {
        Supply::InterState
    };
    if let Some(customer) = request.customer_id {
        let customer = crate::crm::live_customer(db, customer)
            .await
            .map_err(|_| Invalid::field("customerId", "not_found", "no such customer"))?;
        if customer.erased_at.is_some() {
            return Err(Invalid::field("customerId", "erased", "this customer was erased").into());
        }
    }
    for (i, person) in request.sales_people.iter().enumerate() {
        if Staff::get(db, *person).await?.is_none() {
            return Err(Invalid::field(
                format!("salesPeople[{i}]"),
                "not_found",
                "no staff member has this id",
            )
            .into());
        }
    }
    let mut lines = Vec::with_capacity(request.lines.len());
    let mut pieces = std::collections::HashSet::new();
    for (index, asked) in request.lines.into_iter().enumerate() {
        let line = bill_line(db, branch.id, terms, index, asked?).await?;
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
    let discount = request.discount?;
    if let Some(d) = discount
        && d.on == jewel_domain::invoice::DiscountOn::Value
        && lines.iter().any(|l| l.kind == LineKind::GiftVoucher)
    {
        return Err(Invalid::field(
            "discount",
            "gift_voucher",
            "a bill with a gift voucher takes a discount on making, or on its other lines",
        )
        .into());
    }
    let waiver_enrolment_id = request.waiver_enrolment_id;
    if let Some(enrolment) = waiver_enrolment_id {
        crate::schemes::waiver::apply(db, enrolment, request.customer_id, discount, &mut lines)
            .await?;
    }
    let bill = price_lines(&mut lines, discount, supply).map_err(|e| e.into_invalid())?;
    if bill.total > Money::from_units(MOST_PAISE) {
        return Err(Invalid::field(
            "lines",
            "too_large",
            "a bill comes to at most 1,000,000,000,000.00",
        )
        .into());
    }
    // A scheme's waiver is the plan's, not the seller's: no approval.
    let approval_needed = waiver_enrolment_id.is_none()
        && terms
            .discount_limit
            .is_some_and(|limit| bill.discount_beyond(limit));
    let now = Utc::now();
    Ok(Invoice {
        id: uuid::Uuid::now_v7(),
        branch_id: branch.id,
        customer_id: request.customer_id,
        quote_id: None,
        status: InvoiceStatus::Draft,
        number: None,
        financial_year: None,
        place_of_supply,
        supply,
        currency: terms.currency.to_owned(),
        line_ids: lines.iter().map(|_| uuid::Uuid::now_v7()).collect(),
        lines,
        discount,
        waiver_enrolment_id,
        bill,
        paid: Money::ZERO,
        payments: Vec::new(),
        credit_notes: Vec::new(),
        approval_needed,
        approved_by: None,
        approved_at: None,
        sales_people: request.sales_people,
        note: request.note,
        priced_at: now,
        created_by: terms.author,
        issued_by: None,
        issued_at: None,
        cancelled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

/// The rate per gram in force for a purity, or a refusal naming `field`.
fn rate_for(rates: &CurrentRates, purity: Purity, field: &str) -> Result<Money, Invalid> {
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

/// Line `index` of the request made into a bill line, priced from the
/// rates in force.
async fn bill_line(
    db: &impl ConnectionTrait,
    branch: uuid::Uuid,
    terms: &PricingTerms<'_>,
    index: usize,
    asked: LineRequest,
) -> Result<BillLine, BillingError> {
    let at = |name: &str| format!("lines[{index}].{name}");
    let discount = asked.discount;
    Ok(match asked.item {
        Item::Piece(id) => {
            let piece = Pieces::get(db, id)
                .await?
                .filter(|p| p.branch_id == branch)
                .ok_or_else(|| {
                    Invalid::field(
                        at("pieceId"),
                        "not_found",
                        "no such piece at the bill's branch",
                    )
                })?;
            piece
                .check_move(PieceStatus::Sold, terms.hallmark)
                .map_err(|refusal| match refusal {
                    MoveRefused::Illegal { from, .. } => BillingError::PieceNotSellable {
                        line: index,
                        status: from.as_str().to_owned(),
                    },
                    MoveRefused::Invalid(invalid) => aimed_at(invalid, &at("pieceId")).into(),
                })?;
            let rate = rate_for(terms.rates, piece.purity, &at("pieceId"))?;
            BillLine {
                discount,
                ..BillLine::of_piece(&piece, rate, terms.gst)
            }
        }
        Item::Lot {
            lot_id,
            quantity,
            unit_price,
            making,
        } => {
            let lot = Lots::get(db, lot_id)
                .await?
                .ok_or_else(|| Invalid::field(at("lotId"), "not_found", "no such lot"))?;
            let quantity = lot.unit.parse_quantity(&at("quantity"), &quantity)?;
            let mut snapshot = LineSnapshot::of_amount("", Money::ZERO, terms.gst);
            snapshot.other_charges.clear();
            match (lot.unit, lot.purity, unit_price) {
                (LotUnit::Weight, Some(purity), None) => {
                    snapshot.purity = Some(purity);
                    snapshot.net_weight = Weight::from_units(quantity);
                    snapshot.gross_weight = Some(snapshot.net_weight);
                    snapshot.rate = rate_for(terms.rates, purity, &at("lotId"))?;
                    if let Some(making) = making {
                        snapshot.making = making;
                    }
                }
                (unit, _, Some(price)) => {
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
                (_, _, None) => {
                    return Err(Invalid::field(
                        at("unitPrice"),
                        "required",
                        "needed for a lot without a metal rate",
                    )
                    .into());
                }
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
        Item::Service {
            description,
            amount,
        } => BillLine {
            kind: LineKind::Service,
            piece_id: None,
            lot_id: None,
            quantity: None,
            description,
            hsn: SAC_SERVICES.to_owned(),
            snapshot: LineSnapshot::of_amount("service", amount, terms.service_gst),
            discount,
            discount_amount: Money::ZERO,
            returned_by: None,
        },
        Item::Material {
            description,
            amount,
        } => BillLine {
            kind: LineKind::Material,
            piece_id: None,
            lot_id: None,
            quantity: None,
            description,
            hsn: HSN_JEWELLERY.to_owned(),
            snapshot: LineSnapshot::of_amount("material", amount, terms.gst),
            discount,
            discount_amount: Money::ZERO,
            returned_by: None,
        },
        Item::GiftVoucher { amount } => BillLine {
            kind: LineKind::GiftVoucher,
            piece_id: None,
            lot_id: None,
            quantity: None,
            description: format!("Gift voucher of {amount}"),
            hsn: String::new(),
            snapshot: LineSnapshot::of_amount("gift voucher", amount, Percent::ZERO),
            discount: None,
            discount_amount: Money::ZERO,
            returned_by: None,
        },
    })
}

/// A rule broken by a line's piece, told of the line's `field`.
fn aimed_at(invalid: Invalid, field: &str) -> Invalid {
    Invalid::from_errors(
        invalid
            .into_errors()
            .into_iter()
            .map(|e| FieldError::new(field, &e.code, &e.message))
            .collect(),
    )
    .unwrap_or_else(|| Invalid::field(field, "invalid", "not valid"))
}
