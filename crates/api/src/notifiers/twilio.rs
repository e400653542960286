//! SMS through Twilio's Messages API (form-encoded, HTTP Basic with the
//! account SID and auth token), and the check of the signature Twilio puts
//! on what it sends back (`X-Twilio-Signature`: base64 of HMAC-SHA1, keyed
//! with the auth token, of the URL followed by each parameter's name and
//! value in the order of their names).
//!
//! Under India's DLT rules an SMS goes from the registered header with
//! `DltPEId` and `DltTemplateId` (Twilio's errors 21900 and 21901 when
//! they are malformed, final like any 4xx).
//!
//! Twilio's errors 21211 (not a valid number) and 21610 (the customer
//! texted STOP), and every other 4xx but 429, are final; 429, 5xx and no
//! answer are tried again.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use jewel_domain::engagement::message::Outcome;
use jewel_services::engagement::notifier::{Answer, Notifier, Outgoing};
use secrecy::{ExposeSecret, SecretString};
use sha1::Sha1;

use super::refusals::refused;
use crate::config::TwilioSettings;

#[derive(Debug, Clone)]
pub struct TwilioNotifier {
    client: reqwest::Client,
    url: String,
    account_sid: String,
    auth_token: SecretString,
    from: Option<String>,
    messaging_service_sid: Option<String>,
    status_callback: Option<String>,
}

impl TwilioNotifier {
    pub fn new(settings: &TwilioSettings) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self {
            client,
            url: format!(
                "{}/2010-04-01/Accounts/{}/Messages.json",
                settings.base_url.trim_end_matches('/'),
                settings.account_sid
            ),
            account_sid: settings.account_sid.clone(),
            auth_token: settings.auth_token.clone(),
            from: settings.from.clone(),
            messaging_service_sid: settings.messaging_service_sid.clone(),
            status_callback: settings.status_callback_url.clone(),
        })
    }
}

/// Twilio's error document.
#[derive(Debug, serde::Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

#[async_trait::async_trait]
impl Notifier for TwilioNotifier {
    fn name(&self) -> &'static str {
        "twilio"
    }

    async fn send(&self, message: &Outgoing<'_>) -> Answer {
        let mut form: Vec<(&str, &str)> = vec![("To", message.to), ("Body", message.body)];
        if let Some(dlt) = message.dlt {
            // India: the registered header sends, with the ledger's ids.
            form.push(("From", dlt.sender_header));
            form.push(("DltPEId", dlt.entity_id));
            form.push(("DltTemplateId", dlt.template_id));
        } else if let Some(service) = &self.messaging_service_sid {
            form.push(("MessagingServiceSid", service));
        } else if let Some(from) = &self.from {
            form.push(("From", from));
        }
        if let Some(callback) = &self.status_callback {
            form.push(("StatusCallback", callback));
        }
        let sent = self
            .client
            .post(&self.url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose_secret()))
            .form(&form)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return refused(format!("Twilio did not answer: {error}"), true),
        };
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status.is_success() {
            let sid = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["sid"].as_str().map(str::to_owned));
            return Answer {
                outcome: Outcome::Sent { provider_id: sid },
                said: format!("{} {body}", status.as_u16()),
                unregistered: Vec::new(),
            };
        }
        let error: Option<TwilioError> = serde_json::from_str(&body).ok();
        let said = match &error {
            Some(e) => format!(
                "{} Twilio error {}: {}",
                status.as_u16(),
                e.code.unwrap_or_default(),
                e.message.as_deref().unwrap_or("")
            ),
            None => format!("{} {body}", status.as_u16()),
        };
        let retried = status.as_u16() == 429 || status.is_server_error() || status.as_u16() == 401;
        refused(said, retried)
    }
}

/// Whether `signature` is Twilio's for a request to `url` with the form
/// `params`, signed with `auth_token`.
pub fn signed_by_twilio(
    auth_token: &SecretString,
    url: &str,
    params: &[(String, String)],
    signature: &str,
) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return false;
    };
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.expose_secret().as_bytes()) else {
        return false;
    };
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of Twilio's security documentation
    /// (https://www.twilio.com/docs/usage/security#validating-requests).
    #[test]
    fn twilio_documented_example_verifies() {
        let token = SecretString::from("12345".to_owned());
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert!(signed_by_twilio(
            &token,
            url,
            &params,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        assert!(!signed_by_twilio(
            &token,
            url,
            &params,
            "1/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
        assert!(!signed_by_twilio(
            &token,
            "https://mycompany.com/other",
            &params,
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
    }
}
