//! Engagement: the templates messages are written from, the triggers that
//! send them, the messages themselves with every attempt at sending, and
//! campaigns to segments of customers with their unsubscribe links, and
//! the devices the apps register for notifications.

mod campaign_dto;
mod campaigns;
mod devices;
mod message_dto;
mod messages;
mod segments;
mod template_dto;
mod templates;
mod twilio_hooks;
mod unsubscribe;
mod whatsapp_hooks;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(templates::configure)
        .configure(messages::configure)
        .configure(segments::configure)
        .configure(campaigns::configure)
        .configure(devices::configure)
        .configure(twilio_hooks::configure)
        .configure(whatsapp_hooks::configure)
        .configure(unsubscribe::configure);
}
