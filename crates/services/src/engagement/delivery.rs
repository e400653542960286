//! The delivery worker's pass: takes due messages by lease (safe on several
//! replicas), decides at sending time whether each may go (consent,
//! address), hands it to its channel's notifier with no transaction open,
//! then writes the attempt and the message's next status together, while
//! it still holds the lease.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use jewel_domain::customer::consent::Purpose;
use jewel_domain::engagement::device::Holder;
use jewel_domain::engagement::dlt::DltRegistration;
use jewel_domain::engagement::message::{Message, MessageStatus, Outcome, SkipReason, after_try};
use jewel_domain::engagement::quiet::QuietHours;
use jewel_domain::engagement::{MessageChannel, Trigger};
use jewel_domain::task::TaskStatus;
use jewel_persistence::repos::consents::Consents;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::devices::Devices;
use jewel_persistence::repos::message_templates::MessageTemplates;
use jewel_persistence::repos::messages::{Attempt, Finished, Messages};
use jewel_persistence::repos::quotes::Quotes;
use jewel_persistence::repos::tasks::Tasks;
use jewel_persistence::{ConnectionTrait, Database, RepoError};

use super::devices::{devices_word, tokens_of};
use super::notifier::{Answer, Approved, Notifiers, Outgoing};
use super::unsubscribe::UnsubscribeLinks;
use super::zones::zone_of;

/// How the worker paces itself and when it gives up.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// Messages taken per pass.
    pub batch: u64,
    /// How long a worker holds a message it is sending; another takes it
    /// over after that.
    pub lease: Duration,
    /// The waits before each retry; after the last the message fails.
    pub schedule: Vec<Duration>,
    /// Whether transactional messages need the customer's consent for the
    /// channel (`false`: the business relies on another legal basis).
    pub transactional_needs_consent: bool,
    /// When marketing waits for the morning, in the branch's zone.
    pub quiet_hours: Option<QuietHours>,
    /// The unsubscribe links marketing carries in its headers.
    pub unsubscribe: Option<UnsubscribeLinks>,
    /// The most tries a transport (`smtp`, `twilio`, ...) makes a minute,
    /// across every replica; a message over it waits, queued, for the
    /// minute to make room.
    pub per_minute: BTreeMap<String, u32>,
    /// The shop's DLT registration (India): set, an SMS to an Indian
    /// number goes only with its template's content template id.
    pub dlt: Option<DltRegistration>,
}

/// One pass: every due message taken and tried. Returns how many.
pub async fn pass(
    database: &Database,
    notifiers: &Notifiers,
    settings: &DeliverySettings,
) -> Result<usize, RepoError> {
    let db = database.connection();
    let now = Utc::now();
    let until = now + settings.lease;
    let mut tried = 0;
    for id in Messages::due(db, now, settings.batch).await? {
        let token = uuid::Uuid::now_v7();
        if !Messages::lease(db, id, token, now, until).await? {
            continue;
        }
        let Some(message) = Messages::get(db, id).await? else {
            continue;
        };
        try_one(database, notifiers, settings, &message, token).await?;
        tried += 1;
    }
    Ok(tried)
}

/// Where a message goes, or why it does not.
enum Verdict {
    Send {
        to: String,
        name: String,
        /// The DLT content template id it goes with (an SMS to India
        /// when the shop is registered).
        dlt_template: Option<String>,
        /// The WhatsApp template Meta approved, for a WhatsApp message.
        whatsapp_name: Option<String>,
        /// An app notification's devices' registration tokens.
        devices: Vec<String>,
    },
    Skip(SkipReason),
}

