//! The transports of each channel, chosen by `notify.*` settings: the log
//! by default; a mail server over SMTP or SendGrid's API for e-mail;
//! Twilio for SMS; Meta's Cloud API for WhatsApp; Firebase Cloud
//! Messaging for app notifications.

mod fcm;
mod refusals;
mod sendgrid;
mod smtp;
pub mod twilio;
mod whatsapp;

use std::sync::Arc;

use jewel_services::engagement::notifier::{LogNotifier, Notifiers};

use crate::config::{
    EmailTransport, NotifySettings, PushTransport, SmsTransport, WhatsappTransport,
};

/// The notifiers `settings` ask for; an invoice's e-mail takes its PDF
/// from `database`.
pub fn from_settings(
    settings: &NotifySettings,
    database: &jewel_persistence::Database,
) -> anyhow::Result<Notifiers> {
    let email: Arc<dyn jewel_services::engagement::notifier::Notifier> = match settings.email {
        EmailTransport::Log => Arc::new(LogNotifier),
        EmailTransport::Smtp => {
            let smtp = settings.smtp.as_ref().ok_or_else(|| {
                anyhow::anyhow!("notify.smtp is needed when notify.email is smtp")
            })?;
            Arc::new(smtp::SmtpNotifier::new(smtp)?)
        }
        EmailTransport::Sendgrid => {
            let sendgrid = settings.sendgrid.as_ref().ok_or_else(|| {
                anyhow::anyhow!("notify.sendgrid is needed when notify.email is sendgrid")
            })?;
            Arc::new(sendgrid::SendGridNotifier::new(sendgrid)?)
        }
    };
    let sms: Arc<dyn jewel_services::engagement::notifier::Notifier> = match settings.sms {
        SmsTransport::Log => Arc::new(LogNotifier),
        SmsTransport::Twilio => {
            let twilio = settings.twilio.as_ref().ok_or_else(|| {
                anyhow::anyhow!("notify.twilio is needed when notify.sms is twilio")
            })?;
            Arc::new(twilio::TwilioNotifier::new(twilio)?)
        }
    };
    let whatsapp: Arc<dyn jewel_services::engagement::notifier::Notifier> = match settings.whatsapp
    {
        WhatsappTransport::Log => Arc::new(LogNotifier),
        WhatsappTransport::Cloud => {
            let cloud = settings.whatsapp_cloud.as_ref().ok_or_else(|| {
                anyhow::anyhow!("notify.whatsapp_cloud is needed when notify.whatsapp is cloud")
            })?;
            Arc::new(whatsapp::WhatsappCloudNotifier::new(cloud)?)
        }
    };
    let push: Arc<dyn jewel_services::engagement::notifier::Notifier> = match settings.push {
        PushTransport::Log => Arc::new(LogNotifier),
        PushTransport::Fcm => {
            let fcm = settings
                .fcm
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("notify.fcm is needed when notify.push is fcm"))?;
            Arc::new(fcm::FcmNotifier::new(fcm)?)
        }
    };
    let enclosures = Arc::new(crate::documents::InvoicePdfs {
        database: database.clone(),
    });
    Ok(Notifiers {
        email,
        sms,
        whatsapp,
        push,
        enclosures,
    })
}
