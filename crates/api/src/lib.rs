//! The jewel-crm HTTP API: configuration, the server, its middleware, the
//! error model, the cache, the OpenAPI document and every route.

// The examples of the largest documents (an invoice inside a quote) nest
// deeper than `json!`'s default limit.
#![recursion_limit = "256"]

pub mod audit;
pub mod auth;
pub mod cache;
pub mod compression;
pub mod config;
pub mod connection;
pub mod contract;
pub mod documents;
pub mod error;
pub mod extract;
pub mod holds;
pub mod idempotency;
pub mod import_worker;
pub mod notifiers;
pub mod openapi;
pub mod openapi_webhooks;
pub mod photo_store;
pub mod price_keys;
pub mod rate_limit;
pub mod rates;
pub mod request_context;
pub mod request_guard;
pub mod request_schemas;
pub mod routes;
pub mod sealing;
pub mod seed;
pub mod service_errors;
pub mod startup;
pub mod state;
pub mod strict_json;
pub mod telemetry;
pub mod webhook_poster;
pub mod workers;
