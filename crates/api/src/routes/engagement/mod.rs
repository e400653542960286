//! Engagement: the templates messages are written from, the triggers that
//! send them, and the messages themselves with every attempt at sending.

mod message_dto;
mod messages;
mod template_dto;
mod templates;
mod twilio_hooks;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(templates::configure)
        .configure(messages::configure)
        .configure(twilio_hooks::configure);
}
