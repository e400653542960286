//! Invoices: a draft is put together from pieces, lots and services, each
//! priced by the engine at the rates in force (its snapshot kept on the
//! line), with line and bill discounts and GST by the place of supply.
//! Issuing, payments and cancelling are in `invoice_actions`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::billing::amount_in_words;
use jewel_domain::invoice::{
    BillLine, CreditNote, Discount, DiscountOn, DiscountSize, HSN_JEWELLERY, Invoice,
    InvoiceStatus, LineKind, LineSnapshot, Payment, PaymentMethod, Settlement, price_lines,
};
use jewel_domain::lot::LotUnit;
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal_rate::CurrentRates;
use jewel_domain::piece::PieceStatus;
use jewel_domain::pricing::Supply;
use jewel_domain::{FieldError, Invalid, Role};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::invoices::{InvoiceFilter, Invoices};
use jewel_persistence::repos::lots::Lots;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::staff::Staff;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::designs::{MakingFields, MakingModeName};
use super::piece_price::{ChargeLine, MakingLine, StoneLine, TaxLineView, WastageLine};
use super::{
    wire::MetalName, wire::MoneyText, wire::Paged, wire::Pagination, wire::PercentText,
    wire::SignedMoneyText, wire::WeightText, wire::with_etag,
};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, Principal, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::rates::current_rates;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_invoice)
        .service(list_invoices)
        .service(get_invoice)
        .service(my_invoices)
        .service(my_invoice);
}

/// The most one bill may come to, in paise (10^12 of the currency).
const MOST_PAISE: i64 = 100_000_000_000_000;
/// The most lines on one bill.
const MOST_LINES: usize = 100;

wire_enum! {
    /// Where an invoice stands: `draft` (no number, stock untouched),
    /// `issued`, `partially_paid`, `paid`, `cancelled`.
    InvoiceStatusName mirrors InvoiceStatus {
        Draft = "draft", Issued = "issued", PartiallyPaid = "partially_paid",
        Paid = "paid", Cancelled = "cancelled",
    }
}

wire_enum! {
    /// What a line sells: a tagged `piece`, a quantity of a `lot`, or a `service`.
    LineKindName mirrors LineKind { Piece = "piece", Lot = "lot", Service = "service" }
}

wire_enum! {
    /// How a payment was made.
    PaymentMethodName mirrors PaymentMethod {
        Cash = "cash", Card = "card", Upi = "upi", BankTransfer = "bank_transfer",
        Cheque = "cheque", Voucher = "voucher", OldGold = "old_gold",
    }
}

/// What a discount is taken from: the making charge or the whole value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscountOnName {
    Making,
    Value,
}

/// A discount: a percentage or an amount (exactly one), of the making
/// charge or of the value before tax.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"on": "making", "percent": "10.00"}))]
pub struct DiscountFields {
    on: DiscountOnName,
    #[schema(value_type = Option<PercentText>)]
    percent: Option<String>,
    #[schema(value_type = Option<MoneyText>)]
    amount: Option<String>,
}

impl DiscountFields {
    fn of(d: Discount) -> Self {
        let (percent, amount) = match d.size {
            DiscountSize::Percent(p) => (Some(p.to_string()), None),
            DiscountSize::Amount(m) => (None, Some(m.to_string())),
        };
        Self {
            on: match d.on {
                DiscountOn::Making => DiscountOnName::Making,
                DiscountOn::Value => DiscountOnName::Value,
            },
            percent,
            amount,
        }
    }

    fn check(&self, field: &str) -> Result<Discount, Invalid> {
        let size = match (&self.percent, &self.amount) {
            (Some(p), None) => {
                DiscountSize::Percent(Percent::parse_share(&format!("{field}.percent"), p)?)
            }
            (None, Some(a)) => DiscountSize::Amount(Money::parse(&format!("{field}.amount"), a)?),
            _ => {
                return Err(Invalid::field(
                    field,
                    "one_of",
                    "give either percent or amount",
                ));
            }
        };
        Ok(Discount {
            on: match self.on {
                DiscountOnName::Making => DiscountOn::Making,
                DiscountOnName::Value => DiscountOn::Value,
            },
            size,
        })
    }
}

