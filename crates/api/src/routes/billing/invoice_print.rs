//! The printable tax invoice: one HTML page with what a jeweller's bill
//! shows (seller and GSTIN, buyer, each piece's HUID, purity, weights,
//! rate, making, stones, the tax lines, round-off, amount in words,
//! payments), ready for the browser's print dialog.

use actix_web::web::Query;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::invoices::visible_invoice;

use super::dto::invoice_print::{HtmlPage, PdfBytes};
use crate::auth::caller::{Authorized, needs};
use crate::documents::printed::{COLUMNS, PrintedInvoice};
use crate::documents::{invoice_pdf, pdf_file_name, printed_invoice};
use crate::error::ApiError;
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

fn page(printed: &PrintedInvoice) -> String {
    let mut html = String::with_capacity(8 * 1024);
    let number = if printed.number.is_empty() {
        "Draft invoice"
    } else {
        &printed.number
    };
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{number}</title><style>\
         body{{font-family:sans-serif;font-size:12px;margin:24px}}\
         table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #999;padding:4px;text-align:left}}\
         td.n,th.n{{text-align:right}}h1{{font-size:16px;margin:0}}.muted{{color:#555}}\
         @media print{{body{{margin:0}}}}</style></head><body>\n",
        number = escape(number),
    ));
    let lines = |lines: &[String]| {
        lines
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    html.push_str(&format!(
        "<h1>{title}</h1>\n<p><strong>{name}</strong><br>{seller}</p>\n<p>{facts}</p>\n<p>{buyer}</p>\n",
        title = escape(&printed.title),
        name = escape(&printed.seller_name),
        seller = lines(&printed.seller_lines),
        facts = lines(&printed.facts),
        buyer = lines(&printed.buyer),
    ));
    html.push_str("<table><thead><tr>");
    for (name, numeric) in COLUMNS {
        let class = if numeric { " class=\"n\"" } else { "" };
        html.push_str(&format!("<th{class}>{}</th>", escape(name)));
    }
    html.push_str("</tr></thead><tbody>\n");
    for row in &printed.rows {
        html.push_str("<tr>");
        for (i, (cell, (_, numeric))) in row.cells.iter().zip(COLUMNS).enumerate() {
            let class = if numeric { " class=\"n\"" } else { "" };
            let mut text = escape(cell);
            if i == 1 {
                if let Some(tag) = &row.tag {
                    text.push_str(&format!(" <span class=\"muted\">({})</span>", escape(tag)));
                }
                for stone in &row.stones {
                    text.push_str(&format!(
                        "<br><span class=\"muted\">{}</span>",
                        escape(stone)
                    ));
                }
            }
            html.push_str(&format!("<td{class}>{text}</td>"));
        }
        html.push_str("</tr>\n");
    }
    html.push_str(
        "</tbody></table>\n<table style=\"width:auto;margin-top:8px;margin-left:auto\"><tbody>\n",
    );
    for (label, amount) in &printed.totals {
        html.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>\n",
            escape(label),
            escape(amount)
        ));
    }
    html.push_str(&format!(
        "<tr><td><strong>{}</strong></td><td class=\"n\"><strong>{}</strong></td></tr>\n</tbody></table>\n",
        escape(&printed.total.0),
        escape(&printed.total.1)
    ));
    html.push_str(&format!(
        "<p>Amount in words: <strong>{}</strong></p>\n",
        escape(&printed.in_words)
    ));
    if !printed.payments.is_empty() {
        html.push_str("<table><thead><tr><th>Payment</th><th>Details</th><th class=\"n\">Amount</th></tr></thead><tbody>\n");
        for [method, details, amount] in &printed.payments {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>\n",
                escape(method),
                escape(details),
                escape(amount)
            ));
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str(&format!(
        "<p>Paid: {} &nbsp; Balance due: {}</p>\n",
        escape(&printed.paid),
        escape(&printed.balance)
    ));
    if let Some(reason) = &printed.cancelled {
        html.push_str(&format!("<p>Cancelled: {}</p>\n", escape(reason)));
    }
    html.push_str(&format!(
        "<p class=\"muted\">{}</p>\n</body></html>\n",
        escape(printed.footnote)
    ));
    html
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    /// `html` (the default: a page for the browser's print dialog) or
    /// `pdf` (A4 landscape, the same content).
    #[param(inline)]
    format: Option<PrintFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PrintFormat {
    Html,
    Pdf,
}

/// The printable tax invoice as one HTML page (`text/html`), or with
/// `format=pdf` as a PDF (`application/pdf`) of the same content: seller and
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
    params(("id" = uuid::Uuid, Path, description = "The invoice's id"), PrintQuery),
    responses((status = 200, description = "The invoice as a printable HTML page, or as a PDF.", content(
        (HtmlPage = "text/html", example = "<!DOCTYPE html>\n<html lang=\"en\">...<h1>TAX INVOICE</h1>...</html>"),
        (PdfBytes = "application/pdf"))))
)]
#[get("/api/v1/invoices/{id}/print")]
pub async fn print_invoice(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesRead>,
    id: web::Path<uuid::Uuid>,
    Query(query): Query<PrintQuery>,
) -> Result<HttpResponse, ApiError> {
    let invoice = visible_invoice(&state, &caller, *id).await?;
    let printed = printed_invoice(state.database.connection(), &invoice).await?;
    if query.format == Some(PrintFormat::Pdf) {
        let pdf = invoice_pdf::render(&printed).map_err(|e| ApiError::Internal(e.into()))?;
        return Ok(HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((
                "Content-Disposition",
                format!("inline; filename=\"{}\"", pdf_file_name(&invoice)),
            ))
            .body(pdf));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page(&printed)))
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
        assert_eq!(
            crate::documents::printed::purity_text("gold", 916),
            "22K (916)"
        );
        assert_eq!(
            crate::documents::printed::purity_text("silver", 925),
            "silver 925"
        );
    }
}
