//! What the audit trail keeps of a bill: built from the domain's invoice,
//! not from the API's view of it, so that renaming a field of the API
//! leaves the history as it was written. Amounts are decimal text, as
//! everywhere money leaves the program.

use chrono::{DateTime, Utc};
use jewel_domain::invoice::{Invoice, Quote, Settlement};
use jewel_domain::pricing::{Supply, TaxKind, TaxLine};
use serde::Serialize;

/// An invoice (or a quote's priced bill) as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRecord {
    pub id: uuid::Uuid,
    /// `draft`, `issued`, `partially_paid`, `paid` or `cancelled`.
    pub status: &'static str,
    pub number: Option<String>,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub quote_id: Option<uuid::Uuid>,
    pub place_of_supply: String,
    /// `within_state` or `inter_state`.
    pub supply: &'static str,
    pub lines: Vec<LineRecord>,
    pub taxable_value: String,
    pub taxes: Vec<TaxRecord>,
    pub round_off: String,
    pub total: String,
    pub paid: String,
    pub payments: Vec<PaymentRecord>,
    pub credit_notes: Vec<CreditNoteRecord>,
    pub approved_by: Option<uuid::Uuid>,
    pub sales_people: Vec<uuid::Uuid>,
    pub note: Option<String>,
    pub issued_by: Option<uuid::Uuid>,
    pub issued_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<uuid::Uuid>,
    pub cancel_reason: Option<String>,
    pub version: i32,
}

/// One line of a bill: what it sold and what it came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineRecord {
    pub id: Option<uuid::Uuid>,
    /// `piece`, `lot` or `service`.
    pub kind: &'static str,
    pub piece_id: Option<uuid::Uuid>,
    pub lot_id: Option<uuid::Uuid>,
    pub quantity: Option<i64>,
    pub description: String,
    pub hsn: String,
    pub discount: String,
    pub taxable_value: String,
    pub tax: String,
    pub returned_by: Option<uuid::Uuid>,
}

/// A tax of the bill, summed by kind and rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxRecord {
    /// `CGST`, `SGST` or `IGST`.
    pub kind: &'static str,
    pub rate: String,
    pub amount: String,
}

/// A payment taken against the bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRecord {
    pub id: uuid::Uuid,
    pub method: &'static str,
    pub amount: String,
    pub reference: Option<String>,
    pub received_by: uuid::Uuid,
    pub received_at: DateTime<Utc>,
}

/// A return against the bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteRecord {
    pub id: uuid::Uuid,
    pub number: String,
    pub line_ids: Vec<uuid::Uuid>,
    /// `store_credit`, or `refund:` and the method.
    pub settlement: String,
    pub total: String,
}

/// A quote as the audit trail keeps it: its bill and until when it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteRecord {
    pub bill: InvoiceRecord,
    pub valid_until: DateTime<Utc>,
    pub invoice_id: Option<uuid::Uuid>,
}

impl From<&Quote> for QuoteRecord {
    fn from(quote: &Quote) -> Self {
        Self {
            bill: InvoiceRecord::from(&quote.bill),
            valid_until: quote.valid_until,
            invoice_id: quote.invoice_id,
        }
    }
}

fn tax_kind(kind: TaxKind) -> &'static str {
    match kind {
        TaxKind::Cgst => "CGST",
        TaxKind::Sgst => "SGST",
        TaxKind::Igst => "IGST",
    }
}

fn taxes(lines: &[TaxLine]) -> Vec<TaxRecord> {
    lines
        .iter()
        .map(|t| TaxRecord {
            kind: tax_kind(t.kind),
            rate: t.rate.to_string(),
            amount: t.amount.to_string(),
        })
        .collect()
}

impl From<&Invoice> for InvoiceRecord {
    fn from(invoice: &Invoice) -> Self {
        let lines = invoice
            .lines
            .iter()
            .zip(&invoice.bill.lines)
            .enumerate()
            .map(|(i, (line, priced))| LineRecord {
                id: invoice.line_ids.get(i).copied(),
                kind: line.kind.as_str(),
                piece_id: line.piece_id,
                lot_id: line.lot_id,
                quantity: line.quantity,
                description: line.description.clone(),
                hsn: line.hsn.clone(),
                discount: line.discount_amount.to_string(),
                taxable_value: priced.breakup.taxable_value.to_string(),
                tax: priced.breakup.tax_total.to_string(),
                returned_by: line.returned_by,
            })
            .collect();
        Self {
            id: invoice.id,
            status: invoice.status.as_str(),
            number: invoice.number.clone(),
            branch_id: invoice.branch_id,
            customer_id: invoice.customer_id,
            quote_id: invoice.quote_id,
            place_of_supply: invoice.place_of_supply.clone(),
            supply: match invoice.supply {
                Supply::WithinState => "within_state",
                Supply::InterState => "inter_state",
            },
            lines,
            taxable_value: invoice.bill.taxable_value.to_string(),
            taxes: taxes(&invoice.bill.taxes),
            round_off: invoice.bill.round_off.to_string(),
            total: invoice.bill.total.to_string(),
            paid: invoice.paid.to_string(),
            payments: invoice
                .payments
                .iter()
                .map(|p| PaymentRecord {
                    id: p.id,
                    method: p.method.as_str(),
                    amount: p.amount.to_string(),
                    reference: p.reference.clone(),
                    received_by: p.received_by,
                    received_at: p.received_at,
                })
                .collect(),
            credit_notes: invoice
                .credit_notes
                .iter()
                .map(|n| CreditNoteRecord {
                    id: n.id,
                    number: n.number.clone(),
                    line_ids: n.line_ids.clone(),
                    settlement: match n.settlement {
                        Settlement::StoreCredit => "store_credit".to_owned(),
                        Settlement::Refund(method) => format!("refund:{}", method.as_str()),
                    },
                    total: n.bill.total.to_string(),
                })
                .collect(),
            approved_by: invoice.approved_by,
            sales_people: invoice.sales_people.clone(),
            note: invoice.note.clone(),
            issued_by: invoice.issued_by,
            issued_at: invoice.issued_at,
            cancelled_by: invoice.cancelled_by,
            cancel_reason: invoice.cancel_reason.clone(),
            version: invoice.version,
        }
    }
}
