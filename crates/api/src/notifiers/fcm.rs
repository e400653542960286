//! App notifications through Firebase Cloud Messaging's HTTP v1 API: one
//! `POST /v1/projects/{project}/messages:send` per device, with an OAuth
//! 2.0 access token of the project's service account. The token is got as
//! Google documents for service accounts (a JWT signed RS256 with the
//! account's private key, exchanged at its `token_uri` with the
//! `jwt-bearer` grant; the `oauth2` crate has no such grant, so it is one
//! form post here) and kept until a minute before it expires.
//!
//! FCM's error says its `errorCode`: `UNREGISTERED` (the app was
//! uninstalled, the token is dead) takes the device away; `UNAVAILABLE`,
//! `INTERNAL`, `QUOTA_EXCEEDED`, `429`, `5xx` and `401` (the access token
//! expired: a new one is got) are tried again; the rest (`INVALID_ARGUMENT`,
//! `SENDER_ID_MISMATCH`, `THIRD_PARTY_AUTH_ERROR`) are final. A message to
//! several devices is sent when one took it.

use std::time::{Duration, Instant};

use jewel_domain::engagement::message::Outcome;
use jewel_services::engagement::notifier::{Answer, Notifier, Outgoing};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

use super::refusals::refused;
use crate::config::FcmSettings;

/// What the access token may do.
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// FCM's codes a later try may get past.
const RETRIED_CODES: [&str; 3] = ["UNAVAILABLE", "INTERNAL", "QUOTA_EXCEEDED"];

/// A service account's key file, as Google hands it (what is read of it).
#[derive(Deserialize)]
struct KeyFile {
    #[serde(rename = "type")]
    kind: String,
    project_id: String,
    private_key_id: String,
    private_key: SecretString,
    client_email: String,
    token_uri: String,
}

pub struct FcmNotifier {
    client: reqwest::Client,
    send_url: String,
    client_email: String,
    token_uri: String,
    key_id: String,
    key: EncodingKey,
    /// The access token and when it stops working.
    token: tokio::sync::Mutex<Option<(SecretString, Instant)>>,
}

impl std::fmt::Debug for FcmNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FcmNotifier")
            .field("send_url", &self.send_url)
            .field("client_email", &self.client_email)
            .finish_non_exhaustive()
    }
}

/// One device's answer.
enum DeviceAnswer {
    Took(String),
    Unregistered,
    Again(String),
    Refused(String),
}

