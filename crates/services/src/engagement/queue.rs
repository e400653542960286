//! Queueing a message a trigger calls for, in the caller's transaction,
//! rendered from the template in use (the message keeps its version). A
//! key per message keeps one however often a trigger fires; a message with
//! no template to say it is kept as skipped, with that reason.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jewel_domain::customer::Customer;
use jewel_domain::engagement::message::{Message, MessageStatus, SkipReason};
use jewel_domain::engagement::template::{Template, render};
use jewel_domain::engagement::{Language, MessageChannel, Trigger};
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::message_templates::MessageTemplates;
use jewel_persistence::repos::messages::Messages;
use jewel_persistence::repos::schemes::to_second;

/// A message a trigger calls for.
#[derive(Debug, Clone)]
pub(super) struct Asked {
    pub trigger: Trigger,
    pub channel: MessageChannel,
    pub customer: uuid::Uuid,
    /// The branch it is from (`None`: the whole business's).
    pub branch: Option<uuid::Uuid>,
    pub key: String,
    pub about: (&'static str, uuid::Uuid),
}

/// Queues `asked` in the customer's language (`language` when they have
/// not said theirs) from the template in use for its trigger, channel and
/// that language, its variables given by `values` (the customer's and the
/// branch's names, the branch's zone), unless its key is queued already;
/// `true` when it was queued now.
pub(super) async fn queue_message(
    txn: &DatabaseTransaction,
    language: Language,
    asked: Asked,
    values: impl FnOnce(&str, &str, chrono_tz::Tz) -> BTreeMap<&'static str, String>,
) -> Result<bool, jewel_persistence::RepoError> {
    queue_message_at(txn, language, asked, Utc::now(), values).await
}

/// [`queue_message`] to go from `at`.
pub(super) async fn queue_message_at(
    txn: &DatabaseTransaction,
    language: Language,
    asked: Asked,
    at: DateTime<Utc>,
    values: impl FnOnce(&str, &str, chrono_tz::Tz) -> BTreeMap<&'static str, String>,
) -> Result<bool, jewel_persistence::RepoError> {
    let customer = Customers::get(txn, asked.customer).await?;
    let language = customer
        .as_ref()
        .and_then(|c| c.profile.preferences.language)
        .unwrap_or(language);
    let template = MessageTemplates::current(txn, asked.trigger, asked.channel, language).await?;
    write(
        txn,
        customer,
        (language, template),
        asked,
        to_second(at),
        values,
    )
    .await
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
    let customer = Customers::get(txn, asked.customer).await?;
    write(txn, customer, (language, template), asked, at, values).await
}

/// [`queue_written`] for `customer` (as read: none when there is no such
/// customer).
async fn write(
    txn: &DatabaseTransaction,
    customer: Option<Customer>,
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
        parameters: Vec::new(),
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
                    message.parameters = rendered.parameters;
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
