//! Typed, layered settings: built-in defaults, then an optional TOML file,
//! then the environment (`DATABASE_URL`, `REDIS_URL` and `JEWEL_*`).
//!
//! A nested key is spelled with a double underscore in the environment:
//! `server.bind` is `JEWEL_SERVER__BIND`, `database.max_connections` is
//! `JEWEL_DATABASE__MAX_CONNECTIONS`.

mod notify;
mod sections;
mod webhooks;

pub use notify::*;
pub use sections::*;
pub use webhooks::*;

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;

/// Prefix of every environment variable but the two well-known URLs.
pub const ENV_PREFIX: &str = "JEWEL_";
/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "jewel-crm.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub cache: CacheSettings,
    pub auth: AuthSettings,
    pub rate_limit: RateLimitSettings,
    pub sso: SsoSettings,
    pub phones: PhoneSettings,
    pub inventory: InventorySettings,
    pub billing: BillingSettings,
    pub jobs: JobSettings,
    pub notify: NotifySettings,
    pub webhooks: WebhookSettings,
    pub imports: ImportSettings,
    pub identity: crate::sealing::IdentitySettings,
    pub events: EventSettings,
    pub log: LogSettings,
}

/// A setting that cannot be used; the message names it and what is allowed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("bad setting: {0}")]
    Invalid(String),
}