async fn verdict(
    database: &Database,
    settings: &DeliverySettings,
    message: &Message,
) -> Result<Verdict, RepoError> {
    let db = database.connection();
    let Some(customer) = Customers::get(db, message.customer_id).await? else {
        return Ok(Verdict::Skip(SkipReason::Erased));
    };
    if customer.erased_at.is_some() {
        return Ok(Verdict::Skip(SkipReason::Erased));
    }
    if message.trigger == Trigger::TaskAssigned {
        return to_staff(db, message).await;
    }
    if !still_due(db, message).await? {
        return Ok(Verdict::Skip(SkipReason::NoLongerDue));
    }
    let needs_consent =
        message.purpose == Purpose::Marketing || settings.transactional_needs_consent;
    if needs_consent {
        let consents = Consents::current(db, customer.id).await?;
        let agreed = consents.iter().any(|c| {
            c.channel == message.channel.consent() && c.purpose == message.purpose && c.granted
        });
        if !agreed {
            return Ok(Verdict::Skip(SkipReason::NoConsent));
        }
    }
    let mut devices = Vec::new();
    let to = match message.channel {
        MessageChannel::Email => customer.email.clone().filter(|e| !e.is_empty()),
        MessageChannel::Sms | MessageChannel::Whatsapp => {
            Some(customer.mobile.clone()).filter(|m| !m.is_empty())
        }
        MessageChannel::Push => {
            devices = tokens_of(db, Holder::Customer(customer.id)).await?;
            if devices.is_empty() {
                return Ok(Verdict::Skip(SkipReason::NoDevice));
            }
            Some(devices_word(devices.len()))
        }
    };
    let Some(to) = to else {
        return Ok(Verdict::Skip(SkipReason::NoAddress));
    };
    let under_dlt = settings.dlt.is_some()
        && message.channel == MessageChannel::Sms
        && DltRegistration::applies_to(&to);
    let registered = if under_dlt || message.channel == MessageChannel::Whatsapp {
        match message.template_id {
            Some(id) => MessageTemplates::get(db, id).await?.map(|t| t.text),
            None => None,
        }
    } else {
        None
    };
    let (dlt_template, whatsapp_name) = match registered {
        Some(text) => (text.dlt_template_id, text.whatsapp_name),
        None => (None, None),
    };
    if under_dlt && dlt_template.is_none() {
        return Ok(Verdict::Skip(SkipReason::DltTemplateMissing));
    }
    if message.channel == MessageChannel::Whatsapp && whatsapp_name.is_none() {
        return Ok(Verdict::Skip(SkipReason::NoTemplate));
    }
    Ok(Verdict::Send {
        to,
        name: customer.name,
        dlt_template,
        whatsapp_name,
        devices,
    })
}

/// Where a task's message to the staff app goes: the devices of whoever
/// holds the task now, while it is open (no consent asked: it is work).
async fn to_staff(db: &impl ConnectionTrait, message: &Message) -> Result<Verdict, RepoError> {
    let task = match &message.about {
        Some((_, id)) => Tasks::get(db, *id).await?,
        None => None,
    };
    let Some(task) = task.filter(|t| t.status == TaskStatus::Open) else {
        return Ok(Verdict::Skip(SkipReason::NoLongerDue));
    };
    let devices = tokens_of(db, Holder::Staff(task.assignee_id)).await?;
    if devices.is_empty() {
        return Ok(Verdict::Skip(SkipReason::NoDevice));
    }
    Ok(Verdict::Send {
        to: devices_word(devices.len()),
        name: String::new(),
        dlt_template: None,
        whatsapp_name: None,
        devices,
    })
}

/// Whether what `message` is about still calls for it: a quote's reminder
/// does not once the quote became a bill (its subscriber takes it back
/// then; this covers a reminder that falls due first).
async fn still_due(db: &impl ConnectionTrait, message: &Message) -> Result<bool, RepoError> {
    match (&message.trigger, &message.about) {
        (Trigger::QuoteExpiring, Some((_, quote))) => Ok(Quotes::get(db, *quote)
            .await?
            .is_some_and(|q| q.invoice_id.is_none())),
        _ => Ok(true),
    }
}

/// When a marketing message due now may go, if now is in its branch's
/// quiet hours.
async fn held_until(
    database: &Database,
    settings: &DeliverySettings,
    message: &Message,
) -> Result<Option<chrono::DateTime<Utc>>, RepoError> {
    let Some(quiet) = settings.quiet_hours else {
        return Ok(None);
    };
    if message.purpose != Purpose::Marketing {
        return Ok(None);
    }
    let zone = zone_of(database.connection(), message.branch_id).await?;
    Ok(quiet.held_until(Utc::now(), zone))
}

/// When `transport` may try again, if it made its most tries of the
/// last minute: a minute after the first of them.
async fn paced_until(
    database: &Database,
    settings: &DeliverySettings,
    transport: &str,
) -> Result<Option<chrono::DateTime<Utc>>, RepoError> {
    let Some(&most) = settings.per_minute.get(transport) else {
        return Ok(None);
    };
    let minute = chrono::Duration::minutes(1);
    let now = Utc::now();
    let (tries, first) =
        Messages::tries_since(database.connection(), transport, now - minute).await?;
    Ok((tries >= i64::from(most)).then(|| first.map_or(now, |f| f + minute).max(now)))
}

