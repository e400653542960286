//! The wire types of crm's routes, one module per resource: request
//! bodies and query parameters, the answers, their enums.

pub mod consents;
pub mod customer_csv;
pub mod customer_data;
pub mod customer_merge;
pub mod customers;
pub mod interactions;
pub mod me;
pub mod occasions;
pub mod tasks;
pub mod wish_list;
