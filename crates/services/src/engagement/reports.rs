//! What providers tell back: whether a message they took reached the
//! customer, and a customer's STOP reply, which withdraws their consent to
//! that channel (SMS, WhatsApp) as the customer's own decision.

use jewel_domain::customer::consent::{Channel, ConsentChange, ConsentSource, Purpose};
use jewel_domain::engagement::message::MessageStatus;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::messages::Messages;
use jewel_persistence::{Database, RepoError};

use crate::crm::CrmError;
use crate::crm::follow_ups::record_consents;
use crate::{Actor, Unit};

/// A provider's report of a message it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reported {
    Delivered,
    /// Not delivered, with the provider's reason.
    Undelivered(String),
}

/// Records `reported` on the message `transport` took as `provider_id`;
/// `false` when there is none it applies to (unknown, or no longer
/// `sent`).
pub async fn reported(
    database: &Database,
    transport: &str,
    provider_id: &str,
    reported: Reported,
) -> Result<bool, RepoError> {
    let (status, reason) = match &reported {
        Reported::Delivered => (MessageStatus::Delivered, None),
        Reported::Undelivered(why) => (MessageStatus::Failed, Some(why.as_str())),
    };
    Messages::reported(
        database.connection(),
        transport,
        provider_id,
        status,
        reason,
    )
    .await
}

/// The customer whose mobile is `mobile` asked to hear no more on
/// `channel` for `purposes` (texted STOP: every purpose; WhatsApp's "Stop
/// promotions": marketing): withdrawn, recorded as theirs with `source`.
/// Returns them, if the number is a customer's.
pub async fn stopped(
    unit: &mut Unit,
    mobile: &str,
    (channel, purposes): (Channel, &[Purpose]),
    source: ConsentSource,
) -> Result<Option<uuid::Uuid>, CrmError> {
    let Some(customer) = Customers::by_mobile(unit.db(), mobile).await? else {
        return Ok(None);
    };
    unit.act_as(Actor::Customer(customer.id));
    let withdrawn: Vec<ConsentChange> = purposes
        .iter()
        .map(|&purpose| ConsentChange {
            channel,
            purpose,
            granted: false,
        })
        .collect();
    record_consents(unit, customer.id, &withdrawn, source).await?;
    Ok(Some(customer.id))
}
