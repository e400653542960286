//! Integrations: what other systems connect through without asking us.
//! Outbound webhooks (Standard Webhooks v1): endpoints, their secrets,
//! test pings, replays and every attempt.

pub mod event_payloads;
mod webhook_dto;
mod webhook_endpoints;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(webhook_endpoints::configure);
}
