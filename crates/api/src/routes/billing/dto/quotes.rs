//! The wire types of `billing::quotes`: what its requests send and its answers show.

use crate::routes::billing::invoices::InvoiceView;
use chrono::{DateTime, Utc};
use jewel_domain::invoice::Quote;
use serde::Serialize;
use utoipa::ToSchema;

/// A quote: the bill as it would be invoiced, and how long its prices hold.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "validUntil": "2026-11-21T10:30:00Z", "expired": false, "invoiceId": null,
    "bill": {
        "id": "01936f0e-0000-7000-8000-0000000000a9", "number": null, "financialYear": null,
        "status": "draft", "branchId": "01936f0e-0000-7000-8000-000000000001",
        "customerId": "01936f0e-0000-7000-8000-0000000000c1", "quoteId": null, "placeOfSupply": "33",
        "supply": "within_state", "currency": "INR", "lines": [], "discount": null,
        "value": "50334.72", "discountTotal": "0.00", "taxableValue": "50334.72",
        "taxes": [{"kind": "CGST", "rate": "1.5", "amount": "755.02"},
                  {"kind": "SGST", "rate": "1.5", "amount": "755.02"}],
        "taxTotal": "1510.04", "grossTotal": "51844.76", "roundOff": "0.24", "total": "51845.00",
        "amountInWords": "Rupees Fifty One Thousand Eight Hundred Forty Five Only",
        "paid": "0.00", "balance": "51845.00", "refundDue": "0.00", "payments": [],
        "creditNotes": [], "credited": "0.00", "schemeEnrolmentId": null,
        "approvalNeeded": false, "approvedBy": null, "approvedAt": null, "salesPeople": [],
        "note": null, "pricedAt": "2026-11-21T09:30:00Z",
        "createdBy": "01936f0e-0000-7000-8000-000000000012", "issuedBy": null, "issuedAt": null,
        "cancelledBy": null, "cancelledAt": null, "cancelReason": null, "version": 1,
        "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
    }
}))]
pub struct QuoteView {
    /// The quote's lines and totals, shaped as an invoice (no number).
    pub(crate) bill: InvoiceView,
    /// Until when its prices hold.
    pub(crate) valid_until: DateTime<Utc>,
    pub(crate) expired: bool,
    /// The invoice it became.
    pub(crate) invoice_id: Option<uuid::Uuid>,
}

impl QuoteView {
    pub(crate) fn of(quote: &Quote) -> Self {
        Self {
            bill: InvoiceView::of(&quote.bill),
            valid_until: quote.valid_until,
            expired: !quote.is_valid_at(Utc::now()),
            invoice_id: quote.invoice_id,
        }
    }
}

/// Nothing to say: the quote says it all (an empty object).
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({}))]
pub struct ConvertFields {}
