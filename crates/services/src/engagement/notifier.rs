//! The seam between a message and the provider that carries it: one
//! [`Notifier`] per channel, chosen by settings. The embedded default,
//! [`LogNotifier`], sends nothing: the message stays in the database and
//! goes to the log, so a new shop sees what would be sent.

use std::fmt::Debug;
use std::sync::Arc;

use jewel_domain::engagement::MessageChannel;
use jewel_domain::engagement::dlt::DltIds;
use jewel_domain::engagement::message::{Message, Outcome};

/// A message as a transport is handed it.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub id: uuid::Uuid,
    pub channel: MessageChannel,
    /// An e-mail address or an E.164 mobile number.
    pub to: &'a str,
    pub to_name: &'a str,
    pub subject: Option<&'a str>,
    pub body: &'a str,
    /// Files sent with it (an e-mail's tax invoice as PDF).
    pub attachments: &'a [Attachment],
    /// Where the customer stops marketing on this channel (an e-mail's
    /// one-click `List-Unsubscribe`); none for transactional messages.
    pub unsubscribe_url: Option<&'a str>,
    /// What an SMS to an Indian number carries when the shop's DLT
    /// registration is set: its entity id, header and content template id.
    pub dlt: Option<DltIds<'a>>,
    /// A WhatsApp message: the template Meta approved and its parameters.
    pub approved: Option<Approved<'a>>,
    /// An app notification: the registration tokens of every device the
    /// customer registered (`to` then says how many).
    pub devices: &'a [String],
}

/// A WhatsApp template Meta approved, filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approved<'a> {
    /// `diwali_offer_2026`.
    pub name: &'a str,
    /// `en`, `hi`, `ta`: the language it was approved in.
    pub language: &'a str,
    /// Its `{{1}}`, `{{2}}`, ... in order.
    pub parameters: &'a [String],
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// `MUM1-INV-2026-27-000042.pdf`.
    pub file_name: String,
    /// `application/pdf`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What goes with a message, made when it is sent (the invoice's PDF
/// with its e-mail).
#[async_trait::async_trait]
pub trait Enclosures: Send + Sync + Debug {
    /// The files to send with `message`; an error is a failure a later
    /// try may mend.
    async fn for_message(&self, message: &Message) -> anyhow::Result<Vec<Attachment>>;
}

/// Nothing goes with any message.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEnclosures;

#[async_trait::async_trait]
impl Enclosures for NoEnclosures {
    async fn for_message(&self, _: &Message) -> anyhow::Result<Vec<Attachment>> {
        Ok(Vec::new())
    }
}

/// How a provider answered one try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub outcome: Outcome,
    /// What it said, as kept with the attempt.
    pub said: String,
    /// The devices the provider says are no longer registered (an app
    /// uninstalled): their tokens, taken away with the attempt.
    pub unregistered: Vec<String>,
}

/// Something that carries messages of a channel to a provider.
#[async_trait::async_trait]
pub trait Notifier: Send + Sync + Debug {
    /// `log`, `smtp`, ...: kept on the message and its attempts.
    fn name(&self) -> &'static str;

    /// One try at handing `message` to the provider. Never fails: a
    /// failure is an [`Answer`] saying whether a retry may mend it.
    async fn send(&self, message: &Outgoing<'_>) -> Answer;
}

/// The transport of each channel, and what goes with messages.
#[derive(Debug, Clone)]
pub struct Notifiers {
    pub email: Arc<dyn Notifier>,
    pub sms: Arc<dyn Notifier>,
    pub whatsapp: Arc<dyn Notifier>,
    pub push: Arc<dyn Notifier>,
    pub enclosures: Arc<dyn Enclosures>,
}

impl Notifiers {
    /// The log transport on every channel.
    pub fn logging() -> Self {
        Self {
            email: Arc::new(LogNotifier),
            sms: Arc::new(LogNotifier),
            whatsapp: Arc::new(LogNotifier),
            push: Arc::new(LogNotifier),
            enclosures: Arc::new(NoEnclosures),
        }
    }

    pub fn of(&self, channel: MessageChannel) -> &dyn Notifier {
        match channel {
            MessageChannel::Email => self.email.as_ref(),
            MessageChannel::Sms => self.sms.as_ref(),
            MessageChannel::Whatsapp => self.whatsapp.as_ref(),
            MessageChannel::Push => self.push.as_ref(),
        }
    }
}

/// Keeps the message in the database and writes it to the log.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogNotifier;

#[async_trait::async_trait]
impl Notifier for LogNotifier {
    fn name(&self) -> &'static str {
        "log"
    }

    async fn send(&self, message: &Outgoing<'_>) -> Answer {
        tracing::info!(
            message_id = %message.id,
            channel = message.channel.as_str(),
            subject = message.subject.unwrap_or(""),
            attachments = message.attachments.len(),
            dlt_template_id = message.dlt.map_or("", |d| d.template_id),
            whatsapp_template = message.approved.map_or("", |a| a.name),
            devices = message.devices.len(),
            "message kept (log transport): {}",
            message.body
        );
        Answer {
            outcome: Outcome::Sent {
                provider_id: Some(format!("log-{}", message.id)),
            },
            said: "kept in the database and the log".to_owned(),
            unregistered: Vec::new(),
        }
    }
}
