//! Integrations: what other systems connect through without asking us.
//! Outbound webhooks (Standard Webhooks v1): endpoints, their secrets,
//! test pings, replays and every attempt; and the changes feed for those
//! that poll; bulk import jobs.

mod change_dto;
mod changes;
pub mod event_payloads;
mod import_job_dto;
mod import_jobs;
mod webhook_dto;
mod webhook_endpoints;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(webhook_endpoints::configure)
        .configure(changes::configure)
        .configure(import_jobs::configure);
}
