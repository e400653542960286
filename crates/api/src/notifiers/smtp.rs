//! E-mail through a mail server over SMTP with lettre: any server, or
//! SendGrid's relay. The server's answer decides what follows: a 4xx
//! reply (or no answer) is tried again later, a 5xx reply is final.

use std::time::Duration;

use jewel_domain::engagement::message::Outcome;
use jewel_services::engagement::notifier::{Answer, Notifier, Outgoing};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{SmtpSecurity, SmtpSettings};

#[derive(Debug, Clone)]
pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpNotifier {
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|error| anyhow::anyhow!("notify.smtp.from: {error}"))?;
        let builder = match settings.security {
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            }
        };
        let mut builder = builder
            .port(settings.port)
            .timeout(Some(Duration::from_secs(settings.timeout_secs.max(1))));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    fn letter(&self, message: &Outgoing<'_>) -> Result<Message, String> {
        let address = message
            .to
            .parse()
            .map_err(|error| format!("the address {:?} is not usable: {error}", message.to))?;
        let letter = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(message.to_name.to_owned()), address))
            .subject(message.subject.unwrap_or_default())
            .message_id(Some(format!("<{}@jewel-crm>", message.id)));
        // Marketing can be stopped in one click from the mail client
        // (RFC 2369, RFC 8058), as large mailbox providers ask of bulk mail.
        let letter = match message.unsubscribe_url {
            Some(url) => letter
                .header(ListUnsubscribe(format!("<{url}>")))
                .header(ListUnsubscribePost),
            None => letter,
        };
        let written = if message.attachments.is_empty() {
            letter
                .header(ContentType::TEXT_PLAIN)
                .body(message.body.to_owned())
        } else {
            let mut parts =
                MultiPart::mixed().singlepart(SinglePart::plain(message.body.to_owned()));
            for file in message.attachments {
                let kind = ContentType::parse(&file.content_type)
                    .map_err(|error| format!("{}: {error}", file.content_type))?;
                parts = parts.singlepart(
                    lettre::message::Attachment::new(file.file_name.clone())
                        .body(file.bytes.clone(), kind),
                );
            }
            letter.multipart(parts)
        };
        written.map_err(|error| format!("the message could not be written: {error}"))
    }
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the
/// link is confirmed by a `POST`, which the unsubscribe link takes.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[async_trait::async_trait]
impl Notifier for SmtpNotifier {
    fn name(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, message: &Outgoing<'_>) -> Answer {
        let letter = match self.letter(message) {
            Ok(letter) => letter,
            Err(why) => {
                return Answer {
                    outcome: Outcome::Permanent(why.clone()),
                    said: why,
                    unregistered: Vec::new(),
                };
            }
        };
        match self.transport.send(letter).await {
            Ok(response) => {
                let said = format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                );
                Answer {
                    outcome: Outcome::Sent {
                        provider_id: Some(format!("<{}@jewel-crm>", message.id)),
                    },
                    said,
                    unregistered: Vec::new(),
                }
            }
            Err(error) => {
                let said = error.to_string();
                let outcome = if error.is_permanent() {
                    Outcome::Permanent(said.clone())
                } else {
                    Outcome::Transient(said.clone())
                };
                Answer {
                    outcome,
                    said,
                    unregistered: Vec::new(),
                }
            }
        }
    }
}
