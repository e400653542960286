//! What billing tells the rest of the business. Amounts are decimal
//! strings with their places (`"51845.00"`), as everywhere.

use chrono::{DateTime, Utc};
use jewel_domain::invoice::{CreditNote, Invoice, Payment};
use serde::{Deserialize, Serialize};

/// `invoice.issued`: a bill took its number; its stock is sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceIssued {
    pub invoice_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub taxable_value: String,
    pub tax_total: String,
    pub total: String,
    pub lines: usize,
    pub issued_at: DateTime<Utc>,
}

impl InvoiceIssued {
    pub fn of(invoice: &Invoice) -> Self {
        Self {
            invoice_id: invoice.id,
            number: invoice.number.clone().unwrap_or_default(),
            branch_id: invoice.branch_id,
            customer_id: invoice.customer_id,
            currency: invoice.currency.clone(),
            taxable_value: invoice.bill.taxable_value.to_string(),
            tax_total: invoice.bill.tax_total.to_string(),
            total: invoice.bill.total.to_string(),
            lines: invoice.lines.len(),
            issued_at: invoice.issued_at.unwrap_or_else(Utc::now),
        }
    }
}

/// One payment of [`PaymentReceived`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentLine {
    pub payment_id: uuid::Uuid,
    /// `cash`, `card`, `upi`, `bank_transfer`, `cheque`, `gift_voucher`, `old_gold`.
    pub method: String,
    pub amount: String,
}

/// `payment.received`: money (or old gold) taken on an issued bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentReceived {
    pub invoice_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub payments: Vec<PaymentLine>,
    /// What these payments add up to.
    pub amount: String,
    /// What is left to pay on the bill after them.
    pub balance: String,
    /// Whether they were taken as the bill was issued (the bill tells of
    /// them) rather than towards a bill issued earlier.
    #[serde(default)]
    pub at_issue: bool,
}

impl PaymentReceived {
    /// The payments of `after` that `before` did not have; `None` when
    /// there are none.
    pub fn between(before: &Invoice, after: &Invoice) -> Option<Self> {
        let new: Vec<&Payment> = after
            .payments
            .iter()
            .filter(|p| !before.payments.iter().any(|b| b.id == p.id))
            .collect();
        if new.is_empty() {
            return None;
        }
        let amount: jewel_domain::measure::Money = new.iter().map(|p| p.amount).sum();
        Some(Self {
            invoice_id: after.id,
            number: after.number.clone().unwrap_or_default(),
            branch_id: after.branch_id,
            customer_id: after.customer_id,
            currency: after.currency.clone(),
            payments: new
                .iter()
                .map(|p| PaymentLine {
                    payment_id: p.id,
                    method: p.method.as_str().to_owned(),
                    amount: p.amount.to_string(),
                })
                .collect(),
            amount: amount.to_string(),
            balance: after.balance().to_string(),
            at_issue: before.status == jewel_domain::invoice::InvoiceStatus::Draft,
        })
    }
}

/// `invoice.cancelled`: a bill (or a draft) cancelled; an issued bill's
/// stock is back and its number stays used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceCancelled {
    pub invoice_id: uuid::Uuid,
    /// None for a draft.
    pub number: Option<String>,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub total: String,
    /// Whether it had been issued (a sale undone) or was a draft.
    pub was_issued: bool,
    pub reason: String,
}

impl InvoiceCancelled {
    pub fn of(before: &Invoice, after: &Invoice) -> Self {
        Self {
            invoice_id: after.id,
            number: after.number.clone(),
            branch_id: after.branch_id,
            customer_id: after.customer_id,
            currency: after.currency.clone(),
            total: after.bill.total.to_string(),
            was_issued: before.status.is_sale(),
            reason: after.cancel_reason.clone().unwrap_or_default(),
        }
    }
}

/// `credit_note.issued`: goods taken back against a bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteIssued {
    pub credit_note_id: uuid::Uuid,
    pub number: String,
    pub invoice_id: uuid::Uuid,
    pub invoice_number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub lines: usize,
    pub total: String,
}

impl CreditNoteIssued {
    /// The credit notes of `after` that `before` did not have.
    pub fn between(before: &Invoice, after: &Invoice) -> Vec<Self> {
        after
            .credit_notes
            .iter()
            .filter(|c| !before.credit_notes.iter().any(|b| b.id == c.id))
            .map(|note: &CreditNote| Self {
                credit_note_id: note.id,
                number: note.number.clone(),
                invoice_id: after.id,
                invoice_number: after.number.clone().unwrap_or_default(),
                branch_id: after.branch_id,
                customer_id: after.customer_id,
                currency: after.currency.clone(),
                lines: note.line_ids.len(),
                total: note.bill.total.to_string(),
            })
            .collect()
    }
}

/// `quote.created`: prices given to a customer, held until `validUntil`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteCreated {
    pub quote_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub total: String,
    pub lines: usize,
    pub valid_until: DateTime<Utc>,
}

impl QuoteCreated {
    pub fn of(bill: &Invoice, valid_until: DateTime<Utc>) -> Self {
        Self {
            quote_id: bill.id,
            branch_id: bill.branch_id,
            customer_id: bill.customer_id,
            currency: bill.currency.clone(),
            total: bill.bill.total.to_string(),
            lines: bill.lines.len(),
            valid_until,
        }
    }
}

domain_event!(
    InvoiceIssued,
    "invoice.issued",
    "invoice",
    invoice_id,
    |e| Some(e.branch_id)
);
domain_event!(
    PaymentReceived,
    "payment.received",
    "invoice",
    invoice_id,
    |e| Some(e.branch_id)
);
domain_event!(
    InvoiceCancelled,
    "invoice.cancelled",
    "invoice",
    invoice_id,
    |e| Some(e.branch_id)
);
domain_event!(
    CreditNoteIssued,
    "credit_note.issued",
    "credit_note",
    credit_note_id,
    |e| Some(e.branch_id)
);
/// `gift_voucher.issued`: a gift voucher sold on a bill paid in full. The
/// code is not told: it reaches its holder printed with the bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GiftVoucherIssued {
    pub voucher_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub invoice_id: Option<uuid::Uuid>,
    /// The last four symbols of its code, as lists show it.
    pub code_ending: String,
    pub value: String,
    pub expires_at: DateTime<Utc>,
}

impl GiftVoucherIssued {
    pub fn of(voucher: &jewel_domain::gift_voucher::GiftVoucher, branch_id: uuid::Uuid) -> Self {
        Self {
            voucher_id: voucher.id,
            branch_id,
            customer_id: voucher.customer_id,
            invoice_id: voucher.invoice_id,
            code_ending: {
                let code = voucher.code.as_str();
                code[code.len().saturating_sub(4)..].to_owned()
            },
            value: voucher.value.to_string(),
            expires_at: voucher.expires_at,
        }
    }
}

domain_event!(
    GiftVoucherIssued,
    "gift_voucher.issued",
    "gift_voucher",
    voucher_id,
    |e| Some(e.branch_id)
);
domain_event!(QuoteCreated, "quote.created", "quote", quote_id, |e| Some(
    e.branch_id
));

/// `quote.converted`: a quote became a draft invoice at its prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteConverted {
    pub quote_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub invoice_id: uuid::Uuid,
}

domain_event!(QuoteConverted, "quote.converted", "quote", quote_id, |e| {
    Some(e.branch_id)
});
