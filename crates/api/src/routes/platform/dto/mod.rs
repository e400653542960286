//! The wire types of platform's routes, one module per resource: request
//! bodies and query parameters, the answers, their enums.

pub mod events;
pub mod health;
