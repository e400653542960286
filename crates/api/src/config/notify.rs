//! Messages to customers: which transport carries each channel, the
//! provider's credentials (secrets), and how delivery paces, retries and
//! asks for consent.

use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

/// `notify.*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// `log` (the default: kept in the database and the log, nothing
    /// sent), `smtp` (then `notify.smtp` says where) or `sendgrid`
    /// (SendGrid's v3 Mail Send API, `notify.sendgrid`).
    pub email: EmailTransport,
    /// `log` (the default) or `twilio` (then `notify.twilio` says how).
    pub sms: SmsTransport,
    /// `log` (the default) or `cloud`: Meta's WhatsApp Business Cloud API
    /// (`notify.whatsapp_cloud`).
    pub whatsapp: WhatsappTransport,
    pub whatsapp_cloud: Option<WhatsappCloudSettings>,
    /// `log` (the default) or `fcm`: app notifications through Firebase
    /// Cloud Messaging's HTTP v1 API (`notify.fcm`).
    pub push: PushTransport,
    pub fcm: Option<FcmSettings>,
    pub smtp: Option<SmtpSettings>,
    pub sendgrid: Option<SendGridSettings>,
    pub twilio: Option<TwilioSettings>,
    /// The language of a customer who has not said theirs: `en`, `hi`, `ta`.
    pub default_language: String,
    /// The waits before each retry, in seconds (1 min, 5 min, 30 min, 2 h,
    /// 6 h); after the last the message fails (dead-lettered).
    pub retry_secs: Vec<u64>,
    /// How often the delivery worker looks for due messages.
    pub poll_ms: u64,
    /// How long a worker holds a message it is sending.
    pub lease_secs: u64,
    /// Messages a pass takes.
    pub batch: u64,
    /// Whether transactional messages (bills, job ready) need the
    /// customer's transactional consent for the channel; `false` when the
    /// business relies on another legal basis.
    pub transactional_needs_consent: bool,
    /// Whether this server sends messages (runs the delivery worker).
    pub deliver: bool,
    /// Marketing (greetings, offers) due in these hours of the branch's
    /// local time waits for their end: `HH:MM`, past midnight when `from`
    /// is later; equal times turn quiet hours off.
    pub quiet_hours_from: String,
    pub quiet_hours_until: String,
    /// How many days before a birthday or anniversary its greeting goes.
    pub occasion_days_ahead: u32,
    /// Where customers reach this server (the unsubscribe links of
    /// marketing messages point there): `https://shop.example`.
    pub public_url: String,
    /// How long an unsubscribe link works, in days.
    pub unsubscribe_link_days: u32,
    /// The most tries a transport makes a minute, across every replica:
    /// `{"twilio": 100, "sendgrid": 600}`; a transport not named is not
    /// held back.
    pub per_minute: std::collections::BTreeMap<String, u32>,
    /// The shop's DLT registration (India): set, every SMS to an Indian
    /// number carries the entity id, the header as its sender and its
    /// template's content template id; one from a template without an id
    /// is skipped (`dlt_template_missing`).
    pub dlt: Option<DltSettings>,
    /// The smallest bill followed up 6 and 11 months after it was issued:
    /// `"50000.00"`.
    pub follow_up_min_total: String,
    /// The tag of a bridal customer, whose purchases are followed up 30,
    /// 60 and 90 days later.
    pub bridal_tag: String,
    /// What a follow-up after a sale does: `message` (to the customer, with
    /// their marketing consent), `task` (for their sales person to call,
    /// instead) or `both`.
    pub follow_up_action: String,
    /// How many days before a scheme's instalment is due, or it matures,
    /// the customer is reminded (0 to 30).
    pub scheme_reminder_days: u32,
    /// How many minutes before a quote's prices end its customer is
    /// reminded by SMS (0: never; at most a day); a quote that holds no
    /// longer than that gets none.
    pub quote_expiring_minutes: u32,
    /// What a trigger does besides, or instead of, its message: `{"birthday":
    /// "both", "quote_expiring": "task"}`; `message` (the default), `task`
    /// (a call for the customer's sales person instead) or `both`. For
    /// every trigger of one customer's news: `invoice_issued`,
    /// `payment_received`, `instalment_received`, `job_ready`,
    /// `instalment_due`, `scheme_maturity`, `quote_expiring`, `birthday`,
    /// `anniversary`, `spouse_birthday` (the follow-ups after a sale keep
    /// `follow_up_action`; a campaign is a message to many).
    pub actions: std::collections::BTreeMap<String, String>,
}

