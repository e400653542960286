//! Engagement: the messages the business sends its customers, on which
//! channel, in which language, for what reason, and how their delivery
//! goes (domain.md "Occasions and clienteling", consent).

pub mod after_sale;
pub mod campaign;
pub mod device;
pub mod dlt;
pub mod message;
pub mod quiet;
pub mod segment;
pub mod template;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::customer::consent::{Channel, Purpose};
pub use crate::language::Language;

/// How a message reaches the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    Email,
    Sms,
    /// A WhatsApp template message Meta approved, its parameters filled.
    Whatsapp,
    /// A notification on the shop's mobile app, to every device the
    /// customer registered.
    Push,
}

impl MessageChannel {
    pub const ALL: [Self; 4] = [Self::Email, Self::Sms, Self::Whatsapp, Self::Push];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
            Self::Push => "push",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The channel the customer's consent is recorded for.
    pub fn consent(self) -> Channel {
        match self {
            Self::Email => Channel::Email,
            Self::Sms => Channel::Sms,
            Self::Whatsapp => Channel::WhatsApp,
            Self::Push => Channel::Push,
        }
    }
}

/// What happened that a customer is told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A tax invoice was issued to them.
    InvoiceIssued,
    /// Their repair or order is ready to collect.
    JobReady,
    /// A birthday greeting, `notify.occasion_days_ahead` before it.
    Birthday,
    /// A wedding anniversary greeting.
    Anniversary,
    /// A reminder of the spouse's birthday, with a gift in mind.
    SpouseBirthday,
    /// An offer to a segment, on the campaign's channel.
    Campaign,
    /// A receipt of a payment towards a bill issued earlier (what is left
    /// to pay with it).
    PaymentReceived,
    /// A receipt of a savings scheme's instalment.
    InstalmentReceived,
    /// A word 6 and 11 months after a purchase over
    /// `notify.follow_up_min_total`.
    PurchaseFollowUp,
    /// A word 30, 60 and 90 days after a sale to a bridal customer.
    BridalFollowUp,
    /// A savings scheme's instalment due soon and unpaid.
    InstalmentDue,
    /// A savings scheme maturing soon: its value may be redeemed.
    SchemeMaturity,
    /// A quote's prices hold a little longer: `notify.quote_expiring_minutes`
    /// before they end, unless it became a bill.
    QuoteExpiring,
    /// A follow-up task given to a staff member: told on the staff app,
    /// on the devices of whoever holds the task when it goes.
    TaskAssigned,
}