/// A line of a new bill: a `piece` by id; a `lot` by id and quantity
/// (priced at the metal rate for a lot of metal by weight, plus `making`;
/// otherwise at `unitPrice` per piece or per gram); or a `service` by its
/// description and amount.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"kind": "piece", "pieceId": "01936f0e-0000-7000-8000-0000000000e1",
                          "discount": {"on": "making", "percent": "10.00"}}))]
pub struct LineFields {
    kind: LineKindName,
    /// For `piece`: a piece in stock at the bill's branch.
    piece_id: Option<uuid::Uuid>,
    /// For `lot`.
    lot_id: Option<uuid::Uuid>,
    /// For `lot`: a whole count, or grams with 3 places for a lot sold by weight.
    #[schema(max_length = 16, pattern = r"^[0-9]{1,12}(\.[0-9]{1,3})?$")]
    quantity: Option<String>,
    /// For `lot`: the price per piece, or per gram of a lot by weight
    /// without a metal rate.
    #[schema(value_type = Option<MoneyText>)]
    unit_price: Option<String>,
    /// For a `lot` of metal by weight: the making charge.
    making: Option<MakingFields>,
    /// For `service`: what was done (`Engraving: "A & R"`).
    #[schema(max_length = 120)]
    description: Option<String>,
    /// For `service`: its price before tax.
    #[schema(value_type = Option<MoneyText>)]
    amount: Option<String>,
    /// The line's own discount.
    discount: Option<DiscountFields>,
}

/// A new invoice, saved as a draft: no number yet, stock untouched.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1",
    "lines": [
        {"kind": "piece", "pieceId": "01936f0e-0000-7000-8000-0000000000e1"},
        {"kind": "lot", "lotId": "01936f0e-0000-7000-8000-0000000000d1", "quantity": "1", "unitPrice": "1250.00"},
        {"kind": "service", "description": "Engraving", "amount": "300.00"}
    ],
    "discount": {"on": "making", "amount": "500.00"},
    "salesPeople": ["01936f0e-0000-7000-8000-000000000012"],
    "note": "Wedding order; delivery on Friday"
}))]
pub struct NewInvoice {
    branch_id: uuid::Uuid,
    /// `null` for a walk-in customer (only below the PAN threshold).
    customer_id: Option<uuid::Uuid>,
    /// The state code of the place of supply; the branch's state when not
    /// given. Another state's code makes the tax IGST.
    #[schema(pattern = "^[0-9]{2}$", max_length = 2)]
    place_of_supply: Option<String>,
    /// 1 to 100 lines.
    #[schema(min_items = 1, max_items = 100)]
    lines: Vec<LineFields>,
    /// A discount on the whole bill, spread over the lines.
    discount: Option<DiscountFields>,
    /// Staff credited with the sale.
    #[schema(max_items = 5)]
    #[serde(default)]
    sales_people: Vec<uuid::Uuid>,
    #[schema(max_length = 500)]
    note: Option<String>,
}

/// A line of an invoice with its full breakup.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineView {
    id: uuid::Uuid,
    kind: LineKindName,
    piece_id: Option<uuid::Uuid>,
    lot_id: Option<uuid::Uuid>,
    #[schema(max_length = 16)]
    quantity: Option<String>,
    #[schema(max_length = 200)]
    description: String,
    /// HSN of the goods or SAC of the service.
    #[schema(max_length = 8)]
    hsn: String,
    #[schema(max_length = 32)]
    tag_number: Option<String>,
    #[schema(max_length = 6)]
    huid: Option<String>,
    metal: Option<MetalName>,
    #[schema(minimum = 1, maximum = 999)]
    fineness: Option<u16>,
    #[schema(value_type = Option<WeightText>)]
    gross_weight: Option<String>,
    #[schema(value_type = WeightText)]
    net_weight: String,
    /// The rate per gram the line was priced at (the snapshot).
    #[schema(value_type = MoneyText)]
    rate: String,
    #[schema(value_type = MoneyText)]
    metal_value: String,
    wastage: WastageLine,
    making: MakingLine,
    #[schema(max_items = 50)]
    stones: Vec<StoneLine>,
    #[schema(max_items = 10)]
    other_charges: Vec<ChargeLine>,
    /// Before discount.
    #[schema(value_type = MoneyText)]
    value: String,
    /// The line's own discount as asked.
    discount_asked: Option<DiscountFields>,
    /// The discount it carries: its own and its share of the bill's.
    #[schema(value_type = MoneyText)]
    discount: String,
    #[schema(value_type = MoneyText)]
    taxable_value: String,
    #[schema(max_items = 2)]
    taxes: Vec<TaxLineView>,
    #[schema(value_type = MoneyText)]
    tax_total: String,
    /// Taxable value plus tax.
    #[schema(value_type = MoneyText)]
    total: String,
    /// The credit note that took it back, once returned.
    returned_by: Option<uuid::Uuid>,
}

