//! The wire types of billing's routes, one module per resource: request
//! bodies and query parameters, the answers, their enums.

pub mod invoice_actions;
pub mod invoice_print;
pub mod invoice_returns;
pub mod invoices;
pub mod quotes;