impl Trigger {
    pub const ALL: [Self; 14] = [
        Self::InvoiceIssued,
        Self::JobReady,
        Self::Birthday,
        Self::Anniversary,
        Self::SpouseBirthday,
        Self::Campaign,
        Self::PaymentReceived,
        Self::InstalmentReceived,
        Self::PurchaseFollowUp,
        Self::BridalFollowUp,
        Self::InstalmentDue,
        Self::SchemeMaturity,
        Self::QuoteExpiring,
        Self::TaskAssigned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvoiceIssued => "invoice_issued",
            Self::JobReady => "job_ready",
            Self::Birthday => "birthday",
            Self::Anniversary => "anniversary",
            Self::SpouseBirthday => "spouse_birthday",
            Self::Campaign => "campaign",
            Self::PaymentReceived => "payment_received",
            Self::InstalmentReceived => "instalment_received",
            Self::PurchaseFollowUp => "purchase_follow_up",
            Self::BridalFollowUp => "bridal_follow_up",
            Self::InstalmentDue => "instalment_due",
            Self::SchemeMaturity => "scheme_maturity",
            Self::QuoteExpiring => "quote_expiring",
            Self::TaskAssigned => "task_assigned",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// Whether it is a transaction's news or an offer.
    pub fn purpose(self) -> Purpose {
        match self {
            Self::InvoiceIssued
            | Self::JobReady
            | Self::PaymentReceived
            | Self::InstalmentReceived
            | Self::InstalmentDue
            | Self::SchemeMaturity
            | Self::QuoteExpiring
            | Self::TaskAssigned => Purpose::Transactional,
            Self::Birthday
            | Self::Anniversary
            | Self::SpouseBirthday
            | Self::Campaign
            | Self::PurchaseFollowUp
            | Self::BridalFollowUp => Purpose::Marketing,
        }
    }

    /// The channel it is sent on (a campaign's: the one its template is
    /// written for; e-mail here).
    pub fn channel(self) -> MessageChannel {
        match self {
            Self::InvoiceIssued | Self::Campaign => MessageChannel::Email,
            Self::JobReady
            | Self::Birthday
            | Self::Anniversary
            | Self::SpouseBirthday
            | Self::PaymentReceived
            | Self::InstalmentReceived
            | Self::PurchaseFollowUp
            | Self::BridalFollowUp
            | Self::InstalmentDue
            | Self::SchemeMaturity
            | Self::QuoteExpiring => MessageChannel::Sms,
            Self::TaskAssigned => MessageChannel::Push,
        }
    }

    /// The variables its templates may name, each with an example (what
    /// a preview without values shows).
    pub fn examples(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::InvoiceIssued => &[
                ("customer_name", "Asha Iyer"),
                ("invoice_number", "MUM1/INV/2026-27/000042"),
                ("issued_on", "2026-12-07"),
                ("total", "1,16,175.00"),
                ("currency", "INR"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::JobReady => &[
                ("customer_name", "Asha Iyer"),
                ("job_number", "MUM1/JOB/2026-27/000042"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::Birthday | Self::Anniversary => &[
                ("customer_name", "Asha Iyer"),
                ("occasion_on", "07 December"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::SpouseBirthday => &[
                ("customer_name", "Asha Iyer"),
                ("spouse_name", "Ravi Iyer"),
                ("occasion_on", "07 December"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::Campaign => &[
                ("customer_name", "Asha Iyer"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
                (
                    "unsubscribe_url",
                    "https://shop.example/api/v1/unsubscribe/eyJjIjoi...",
                ),
            ],
            Self::PaymentReceived => &[
                ("customer_name", "Asha Iyer"),
                ("invoice_number", "MUM1/INV/2026-27/000042"),
                ("amount", "25,000.00"),
                ("balance", "91,175.00"),
                ("currency", "INR"),
                ("received_on", "2026-12-07"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::InstalmentReceived => &[
                ("customer_name", "Asha Iyer"),
                ("receipt_number", "MUM1/SCR/2026-27/000007"),
                ("amount", "5,000.00"),
                ("period", "3"),
                ("instalments", "11"),
                ("received_on", "2026-12-07"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::PurchaseFollowUp => &[
                ("customer_name", "Asha Iyer"),
                ("invoice_number", "MUM1/INV/2026-27/000042"),
                ("purchased_on", "2026-06-10"),
                ("months", "6"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::BridalFollowUp => &[
                ("customer_name", "Asha Iyer"),
                ("invoice_number", "MUM1/INV/2026-27/000042"),
                ("purchased_on", "2026-11-07"),
                ("days", "30"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::InstalmentDue => &[
                ("customer_name", "Asha Iyer"),
                ("plan_name", "Swarna 11"),
                ("period", "4"),
                ("instalments", "11"),
                ("amount", "5,000.00"),
                ("due_on", "2026-12-10"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::SchemeMaturity => &[
                ("customer_name", "Asha Iyer"),
                ("plan_name", "Swarna 11"),
                ("matures_on", "2026-12-10"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::QuoteExpiring => &[
                ("customer_name", "Asha Iyer"),
                ("total", "1,16,175.00"),
                ("currency", "INR"),
                ("valid_until", "17:30 on 2026-12-07"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
            Self::TaskAssigned => &[
                ("customer_name", "Asha Iyer"),
                ("reason", "Call Asha Iyer: birthday on 07 December."),
                ("due_at", "10:00 on 2026-12-07"),
                ("branch_name", "Mumbai Zaveri Bazaar"),
            ],
        }
    }

    /// The names of its variables.
    pub fn variables(self) -> Vec<&'static str> {
        self.examples().iter().map(|(name, _)| *name).collect()
    }

    /// Its example values, ready to render.
    pub fn sample(self) -> BTreeMap<&'static str, String> {
        self.examples()
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect()
    }
}

/// When the reminder of a quote given at `quoted_at` and holding until
/// `valid_until` goes: `lead_minutes` before it ends. None when reminders
/// are off (0) or the quote holds no longer than that (a reminder as it
/// is given says nothing).
pub fn quote_reminder_at(
    quoted_at: chrono::DateTime<chrono::Utc>,
    valid_until: chrono::DateTime<chrono::Utc>,
    lead_minutes: u32,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let at = valid_until - chrono::Duration::minutes(i64::from(lead_minutes));
    (lead_minutes > 0 && at > quoted_at).then_some(at)
}

/// `116175.00` as written in India: `1,16,175.00`.
pub fn indian_grouping(amount: &str) -> String {
    let (sign, digits) = amount
        .strip_prefix('-')
        .map_or(("", amount), |rest| ("-", rest));
    let (whole, fraction) = digits
        .split_once('.')
        .map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    let count = whole.chars().count();
    for (i, c) in whole.chars().enumerate() {
        let left = count - i;
        if i > 0 && (left == 3 || (left > 3 && (left - 3) % 2 == 0)) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in MessageChannel::ALL {
            assert_eq!(MessageChannel::parse(c.as_str()), Some(c));
        }
        for l in Language::ALL {
            assert_eq!(Language::parse(l.as_str()), Some(l));
        }
        for t in Trigger::ALL {
            assert_eq!(Trigger::parse(t.as_str()), Some(t));
        }
    }

    #[test]
    fn a_quote_is_recalled_before_its_prices_end_if_it_holds_long_enough() {
        let quoted = chrono::DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
            .expect("time")
            .to_utc();
        let until = quoted + chrono::Duration::minutes(60);
        let at = quote_reminder_at(quoted, until, 15).expect("a reminder");
        assert_eq!(at, quoted + chrono::Duration::minutes(45));
        assert_eq!(quote_reminder_at(quoted, until, 60), None);
        assert_eq!(quote_reminder_at(quoted, until, 90), None);
        assert_eq!(quote_reminder_at(quoted, until, 0), None);
    }

    #[test]
    fn amounts_are_grouped_in_lakhs_and_crores() {
        assert_eq!(indian_grouping("116175.00"), "1,16,175.00");
        assert_eq!(indian_grouping("12345678.5"), "1,23,45,678.5");
        assert_eq!(indian_grouping("999"), "999");
        assert_eq!(indian_grouping("1000"), "1,000");
        assert_eq!(indian_grouping("-100000.00"), "-1,00,000.00");
    }
}
