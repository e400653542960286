//! The sections of the settings, each with its defaults: events, inventory,
//! billing, phones, single sign-on, rate limits, logins, the server, the
//! database, the cache and the log.

use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `imports.*`: the worker that goes through import jobs.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportSettings {
    /// Whether this server works on import jobs (runs the worker); every
    /// replica may, each job being taken by one.
    pub work: bool,
    /// How often the worker looks for a job to take (closing a job's upload
    /// wakes this server's worker at once).
    pub poll_ms: u64,
}

impl Default for ImportSettings {
    fn default() -> Self {
        Self {
            work: true,
            poll_ms: 10_000,
        }
    }
}

/// How the outbox's relay hands events to subscribers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventSettings {
    /// How often the relay looks for new events when no commit woke it.
    pub poll_ms: u64,
    /// The wait before a failed delivery is tried again; it doubles with
    /// each failure, up to an hour.
    pub first_retry_ms: u64,
    /// Failures after which a delivery is parked (`dead`).
    pub max_attempts: u16,
    /// Whether this server delivers events (runs the relay). A replica set
    /// to `false` still writes its events to the outbox and leaves their
    /// delivery to the replicas that run the relay.
    pub deliver: bool,
}

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            poll_ms: 500,
            first_retry_ms: 5000,
            max_attempts: 10,
            deliver: true,
        }
    }
}

impl EventSettings {
    pub fn relay(&self) -> jewel_services::relay::RelaySettings {
        jewel_services::relay::RelaySettings {
            poll: Duration::from_millis(self.poll_ms),
            first_retry: Duration::from_millis(self.first_retry_ms),
            max_attempts: i32::from(self.max_attempts),
            ..Default::default()
        }
    }
}

/// How pieces are priced and when they may be sold (India's rules by default).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InventorySettings {
    /// The currency of every rate and price.
    pub currency: String,
    /// GST on jewellery, in percent, split CGST + SGST within the state.
    pub gst_percent: jewel_domain::measure::Percent,
    /// Metals whose pieces need a HUID to be sold.
    pub hallmark_metals: Vec<jewel_domain::metal::Metal>,
    /// Pieces lighter than this (gross, grams) need no HUID.
    pub hallmark_exempt_below_grams: jewel_domain::measure::Weight,
}

impl Default for InventorySettings {
    fn default() -> Self {
        let rule = jewel_domain::piece::HallmarkRule::default();
        Self {
            currency: "INR".to_owned(),
            gst_percent: jewel_domain::measure::Percent::from_units(300),
            hallmark_metals: rule.metals,
            hallmark_exempt_below_grams: rule.exempt_below,
        }
    }
}

/// How bills are numbered, checked and discounted (India's rules by default).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BillingSettings {
    /// The month a financial year starts in, 1 to 12 (4: April to March);
    /// invoice numbers start again at 1 each year.
    pub financial_year_start_month: u32,
    /// Cash received for one bill must stay below this.
    pub cash_limit: jewel_domain::measure::Money,
    /// A bill of this or more needs the customer's PAN.
    pub pan_threshold: jewel_domain::measure::Money,
    /// How long the prices of a quote hold, in minutes; a draft invoice
    /// priced longer ago than this must be priced again before it is issued.
    pub price_valid_minutes: u32,
    /// GST on services sold at the counter (engraving, sizing), in percent.
    pub service_gst_percent: jewel_domain::measure::Percent,
    /// The most discount (percent of the value) the sales role may give
    /// without a manager's approval.
    pub discount_limit_sales: jewel_domain::measure::Percent,
    /// The same for accountants and for API clients.
    pub discount_limit_accountant: jewel_domain::measure::Percent,
    /// The same for managers (the owner has no limit).
    pub discount_limit_manager: jewel_domain::measure::Percent,
}

impl Default for BillingSettings {
    fn default() -> Self {
        use jewel_domain::measure::{Money, Percent};
        Self {
            financial_year_start_month: 4,
            cash_limit: Money::from_units(20_000_000),
            pan_threshold: Money::from_units(20_000_000),
            price_valid_minutes: 60,
            service_gst_percent: Percent::from_units(500),
            discount_limit_sales: Percent::from_units(200),
            discount_limit_accountant: Percent::ZERO,
            discount_limit_manager: Percent::from_units(10_000),
        }
    }
}