/// The triggers `notify.actions` may name.
pub const CALLING_TRIGGERS: [jewel_domain::engagement::Trigger; 10] = [
    jewel_domain::engagement::Trigger::InvoiceIssued,
    jewel_domain::engagement::Trigger::PaymentReceived,
    jewel_domain::engagement::Trigger::InstalmentReceived,
    jewel_domain::engagement::Trigger::Birthday,
    jewel_domain::engagement::Trigger::Anniversary,
    jewel_domain::engagement::Trigger::SpouseBirthday,
    jewel_domain::engagement::Trigger::JobReady,
    jewel_domain::engagement::Trigger::InstalmentDue,
    jewel_domain::engagement::Trigger::SchemeMaturity,
    jewel_domain::engagement::Trigger::QuoteExpiring,
];

/// A registration on a DLT platform (TRAI's rules for commercial SMS).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DltSettings {
    /// The principal entity id: 10 to 30 digits (19 today).
    pub entity_id: String,
    /// The registered header, six letters or digits: `JWLCRM`.
    pub sender_header: String,
}

impl Default for NotifySettings {
    fn default() -> Self {
        Self {
            email: EmailTransport::Log,
            sms: SmsTransport::Log,
            whatsapp: WhatsappTransport::Log,
            whatsapp_cloud: None,
            push: PushTransport::Log,
            fcm: None,
            smtp: None,
            sendgrid: None,
            twilio: None,
            default_language: "en".to_owned(),
            retry_secs: vec![60, 300, 1_800, 7_200, 21_600],
            poll_ms: 1_000,
            lease_secs: 120,
            batch: 50,
            transactional_needs_consent: true,
            deliver: true,
            quiet_hours_from: "21:00".to_owned(),
            quiet_hours_until: "09:00".to_owned(),
            occasion_days_ahead: 0,
            public_url: "http://127.0.0.1:8080".to_owned(),
            unsubscribe_link_days: 180,
            per_minute: std::collections::BTreeMap::new(),
            dlt: None,
            follow_up_min_total: "50000.00".to_owned(),
            bridal_tag: "bridal".to_owned(),
            follow_up_action: "message".to_owned(),
            scheme_reminder_days: 3,
            quote_expiring_minutes: 15,
            actions: std::collections::BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    Log,
    Smtp,
    Sendgrid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsTransport {
    Log,
    Twilio,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WhatsappTransport {
    Log,
    Cloud,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PushTransport {
    Log,
    Fcm,
}

/// Firebase Cloud Messaging: the Firebase project's service account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FcmSettings {
    /// The service account's key file as the Firebase console hands it
    /// (JSON with `project_id`, `client_email`, `private_key_id`,
    /// `private_key` and `token_uri`; a secret: keep it readable by this
    /// server alone). Read at start; a file that is not one stops it.
    pub credentials_file: String,
    /// `https://fcm.googleapis.com` (a test points it at a fake).
    #[serde(default = "default_fcm_base")]
    pub base_url: String,
    /// Seconds before a silent API counts as a failure (retried).
    #[serde(default = "default_smtp_timeout")]
    pub timeout_secs: u64,
}

fn default_fcm_base() -> String {
    "https://fcm.googleapis.com".to_owned()
}

/// Meta's WhatsApp Business Cloud API: a business phone number and a
/// token allowed to send from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsappCloudSettings {
    /// A system user's access token with `whatsapp_business_messaging`
    /// (a secret).
    pub access_token: SecretString,
    /// The business phone number's id (digits), not the number.
    pub phone_number_id: String,
    /// `https://graph.facebook.com` (a test points it at a fake).
    #[serde(default = "default_graph_base")]
    pub base_url: String,
    /// The Graph API version: `v21.0`.
    #[serde(default = "default_graph_version")]
    pub api_version: String,
    /// The app secret Meta signs its callbacks with
    /// (`POST /api/v1/webhooks/whatsapp`); unset: no status reports.
    #[serde(default)]
    pub app_secret: Option<SecretString>,
    /// The verify token Meta sends when the callback is subscribed.
    #[serde(default)]
    pub verify_token: Option<SecretString>,
    /// Seconds before a silent API counts as a failure (retried).
    #[serde(default = "default_smtp_timeout")]
    pub timeout_secs: u64,
}

fn default_graph_base() -> String {
    "https://graph.facebook.com".to_owned()
}

fn default_graph_version() -> String {
    "v21.0".to_owned()
}

/// Twilio's Programmable Messaging: the account, who sends, and the public
/// addresses Twilio calls back (each request signed with the auth token).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioSettings {
    /// `AC…`.
    pub account_sid: String,
    pub auth_token: SecretString,
    /// The sender: a number in E.164 or an alphanumeric sender id; or
    /// `messaging_service_sid` (`MG…`) instead.
    pub from: Option<String>,
    pub messaging_service_sid: Option<String>,
    /// `https://api.twilio.com` (a test points it at a fake).
    #[serde(default = "default_twilio_base")]
    pub base_url: String,
    /// This server's public address of `POST /api/v1/webhooks/twilio/status`
    /// as Twilio calls it (the signature covers it); unset: no delivery
    /// reports.
    pub status_callback_url: Option<String>,
    /// This server's public address of `POST /api/v1/webhooks/twilio/inbound`
    /// as configured at Twilio for replies (STOP).
    pub inbound_url: Option<String>,
}

fn default_twilio_base() -> String {
    "https://api.twilio.com".to_owned()
}

/// A mail server (any, or SendGrid's relay: `smtp.sendgrid.net`, user
/// `apikey`, the API key as password).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// `starttls` (the default), `tls` (implicit, port 465) or `none`
    /// (a relay on the same machine or a test).
    #[serde(default)]
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// `Shop Name <bills@shop.example>`.
    pub from: String,
    /// Seconds before a silent server counts as a failure (retried).
    #[serde(default = "default_smtp_timeout")]
    pub timeout_secs: u64,
}

/// SendGrid's v3 Mail Send API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendGridSettings {
    /// An API key with the Mail Send permission (a secret).
    pub api_key: SecretString,
    /// `Shop Name <bills@shop.example>`: a verified sender or domain.
    pub from: String,
    /// `https://api.sendgrid.com` (`https://api.eu.sendgrid.com` for the
    /// EU region; a test points it at a fake).
    #[serde(default = "default_sendgrid_base")]
    pub base_url: String,
    /// Seconds before a silent API counts as a failure (retried).
    #[serde(default = "default_smtp_timeout")]
    pub timeout_secs: u64,
}