impl FcmNotifier {
    /// Reads the service account's key file; refuses one that is not a
    /// service account's or whose key is not an RSA private key.
    pub fn new(settings: &FcmSettings) -> anyhow::Result<Self> {
        let path = &settings.credentials_file;
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("notify.fcm.credentials_file {path}: {e}"))?;
        let file: KeyFile = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "notify.fcm.credentials_file {path} is not a service account's key file: {e}"
            )
        })?;
        if file.kind != "service_account" {
            anyhow::bail!(
                "notify.fcm.credentials_file {path} is a {:?} key, not a service_account's",
                file.kind
            );
        }
        let key = EncodingKey::from_rsa_pem(file.private_key.expose_secret().as_bytes())
            .map_err(|e| anyhow::anyhow!("notify.fcm.credentials_file {path}: private_key: {e}"))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_secs.max(1)))
            .build()?;
        Ok(Self {
            client,
            send_url: format!(
                "{}/v1/projects/{}/messages:send",
                settings.base_url.trim_end_matches('/'),
                file.project_id
            ),
            client_email: file.client_email,
            token_uri: file.token_uri,
            key_id: file.private_key_id,
            key,
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// The access token, got anew when there is none or it is about to
    /// expire (one request at a time gets it).
    async fn access_token(&self) -> Result<SecretString, String> {
        let mut kept = self.token.lock().await;
        if let Some((token, until)) = kept.as_ref()
            && Instant::now() + Duration::from_secs(60) < *until
        {
            return Ok(token.clone());
        }
        let now = chrono::Utc::now().timestamp();
        let claims = json!({
            "iss": self.client_email, "scope": SCOPE, "aud": self.token_uri,
            "iat": now, "exp": now + 3600,
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.key_id.clone());
        let assertion = jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| format!("the service account's assertion could not be signed: {e}"))?;
        let response = self
            .client
            .post(&self.token_uri)
            .form(&[
                ("grant_type", JWT_BEARER),
                ("assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(|e| format!("Google's token endpoint did not answer: {e}"))?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        let (Some(token), true) = (answer["access_token"].as_str(), status.is_success()) else {
            return Err(format!(
                "{} Google refused the service account: {} {}",
                status.as_u16(),
                answer["error"].as_str().unwrap_or(""),
                answer["error_description"].as_str().unwrap_or("")
            ));
        };
        let lasts = Duration::from_secs(answer["expires_in"].as_u64().unwrap_or(3600));
        let token = SecretString::from(token.to_owned());
        *kept = Some((token.clone(), Instant::now() + lasts));
        Ok(token)
    }

    async fn to_device(
        &self,
        message: &Outgoing<'_>,
        device: &str,
        access: &SecretString,
    ) -> DeviceAnswer {
        let body = json!({"message": {
            "token": device,
            "notification": {"title": message.subject.unwrap_or(""), "body": message.body},
            "data": {"messageId": message.id.to_string()},
        }});
        let sent = self
            .client
            .post(&self.send_url)
            .bearer_auth(access.expose_secret())
            .json(&body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return DeviceAnswer::Again(format!("FCM did not answer: {error}")),
        };
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return DeviceAnswer::Took(answer["name"].as_str().unwrap_or("").to_owned());
        }
        let error = &answer["error"];
        let code = error["details"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|d| d["errorCode"].as_str())
            .or_else(|| error["status"].as_str())
            .unwrap_or("")
            .to_owned();
        let said = format!(
            "{} {code}: {}",
            status.as_u16(),
            error["message"].as_str().unwrap_or("")
        );
        if status.as_u16() == 401 {
            // The access token is no longer good: the next try gets another.
            *self.token.lock().await = None;
            return DeviceAnswer::Again(said);
        }
        if code == "UNREGISTERED" {
            return DeviceAnswer::Unregistered;
        }
        if status.as_u16() == 429
            || status.is_server_error()
            || RETRIED_CODES.contains(&code.as_str())
        {
            DeviceAnswer::Again(said)
        } else {
            DeviceAnswer::Refused(said)
        }
    }
}

#[async_trait::async_trait]
impl Notifier for FcmNotifier {
    fn name(&self) -> &'static str {
        "fcm"
    }

    async fn send(&self, message: &Outgoing<'_>) -> Answer {
        if message.devices.is_empty() {
            return refused(
                "an app notification goes to a registered device; there is none".to_owned(),
                false,
            );
        }
        let access = match self.access_token().await {
            Ok(access) => access,
            Err(why) => return refused(why, true),
        };
        let (mut took, mut again, mut said) = (Vec::new(), false, Vec::new());
        let mut unregistered = Vec::new();
        for (n, device) in message.devices.iter().enumerate() {
            match self.to_device(message, device, &access).await {
                DeviceAnswer::Took(name) => {
                    said.push(format!("device {}: 200 {name}", n + 1));
                    took.push(name);
                }
                DeviceAnswer::Unregistered => {
                    said.push(format!("device {}: 404 UNREGISTERED (taken away)", n + 1));
                    unregistered.push(device.clone());
                }
                DeviceAnswer::Again(why) => {
                    said.push(format!("device {}: {why}", n + 1));
                    again = true;
                }
                DeviceAnswer::Refused(why) => said.push(format!("device {}: {why}", n + 1)),
            }
        }
        let said = said.join("; ");
        let outcome = match (took.first(), again) {
            (Some(first), _) => Outcome::Sent {
                provider_id: Some(first.clone()),
            },
            (None, true) => Outcome::Transient(said.clone()),
            (None, false) => Outcome::Permanent(said.clone()),
        };
        Answer {
            outcome,
            said,
            unregistered,
        }
    }
}
