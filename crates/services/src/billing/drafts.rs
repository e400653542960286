//! Drafts and quotes: storing a priced draft, a quote, a quote becoming a
//! draft; and what the audit trail keeps of any change of a bill.

use jewel_domain::invoice::{Invoice, Quote};
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::quotes::Quotes;

use super::BillingError;
use super::events::{QuoteConverted, QuoteCreated};
use super::record::{InvoiceRecord, QuoteRecord};
use crate::Unit;

/// Stores a priced draft; audited.
pub async fn draft(unit: &mut Unit, invoice: &Invoice) -> Result<(), BillingError> {
    let author = unit.actor().author();
    Invoices::insert(unit.txn().await?, invoice, author).await?;
    let record = InvoiceRecord::from(invoice);
    unit.audit("create", "invoice", invoice.id, None, Some(&record))?;
    Ok(())
}

/// Stores a quote; audited and told as `quote.created`.
pub async fn quote(unit: &mut Unit, quote: &Quote) -> Result<(), BillingError> {
    let author = unit.actor().author();
    Quotes::insert(unit.txn().await?, quote, author).await?;
    let record = QuoteRecord::from(quote);
    unit.audit("create", "quote", quote.bill.id, None, Some(&record))?;
    unit.emit(&QuoteCreated::of(&quote.bill, quote.valid_until))?;
    Ok(())
}

/// Stores the draft `invoice` that quote `quote_id` became, told as
/// `quote.converted`; a quote converted before is
/// [`BillingError::QuoteConverted`].
pub async fn convert(
    unit: &mut Unit,
    quote_id: uuid::Uuid,
    invoice: &Invoice,
) -> Result<(), BillingError> {
    if !Quotes::mark_converted(unit.txn().await?, quote_id, invoice.id).await? {
        return Err(BillingError::QuoteConverted);
    }
    draft(unit, invoice).await?;
    unit.emit(&QuoteConverted {
        quote_id,
        branch_id: invoice.branch_id,
        customer_id: invoice.customer_id,
        invoice_id: invoice.id,
    })?;
    Ok(())
}

/// Audits a change of a bill from `before` to `after` under `action`.
pub fn audited(
    unit: &mut Unit,
    action: &str,
    before: &Invoice,
    after: &Invoice,
) -> Result<(), BillingError> {
    let (before, after) = (InvoiceRecord::from(before), InvoiceRecord::from(after));
    unit.audit(action, "invoice", after.id, Some(&before), Some(&after))?;
    Ok(())
}