/// A credit note: lines taken back, their value and tax reversed as billed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteView {
    id: uuid::Uuid,
    /// Branch code, `CN`, financial year and a number without gaps.
    #[schema(max_length = 40)]
    number: String,
    #[schema(max_length = 500)]
    reason: String,
    /// `refund` (money back by `refundMethod`) or `store_credit`.
    #[schema(pattern = "^(refund|store_credit)$", max_length = 12)]
    settlement: &'static str,
    refund_method: Option<PaymentMethodName>,
    #[schema(max_items = 100)]
    line_ids: Vec<uuid::Uuid>,
    #[schema(value_type = MoneyText)]
    taxable_value: String,
    #[schema(max_items = 10)]
    taxes: Vec<TaxLineView>,
    #[schema(value_type = MoneyText)]
    tax_total: String,
    #[schema(value_type = SignedMoneyText)]
    round_off: String,
    /// What is refunded or credited.
    #[schema(value_type = MoneyText)]
    total: String,
    created_by: uuid::Uuid,
    created_at: DateTime<Utc>,
}

impl From<&CreditNote> for CreditNoteView {
    fn from(c: &CreditNote) -> Self {
        let (settlement, refund_method) = match c.settlement {
            Settlement::Refund(method) => ("refund", Some(method.into())),
            Settlement::StoreCredit => ("store_credit", None),
        };
        Self {
            id: c.id,
            number: c.number.clone(),
            reason: c.reason.clone(),
            settlement,
            refund_method,
            line_ids: c.line_ids.clone(),
            taxable_value: c.bill.taxable_value.to_string(),
            taxes: c.bill.taxes.iter().map(TaxLineView::from).collect(),
            tax_total: c.bill.tax_total.to_string(),
            round_off: c.bill.round_off.to_string(),
            total: c.bill.total.to_string(),
            created_by: c.created_by,
            created_at: c.created_at,
        }
    }
}

/// Old gold taken in exchange: weighed, tested, valued.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeView {
    metal: MetalName,
    #[schema(value_type = WeightText)]
    weight: String,
    #[schema(minimum = 1, maximum = 999)]
    tested_fineness: u16,
    /// The buying rate per gram used.
    #[schema(value_type = MoneyText)]
    rate: String,
    #[schema(value_type = PercentText)]
    deduction_percent: String,
    /// Weight x rate.
    #[schema(value_type = MoneyText)]
    gross_value: String,
    #[schema(value_type = MoneyText)]
    deduction: String,
    /// The credit on the bill.
    #[schema(value_type = MoneyText)]
    value: String,
}

/// A payment received.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    id: uuid::Uuid,
    method: PaymentMethodName,
    #[schema(value_type = MoneyText)]
    amount: String,
    #[schema(max_length = 80)]
    reference: Option<String>,
    /// For `old_gold`.
    old_gold: Option<ExchangeView>,
    received_by: uuid::Uuid,
    received_at: DateTime<Utc>,
}

impl From<&Payment> for PaymentView {
    fn from(p: &Payment) -> Self {
        Self {
            id: p.id,
            method: p.method.into(),
            amount: p.amount.to_string(),
            reference: p.reference.clone(),
            old_gold: p.exchange.map(|e| ExchangeView {
                metal: e.metal.into(),
                weight: e.old_gold.weight.to_string(),
                tested_fineness: e.old_gold.tested_fineness,
                rate: e.old_gold.rate.to_string(),
                deduction_percent: e.old_gold.deduction.to_string(),
                gross_value: e.value.gross.to_string(),
                deduction: e.value.deduction.to_string(),
                value: e.value.value.to_string(),
            }),
            received_by: p.received_by,
            received_at: p.received_at,
        }
    }
}

