//! The wire types of identity's routes, one module per resource: request
//! bodies and query parameters, the answers, their enums.

pub mod api_clients;
pub mod audit_events;
pub mod auth;
pub mod branches;
pub mod jwks;
pub mod oauth;
pub mod sso;
pub mod staff;