impl Settings {
    /// Reads defaults, then `file` (or `jewel-crm.toml` when present), then
    /// the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let file = match file {
            Some(path) if !path.exists() => return Err(ConfigError::MissingFile(path.to_owned())),
            Some(path) => path.to_owned(),
            None => PathBuf::from(DEFAULT_CONFIG_FILE),
        };
        Self::from_figment(
            Figment::new()
                .merge(Toml::file(file))
                .merge(
                    Env::prefixed(ENV_PREFIX)
                        // The command line's own variables (`JEWEL_CONFIG`,
                        // `JEWEL_OWNER_*`) are not settings; figment hands the
                        // key over in its original case.
                        .filter(|key| {
                            let key = key.as_str().to_ascii_lowercase();
                            key != "config" && !key.starts_with("owner_")
                        })
                        .split("__"),
                )
                .merge(
                    Env::raw()
                        .only(&["DATABASE_URL"])
                        .map(|_| "database.url".into()),
                )
                .merge(
                    Env::raw()
                        .only(&["REDIS_URL"])
                        .map(|_| "cache.redis_url".into()),
                ),
        )
    }

    fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings: Settings = figment
            .extract()
            .map_err(|e| ConfigError::Invalid(one_line(&e)))?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, allowed: &str| Err(ConfigError::Invalid(format!("{key}: {allowed}")));
        if !(1..=12).contains(&self.billing.financial_year_start_month) {
            return bad(
                "billing.financial_year_start_month",
                "must be a month, 1 to 12",
            );
        }
        if self.events.poll_ms == 0 || self.events.max_attempts == 0 {
            return bad("events", "poll_ms and max_attempts must be at least 1");
        }
        let hooks = &self.webhooks;
        if hooks.timeout_secs == 0 || hooks.poll_ms == 0 || hooks.batch == 0 {
            return bad(
                "webhooks",
                "timeout_secs, poll_ms and batch must be at least 1",
            );
        }
        if hooks.retry_secs.len() > 20 || hooks.disable_after_secs == 0 {
            return bad(
                "webhooks",
                "at most 20 retry_secs, and disable_after_secs at least 1",
            );
        }
        if self.billing.price_valid_minutes == 0 {
            return bad("billing.price_valid_minutes", "must be at least 1");
        }
        if self.database.max_connections == 0 {
            return bad("database.max_connections", "must be at least 1");
        }
        if self.database.min_connections > self.database.max_connections {
            return bad(
                "database.min_connections",
                "must not exceed database.max_connections",
            );
        }
        if !(1024..=64 * 1024 * 1024).contains(&self.jobs.photo_max_bytes) {
            return bad("jobs.photo_max_bytes", "must be 1024 to 67108864");
        }
        if let Some(s3) = &self.jobs.photo_s3
            && !(s3.endpoint.starts_with("http://") || s3.endpoint.starts_with("https://"))
        {
            return bad(
                "jobs.photo_s3.endpoint",
                "must be an http:// or https:// address",
            );
        }
        if jewel_domain::engagement::Language::parse(&self.notify.default_language).is_none() {
            return bad("notify.default_language", "must be en, hi or ta");
        }
        if self.notify.email == EmailTransport::Smtp && self.notify.smtp.is_none() {
            return bad(
                "notify.smtp",
                "must say where the mail server is when notify.email is smtp",
            );
        }
        if self.notify.email == EmailTransport::Sendgrid && self.notify.sendgrid.is_none() {
            return bad(
                "notify.sendgrid",
                "must give the API key and sender when notify.email is sendgrid",
            );
        }
        if time_of_day(&self.notify.quiet_hours_from).is_none()
            || time_of_day(&self.notify.quiet_hours_until).is_none()
        {
            return bad(
                "notify.quiet_hours_from",
                "and notify.quiet_hours_until must be HH:MM",
            );
        }
        for (transport, most) in &self.notify.per_minute {
            if !["log", "smtp", "sendgrid", "twilio"].contains(&transport.as_str()) || *most == 0 {
                return bad(
                    "notify.per_minute",
                    "names log, smtp, sendgrid or twilio, each with at least 1 a minute",
                );
            }
        }
        if !(1..=3_650).contains(&self.notify.unsubscribe_link_days) {
            return bad("notify.unsubscribe_link_days", "must be 1 to 3650");
        }
        let public = &self.notify.public_url;
        if !(public.starts_with("https://") || public.starts_with("http://")) {
            return bad("notify.public_url", "must be an http(s) address");
        }
        if self.notify.occasion_days_ahead > 60 {
            return bad("notify.occasion_days_ahead", "must be 0 to 60");
        }
        if self.notify.sms == SmsTransport::Twilio {
            match &self.notify.twilio {
                None => return bad("notify.twilio", "must be given when notify.sms is twilio"),
                Some(t) if t.from.is_none() && t.messaging_service_sid.is_none() => {
                    return bad(
                        "notify.twilio.from",
                        "or notify.twilio.messaging_service_sid must be given",
                    );
                }
                Some(_) => {}
            }
        }
        if self.notify.whatsapp == WhatsappTransport::Cloud {
            let Some(cloud) = &self.notify.whatsapp_cloud else {
                return bad(
                    "notify.whatsapp_cloud",
                    "must be given when notify.whatsapp is cloud",
                );
            };
            if cloud.phone_number_id.is_empty()
                || !cloud.phone_number_id.bytes().all(|b| b.is_ascii_digit())
            {
                return bad(
                    "notify.whatsapp_cloud.phone_number_id",
                    "must be the phone number's id (digits)",
                );
            }
        }
        if self.notify.push == PushTransport::Fcm && self.notify.fcm.is_none() {
            return bad("notify.fcm", "must be given when notify.push is fcm");
        }
        match jewel_domain::measure::Money::parse(
            "notify.follow_up_min_total",
            &self.notify.follow_up_min_total,
        ) {
            Ok(min) if !min.is_negative() => {}
            _ => {
                return bad(
                    "notify.follow_up_min_total",
                    "must be an amount such as \"50000.00\"",
                );
            }
        }
        if jewel_domain::engagement::after_sale::FollowUpAction::parse(
            &self.notify.follow_up_action,
        )
        .is_none()
        {
            return bad("notify.follow_up_action", "must be message, task or both");
        }
        for (trigger, action) in &self.notify.actions {
            let calls = jewel_domain::engagement::Trigger::parse(trigger)
                .is_some_and(|t| CALLING_TRIGGERS.contains(&t));
            if !calls {
                return bad(
                    "notify.actions",
                    "names invoice_issued, payment_received, instalment_received, job_ready, instalment_due, scheme_maturity, quote_expiring, birthday, anniversary or spouse_birthday",
                );
            }
            if jewel_domain::engagement::after_sale::FollowUpAction::parse(action).is_none() {
                return bad("notify.actions", "must say message, task or both");
            }
        }
        if self.notify.quote_expiring_minutes > 1_440 {
            return bad("notify.quote_expiring_minutes", "must be 0 to 1440");
        }
        if self.notify.scheme_reminder_days > 30 {
            return bad("notify.scheme_reminder_days", "must be 0 to 30");
        }
        if self.notify.bridal_tag.trim().is_empty() {
            return bad("notify.bridal_tag", "must name a tag");
        }
        if let Some(dlt) = &self.notify.dlt {
            if !jewel_domain::engagement::dlt::is_ledger_id(&dlt.entity_id) {
                return bad("notify.dlt.entity_id", "must be 10 to 30 digits");
            }
            if !jewel_domain::engagement::dlt::is_sender_header(&dlt.sender_header) {
                return bad("notify.dlt.sender_header", "must be six letters or digits");
            }
        }
        if self.notify.poll_ms == 0 {
            return bad("notify.poll_ms", "must be at least 1");
        }
        if self.server.body_limit_bytes < 1024 {
            return bad("server.body_limit_bytes", "must be at least 1024");
        }
        if let Some(header) = &self.server.client_ip_header
            && actix_web::http::header::HeaderName::try_from(header.as_str()).is_err()
        {
            return bad("server.client_ip_header", "must be an HTTP header name");
        }
        if self.server.request_timeout_secs == 0 {
            return bad("server.request_timeout_secs", "must be at least 1");
        }
        if jewel_domain::metal_rate::Currency::parse("currency", &self.inventory.currency).is_err()
        {
            return bad("inventory.currency", "must be an ISO 4217 code such as INR");
        }
        let key_files = (
            self.auth.jwt_private_key_file.is_some(),
            self.auth.jwt_public_key_file.is_some(),
        );
        if key_files.0 != key_files.1 {
            return bad(
                "auth.jwt_private_key_file",
                "and auth.jwt_public_key_file must be given together",
            );
        }
        if key_files.0 && self.auth.jwt_secret.is_some() {
            return bad(
                "auth.jwt_secret",
                "must not be set together with a key pair: choose one",
            );
        }
        if self.sso.authorize_url.is_some() {
            if self.sso.token_url.is_none()
                || self.sso.userinfo_url.is_none()
                || self.sso.client_id.is_empty()
            {
                return bad(
                    "sso",
                    "with authorize_url, token_url, userinfo_url and client_id are required",
                );
            }
            let urls = [
                ("sso.authorize_url", &self.sso.authorize_url),
                ("sso.token_url", &self.sso.token_url),
                ("sso.userinfo_url", &self.sso.userinfo_url),
                ("sso.redirect_url", &self.sso.redirect_url),
                ("sso.spa_redirect_url", &self.sso.spa_redirect_url),
            ];
            for (key, url) in urls {
                if let Some(url) = url
                    && url::Url::parse(url).is_err()
                {
                    return bad(key, "must be an absolute URL");
                }
            }
        }
        if self.auth.leeway_secs > 60 {
            return bad("auth.leeway_secs", "must be at most 60");
        }
        if !(60..=3600).contains(&self.auth.access_token_ttl_secs) {
            return bad("auth.access_token_ttl_secs", "must be between 60 and 3600");
        }
        if !(1..=90).contains(&self.auth.refresh_token_ttl_days) {
            return bad("auth.refresh_token_ttl_days", "must be between 1 and 90");
        }
        if self.auth.login_max_failures == 0 || self.auth.login_window_secs == 0 {
            return bad(
                "auth.login_max_failures",
                "and auth.login_window_secs must be at least 1",
            );
        }
        if let Some(secret) = &self.auth.jwt_secret
            && secrecy::ExposeSecret::expose_secret(secret).len() < 32
        {
            return bad("auth.jwt_secret", "must be at least 32 bytes");
        }
        if self.rate_limit.window_secs == 0
            || self.rate_limit.anonymous == 0
            || self.rate_limit.staff == 0
        {
            return bad(
                "rate_limit",
                "window_secs, anonymous and staff must be at least 1",
            );
        }
        if self.cache.timeout_ms == 0 {
            return bad("cache.timeout_ms", "must be at least 1");
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            return bad("log.level", &format!("not a tracing filter ({e})"));
        }
        Ok(())
    }
}

