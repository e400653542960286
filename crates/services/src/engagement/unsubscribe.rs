//! Unsubscribe links: a marketing message carries a link that lets its
//! customer withdraw their marketing consent for its channel without
//! logging in. The link's token names the customer, the channel and when
//! it stops working, signed with a key of this server (HMAC-SHA256), so it
//! can neither be forged nor turned to another customer or channel.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use jewel_domain::customer::consent::{ConsentChange, ConsentSource, Purpose};
use jewel_domain::engagement::MessageChannel;
use jewel_persistence::repos::customers::Customers;
use sha2::Sha256;

use crate::crm::CrmError;
use crate::crm::follow_ups::record_consents;
use crate::{Actor, Unit};

/// Makes and reads unsubscribe links.
#[derive(Clone)]
pub struct UnsubscribeLinks {
    /// Where customers reach this server: `https://shop.example`.
    public_url: String,
    key: [u8; 32],
    valid_for: chrono::Duration,
}

impl std::fmt::Debug for UnsubscribeLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnsubscribeLinks")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefused {
    #[error("this is not an unsubscribe link of this shop")]
    Forged,
    #[error("this unsubscribe link has expired")]
    Expired,
}

/// Whom a valid token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsubscriber {
    pub customer: uuid::Uuid,
    pub channel: MessageChannel,
}

impl UnsubscribeLinks {
    pub fn new(public_url: &str, key: [u8; 32], valid_days: u32) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            key,
            valid_for: chrono::Duration::days(i64::from(valid_days)),
        }
    }

    /// The link for `customer` on `channel`, made at `now`.
    pub fn url(&self, customer: uuid::Uuid, channel: MessageChannel, now: DateTime<Utc>) -> String {
        format!(
            "{}/api/v1/unsubscribe/{}",
            self.public_url,
            self.token(customer, channel, now)
        )
    }

    /// The token of [`Self::url`]: `{customer}.{channel}.{expires}.{signature}`.
    pub fn token(
        &self,
        customer: uuid::Uuid,
        channel: MessageChannel,
        now: DateTime<Utc>,
    ) -> String {
        let signed = format!(
            "{customer}.{}.{}",
            channel.as_str(),
            (now + self.valid_for).timestamp()
        );
        let signature = self.signature(&signed);
        format!("{signed}.{signature}")
    }

    /// Whom `token` is for, if this server made it and it has not expired
    /// at `now`.
    pub fn read(&self, token: &str, now: DateTime<Utc>) -> Result<Unsubscriber, LinkRefused> {
        let (signed, signature) = token.rsplit_once('.').ok_or(LinkRefused::Forged)?;
        // Compared whole, in constant time, by the MAC itself.
        let mut mac = self.mac();
        mac.update(signed.as_bytes());
        let given = decode_hex(signature).ok_or(LinkRefused::Forged)?;
        if mac.verify_slice(&given).is_err() {
            return Err(LinkRefused::Forged);
        }
        let mut parts = signed.split('.');
        let (Some(customer), Some(channel), Some(expires), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkRefused::Forged);
        };
        let customer = customer.parse().map_err(|_| LinkRefused::Forged)?;
        let channel = MessageChannel::parse(channel).ok_or(LinkRefused::Forged)?;
        let expires: i64 = expires.parse().map_err(|_| LinkRefused::Forged)?;
        if now.timestamp() > expires {
            return Err(LinkRefused::Expired);
        }
        Ok(Unsubscriber { customer, channel })
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes a key of any length")
    }

    fn signature(&self, signed: &str) -> String {
        let mut mac = self.mac();
        mac.update(signed.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// `who` followed their link: their marketing consent for its channel is
/// withdrawn, recorded as their own decision (source `unsubscribe_link`);
/// a record merged since speaks for the one it was merged into. `false`
/// when the customer is no longer there (erased).
pub async fn unsubscribe(unit: &mut Unit, who: Unsubscriber) -> Result<bool, CrmError> {
    let mut found = Customers::get(unit.db(), who.customer).await?;
    if let Some(survivor) = found.as_ref().and_then(|c| c.merged_into) {
        found = Customers::get(unit.db(), survivor).await?;
    }
    let Some(customer) = found.filter(|c| c.erased_at.is_none()) else {
        return Ok(false);
    };
    unit.act_as(Actor::Customer(customer.id));
    let withdrawn = [ConsentChange {
        channel: who.channel.consent(),
        purpose: Purpose::Marketing,
        granted: false,
    }];
    record_consents(
        unit,
        customer.id,
        &withdrawn,
        ConsentSource::UnsubscribeLink,
    )
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn a_link_names_its_customer_and_channel_until_it_expires() {
        let links = UnsubscribeLinks::new("https://shop.example/", [7; 32], 30);
        let customer = uuid::Uuid::now_v7();
        let now = at("2026-12-07T10:00:00Z");
        let url = links.url(customer, MessageChannel::Email, now);
        assert!(url.starts_with("https://shop.example/api/v1/unsubscribe/"));
        let token = links.token(customer, MessageChannel::Email, now);
        assert_eq!(
            links.read(&token, at("2027-01-06T09:00:00Z")),
            Ok(Unsubscriber {
                customer,
                channel: MessageChannel::Email
            })
        );
        assert_eq!(
            links.read(&token, at("2027-01-07T10:00:01Z")),
            Err(LinkRefused::Expired)
        );
    }

    #[test]
    fn a_changed_or_foreign_token_is_refused() {
        let links = UnsubscribeLinks::new("https://shop.example", [7; 32], 30);
        let now = at("2026-12-07T10:00:00Z");
        let token = links.token(uuid::Uuid::now_v7(), MessageChannel::Email, now);
        let to_sms = token.replacen(".email.", ".sms.", 1);
        assert_eq!(links.read(&to_sms, now), Err(LinkRefused::Forged));
        let other = UnsubscribeLinks::new("https://shop.example", [8; 32], 30);
        assert_eq!(other.read(&token, now), Err(LinkRefused::Forged));
        for junk in ["", ".", "a.b.c.d", "x.email.1.zz", "é.é"] {
            assert_eq!(links.read(junk, now), Err(LinkRefused::Forged), "{junk}");
        }
    }
}