/// Service jobs: where photos of the items are kept and how large one
/// may be.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobSettings {
    /// The largest photo accepted, in bytes (5 MiB).
    pub photo_max_bytes: u64,
    /// The folder photos are kept in, each by its SHA-256; unset: `photos`
    /// under the database's data folder.
    pub photo_dir: Option<PathBuf>,
    /// An S3-compatible store to keep photos in instead of the folder.
    pub photo_s3: Option<S3Settings>,
}

/// An S3-compatible bucket (AWS S3, MinIO, Ceph, R2), addressed by path
/// and signed with AWS Signature Version 4.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    /// `https://s3.ap-south-1.amazonaws.com`, `http://127.0.0.1:9000`.
    pub endpoint: String,
    pub bucket: String,
    #[serde(default = "default_region")]
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Put before each object's SHA-256 (`photos/`).
    #[serde(default)]
    pub prefix: String,
}

fn default_region() -> String {
    "us-east-1".to_owned()
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            photo_max_bytes: 5 * 1024 * 1024,
            photo_dir: None,
            photo_s3: None,
        }
    }
}

/// How phone numbers typed without a country code are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhoneSettings {
    /// ISO 3166-1 alpha-2 code of the shop's country (`IN`, `AE`): a number
    /// written without `+` is that country's (`98765 43210` in India).
    pub default_country: jewel_domain::contact::HomeCountry,
}

/// Staff single sign-on through an external OAuth2 / OpenID Connect
/// provider (authorization code + PKCE). Off unless `authorize_url` is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SsoSettings {
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    /// Where the verified e-mail is read (OpenID Connect userinfo).
    pub userinfo_url: Option<String>,
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    /// Our callback as registered with the provider; unset: derived from
    /// the start request (`<scheme>://<host>/api/v1/auth/sso/callback`).
    pub redirect_url: Option<String>,
    /// Where to send the browser with the tokens (in the URL fragment);
    /// unset: the callback answers with the tokens as JSON.
    pub spa_redirect_url: Option<String>,
    pub scopes: Vec<String>,
}

impl Default for SsoSettings {
    fn default() -> Self {
        Self {
            authorize_url: None,
            token_url: None,
            userinfo_url: None,
            client_id: String::new(),
            client_secret: None,
            redirect_url: None,
            spa_redirect_url: None,
            scopes: vec![
                "openid".to_owned(),
                "email".to_owned(),
                "profile".to_owned(),
            ],
        }
    }
}

/// Requests allowed per caller per window, on `/api/v1` and `/oauth`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    pub window_secs: u64,
    /// Per IP address, for calls without a valid token.
    pub anonymous: u64,
    /// Per staff member, unless their role has its own number below.
    pub staff: u64,
    /// Per API client, unless the client has its own number.
    pub client: u64,
    pub owner: Option<u64>,
    pub manager: Option<u64>,
    pub sales: Option<u64>,
    pub accountant: Option<u64>,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            window_secs: 60,
            anonymous: 120,
            staff: 600,
            client: 1200,
            owner: None,
            manager: None,
            sales: None,
            accountant: None,
        }
    }
}