/// An invoice with every line's breakup, the tax lines, the round-off and
/// the payments.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000b1", "number": "MUM1/2026-27/000123",
    "financialYear": "2026-27", "status": "partially_paid",
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1", "quoteId": null,
    "placeOfSupply": "27", "supply": "within_state", "currency": "INR",
    "lines": [{
        "id": "01936f0e-0000-7000-8000-0000000000b2", "kind": "piece",
        "pieceId": "01936f0e-0000-7000-8000-0000000000e1", "lotId": null, "quantity": null,
        "description": "22K gold 916 necklace", "hsn": "7113", "tagNumber": "GN-22-000123",
        "huid": "AB12CD", "metal": "gold", "fineness": 916, "grossWeight": "3.390",
        "netWeight": "3.390", "rate": "12800.00", "metalValue": "43392.00",
        "wastage": {"percent": "0.00", "amount": "0.00"},
        "making": {"mode": "percent", "value": "16.00", "amount": "6942.72"},
        "stones": [], "otherCharges": [], "value": "50334.72", "discountAsked": null,
        "discount": "0.00", "taxableValue": "50334.72",
        "taxes": [{"kind": "CGST", "rate": "1.5", "amount": "755.02"},
                  {"kind": "SGST", "rate": "1.5", "amount": "755.02"}],
        "taxTotal": "1510.04", "total": "51844.76", "returnedBy": null
    }],
    "discount": null, "value": "50334.72", "discountTotal": "0.00",
    "taxableValue": "50334.72",
    "taxes": [{"kind": "CGST", "rate": "1.5", "amount": "755.02"},
              {"kind": "SGST", "rate": "1.5", "amount": "755.02"}],
    "taxTotal": "1510.04", "grossTotal": "51844.76", "roundOff": "0.24", "total": "51845.00",
    "amountInWords": "Rupees Fifty One Thousand Eight Hundred Forty Five Only",
    "paid": "22540.00", "balance": "29305.00", "refundDue": "0.00",
    "creditNotes": [], "credited": "0.00",
    "payments": [{
        "id": "01936f0e-0000-7000-8000-0000000000b3", "method": "old_gold", "amount": "22540.00",
        "reference": null,
        "oldGold": {"metal": "gold", "weight": "2.000", "testedFineness": 916, "rate": "11500.00",
                    "deductionPercent": "2.00", "grossValue": "23000.00", "deduction": "460.00",
                    "value": "22540.00"},
        "receivedBy": "01936f0e-0000-7000-8000-000000000012", "receivedAt": "2026-11-21T09:35:00Z"
    }],
    "approvalNeeded": false, "approvedBy": null, "approvedAt": null,
    "salesPeople": ["01936f0e-0000-7000-8000-000000000012"], "note": null,
    "pricedAt": "2026-11-21T09:30:00Z", "createdBy": "01936f0e-0000-7000-8000-000000000012",
    "issuedBy": "01936f0e-0000-7000-8000-000000000012", "issuedAt": "2026-11-21T09:34:00Z",
    "cancelledBy": null, "cancelledAt": null, "cancelReason": null,
    "version": 3, "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:35:00Z"
}))]
pub struct InvoiceView {
    id: uuid::Uuid,
    /// Given when issued: branch code, financial year, a number without gaps.
    #[schema(max_length = 40)]
    number: Option<String>,
    #[schema(max_length = 9)]
    financial_year: Option<String>,
    status: InvoiceStatusName,
    branch_id: uuid::Uuid,
    customer_id: Option<uuid::Uuid>,
    /// The quote it was made from, at the quote's prices.
    quote_id: Option<uuid::Uuid>,
    #[schema(max_length = 2)]
    place_of_supply: String,
    /// `within_state` (CGST + SGST) or `inter_state` (IGST).
    #[schema(pattern = "^(within_state|inter_state)$", max_length = 12)]
    supply: &'static str,
    #[schema(max_length = 3, pattern = "^[A-Z]{3}$")]
    currency: String,
    #[schema(max_items = 100)]
    lines: Vec<InvoiceLineView>,
    /// The bill's discount as asked.
    discount: Option<DiscountFields>,
    /// Every line's value before discounts.
    #[schema(value_type = MoneyText)]
    value: String,
    /// All discounts, the lines' and the bill's.
    #[schema(value_type = MoneyText)]
    discount_total: String,
    #[schema(value_type = MoneyText)]
    taxable_value: String,
    /// By kind and rate.
    #[schema(max_items = 10)]
    taxes: Vec<TaxLineView>,
    #[schema(value_type = MoneyText)]
    tax_total: String,
    #[schema(value_type = MoneyText)]
    gross_total: String,
    #[schema(value_type = SignedMoneyText)]
    round_off: String,
    #[schema(value_type = MoneyText)]
    total: String,
    #[schema(max_length = 300)]
    amount_in_words: String,
    #[schema(value_type = MoneyText)]
    paid: String,
    #[schema(value_type = MoneyText)]
    balance: String,
    /// What a cancelled invoice owes back: everything paid on it.
    #[schema(value_type = MoneyText)]
    refund_due: String,
    #[schema(max_items = 20)]
    payments: Vec<PaymentView>,
    /// Returns against it.
    #[schema(max_items = 100)]
    credit_notes: Vec<CreditNoteView>,
    /// What the credit notes came to.
    #[schema(value_type = MoneyText)]
    credited: String,
    /// The discount is beyond the limit of the creator's role.
    approval_needed: bool,
    approved_by: Option<uuid::Uuid>,
    approved_at: Option<DateTime<Utc>>,
    #[schema(max_items = 5)]
    sales_people: Vec<uuid::Uuid>,
    #[schema(max_length = 500)]
    note: Option<String>,
    /// When the lines were priced (the rate snapshot).
    priced_at: DateTime<Utc>,
    created_by: uuid::Uuid,
    issued_by: Option<uuid::Uuid>,
    issued_at: Option<DateTime<Utc>>,
    cancelled_by: Option<uuid::Uuid>,
    cancelled_at: Option<DateTime<Utc>>,
    #[schema(max_length = 500)]
    cancel_reason: Option<String>,
    #[schema(minimum = 1)]
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl InvoiceView {
    pub(crate) fn of(invoice: &Invoice) -> Self {
        let bill = &invoice.bill;
        let lines = invoice
            .lines
            .iter()
            .zip(&invoice.line_ids)
            .zip(&bill.lines)
            .map(|((line, id), priced)| line_view(*id, line, priced))
            .collect();
        let refund_due = if invoice.status == InvoiceStatus::Cancelled {
            invoice.paid
        } else {
            Money::ZERO
        };
        Self {
            id: invoice.id,
            number: invoice.number.clone(),
            financial_year: invoice.financial_year.clone(),
            status: invoice.status.into(),
            branch_id: invoice.branch_id,
            customer_id: invoice.customer_id,
            quote_id: invoice.quote_id,
            place_of_supply: invoice.place_of_supply.clone(),
            supply: match invoice.supply {
                Supply::WithinState => "within_state",
                Supply::InterState => "inter_state",
            },
            currency: invoice.currency.clone(),
            lines,
            discount: invoice.discount.map(DiscountFields::of),
            value: bill.value.to_string(),
            discount_total: bill.discount.to_string(),
            taxable_value: bill.taxable_value.to_string(),
            taxes: bill.taxes.iter().map(TaxLineView::from).collect(),
            tax_total: bill.tax_total.to_string(),
            gross_total: bill.gross_total.to_string(),
            round_off: bill.round_off.to_string(),
            total: bill.total.to_string(),
            amount_in_words: amount_in_words(bill.total),
            paid: invoice.paid.to_string(),
            balance: if invoice.status == InvoiceStatus::Cancelled {
                Money::ZERO
            } else {
                invoice.balance()
            }
            .to_string(),
            refund_due: refund_due.to_string(),
            payments: invoice.payments.iter().map(PaymentView::from).collect(),
            credit_notes: invoice
                .credit_notes
                .iter()
                .map(CreditNoteView::from)
                .collect(),
            credited: invoice.credited().to_string(),
            approval_needed: invoice.approval_needed,
            approved_by: invoice.approved_by,
            approved_at: invoice.approved_at,
            sales_people: invoice.sales_people.clone(),
            note: invoice.note.clone(),
            priced_at: invoice.priced_at,
            created_by: invoice.created_by,
            issued_by: invoice.issued_by,
            issued_at: invoice.issued_at,
            cancelled_by: invoice.cancelled_by,
            cancelled_at: invoice.cancelled_at,
            cancel_reason: invoice.cancel_reason.clone(),
            version: invoice.version,
            created_at: invoice.created_at,
            updated_at: invoice.updated_at,
        }
    }
}

fn line_view(
    id: uuid::Uuid,
    line: &BillLine,
    priced: &jewel_domain::invoice::PricedLine,
) -> InvoiceLineView {
    let s = &line.snapshot;
    let b = &priced.breakup;
    let quantity = line.quantity.map(|q| {
        // Sold by weight when it has one (a count lot's is nil).
        if !s.net_weight.is_zero() {
            LotUnit::Weight.format(q)
        } else {
            LotUnit::Count.format(q)
        }
    });
    InvoiceLineView {
        id,
        kind: line.kind.into(),
        piece_id: line.piece_id,
        lot_id: line.lot_id,
        quantity,
        description: line.description.clone(),
        hsn: line.hsn.clone(),
        tag_number: s.tag_number.clone(),
        huid: s.huid.clone(),
        metal: s.purity.map(|p| p.metal().into()),
        fineness: s.purity.map(|p| p.fineness()),
        gross_weight: s.gross_weight.map(|w| w.to_string()),
        net_weight: s.net_weight.to_string(),
        rate: s.rate.to_string(),
        metal_value: b.metal_value.to_string(),
        wastage: WastageLine {
            percent: s.wastage.to_string(),
            amount: b.wastage.to_string(),
        },
        making: MakingLine {
            mode: MakingModeName::from(s.making.mode()),
            value: s.making.value_text(),
            amount: b.making.to_string(),
        },
        stones: s
            .stones
            .iter()
            .zip(&b.stones)
            .map(|(st, amount)| StoneLine {
                kind: st.kind.clone(),
                count: st.count,
                carats: st.carats.to_string(),
                amount: amount.to_string(),
            })
            .collect(),
        other_charges: s
            .other_charges
            .iter()
            .map(|(label, amount)| ChargeLine {
                label: label.clone(),
                amount: amount.to_string(),
            })
            .collect(),
        value: priced.value.to_string(),
        discount_asked: line.discount.map(DiscountFields::of),
        discount: b.discount.to_string(),
        taxable_value: b.taxable_value.to_string(),
        taxes: b.taxes.iter().map(TaxLineView::from).collect(),
        tax_total: b.tax_total.to_string(),
        total: b.gross_total.to_string(),
        returned_by: line.returned_by,
    }
}

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

/// Create a draft invoice: each line priced at the rates in force (the
/// snapshot is kept on the line), line and bill discounts, GST by the
/// place of supply (CGST + SGST in the branch's state, IGST otherwise), one
/// round-off. No number yet and stock untouched: issuing does both. A
/// discount beyond the caller's role limit marks the draft for a manager's
/// approval. Errors name `lines[i].field`. Needs `sales:write` in the branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "createInvoice",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = NewInvoice,
    responses(
        (status = 201, description = "The draft, priced.", body = InvoiceView),
        (status = 409, description = "A piece is not in stock (`lines[i].pieceId`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A line is not valid: unknown piece or lot, no rate for its metal, HUID pending, a discount beyond its base.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/invoices")]
pub async fn create_invoice(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesWrite>,
    request: IdempotentJson<NewInvoice>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let invoice = create(&state, &caller, request.body).await?;
        Answer::new(
            StatusCode::CREATED,
            Some(format!("/api/v1/invoices/{}", invoice.id)),
            &InvoiceView::of(&invoice),
        )
    })
    .await
}

