//! The printable tax invoice: one HTML page with what a jeweller's bill
//! shows (seller and GSTIN, buyer, each piece's HUID, purity, weights,
//! rate, making, stones, the tax lines, round-off, amount in words,
//! payments), ready for the browser's print dialog.

use actix_web::{HttpResponse, get, web};
use jewel_domain::billing::amount_in_words;
use jewel_domain::branch::Branch;
use jewel_domain::customer::Customer;
use jewel_domain::invoice::{Invoice, InvoiceStatus, LineKind, PaymentMethod};
use jewel_domain::pricing::TaxKind;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use utoipa_actix_web::service_config::ServiceConfig;

use super::invoices::visible_invoice;

use super::dto::invoice_print::HtmlPage;
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::routes::wire::parse_timezone;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(print_invoice);
}

/// Text made safe inside HTML.
fn escape(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => safe.push_str("&amp;"),
            '<' => safe.push_str("&lt;"),
            '>' => safe.push_str("&gt;"),
            '"' => safe.push_str("&quot;"),
            '\'' => safe.push_str("&#39;"),
            c => safe.push(c),
        }
    }
    safe
}

/// Karat of a gold fineness as printed (`22K`), or the fineness itself.
fn purity_text(metal: &str, fineness: u16) -> String {
    let karat = match (metal, fineness) {
        ("gold", 999) => Some("24K"),
        ("gold", 995) => Some("24K"),
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

fn page(invoice: &Invoice, branch: &Branch, buyer: Option<&Customer>) -> String {
    let bill = &invoice.bill;
    let date = invoice
        .issued_at
        .unwrap_or(invoice.created_at)
        .with_timezone(&parse_timezone(&branch.timezone).unwrap_or(chrono_tz::Asia::Kolkata))
        .format("%d-%m-%Y %H:%M")
        .to_string();
    let title = match invoice.status {
        InvoiceStatus::Draft => "DRAFT: not a tax invoice".to_owned(),
        InvoiceStatus::Cancelled => "TAX INVOICE (CANCELLED)".to_owned(),
        _ => "TAX INVOICE".to_owned(),
    };
    let mut html = String::with_capacity(8 * 1024);
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{number}</title><style>\
         body{{font-family:sans-serif;font-size:12px;margin:24px}}\
         table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #999;padding:4px;text-align:left}}\
         td.n,th.n{{text-align:right}}h1{{font-size:16px;margin:0}}.muted{{color:#555}}\
         @media print{{body{{margin:0}}}}</style></head><body>\n",
        number = escape(invoice.number.as_deref().unwrap_or("Draft invoice")),
    ));
    html.push_str(&format!(
        "<h1>{title}</h1>\n<p><strong>{name}</strong><br>{address}<br>GSTIN: {gstin}<br>State code: {state}</p>\n",
        name = escape(&branch.name),
        address = escape(&branch.address),
        gstin = escape(branch.gstin.as_deref().unwrap_or("not registered")),
        state = escape(&branch.state_code),
    ));
    html.push_str(&format!(
        "<p>Invoice number: <strong>{number}</strong><br>Date: {date}<br>Place of supply: {place}</p>\n",
        number = escape(invoice.number.as_deref().unwrap_or("(given when issued)")),
        place = escape(&invoice.place_of_supply),
    ));
    match buyer {
        Some(c) => html.push_str(&format!(
            "<p>Buyer: <strong>{name}</strong><br>Mobile: {mobile}{pan}</p>\n",
            name = escape(&c.name),
            mobile = escape(&c.mobile),
            pan = c
                .pan
                .as_ref()
                .map(|p| format!("<br>PAN: {}", escape(&p.masked())))
                .unwrap_or_default(),
        )),
        None => html.push_str("<p>Buyer: walk-in customer</p>\n"),
    }
    html.push_str(
        "<table><thead><tr><th>#</th><th>Item</th><th>HSN/SAC</th><th>HUID</th><th>Purity</th>\
         <th class=\"n\">Gross wt (g)</th><th class=\"n\">Net wt (g)</th><th class=\"n\">Rate/g</th>\
         <th class=\"n\">Metal value</th><th class=\"n\">Wastage</th><th class=\"n\">Making</th>\
         <th class=\"n\">Stones</th><th class=\"n\">Other</th><th class=\"n\">Discount</th>\
         <th class=\"n\">Taxable value</th></tr></thead><tbody>\n",
    );
    for (i, (line, priced)) in invoice.lines.iter().zip(&bill.lines).enumerate() {
        let s = &line.snapshot;
        let b = &priced.breakup;
        let mut item = escape(&line.description);
        if let Some(tag) = &s.tag_number {
            item.push_str(&format!(" <span class=\"muted\">({})</span>", escape(tag)));
        }
        for (stone, amount) in s.stones.iter().zip(&b.stones) {
            item.push_str(&format!(
                "<br><span class=\"muted\">{} x{} {} ct: {amount}</span>",
                escape(&stone.kind),
                stone.count,
                stone.carats
            ));
        }
        let by_weight = line.kind == LineKind::Piece || !s.rate.is_zero();
        let weight = |w: Option<String>| {
            if by_weight {
                w.unwrap_or_default()
            } else {
                String::new()
            }
        };
        html.push_str(&format!(
            "<tr><td>{n}</td><td>{item}</td><td>{hsn}</td><td>{huid}</td><td>{purity}</td>\
             <td class=\"n\">{gross}</td><td class=\"n\">{net}</td><td class=\"n\">{rate}</td>\
             <td class=\"n\">{metal}</td><td class=\"n\">{wastage}</td><td class=\"n\">{making}</td>\
             <td class=\"n\">{stones}</td><td class=\"n\">{other}</td><td class=\"n\">{discount}</td>\
             <td class=\"n\">{taxable}</td></tr>\n",
            n = i + 1,
            hsn = escape(&line.hsn),
            huid = escape(s.huid.as_deref().unwrap_or("")),
            purity = s
                .purity
                .map(|p| purity_text(p.metal().as_str(), p.fineness()))
                .unwrap_or_default(),
            gross = weight(s.gross_weight.map(|w| w.to_string())),
            net = weight(Some(s.net_weight.to_string())),
            rate = if by_weight { s.rate.to_string() } else { String::new() },
            metal = b.metal_value,
            wastage = b.wastage,
            making = b.making,
            stones = b.stones_total,
            other = b.other_charges,
            discount = b.discount,
            taxable = b.taxable_value,
        ));
    }
    html.push_str(
        "</tbody></table>\n<table style=\"width:auto;margin-top:8px;margin-left:auto\"><tbody>\n",
    );
    let row = |label: &str, amount: String| {
        format!("<tr><td>{label}</td><td class=\"n\">{amount}</td></tr>\n")
    };
    html.push_str(&row("Taxable value", bill.taxable_value.to_string()));
    for tax in &bill.taxes {
        let kind = match tax.kind {
            TaxKind::Cgst => "CGST",
            TaxKind::Sgst => "SGST",
            TaxKind::Igst => "IGST",
        };
        html.push_str(&row(
            &format!("{kind} @ {}%", tax.rate.normalize()),
            tax.amount.to_string(),
        ));
    }
    html.push_str(&row("Round-off", bill.round_off.to_string()));
    html.push_str(&row(
        &format!("<strong>Total ({})</strong>", escape(&invoice.currency)),
        format!("<strong>{}</strong>", bill.total),
    ));
    html.push_str("</tbody></table>\n");
    html.push_str(&format!(
        "<p>Amount in words: <strong>{}</strong></p>\n",
        escape(&amount_in_words(bill.total))
    ));
    if !invoice.payments.is_empty() {
        html.push_str("<table><thead><tr><th>Payment</th><th>Details</th><th class=\"n\">Amount</th></tr></thead><tbody>\n");
        for p in &invoice.payments {
            let method = match p.method {
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
            };
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
                None => escape(p.reference.as_deref().unwrap_or("")),
            };
            html.push_str(&format!(
                "<tr><td>{method}</td><td>{details}</td><td class=\"n\">{}</td></tr>\n",
                p.amount
            ));
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str(&format!(
        "<p>Paid: {} &nbsp; Balance due: {}</p>\n",
        invoice.paid,
        invoice.balance()
    ));
    if let Some(reason) = &invoice.cancel_reason {
        html.push_str(&format!("<p>Cancelled: {}</p>\n", escape(reason)));
    }
    html.push_str("<p class=\"muted\">Tax on jewellery is charged on the full value of the new piece; old gold is a payment, not a discount.</p>\n</body></html>\n");
    html
}

/// The printable tax invoice as one HTML page (`text/html`): seller and
/// GSTIN, buyer (PAN masked), each line with HUID, purity, gross and net
/// weight, rate, metal value, wastage, making, stones, discount and taxable
/// value, the tax lines, round-off, total, the amount in words and the
/// payments (old gold with its weight, fineness, rate and deduction). A
/// draft prints as "DRAFT: not a tax invoice". Needs `sales:read` in its
/// branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "printInvoice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The invoice's id")),
    responses((status = 200, description = "The invoice as a printable HTML page.", content_type = "text/html", body = HtmlPage, example = "<!DOCTYPE html>\n<html lang=\"en\">...<h1>TAX INVOICE</h1>...</html>"))
)]
#[get("/api/v1/invoices/{id}/print")]
pub async fn print_invoice(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let invoice = visible_invoice(&state, &caller, *id).await?;
    let db = state.database.connection();
    let branch = Branches::get(db, invoice.branch_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let buyer = match invoice.customer_id {
        Some(id) => Customers::get(db, id).await?,
        None => None,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page(&invoice, &branch, buyer.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_karats_named() {
        assert_eq!(
            escape("<b>A & R's</b>"),
            "&lt;b&gt;A &amp; R&#39;s&lt;/b&gt;"
        );
        assert_eq!(purity_text("gold", 916), "22K (916)");
        assert_eq!(purity_text("silver", 925), "silver 925");
    }
}
