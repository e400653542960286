//! WhatsApp through Meta's Business Cloud API: one JSON request per message
//! to `/{version}/{phone-number-id}/messages` with the access token as a
//! bearer token, a template message naming the template Meta approved, its
//! language and its body parameters in order. `200` takes it (its `wamid`
//! in `messages[0].id`).
//!
//! Meta's error document names a code: throttling (4, 80007, 130429,
//! 131048, 131056), a temporary fault (1, 2, 131000, 133004), `401` (a
//! token expired, mended by a new one), `429` and `5xx` are tried again;
//! the rest (131026 undeliverable, 132000 parameters that do not fit,
//! 132001 no such approved template, 100 a bad parameter) are final.

use std::time::Duration;

use jewel_domain::engagement::message::Outcome;
use jewel_services::engagement::notifier::{Answer, Notifier, Outgoing};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::refusals::refused;
use crate::config::WhatsappCloudSettings;

/// Meta's codes a later try may get past.
const RETRIED_CODES: [i64; 9] = [1, 2, 4, 80_007, 130_429, 131_000, 131_048, 131_056, 133_004];

#[derive(Debug, Clone)]
pub struct WhatsappCloudNotifier {
    client: reqwest::Client,
    url: String,
    access_token: SecretString,
}

impl WhatsappCloudNotifier {
    pub fn new(settings: &WhatsappCloudSettings) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_secs.max(1)))
            .build()?;
        Ok(Self {
            client,
            url: format!(
                "{}/{}/{}/messages",
                settings.base_url.trim_end_matches('/'),
                settings.api_version,
                settings.phone_number_id
            ),
            access_token: settings.access_token.clone(),
        })
    }
}

/// The template message Meta's API takes for `message`, or why there is
/// none.
fn template_message(message: &Outgoing<'_>) -> Result<Value, String> {
    let approved = message
        .approved
        .ok_or("a WhatsApp message names the template Meta approved; this one names none")?;
    let mut template = json!({
        "name": approved.name,
        "language": {"policy": "deterministic", "code": approved.language},
    });
    if !approved.parameters.is_empty() {
        let parameters: Vec<Value> = approved
            .parameters
            .iter()
            .map(|text| json!({"type": "text", "text": text}))
            .collect();
        template["components"] = json!([{"type": "body", "parameters": parameters}]);
    }
    Ok(json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.to,
        "type": "template",
        "template": template,
    }))
}

#[async_trait::async_trait]
impl Notifier for WhatsappCloudNotifier {
    fn name(&self) -> &'static str {
        "whatsapp_cloud"
    }

    async fn send(&self, message: &Outgoing<'_>) -> Answer {
        let body = match template_message(message) {
            Ok(body) => body,
            Err(why) => return refused(why.to_owned(), false),
        };
        let sent = self
            .client
            .post(&self.url)
            .bearer_auth(self.access_token.expose_secret())
            .json(&body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return refused(format!("WhatsApp did not answer: {error}"), true),
        };
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_success() {
            let id = answer["messages"][0]["id"].as_str().map(str::to_owned);
            return Answer {
                outcome: Outcome::Sent { provider_id: id },
                said: format!("{} {text}", status.as_u16()),
                unregistered: Vec::new(),
            };
        }
        let error = &answer["error"];
        let code = error["code"].as_i64();
        let said = match code {
            Some(code) => format!(
                "{} WhatsApp error {code}: {} {}",
                status.as_u16(),
                error["message"].as_str().unwrap_or(""),
                error["error_data"]["details"].as_str().unwrap_or("")
            )
            .trim_end()
            .to_owned(),
            None => format!("{} {text}", status.as_u16()),
        };
        let retried = status.as_u16() == 429
            || status.as_u16() == 401
            || status.is_server_error()
            || code.is_some_and(|c| RETRIED_CODES.contains(&c));
        refused(said, retried)
    }
}