async fn create(state: &AppState, caller: &Caller, body: NewInvoice) -> Result<Invoice, ApiError> {
    let invoice = priced_draft(state, caller, body).await?;
    let txn = jewel_persistence::begin_writing(state.database.connection()).await?;
    Invoices::insert(&txn, &invoice, caller.author()).await?;
    crate::audit::record(
        &txn,
        caller,
        "create",
        "invoice",
        invoice.id,
        None,
        Some(&InvoiceView::of(&invoice)),
    )
    .await?;
    idempotency::keep(
        &txn,
        StatusCode::CREATED,
        Some(format!("/api/v1/invoices/{}", invoice.id)),
        &InvoiceView::of(&invoice),
    )
    .await?;
    txn.commit().await?;
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

/// An invoice the caller may see: one of its branches.
pub(crate) async fn visible_invoice(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<Invoice, ApiError> {
    Invoices::get(state.database.connection(), id)
        .await?
        .filter(|i| caller.acts_in(i.branch_id))
        .ok_or(ApiError::NotFound)
}

/// Read an invoice with its full breakup and payments; its `ETag` is its
/// version. Needs `sales:read` in its branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "getInvoice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The invoice's id")),
    responses((status = 200, description = "The invoice.", body = InvoiceView))
)]
#[get("/api/v1/invoices/{id}")]
pub async fn get_invoice(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let invoice = visible_invoice(&state, &caller, *id).await?;
    Ok(with_etag(invoice.version, InvoiceView::of(&invoice)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceQuery {
    branch_id: Option<uuid::Uuid>,
    customer_id: Option<uuid::Uuid>,
    #[param(inline)]
    status: Option<InvoiceStatusName>,
    /// Issued at or after this time.
    issued_from: Option<DateTime<Utc>>,
    /// Issued before this time.
    issued_to: Option<DateTime<Utc>>,
}

/// List invoices, newest first, in the caller's branches; filter by
/// branch, customer, status and when they were issued. Needs `sales:read`.
#[utoipa::path(
    tag = "invoices",
    operation_id = "listInvoices",
    security(("bearer" = [])),
    params(InvoiceQuery, Pagination),
    responses((status = 200, description = "A page of invoices.", body = Paged<InvoiceView>))
)]
#[get("/api/v1/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesRead>,
    Query(query): Query<InvoiceQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<InvoiceView>>, ApiError> {
    let branches = match (caller.branch_scope(), query.branch_id) {
        (_, Some(branch)) if !caller.acts_in(branch) => Some(Vec::new()),
        (_, Some(branch)) => Some(vec![branch]),
        (Some(scope), None) => Some(scope.to_vec()),
        (None, None) => None,
    };
    let filter = InvoiceFilter {
        branches,
        customer_id: query.customer_id,
        status: query.status.map(Into::into),
        issued_from: query.issued_from,
        issued_to: query.issued_to,
        issued_only: false,
    };
    let page = Invoices::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, |i| InvoiceView::of(&i))))
}

/// Your own bills (customers logged in with `POST /api/v1/auth/customer-login`),
/// newest first: issued, paid, cancelled; never drafts. Staff and API
/// clients get 403 here.
#[utoipa::path(
    tag = "me",
    operation_id = "listMyInvoices",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "A page of your invoices.", body = Paged<InvoiceView>))
)]
#[get("/api/v1/me/invoices")]
pub async fn my_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<InvoiceView>>, ApiError> {
    let filter = InvoiceFilter {
        customer_id: Some(caller.customer()?),
        issued_only: true,
        ..InvoiceFilter::default()
    };
    let page = Invoices::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, |i| InvoiceView::of(&i))))
}

/// One of your own bills with its full breakup and payments; anyone
/// else's is 404.
#[utoipa::path(
    tag = "me",
    operation_id = "getMyInvoice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The invoice's id")),
    responses((status = 200, description = "The invoice.", body = InvoiceView))
)]
#[get("/api/v1/me/invoices/{id}")]
pub async fn my_invoice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let me = caller.customer()?;
    let invoice = Invoices::get(state.database.connection(), *id)
        .await?
        .filter(|i| i.customer_id == Some(me) && i.number.is_some())
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(invoice.version, InvoiceView::of(&invoice)))
}
