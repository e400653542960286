//! What a printed tax invoice shows, in order, as text: seller and GSTIN,
//! invoice number, date and place of supply, buyer (PAN masked), a row per
//! line (HUID, purity, weights, rate, metal value, wastage, making, stones,
//! discount, taxable value), the tax lines, round-off, total, the amount in
//! words, the payments (old gold with its weight, fineness, rate and
//! deduction), what is paid and due. The HTML page and the PDF both render
//! this.

use jewel_domain::billing::amount_in_words;
use jewel_domain::branch::Branch;
use jewel_domain::customer::Customer;
use jewel_domain::invoice::{Invoice, InvoiceStatus, LineKind, PaymentMethod};
use jewel_domain::pricing::TaxKind;

use crate::routes::wire::parse_timezone;

/// The line table's columns; the numbers' are right-aligned.
pub const COLUMNS: [(&str, bool); 15] = [
    ("#", false),
    ("Item", false),
    ("HSN/SAC", false),
    ("HUID", false),
    ("Purity", false),
    ("Gross wt (g)", true),
    ("Net wt (g)", true),
    ("Rate/g", true),
    ("Metal value", true),
    ("Wastage", true),
    ("Making", true),
    ("Stones", true),
    ("Other", true),
    ("Discount", true),
    ("Taxable value", true),
];

/// One line of the bill: its cells, and notes printed under the item
/// (its tag, each stone with its value).
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: [String; 15],
    pub tag: Option<String>,
    pub stones: Vec<String>,
}

/// A tax invoice as printed.
#[derive(Debug, Clone)]
pub struct PrintedInvoice {
    pub title: String,
    pub number: String,
    pub seller_name: String,
    pub seller_lines: Vec<String>,
    pub facts: Vec<String>,
    pub buyer: Vec<String>,
    pub rows: Vec<Row>,
    /// Taxable value, each tax, round-off; the total is apart.
    pub totals: Vec<(String, String)>,
    pub total: (String, String),
    pub in_words: String,
    /// Method, details, amount.
    pub payments: Vec<[String; 3]>,
    pub paid: String,
    pub balance: String,
    pub cancelled: Option<String>,
    pub footnote: &'static str,
}

/// Karat of a gold fineness as printed (`22K`), or the fineness itself.
pub fn purity_text(metal: &str, fineness: u16) -> String {
    let karat = match (metal, fineness) {
        ("gold", 999 | 995) => Some("24K"),
        ("gold", 916) => Some("22K"),
        ("gold", 750) => Some("18K"),
        ("gold", 585) => Some("14K"),
        ("gold", 375) => Some("9K"),
        _ => None,
    };
    match karat {
        Some(k) => format!("{k} ({fineness})"),
        None => format!("{metal} {fineness}"),
    }
}

fn method_name(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Cash => "Cash",
        PaymentMethod::Card => "Card",
        PaymentMethod::Upi => "UPI",
        PaymentMethod::BankTransfer => "Bank transfer",
        PaymentMethod::Cheque => "Cheque",
        PaymentMethod::GiftVoucher => "Gift voucher",
        PaymentMethod::Scheme => "Savings scheme",
        PaymentMethod::OldGold => "Old gold exchange",
        PaymentMethod::Points => "Loyalty points",
        PaymentMethod::StoreCredit => "Store credit",
        PaymentMethod::Advance => "Advance",
    }
}

