//! Billing: drafting and issuing bills (the gapless number, the stock
//! sold, the payments taken), payments, cancels and returns after, and the events every change of a bill tells the rest
//! of the business.

pub mod drafts;
pub mod error;
pub mod events;
pub mod gift_vouchers;
pub mod issue;
pub mod pricing;
pub mod record;
pub mod settle;
pub mod store_credit;

use jewel_domain::billing::FinancialYear;
use jewel_domain::invoice::{Invoice, InvoiceStatus};
use jewel_domain::measure::Money;
use jewel_domain::piece::HallmarkRule;
use jewel_persistence::repos::invoices::Invoices;

pub use error::BillingError;

use crate::Unit;
use events::{CreditNoteIssued, InvoiceCancelled, InvoiceIssued, PaymentReceived};

/// The business's billing rules (from settings).
#[derive(Debug, Clone)]
pub struct BillingRules {
    /// The month a financial year starts in (4: April to March).
    pub financial_year_start_month: u32,
    /// Cash received for one bill must stay below this.
    pub cash_limit: Money,
    /// A bill of this or more needs the customer's PAN.
    pub pan_threshold: Money,
    /// How old a draft's prices may be when it is issued, in minutes.
    pub price_valid_minutes: u32,
    /// Which pieces need a HUID before they are sold.
    pub hallmark: HallmarkRule,
}

/// The label of the financial year `at` falls in at `branch` (its own
/// clock): `2026-27`.
pub fn financial_year(
    rules: &BillingRules,
    branch: &jewel_domain::branch::Branch,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<String, BillingError> {
    let zone: chrono_tz::Tz = branch
        .timezone
        .parse()
        .map_err(|_| BillingError::BranchTimezone)?;
    let local = at.with_timezone(&zone).date_naive();
    let start_month = rules.financial_year_start_month;
    Ok(FinancialYear::of(local, start_month).label(start_month))
}

/// Reads the invoice back after a change made in `unit` and records the
/// events the change tells of: see [`tell`].
pub async fn changed(unit: &mut Unit, before: &Invoice) -> Result<Invoice, BillingError> {
    let after = Invoices::get(unit.txn().await?, before.id)
        .await?
        .ok_or(BillingError::NotFound)?;
    tell(unit, before, &after)?;
    Ok(after)
}

/// Records the events a change of an invoice tells of, judged from before
/// and after: issued, payments received, credit notes issued, cancelled.
pub fn tell(unit: &mut Unit, before: &Invoice, after: &Invoice) -> Result<(), BillingError> {
    if before.status == InvoiceStatus::Draft && after.status.is_sale() {
        unit.emit(&InvoiceIssued::of(after))?;
    }
    if let Some(received) = PaymentReceived::between(before, after) {
        unit.emit(&received)?;
    }
    for note in CreditNoteIssued::between(before, after) {
        unit.emit(&note)?;
    }
    if before.status != InvoiceStatus::Cancelled && after.status == InvoiceStatus::Cancelled {
        unit.emit(&InvoiceCancelled::of(before, after))?;
    }
    Ok(())
}