impl RateLimitSettings {
    pub fn for_role(&self, role: jewel_domain::Role) -> u64 {
        use jewel_domain::Role;
        match role {
            Role::Owner => self.owner,
            Role::Manager => self.manager,
            Role::Sales => self.sales,
            Role::Accountant => self.accountant,
        }
        .unwrap_or(self.staff)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// HS256 secret for access tokens (at least 32 bytes). Unset: a key is
    /// made on first start and kept in the database.
    pub jwt_secret: Option<SecretString>,
    /// An Ed25519 key pair (PKCS#8 / SPKI PEM files) to sign with EdDSA
    /// instead; the public key is published at `/.well-known/jwks.json`.
    pub jwt_private_key_file: Option<PathBuf>,
    pub jwt_public_key_file: Option<PathBuf>,
    /// `kid` of that key pair.
    pub jwt_kid: String,
    /// `iss` of every access token.
    pub issuer: String,
    /// `aud` of every access token.
    pub audience: String,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u64,
    /// Clock skew tolerated on `exp` (at most 60).
    pub leeway_secs: u64,
    /// Failed logins allowed per account, and per IP address, per window.
    pub login_max_failures: u64,
    pub login_window_secs: u64,
    /// Whether customers may sign themselves up (`POST /api/v1/auth/customer-register`).
    pub customer_self_registration: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwt_private_key_file: None,
            jwt_public_key_file: None,
            jwt_kid: "jewel-ed25519-1".to_owned(),
            issuer: "jewel-crm".to_owned(),
            audience: "jewel-crm-api".to_owned(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            leeway_secs: 30,
            login_max_failures: 5,
            login_window_secs: 900,
            customer_self_registration: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// Worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// A request still running after this many seconds is answered with 503.
    pub request_timeout_secs: u64,
    /// On SIGTERM/SIGINT, in-flight requests get this long to finish.
    pub shutdown_timeout_secs: u64,
    /// Origins allowed by CORS (`*` for any); empty means same-origin only.
    pub cors_allowed_origins: Vec<String>,
    /// Behind a load balancer: the header it puts the client's address in
    /// (`X-Forwarded-For`, `X-Real-IP`); its last entry, the one the balancer
    /// added, is the client. Unset: the connection's peer address. Set it
    /// only behind a proxy, or clients could choose their own address.
    pub client_ip_header: Option<String>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            workers: 0,
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            shutdown_timeout_secs: 30,
            cors_allowed_origins: Vec::new(),
            client_ip_header: None,
        }
    }
}

impl ServerSettings {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `mysql://user:password@host:3306/db` or `sqlite://path`; unset means
    /// the embedded SQLite file under `data_dir`. Read from `DATABASE_URL`.
    pub url: Option<SecretString>,
    pub data_dir: PathBuf,
    pub max_connections: u32,
    pub min_connections: u32,
    pub connect_timeout_secs: u64,
    pub acquire_timeout_secs: u64,
    pub idle_timeout_secs: u64,
    pub slow_statement_ms: u64,
    /// Apply pending migrations when `serve` starts.
    pub run_migrations: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            data_dir: PathBuf::from("data"),
            max_connections: 16,
            min_connections: 0,
            connect_timeout_secs: 5,
            acquire_timeout_secs: 5,
            idle_timeout_secs: 300,
            slow_statement_ms: 500,
            run_migrations: true,
        }
    }
}

impl DatabaseSettings {
    pub fn options(&self) -> jewel_persistence::DatabaseOptions {
        jewel_persistence::DatabaseOptions {
            url: self.url.clone(),
            data_dir: self.data_dir.clone(),
            max_connections: self.max_connections,
            min_connections: self.min_connections,
            connect_timeout: Duration::from_secs(self.connect_timeout_secs),
            acquire_timeout: Duration::from_secs(self.acquire_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            slow_statement_threshold: Duration::from_millis(self.slow_statement_ms),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheSettings {
    /// `redis://host:6379`; unset means an in-process cache. Read from `REDIS_URL`.
    pub redis_url: Option<SecretString>,
    /// Prepended to every key, so several deployments can share one Redis.
    pub key_prefix: String,
    /// Entries held by the in-process cache.
    pub memory_capacity: u64,
    /// How long a Redis call may take before the cache is bypassed.
    pub timeout_ms: u64,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            redis_url: None,
            key_prefix: "jewel:".to_owned(),
            memory_capacity: 100_000,
            timeout_ms: 250,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// A tracing filter such as `info` or `info,jewel_api=debug`; `RUST_LOG` wins.
    pub level: String,
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: "info".to_owned(),
            format: LogFormat::Auto,
        }
    }
}

/// `auto` writes JSON unless standard output is a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Auto,
    Json,
    Pretty,
}