impl PrintedInvoice {
    pub fn of(invoice: &Invoice, branch: &Branch, buyer: Option<&Customer>) -> Self {
        let bill = &invoice.bill;
        let date = invoice
            .issued_at
            .unwrap_or(invoice.created_at)
            .with_timezone(&parse_timezone(&branch.timezone).unwrap_or(chrono_tz::Asia::Kolkata))
            .format("%d-%m-%Y %H:%M")
            .to_string();
        let title = match invoice.status {
            InvoiceStatus::Draft => "DRAFT: not a tax invoice",
            InvoiceStatus::Cancelled => "TAX INVOICE (CANCELLED)",
            _ => "TAX INVOICE",
        };
        let buyer = match buyer {
            Some(c) => {
                let mut lines = vec![
                    format!("Buyer: {}", c.name),
                    format!("Mobile: {}", c.mobile),
                ];
                if let Some(pan) = &c.pan {
                    lines.push(format!("PAN: {}", pan.masked()));
                }
                lines
            }
            None => vec!["Buyer: walk-in customer".to_owned()],
        };
        let rows = invoice
            .lines
            .iter()
            .zip(&bill.lines)
            .enumerate()
            .map(|(i, (line, priced))| {
                let s = &line.snapshot;
                let b = &priced.breakup;
                let by_weight = line.kind == LineKind::Piece || !s.rate.is_zero();
                let weight = |w: Option<String>| {
                    if by_weight {
                        w.unwrap_or_default()
                    } else {
                        String::new()
                    }
                };
                Row {
                    cells: [
                        (i + 1).to_string(),
                        line.description.clone(),
                        line.hsn.clone(),
                        s.huid.clone().unwrap_or_default(),
                        s.purity
                            .map(|p| purity_text(p.metal().as_str(), p.fineness()))
                            .unwrap_or_default(),
                        weight(s.gross_weight.map(|w| w.to_string())),
                        weight(Some(s.net_weight.to_string())),
                        if by_weight {
                            s.rate.to_string()
                        } else {
                            String::new()
                        },
                        b.metal_value.to_string(),
                        b.wastage.to_string(),
                        b.making.to_string(),
                        b.stones_total.to_string(),
                        b.other_charges.to_string(),
                        b.discount.to_string(),
                        b.taxable_value.to_string(),
                    ],
                    tag: s.tag_number.clone(),
                    stones: s
                        .stones
                        .iter()
                        .zip(&b.stones)
                        .map(|(stone, amount)| {
                            format!(
                                "{} x{} {} ct: {amount}",
                                stone.kind, stone.count, stone.carats
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        let mut totals = vec![("Taxable value".to_owned(), bill.taxable_value.to_string())];
        for tax in &bill.taxes {
            let kind = match tax.kind {
                TaxKind::Cgst => "CGST",
                TaxKind::Sgst => "SGST",
                TaxKind::Igst => "IGST",
            };
            totals.push((
                format!("{kind} @ {}%", tax.rate.normalize()),
                tax.amount.to_string(),
            ));
        }
        totals.push(("Round-off".to_owned(), bill.round_off.to_string()));
        let payments = invoice
            .payments
            .iter()
            .map(|p| {
                let details = match &p.exchange {
                    Some(e) => format!(
                        "{} g of {} {} tested at {} x {}/g = {}, less {}% ({})",
                        e.old_gold.weight,
                        e.metal.as_str(),
                        e.old_gold.tested_fineness,
                        e.old_gold.tested_fineness,
                        e.old_gold.rate,
                        e.value.gross,
                        e.old_gold.deduction,
                        e.value.deduction
                    ),
                    None => p.reference.clone().unwrap_or_default(),
                };
                [
                    method_name(p.method).to_owned(),
                    details,
                    p.amount.to_string(),
                ]
            })
            .collect();
        Self {
            title: title.to_owned(),
            number: invoice.number.clone().unwrap_or_default(),
            seller_name: branch.name.clone(),
            seller_lines: vec![
                branch.address.clone(),
                format!(
                    "GSTIN: {}",
                    branch.gstin.as_deref().unwrap_or("not registered")
                ),
                format!("State code: {}", branch.state_code),
            ],
            facts: vec![
                format!(
                    "Invoice number: {}",
                    invoice.number.as_deref().unwrap_or("(given when issued)")
                ),
                format!("Date: {date}"),
                format!("Place of supply: {}", invoice.place_of_supply),
            ],
            buyer,
            rows,
            totals,
            total: (
                format!("Total ({})", invoice.currency),
                bill.total.to_string(),
            ),
            in_words: amount_in_words(bill.total),
            payments,
            paid: invoice.paid.to_string(),
            balance: invoice.balance().to_string(),
            cancelled: invoice.cancel_reason.clone(),
            footnote: "Tax on jewellery is charged on the full value of the new piece; old gold is a payment, not a discount.",
        }
    }
}
