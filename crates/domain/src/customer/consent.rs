//! Consent to be contacted, per channel and purpose (domain.md "Compliance
//! thresholds": recorded with its time and source). Nothing recorded means
//! no consent.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
    #[serde(rename = "whatsapp")]
    WhatsApp,
    Call,
    /// Notifications on the shop's mobile app.
    Push,
}

impl Channel {
    pub const ALL: [Self; 5] = [
        Self::Sms,
        Self::Email,
        Self::WhatsApp,
        Self::Call,
        Self::Push,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
            Self::WhatsApp => "whatsapp",
            Self::Call => "call",
            Self::Push => "push",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Bills, receipts, job updates, scheme dues.
    Transactional,
    /// Offers, new collections, occasion greetings.
    Marketing,
}

impl Purpose {
    pub const ALL: [Self; 2] = [Self::Transactional, Self::Marketing];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transactional => "transactional",
            Self::Marketing => "marketing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// How the customer gave or withdrew consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    /// A form signed or ticked at the counter.
    InStore,
    /// Said on a phone call with staff.
    Phone,
    Website,
    /// The customer, logged in, on `/api/v1/me`.
    SelfService,
    Import,
    /// The customer texted STOP (the SMS provider's inbound webhook).
    SmsStop,
    /// The customer followed the unsubscribe link of a message.
    UnsubscribeLink,
    /// The customer wrote STOP on WhatsApp, or pressed its "Stop
    /// promotions" button (Meta's webhook).
    WhatsappStop,
}

impl ConsentSource {
    pub const ALL: [Self; 8] = [
        Self::InStore,
        Self::Phone,
        Self::Website,
        Self::SelfService,
        Self::Import,
        Self::SmsStop,
        Self::UnsubscribeLink,
        Self::WhatsappStop,
    ];

    /// Whether staff may name it as the source of what they record (the
    /// customer's own replies and links record themselves).
    pub fn staff_may_record(self) -> bool {
        !matches!(
            self,
            Self::SmsStop | Self::UnsubscribeLink | Self::WhatsappStop
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InStore => "in_store",
            Self::Phone => "phone",
            Self::Website => "website",
            Self::SelfService => "self_service",
            Self::Import => "import",
            Self::SmsStop => "sms_stop",
            Self::UnsubscribeLink => "unsubscribe_link",
            Self::WhatsappStop => "whatsapp_stop",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Whether a customer's reply asks to hear no more: its first word is
/// `STOP` (or `STOPALL`, `UNSUBSCRIBE`, `CANCEL`, `END`, `QUIT`, the
/// opt-out words carriers and Twilio read), in any case.
pub fn asks_to_stop(reply: &str) -> bool {
    let word = reply
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_uppercase();
    ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"].contains(&word.as_str())
}

/// Where one (channel, purpose) stands, or one change of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub channel: Channel,
    pub purpose: Purpose,
    pub granted: bool,
    pub source: ConsentSource,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    /// `staff`, `client` or `customer`, and who.
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
}

/// One requested change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentChange {
    pub channel: Channel,
    pub purpose: Purpose,
    pub granted: bool,
}

/// The changes that actually change something: repeats of a pair keep the
/// last, and a pair already standing as asked is left out (so the history
/// records decisions, not re-submissions of a form).
pub fn effective_changes(current: &[Consent], asked: &[ConsentChange]) -> Vec<ConsentChange> {
    let mut out: Vec<ConsentChange> = Vec::new();
    for change in asked {
        out.retain(|c| (c.channel, c.purpose) != (change.channel, change.purpose));
        out.push(*change);
    }
    out.retain(|change| {
        !current.iter().any(|c| {
            (c.channel, c.purpose) == (change.channel, change.purpose)
                && c.granted == change.granted
        })
    });
    out.sort_by_key(|c| (c.channel, c.purpose));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(channel: Channel, purpose: Purpose, granted: bool) -> Consent {
        Consent {
            channel,
            purpose,
            granted,
            source: ConsentSource::InStore,
            changed_at: chrono::DateTime::UNIX_EPOCH,
            actor_kind: "staff".into(),
            actor_id: uuid::Uuid::nil(),
        }
    }

    #[test]
    fn stop_words_are_read_in_any_case_as_the_first_word() {
        for reply in ["STOP", "stop", " Stop please", "unsubscribe", "QUIT"] {
            assert!(asks_to_stop(reply), "{reply}");
        }
        for reply in ["", "Don't stop", "STOPPED", "thanks"] {
            assert!(!asks_to_stop(reply), "{reply}");
        }
    }

    #[test]
    fn only_real_changes_are_kept() {
        let current = [standing(Channel::Sms, Purpose::Marketing, true)];
        let asked = [
            ConsentChange {
                channel: Channel::Sms,
                purpose: Purpose::Marketing,
                granted: true,
            },
            ConsentChange {
                channel: Channel::WhatsApp,
                purpose: Purpose::Marketing,
                granted: true,
            },
            ConsentChange {
                channel: Channel::WhatsApp,
                purpose: Purpose::Marketing,
                granted: false,
            },
        ];
        assert_eq!(
            effective_changes(&current, &asked),
            [ConsentChange {
                channel: Channel::WhatsApp,
                purpose: Purpose::Marketing,
                granted: false,
            }]
        );
    }

    #[test]
    fn names_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()), Some(p));
        }
        for s in ConsentSource::ALL {
            assert_eq!(ConsentSource::parse(s.as_str()), Some(s));
        }
    }
}