/// figment says which key and which source (file or variable) was wrong; keep
/// that, on one line.
fn one_line(error: &figment::Error) -> String {
    let key = error.path.join(".");
    let source = match (&error.metadata, &error.profile) {
        (Some(metadata), Some(profile)) if !error.path.is_empty() => {
            let name = if metadata.name.contains("environment") {
                format!("{ENV_PREFIX}{}", error.path.join("__").to_uppercase())
            } else {
                metadata.interpolate(profile, &error.path)
            };
            match &metadata.source {
                Some(source) => format!(" (`{name}` in {source})"),
                None if metadata.name.contains("environment") => {
                    format!(" (environment variable `{name}`)")
                }
                None => format!(" (`{name}` in {})", metadata.name),
            }
        }
        (Some(metadata), _) => format!(" (in {})", metadata.name),
        _ => String::new(),
    };
    let what = error.kind.to_string().replace('\n', " ");
    if key.is_empty() {
        format!("{what}{source}")
    } else {
        format!("{key}: {what}{source}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::Serialized;
    use secrecy::ExposeSecret;

    fn with(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let mut figment = Figment::new();
        for (key, value) in pairs {
            let value: figment::value::Value = value.parse().expect("infallible");
            figment = figment.merge(Serialized::default(key, value));
        }
        Settings::from_figment(figment)
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let settings = with(&[]).expect("defaults are valid");
        assert_eq!(settings.server.bind.to_string(), "127.0.0.1:8080");
        assert!(settings.database.url.is_none());
        assert!(settings.cache.redis_url.is_none());
        assert!(settings.database.run_migrations);
    }

    #[test]
    fn a_bad_value_names_the_setting_and_what_is_allowed() {
        let err = with(&[("server.bind", "not-an-address")]).expect_err("invalid");
        let message = err.to_string();
        assert!(message.contains("server.bind"), "{message}");
        assert!(!message.contains('\n'), "{message}");

        let err = with(&[("log.format", "xml")]).expect_err("invalid");
        let message = err.to_string();
        assert!(message.contains("log.format"), "{message}");
        assert!(message.contains("json"), "{message}");

        let err = with(&[("database.max_connections", "0")]).expect_err("invalid");
        assert!(err.to_string().contains("database.max_connections"));
    }

    #[test]
    fn pricing_settings_read_numbers_exactly() {
        let settings = with(&[
            ("inventory.gst_percent", "5"),
            ("inventory.hallmark_exempt_below_grams", "\"2.5\""),
        ])
        .expect("valid");
        assert_eq!(settings.inventory.gst_percent.to_string(), "5.00");
        assert_eq!(
            settings.inventory.hallmark_exempt_below_grams.to_string(),
            "2.500"
        );
        let err = with(&[("inventory.gst_percent", "2.5")]).expect_err("a float");
        assert!(err.to_string().contains("in quotes"), "{err}");
        let err = with(&[("inventory.gst_percent", "\"3.125\"")]).expect_err("3 places");
        assert!(err.to_string().contains("inventory.gst_percent"), "{err}");
        let err = with(&[("inventory.currency", "rupees")]).expect_err("not ISO");
        assert!(err.to_string().contains("inventory.currency"), "{err}");
    }

    #[test]
    fn secrets_never_print() {
        let settings = with(&[
            ("database.url", "mysql://root:hunter2@db/jewel"),
            ("cache.redis_url", "redis://:hunter3@cache"),
        ])
        .expect("valid");
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("hunter3"), "{shown}");
        let url = settings.database.url.expect("set");
        assert_eq!(url.expose_secret(), "mysql://root:hunter2@db/jewel");
    }

    #[test]
    fn a_key_pair_comes_whole_and_alone() {
        let err = with(&[("auth.jwt_private_key_file", "/keys/jwt.pem")]).expect_err("half a pair");
        assert!(
            err.to_string().contains("auth.jwt_public_key_file"),
            "{err}"
        );
        let err = with(&[
            ("auth.jwt_private_key_file", "/keys/jwt.pem"),
            ("auth.jwt_public_key_file", "/keys/jwt.pub.pem"),
            ("auth.jwt_secret", "0123456789abcdef0123456789abcdef"),
        ])
        .expect_err("two kinds of key");
        assert!(err.to_string().contains("auth.jwt_secret"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = with(&[("server.bnid", "127.0.0.1:1")]).expect_err("typo");
        assert!(err.to_string().contains("bnid"), "{err}");
    }
}
