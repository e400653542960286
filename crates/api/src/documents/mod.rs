//! Documents the business hands out: the tax invoice, laid out once
//! ([`printed::PrintedInvoice`]) and rendered as an HTML page or a PDF with
//! the same content; the PDF also goes with the invoice's e-mail.

pub mod invoice_pdf;
pub mod printed;

use jewel_domain::invoice::Invoice;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::{ConnectionTrait, Database, RepoError};
use jewel_services::engagement::notifier::{Attachment, Enclosures};

use printed::PrintedInvoice;

/// `invoice` laid out for print, with its branch and buyer read.
pub async fn printed_invoice(
    db: &impl ConnectionTrait,
    invoice: &Invoice,
) -> Result<PrintedInvoice, RepoError> {
    let branch = Branches::get(db, invoice.branch_id)
        .await?
        .ok_or(RepoError::NotFound)?;
    let buyer = match invoice.customer_id {
        Some(id) => Customers::get(db, id).await?,
        None => None,
    };
    Ok(PrintedInvoice::of(invoice, &branch, buyer.as_ref()))
}

/// The PDF's file name: the invoice number with `/` as `-`.
pub fn pdf_file_name(invoice: &Invoice) -> String {
    let number = invoice.number.as_deref().unwrap_or("draft-invoice");
    format!("{}.pdf", number.replace('/', "-"))
}

/// The tax invoice's PDF with an invoice's e-mail.
#[derive(Debug, Clone)]
pub struct InvoicePdfs {
    pub database: Database,
}

#[async_trait::async_trait]
impl Enclosures for InvoicePdfs {
    async fn for_message(
        &self,
        message: &jewel_domain::engagement::message::Message,
    ) -> anyhow::Result<Vec<Attachment>> {
        let invoice_id = match (&message.about, message.channel) {
            (Some((kind, id)), jewel_domain::engagement::MessageChannel::Email)
                if kind == "invoice" =>
            {
                *id
            }
            _ => return Ok(Vec::new()),
        };
        let db = self.database.connection();
        let invoice = Invoices::get(db, invoice_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("invoice {invoice_id} is gone"))?;
        let printed = printed_invoice(db, &invoice).await?;
        Ok(vec![Attachment {
            file_name: pdf_file_name(&invoice),
            content_type: "application/pdf".to_owned(),
            bytes: invoice_pdf::render(&printed)?,
        }])
    }
}
