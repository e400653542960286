//! Triggers: the events that tell a customer something queue the message
//! in the relay's transaction, rendered from the template in use (the
//! message keeps its version). Each event reaches this subscriber once, and
//! a key per message keeps one however often a trigger fires; a message
//! with no template to say it is kept as skipped, with that reason.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jewel_domain::engagement::message::{Message, MessageStatus, SkipReason};
use jewel_domain::engagement::template::{Template, render};
use jewel_domain::engagement::{Language, MessageChannel, Trigger, indian_grouping};
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::message_templates::MessageTemplates;
use jewel_persistence::repos::messages::Messages;
use jewel_persistence::repos::schemes::to_second;

use crate::billing::events::InvoiceIssued;
use crate::events::{DomainEvent, Event};
use crate::jobs::events::JobStatusChanged;
use crate::relay::Subscriber;

/// Queues the messages events call for.
#[derive(Debug, Clone)]
pub struct Notifications {
    /// The language of a customer who has not said theirs.
    pub language: Language,
}

#[async_trait::async_trait]
impl Subscriber for Notifications {
    fn name(&self) -> &'static str {
        "notifications"
    }

    fn wants(&self, event_type: &str) -> bool {
        event_type == InvoiceIssued::TYPE || event_type == JobStatusChanged::TYPE
    }

    async fn handle(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        if event.event_type == InvoiceIssued::TYPE {
            let issued: InvoiceIssued = serde_json::from_value(event.payload.clone())?;
            let Some(customer) = issued.customer_id else {
                return Ok(());
            };
            let asked = Asked {
                trigger: Trigger::InvoiceIssued,
                channel: Trigger::InvoiceIssued.channel(),
                customer,
                branch: Some(issued.branch_id),
                key: format!("invoice_issued:email:{}", issued.invoice_id),
                about: ("invoice", issued.invoice_id),
            };
            let values = |customer: &str, branch: &str, zone: chrono_tz::Tz| {
                BTreeMap::from([
                    ("customer_name", customer.to_owned()),
                    ("invoice_number", issued.number.clone()),
                    (
                        "issued_on",
                        issued
                            .issued_at
                            .with_timezone(&zone)
                            .date_naive()
                            .to_string(),
                    ),
                    ("total", indian_grouping(&issued.total)),
                    ("currency", issued.currency.clone()),
                    ("branch_name", branch.to_owned()),
                ])
            };
            queue_message(txn, self.language, asked, values).await?;
            return Ok(());
        }
        let changed: JobStatusChanged = serde_json::from_value(event.payload.clone())?;
        if changed.to != "ready" {
            return Ok(());
        }
        let asked = Asked {
            trigger: Trigger::JobReady,
            channel: Trigger::JobReady.channel(),
            customer: changed.customer_id,
            branch: Some(changed.branch_id),
            // Ready again after rework is news again: one message per move.
            key: format!("job_ready:sms:{}", event.id),
            about: ("job", changed.job_id),
        };
        let values = |customer: &str, branch: &str, _: chrono_tz::Tz| {
            BTreeMap::from([
                ("customer_name", customer.to_owned()),
                ("job_number", changed.number.clone()),
                ("branch_name", branch.to_owned()),
            ])
        };
        queue_message(txn, self.language, asked, values).await?;
        Ok(())
    }
}

/// A message a trigger calls for.
pub(super) struct Asked {
    pub trigger: Trigger,
    pub channel: MessageChannel,
    pub customer: uuid::Uuid,
    /// The branch it is from (`None`: the whole business's).
    pub branch: Option<uuid::Uuid>,
    pub key: String,
    pub about: (&'static str, uuid::Uuid),
}

/// Queues `asked` in `language` from the template in use for its
/// trigger, channel and language, its variables given by `values` (the
/// customer's and the branch's names, the branch's zone), unless its key
/// is queued already; `true` when it was queued now.
pub(super) async fn queue_message(
    txn: &DatabaseTransaction,
    language: Language,
    asked: Asked,
    values: impl FnOnce(&str, &str, chrono_tz::Tz) -> BTreeMap<&'static str, String>,
) -> Result<bool, jewel_persistence::RepoError> {
    let template = MessageTemplates::current(txn, asked.trigger, asked.channel, language).await?;
    let now = to_second(Utc::now());
    queue_written(txn, (language, template), asked, now, values).await
}

/// Queues `asked` in `language` from `template` (none: skipped for want
/// of one), to go from `at`, unless its key is queued already; `true`
/// when it was queued now.
pub(super) async fn queue_written(
    txn: &DatabaseTransaction,
    (language, template): (Language, Option<Template>),
    asked: Asked,
    at: DateTime<Utc>,
    values: impl FnOnce(&str, &str, chrono_tz::Tz) -> BTreeMap<&'static str, String>,
) -> Result<bool, jewel_persistence::RepoError> {
    if Messages::exists(txn, &asked.key).await? {
        return Ok(false);
    }
    let now = to_second(Utc::now());
    let mut message = Message {
        id: uuid::Uuid::now_v7(),
        branch_id: asked.branch,
        customer_id: asked.customer,
        trigger: asked.trigger,
        purpose: asked.trigger.purpose(),
        channel: asked.channel,
        language,
        dedupe_key: asked.key.clone(),
        template_id: None,
        template_version: None,
        subject: None,
        body: String::new(),
        about: Some((asked.about.0.to_owned(), asked.about.1)),
        address: None,
        status: MessageStatus::Queued,
        reason: None,
        attempts: 0,
        next_attempt_at: to_second(at),
        transport: None,
        provider_id: None,
        created_at: now,
        sent_at: None,
    };
    let customer = Customers::get(txn, asked.customer).await?;
    let branch = match asked.branch {
        Some(id) => Branches::get(txn, id).await?,
        None => None,
    };
    let (branch_name, zone) = branch.map_or((String::new(), chrono_tz::Asia::Kolkata), |b| {
        let zone = b.timezone.parse().unwrap_or(chrono_tz::Asia::Kolkata);
        (b.name, zone)
    });
    match (customer.filter(|c| c.erased_at.is_none()), template) {
        (None, _) => skip(&mut message, SkipReason::Erased),
        (_, None) => skip(&mut message, SkipReason::NoTemplate),
        (Some(customer), Some(template)) => {
            message.template_id = Some(template.id);
            message.template_version = Some(template.version);
            match render(&template.text, &values(&customer.name, &branch_name, zone)) {
                Ok(rendered) => {
                    message.subject = rendered.subject;
                    message.body = rendered.body;
                }
                Err(refused) => {
                    message.status = MessageStatus::Failed;
                    message.reason = Some(refused.to_string());
                }
            }
        }
    }
    Messages::insert(txn, &message).await?;
    Ok(true)
}

fn skip(message: &mut Message, reason: SkipReason) {
    message.status = MessageStatus::Skipped;
    message.reason = Some(reason.as_str().to_owned());
}
