//! Sales and billing: quotes, invoices, payments, cancellation, returns with credit notes
//! and the printable bill.

pub use current::change_readers;
use utoipa_actix_web::service_config::ServiceConfig;

mod current;
pub mod dto;
pub mod invoice_actions;
pub mod invoice_print;
pub mod invoice_returns;
pub mod invoices;
pub mod job_bill;
pub mod quotes;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(invoices::configure)
        .configure(invoice_actions::configure)
        .configure(invoice_print::configure)
        .configure(invoice_returns::configure)
        .configure(quotes::configure)
        .configure(job_bill::configure);
}
