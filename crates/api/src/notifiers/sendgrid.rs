//! E-mail through SendGrid's v3 Mail Send API: one JSON request per
//! message with the API key as a bearer token; `202 Accepted` takes it
//! (its id in `X-Message-Id`). A `400` lists what SendGrid refused and is
//! final, as are `403` and `413`; `401` (a key revoked or not yet
//! rotated), `429` (rate limited), `5xx` and no answer are tried again.

use std::time::Duration;

use base64::Engine;
use jewel_domain::engagement::message::Outcome;
use jewel_services::engagement::notifier::{Answer, Notifier, Outgoing};
use lettre::message::Mailbox;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::refusals::refused;
use crate::config::SendGridSettings;

#[derive(Debug, Clone)]
pub struct SendGridNotifier {
    client: reqwest::Client,
    url: String,
    api_key: SecretString,
    from: Value,
}

impl SendGridNotifier {
    pub fn new(settings: &SendGridSettings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|error| anyhow::anyhow!("notify.sendgrid.from: {error}"))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_secs.max(1)))
            .build()?;
        Ok(Self {
            client,
            url: format!("{}/v3/mail/send", settings.base_url.trim_end_matches('/')),
            api_key: settings.api_key.clone(),
            from: address(from.email.as_ref(), from.name.as_deref()),
        })
    }

    /// The Mail Send body of `message`.
    fn mail(&self, message: &Outgoing<'_>) -> Value {
        let mut mail = json!({
            "personalizations": [{"to": [address(message.to, Some(message.to_name))]}],
            "from": self.from,
            "subject": message.subject.unwrap_or_default(),
            "content": [{"type": "text/plain", "value": message.body}],
            // Comes back with SendGrid's events, naming the message.
            "custom_args": {"message_id": message.id.to_string()},
        });
        if !message.attachments.is_empty() {
            mail["attachments"] = message
                .attachments
                .iter()
                .map(|file| {
                    json!({
                        "content": base64::engine::general_purpose::STANDARD.encode(&file.bytes),
                        "filename": file.file_name,
                        "type": file.content_type,
                        "disposition": "attachment",
                    })
                })
                .collect();
        }
        if let Some(url) = message.unsubscribe_url {
            // One click from the mail client (RFC 2369, RFC 8058).
            mail["headers"] = json!({
                "List-Unsubscribe": format!("<{url}>"),
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            });
        }
        mail
    }
}

fn address(email: &str, name: Option<&str>) -> Value {
    match name.filter(|n| !n.is_empty()) {
        Some(name) => json!({"email": email, "name": name}),
        None => json!({"email": email}),
    }
}

/// What SendGrid's error document says, one line.
fn errors_of(body: &str) -> Option<String> {
    let document: Value = serde_json::from_str(body).ok()?;
    let said: Vec<String> = document["errors"]
        .as_array()?
        .iter()
        .map(|e| match e["field"].as_str() {
            Some(field) => format!("{field}: {}", e["message"].as_str().unwrap_or("")),
            None => e["message"].as_str().unwrap_or("").to_owned(),
        })
        .collect();
    Some(said.join("; "))
}

#[async_trait::async_trait]
impl Notifier for SendGridNotifier {
    fn name(&self) -> &'static str {
        "sendgrid"
    }

    async fn send(&self, message: &Outgoing<'_>) -> Answer {
        let sent = self
            .client
            .post(&self.url)
            .bearer_auth(self.api_key.expose_secret())
            .json(&self.mail(message))
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return refused(format!("SendGrid did not answer: {error}"), true),
        };
        let status = response.status();
        let id = response
            .headers()
            .get("X-Message-Id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.unwrap_or_default();
        if status.as_u16() == 202 {
            return Answer {
                said: format!("202 accepted as {}", id.as_deref().unwrap_or("?")),
                outcome: Outcome::Sent { provider_id: id },
                unregistered: Vec::new(),
            };
        }
        let said = format!("{} {}", status.as_u16(), errors_of(&body).unwrap_or(body));
        let retried = matches!(status.as_u16(), 401 | 429) || status.is_server_error();
        refused(said, retried)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sendgrid_errors_read_as_one_line() {
        let body = r#"{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":null},{"message":"too many","field":null,"help":null}]}"#;
        assert_eq!(
            errors_of(body).as_deref(),
            Some("personalizations.0.to.0.email: Does not contain a valid address.; too many")
        );
        assert_eq!(errors_of("<html>"), None);
    }
}
