//! The invoice as it is shown: every line's breakup, the tax lines, the
//! payments and credit notes.

use chrono::{DateTime, Utc};
use jewel_domain::billing::amount_in_words;
use jewel_domain::invoice::{BillLine, CreditNote, Invoice, InvoiceStatus, Payment, Settlement};
use jewel_domain::lot::LotUnit;
use jewel_domain::measure::Money;
use jewel_domain::pricing::Supply;
use serde::Serialize;
use utoipa::ToSchema;

use crate::routes::wire::price::{
    ChargeLine, MakingLine, MakingModeName, StoneLine, TaxLineView, WastageLine,
};
use crate::routes::{
    wire::MetalName, wire::MoneyText, wire::PercentText, wire::SignedMoneyText, wire::WeightText,
};

use crate::routes::billing::dto::invoices::*;

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
    /// HSN of the goods or SAC of the service; empty for a gift voucher,
    /// which is no supply.
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
    /// What the goods taken back come to, tax included.
    #[schema(value_type = MoneyText)]
    total: String,
    /// Of the total, what goes back as money (refunded by `refundMethod`, or
    /// kept as the customer's store credit): the share the bill paid in
    /// loyalty points goes back as points instead.
    #[schema(value_type = MoneyText)]
    money_back: String,
    created_by: uuid::Uuid,
    created_at: DateTime<Utc>,
}

impl CreditNoteView {
    fn of(c: &CreditNote, invoice: &Invoice) -> Self {
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
            money_back: invoice.money_back(c.bill.total).to_string(),
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
    "creditNotes": [], "credited": "0.00", "schemeEnrolmentId": null,
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
    /// The savings scheme enrolment whose making waiver the bill took (its
    /// lines' making discounts); the bill is paid from it.
    scheme_enrolment_id: Option<uuid::Uuid>,
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
            scheme_enrolment_id: invoice.waiver_enrolment_id,
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
                .map(|c| CreditNoteView::of(c, invoice))
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
