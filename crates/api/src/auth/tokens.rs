//! Access tokens: short-lived HS256 JWTs (RFC 8725 practices: one fixed
//! algorithm, `kid` checked, `exp`/`iss`/`aud` required, 60 s leeway at most)
//! and opaque refresh tokens, of which only a SHA-256 is stored.

use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::AuthSettings;

/// Key id of the signing key made on first start when none is configured.
pub const GENERATED_KID: &str = "jewel-hs256-1";
/// Key id of a secret given in the settings.
pub const CONFIGURED_KID: &str = "jewel-hs256-config";

/// What an access token says about its bearer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    /// The staff member's or API client's id.
    pub sub: String,
    /// `staff`, `customer` or `client`.
    pub kind: String,
    /// A staff member's role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// An API client's scopes, space-separated (RFC 9068).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Branches the caller acts in (empty: all for owners and unlimited clients).
    pub branches: Vec<String>,
    /// A staff member's login session (refresh-token family).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// An API client's own rate limit per window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rl: Option<u64>,
    pub jti: String,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
}

#[derive(Clone)]
pub struct TokenKeys {
    kid: String,
    algorithm: Algorithm,
    /// The public key as a JWK, for asymmetric keys.
    jwk: Option<serde_json::Value>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    access_ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Why a token was refused; the client only learns "invalid_token".
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token's key id is not ours")]
    UnknownKid,
    #[error(transparent)]
    Invalid(#[from] jsonwebtoken::errors::Error),
}

impl TokenKeys {
    /// HS256 with a shared secret (never published).
    pub fn new(kid: &str, secret: &[u8], settings: &AuthSettings) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= 32,
            "the JWT secret must be at least 32 bytes"
        );
        Ok(Self::with(
            kid,
            Algorithm::HS256,
            EncodingKey::from_secret(secret),
            DecodingKey::from_secret(secret),
            None,
            settings,
        ))
    }

    /// EdDSA with an Ed25519 key pair; the public key is published as a JWK.
    pub fn ed25519(
        kid: &str,
        private_pem: &[u8],
        public_pem: &[u8],
        settings: &AuthSettings,
    ) -> anyhow::Result<Self> {
        let encoding = EncodingKey::from_ed_pem(private_pem).context("reading the private key")?;
        let decoding = DecodingKey::from_ed_pem(public_pem).context("reading the public key")?;
        let x = ed25519_public_key(public_pem)?;
        let jwk = serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"
        });
        let keys = Self::with(
            kid,
            Algorithm::EdDSA,
            encoding,
            decoding,
            Some(jwk),
            settings,
        );
        // A pair that does not match would otherwise only show at the first login.
        let probe = keys.sign_probe()?;
        keys.verify_signature(&probe)
            .context("the private and public keys are not a pair")?;
        Ok(keys)
    }

    fn with(
        kid: &str,
        algorithm: Algorithm,
        encoding: EncodingKey,
        decoding: DecodingKey,
        jwk: Option<serde_json::Value>,
        settings: &AuthSettings,
    ) -> Self {
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = settings.leeway_secs.min(60);
        validation.validate_exp = true;
        Self {
            kid: kid.to_owned(),
            algorithm,
            jwk,
            encoding,
            decoding,
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            access_ttl: Duration::from_secs(settings.access_token_ttl_secs),
        }
    }

    /// The public keys to publish at `/.well-known/jwks.json` (none for HS256).
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({"keys": self.jwk.iter().collect::<Vec<_>>()})
    }

    fn sign_probe(&self) -> anyhow::Result<String> {
        self.sign(&self.claims(uuid::Uuid::nil(), "probe"))
    }

    fn verify_signature(&self, token: &str) -> Result<AccessClaims, TokenError> {
        Ok(jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)?.claims)
    }

    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    /// The claims every token carries, for `sub` of `kind`, issued now.
    fn claims(&self, sub: uuid::Uuid, kind: &str) -> AccessClaims {
        let now = jsonwebtoken::get_current_timestamp();
        AccessClaims {
            sub: sub.to_string(),
            kind: kind.to_owned(),
            role: None,
            scope: None,
            branches: Vec::new(),
            sid: None,
            rl: None,
            jti: uuid::Uuid::now_v7().to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + self.access_ttl.as_secs(),
        }
    }

    /// Signs an access token for a staff member in login session `sid`.
    pub fn issue_staff(
        &self,
        user: &jewel_domain::access::StaffUser,
        sid: uuid::Uuid,
    ) -> anyhow::Result<String> {
        self.sign(&AccessClaims {
            role: Some(user.role.as_str().to_owned()),
            branches: user.branch_ids.iter().map(ToString::to_string).collect(),
            sid: Some(sid.to_string()),
            ..self.claims(user.id, "staff")
        })
    }

    /// Signs an access token for a customer in login session `sid`.
    pub fn issue_customer(
        &self,
        customer: &jewel_domain::customer::Customer,
        sid: uuid::Uuid,
    ) -> anyhow::Result<String> {
        self.sign(&AccessClaims {
            sid: Some(sid.to_string()),
            ..self.claims(customer.id, "customer")
        })
    }

    /// Signs an access token for an API client, limited to `scopes`.
    pub fn issue_client(
        &self,
        client: &jewel_domain::access::ApiClient,
        scopes: &[jewel_domain::Permission],
    ) -> anyhow::Result<String> {
        self.sign(&AccessClaims {
            scope: Some(
                scopes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            branches: client.branch_ids.iter().map(ToString::to_string).collect(),
            rl: client.rate_limit,
            ..self.claims(client.id, "client")
        })
    }

    fn sign(&self, claims: &AccessClaims) -> anyhow::Result<String> {
        let mut header = Header::new(self.algorithm);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).context("signing an access token")
    }

    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token)?;
        if header.kid.as_deref() != Some(self.kid.as_str()) {
            return Err(TokenError::UnknownKid);
        }
        self.verify_signature(token)
    }
}

/// The raw 32-byte Ed25519 public key of an SPKI PEM, base64url (a JWK's `x`).
fn ed25519_public_key(public_pem: &[u8]) -> anyhow::Result<String> {
    let text = std::str::from_utf8(public_pem).context("the public key is not text")?;
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .context("the public key is not PEM")?;
    // SPKI for Ed25519: a fixed 12-byte header, then the 32-byte key.
    anyhow::ensure!(der.len() == 44, "the public key is not an Ed25519 key");
    Ok(URL_SAFE_NO_PAD.encode(&der[12..]))
}

/// A new opaque refresh token (256 random bits, URL-safe).
pub fn new_refresh_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored for a refresh token: its SHA-256, in hex.
pub fn refresh_token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh random signing secret for the embedded default.
pub fn new_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 48];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}
