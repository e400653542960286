//! The wire types of invoices: what a client sends to draft a bill, and
//! the names of its enums, the list's filters (the shown invoice is in
//! `invoices::views`).

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::invoice::{Discount, DiscountOn, DiscountSize, InvoiceStatus, LineKind};
use jewel_domain::measure::{Money, Percent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::routes::wire::price::MakingFields;
use crate::routes::{wire::MoneyText, wire::PercentText};

wire_enum! {
    /// Where an invoice stands: `draft` (no number, stock untouched),
    /// `issued`, `partially_paid`, `paid`, `cancelled`.
    InvoiceStatusName mirrors InvoiceStatus {
        Draft = "draft", Issued = "issued", PartiallyPaid = "partially_paid",
        Paid = "paid", Cancelled = "cancelled",
    }
}

wire_enum! {
    /// What a line sells: a tagged `piece`, a quantity of a `lot`, a
    /// `service` (SAC 9988, at the services rate), a `gift_voucher` of the
    /// line's amount (no GST; the voucher is issued, its code listed at
    /// `/gift-vouchers?invoiceId=`, when the bill is paid in full), or
    /// `material`: new metal or stones put into the customer's own item
    /// (HSN 7113, at the goods rate), by description and amount as a
    /// service is.
    LineKindName mirrors LineKind {
        Piece = "piece", Lot = "lot", Service = "service", GiftVoucher = "gift_voucher",
        Material = "material",
    }
}

pub use crate::routes::wire::PaymentMethodName;

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
    pub(crate) on: DiscountOnName,
    #[schema(value_type = Option<PercentText>)]
    pub(crate) percent: Option<String>,
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) amount: Option<String>,
}

impl DiscountFields {
    pub(crate) fn of(d: Discount) -> Self {
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

    pub(crate) fn check(&self, field: &str) -> Result<Discount, Invalid> {
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
/// otherwise at `unitPrice` per piece or per gram); a `service` by its
/// description and amount; or a `gift_voucher` by its `amount` (its value,
/// without GST or discount).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"kind": "piece", "pieceId": "01936f0e-0000-7000-8000-0000000000e1",
                          "discount": {"on": "making", "percent": "10.00"}}))]
pub struct LineFields {
    pub(crate) kind: LineKindName,
    /// For `piece`: a piece in stock at the bill's branch.
    pub(crate) piece_id: Option<uuid::Uuid>,
    /// For `lot`.
    pub(crate) lot_id: Option<uuid::Uuid>,
    /// For `lot`: a whole count, or grams with 3 places for a lot sold by weight.
    #[schema(max_length = 16, pattern = r"^[0-9]{1,9}(\.[0-9]{1,3})?$")]
    pub(crate) quantity: Option<String>,
    /// For `lot`: the price per piece, or per gram of a lot by weight
    /// without a metal rate.
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) unit_price: Option<String>,
    /// For a `lot` of metal by weight: the making charge.
    pub(crate) making: Option<MakingFields>,
    /// For `service`: what was done (`Engraving: "A & R"`).
    #[schema(max_length = 120)]
    pub(crate) description: Option<String>,
    /// For `service`: its price before tax; for `gift_voucher`: its value.
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) amount: Option<String>,
    /// The line's own discount.
    pub(crate) discount: Option<DiscountFields>,
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
    pub(crate) branch_id: uuid::Uuid,
    /// `null` for a walk-in customer (only below the PAN threshold).
    pub(crate) customer_id: Option<uuid::Uuid>,
    /// The state code of the place of supply; the branch's state when not
    /// given. Another state's code makes the tax IGST.
    #[schema(max_length = 2, pattern = "^(0[1-9]|[12][0-9]|3[0-8]|97|99)$")]
    pub(crate) place_of_supply: Option<String>,
    /// 1 to 100 lines.
    #[schema(min_items = 1, max_items = 100)]
    pub(crate) lines: Vec<LineFields>,
    /// A discount on the whole bill, spread over the lines.
    pub(crate) discount: Option<DiscountFields>,
    /// A matured savings scheme enrolment of the customer whose plan
    /// waives a share of the making charge: the waiver becomes the making
    /// discount of each jewellery line (no other discount on the bill), and
    /// the bill is then paid from that scheme (payment method `scheme`).
    /// Drafts only, not quotes.
    pub(crate) scheme_enrolment_id: Option<uuid::Uuid>,
    /// Staff credited with the sale.
    #[schema(max_items = 5)]
    #[serde(default)]
    pub(crate) sales_people: Vec<uuid::Uuid>,
    #[schema(max_length = 500)]
    pub(crate) note: Option<String>,
}

/// A quote: a bill's lines priced now and kept at those prices while
/// it is valid (a scheme's making waiver is for the bill the scheme pays,
/// not for a quote).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1",
    "lines": [{"kind": "piece", "pieceId": "01936f0e-0000-7000-8000-0000000000e1"}],
    "discount": {"on": "making", "amount": "500.00"},
    "salesPeople": ["01936f0e-0000-7000-8000-000000000012"],
    "note": "Wedding order; valid for the week"
}))]
pub struct NewQuote {
    pub(crate) branch_id: uuid::Uuid,
    /// `null` for a walk-in customer.
    pub(crate) customer_id: Option<uuid::Uuid>,
    /// The state code of the place of supply; the branch's state when not
    /// given. Another state's code makes the tax IGST.
    #[schema(max_length = 2, pattern = "^(0[1-9]|[12][0-9]|3[0-8]|97|99)$")]
    pub(crate) place_of_supply: Option<String>,
    /// 1 to 100 lines.
    #[schema(min_items = 1, max_items = 100)]
    pub(crate) lines: Vec<LineFields>,
    /// A discount on the whole bill, spread over the lines.
    pub(crate) discount: Option<DiscountFields>,
    /// Staff credited with the sale.
    #[schema(max_items = 5)]
    #[serde(default)]
    pub(crate) sales_people: Vec<uuid::Uuid>,
    #[schema(max_length = 500)]
    pub(crate) note: Option<String>,
}

impl From<NewQuote> for NewInvoice {
    fn from(q: NewQuote) -> Self {
        Self {
            branch_id: q.branch_id,
            customer_id: q.customer_id,
            place_of_supply: q.place_of_supply,
            lines: q.lines,
            discount: q.discount,
            scheme_enrolment_id: None,
            sales_people: q.sales_people,
            note: q.note,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceQuery {
    pub(crate) branch_id: Option<uuid::Uuid>,
    pub(crate) customer_id: Option<uuid::Uuid>,
    #[param(inline)]
    pub(crate) status: Option<InvoiceStatusName>,
    /// Issued at or after this time.
    pub(crate) issued_from: Option<DateTime<Utc>>,
    /// Issued before this time.
    pub(crate) issued_to: Option<DateTime<Utc>>,
}