async fn try_one(
    database: &Database,
    notifiers: &Notifiers,
    settings: &DeliverySettings,
    message: &Message,
    token: uuid::Uuid,
) -> Result<(), RepoError> {
    let tries = message.attempts;
    if let Some(until) = held_until(database, settings, message).await? {
        let held = Finished {
            status: MessageStatus::Queued,
            reason: Some("quiet_hours"),
            address: None,
            transport: None,
            provider_id: None,
            attempts: tries,
            next_attempt_at: until,
            sent_at: None,
        };
        Messages::finish(database.connection(), message.id, token, &held).await?;
        return Ok(());
    }
    let (to, name, dlt_template, whatsapp_name, devices) =
        match verdict(database, settings, message).await? {
            Verdict::Skip(reason) => {
                let skipped = Finished {
                    status: MessageStatus::Skipped,
                    reason: Some(reason.as_str()),
                    address: None,
                    transport: None,
                    provider_id: None,
                    attempts: tries,
                    next_attempt_at: message.next_attempt_at,
                    sent_at: None,
                };
                Messages::finish(database.connection(), message.id, token, &skipped).await?;
                return Ok(());
            }
            Verdict::Send {
                to,
                name,
                dlt_template,
                whatsapp_name,
                devices,
            } => (to, name, dlt_template, whatsapp_name, devices),
        };
    let notifier = notifiers.of(message.channel);
    if let Some(until) = paced_until(database, settings, notifier.name()).await? {
        let held = Finished {
            status: MessageStatus::Queued,
            reason: Some("rate_limited"),
            address: None,
            transport: None,
            provider_id: None,
            attempts: tries,
            next_attempt_at: until,
            sent_at: None,
        };
        Messages::finish(database.connection(), message.id, token, &held).await?;
        return Ok(());
    }
    let unsubscribe = match (&settings.unsubscribe, message.purpose) {
        (Some(links), Purpose::Marketing) => {
            Some(links.url(message.customer_id, message.channel, Utc::now()))
        }
        _ => None,
    };
    let started = Utc::now();
    let clock = std::time::Instant::now();
    let answer = match notifiers.enclosures.for_message(message).await {
        Ok(attachments) => {
            notifier
                .send(&Outgoing {
                    id: message.id,
                    channel: message.channel,
                    to: &to,
                    to_name: &name,
                    subject: message.subject.as_deref(),
                    body: &message.body,
                    attachments: &attachments,
                    unsubscribe_url: unsubscribe.as_deref(),
                    dlt: settings
                        .dlt
                        .as_ref()
                        .and_then(|shop| shop.ids(dlt_template.as_deref())),
                    approved: whatsapp_name.as_deref().map(|name| Approved {
                        name,
                        language: message.language.as_str(),
                        parameters: &message.parameters,
                    }),
                    devices: &devices,
                })
                .await
        }
        Err(error) => {
            let said = format!("what goes with the message could not be made: {error:#}");
            Answer {
                outcome: Outcome::Transient(said.clone()),
                said,
                unregistered: Vec::new(),
            }
        }
    };
    let latency_ms = i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX);
    let attempt = tries + 1;
    let next = after_try(
        &answer.outcome,
        usize::try_from(attempt).unwrap_or(usize::MAX),
        &settings.schedule,
    );
    let (outcome, provider_id) = match &answer.outcome {
        Outcome::Sent { provider_id } => ("sent", provider_id.as_deref()),
        Outcome::Transient(_) => ("transient", None),
        Outcome::Permanent(_) => ("permanent", None),
    };
    let now = Utc::now();
    let txn = jewel_persistence::begin_writing(database.connection()).await?;
    let finished = Finished {
        status: next.status,
        reason: next.reason.as_deref(),
        address: Some(&to),
        transport: Some(notifier.name()),
        provider_id,
        attempts: attempt,
        next_attempt_at: next.retry_after.map_or(now, |wait| now + wait),
        sent_at: (next.status == MessageStatus::Sent).then_some(now),
    };
    if !Messages::finish(&txn, message.id, token, &finished).await? {
        // Another worker took it over: what it finds stands.
        txn.rollback().await?;
        return Ok(());
    }
    Messages::record_attempt(
        &txn,
        &Attempt {
            message_id: message.id,
            attempt,
            transport: notifier.name().to_owned(),
            started_at: started,
            latency_ms,
            outcome: outcome.to_owned(),
            answer: answer.said,
        },
    )
    .await?;
    Devices::drop_tokens(&txn, &answer.unregistered).await?;
    txn.commit().await?;
    Ok(())
}