fn default_sendgrid_base() -> String {
    "https://api.sendgrid.com".to_owned()
}

fn default_smtp_port() -> u16 {
    587
}

fn default_smtp_timeout() -> u64 {
    30
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    #[default]
    Starttls,
    Tls,
    None,
}

/// `HH:MM` as a time of day.
pub fn time_of_day(text: &str) -> Option<chrono::NaiveTime> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M").ok()
}

impl NotifySettings {
    /// The quiet hours, unless their two ends are the same.
    pub fn quiet_hours(&self) -> Option<jewel_domain::engagement::quiet::QuietHours> {
        let from = time_of_day(&self.quiet_hours_from)?;
        let until = time_of_day(&self.quiet_hours_until)?;
        (from != until).then_some(jewel_domain::engagement::quiet::QuietHours { from, until })
    }

    /// The language of customers who have not said theirs.
    pub fn language(&self) -> jewel_domain::engagement::Language {
        jewel_domain::engagement::Language::parse(&self.default_language)
            .unwrap_or(jewel_domain::engagement::Language::En)
    }

    /// How the delivery worker goes, marketing carrying `unsubscribe`'s
    /// links.
    pub fn delivery(
        &self,
        unsubscribe: jewel_services::engagement::unsubscribe::UnsubscribeLinks,
    ) -> jewel_services::engagement::delivery::DeliverySettings {
        jewel_services::engagement::delivery::DeliverySettings {
            batch: self.batch.max(1),
            lease: Duration::from_secs(self.lease_secs.max(1)),
            schedule: self
                .retry_secs
                .iter()
                .copied()
                .map(Duration::from_secs)
                .collect(),
            transactional_needs_consent: self.transactional_needs_consent,
            quiet_hours: self.quiet_hours(),
            unsubscribe: Some(unsubscribe),
            per_minute: self.per_minute.clone(),
            dlt: self.dlt_registration(),
        }
    }

    /// What follow-ups after a sale are made of (read once the settings
    /// are checked).
    pub fn after_sales(&self) -> jewel_services::engagement::after_sales::AfterSalesSettings {
        use jewel_domain::engagement::after_sale::FollowUpAction;
        jewel_services::engagement::after_sales::AfterSalesSettings {
            min_total: jewel_domain::measure::Money::parse(
                "notify.follow_up_min_total",
                &self.follow_up_min_total,
            )
            .unwrap_or_else(|_| jewel_domain::measure::Money::from_units(5_000_000)),
            bridal_tag: self.bridal_tag.trim().to_lowercase(),
            action: FollowUpAction::parse(&self.follow_up_action)
                .unwrap_or(FollowUpAction::Message),
        }
    }

    /// What each trigger does (read once the settings are checked).
    pub fn actions(&self) -> jewel_services::engagement::calls::Actions {
        use jewel_domain::engagement::Trigger;
        use jewel_domain::engagement::after_sale::FollowUpAction;
        jewel_services::engagement::calls::Actions(
            self.actions
                .iter()
                .filter_map(|(trigger, action)| {
                    Some((Trigger::parse(trigger)?, FollowUpAction::parse(action)?))
                })
                .collect(),
        )
    }

    /// The shop's DLT registration, when set.
    pub fn dlt_registration(&self) -> Option<jewel_domain::engagement::dlt::DltRegistration> {
        self.dlt
            .as_ref()
            .map(|dlt| jewel_domain::engagement::dlt::DltRegistration {
                entity_id: dlt.entity_id.clone(),
                sender_header: dlt.sender_header.clone(),
            })
    }
}
