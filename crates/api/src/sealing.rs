//! Identity document numbers (a customer's PAN) sealed at rest with
//! XChaCha20-Poly1305 (the `chacha20poly1305` crate: an authenticated cipher
//! whose 24-byte nonces are safe to draw at random), with a keyed hash
//! (HMAC-SHA-256) for exact look-ups. The key is a setting and never in the
//! database, so a dump or a backup alone reveals no PAN.
//!
//! Keys have ids, and a sealed text names its key (`k1:…`), so keys rotate:
//! set the new key as `identity.key` with a new `identity.key_id`, keep the
//! old one under `identity.previous_keys`, and at start the server seals
//! every PAN again with the new key (and every PAN still in plain text,
//! from before sealing). Without a configured key the server makes one on
//! first start and keeps it beside the data (`identity.key` in the data
//! folder), and says so in its log.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use jewel_domain::customer::{Pan, SealedPan};
use jewel_domain::webhook::Secret;
use jewel_persistence::Database;
use jewel_persistence::repos::customer_pans::{CustomerPans, Unsealed};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;

use crate::error::ApiError;

/// The file the embedded default keeps its key in, in the data folder.
pub const KEY_FILE: &str = "identity.key";

/// What is bound to every sealed PAN besides its key (a PAN cannot be
/// opened as something else).
const PURPOSE: &[u8] = b"jewel-crm pan v1";

/// How many customers are sealed again per transaction at start.
const RESEAL_BATCH: u64 = 500;

/// `identity.*`: the keys that seal identity numbers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentitySettings {
    /// The id of `key`, named in what it seals (letters, digits, `-`, `_`).
    pub key_id: Option<String>,
    /// 32 random bytes in base64 (`openssl rand -base64 32`).
    pub key: Option<SecretString>,
    /// Keys replaced by `key`, by id: still read, no longer written.
    pub previous_keys: BTreeMap<String, SecretString>,
}

/// Seals and opens PANs; cheap to clone (shared).
#[derive(Clone)]
pub struct Sealer {
    current: Arc<str>,
    ciphers: Arc<HashMap<String, XChaCha20Poly1305>>,
    lookup_key: Arc<[u8; 32]>,
    /// Nonces are this process's random 16 bytes and a count: never the
    /// same twice under one key, and no call to the random source per seal.
    nonce_prefix: [u8; 16],
    sealed: Arc<AtomicU64>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("key_id", &self.current)
            .finish()
    }
}

fn key_bytes(setting: &str, text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok());
    bytes
        .with_context(|| format!("{setting}: must be 32 bytes in base64 (openssl rand -base64 32)"))
}

fn check_id(setting: &str, id: &str) -> anyhow::Result<()> {
    let valid = !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    anyhow::ensure!(valid, "{setting}: 1 to 32 letters, digits, `-` or `_`");
    Ok(())
}

impl Sealer {
    /// The configured keys, or the embedded default's key file in
    /// `data_dir` (made on first start).
    pub fn new(settings: &IdentitySettings, data_dir: &Path) -> anyhow::Result<Self> {
        let (id, key) = match &settings.key {
            Some(key) => {
                let id = settings.key_id.clone().unwrap_or_else(|| "k1".to_owned());
                check_id("identity.key_id", &id)?;
                (id, key_bytes("identity.key", key.expose_secret())?)
            }
            None => kept_beside_the_data(data_dir)?,
        };
        let mut ciphers = HashMap::new();
        for (old, text) in &settings.previous_keys {
            check_id("identity.previous_keys", old)?;
            let bytes = key_bytes(
                &format!("identity.previous_keys.{old}"),
                text.expose_secret(),
            )?;
            ciphers.insert(old.clone(), XChaCha20Poly1305::new(&bytes.into()));
        }
        ciphers.insert(id.clone(), XChaCha20Poly1305::new(&key.into()));
        let mut lookup = <Hmac<Sha256> as Mac>::new_from_slice(&key)
            .map_err(|error| anyhow::anyhow!("identity.key: {error}"))?;
        lookup.update(b"jewel-crm pan lookup v1");
        let lookup_key: [u8; 32] = lookup.finalize().into_bytes().into();
        let mut nonce_prefix = [0u8; 16];
        getrandom::fill(&mut nonce_prefix)
            .map_err(|e| anyhow::anyhow!("no randomness for nonces: {e}"))?;
        Ok(Self {
            current: id.into(),
            ciphers: Arc::new(ciphers),
            lookup_key: Arc::new(lookup_key),
            nonce_prefix,
            sealed: Arc::new(AtomicU64::new(0)),
        })
    }

    /// A key of its own for `purpose` (signing links, ...), derived from
    /// the identity key: the same on every replica, changed with the key.
    pub fn derived_key(&self, purpose: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.lookup_key.as_slice())
            .expect("HMAC takes a key of any length");
        mac.update(purpose);
        mac.finalize().into_bytes().into()
    }

    /// The keyed hash of a PAN, the same for the same PAN under one key.
    pub fn lookup(&self, pan: &Pan) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.lookup_key.as_slice())
            .expect("HMAC takes a key of any length");
        mac.update(pan.as_str().as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// `pan` sealed with the current key.
    pub fn seal(&self, pan: &Pan) -> SealedPan {
        let text = pan.as_str();
        SealedPan {
            sealed: self.seal_bytes(text.as_bytes(), PURPOSE),
            lookup: self.lookup(pan),
            last_four: text[text.len().saturating_sub(4)..].to_owned(),
        }
    }

    /// `bytes` sealed with the current key, bound to `purpose`: `k1:…`.
    fn seal_bytes(&self, bytes: &[u8], purpose: &[u8]) -> String {
        let mut nonce = [0u8; 24];
        nonce[..16].copy_from_slice(&self.nonce_prefix);
        let count = self.sealed.fetch_add(1, Ordering::Relaxed);
        nonce[16..].copy_from_slice(&count.to_be_bytes());
        let payload = Payload {
            msg: bytes,
            aad: purpose,
        };
        let sealed = self.ciphers[&*self.current]
            .encrypt(&XNonce::from(nonce), payload)
            .expect("short texts are far below what the cipher takes");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("{}:{}", self.current, URL_SAFE_NO_PAD.encode(out))
    }

    /// The PAN a sealed text holds (any key this server has).
    pub fn open(&self, pan: &SealedPan) -> Result<String, ApiError> {
        let opened = self.open_bytes(&pan.sealed, PURPOSE).map_err(|why| {
            ApiError::Internal(anyhow::anyhow!("a sealed PAN cannot be opened: {why}"))
        })?;
        String::from_utf8(opened)
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("a sealed PAN is not text")))
    }

    /// The bytes `sealed` holds, sealed for `purpose` by any key this
    /// server has; why not when it cannot be opened.
    fn open_bytes(&self, sealed: &str, purpose: &[u8]) -> Result<Vec<u8>, &'static str> {
        let (id, text) = sealed.split_once(':').ok_or("no key id")?;
        let cipher = self.ciphers.get(id).ok_or("its key is not configured")?;
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| "not base64")?;
        if bytes.len() < 24 {
            return Err("too short");
        }
        let (nonce, sealed) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| "too short")?;
        let payload = Payload {
            msg: sealed,
            aad: purpose,
        };
        cipher
            .decrypt(&XNonce::from(nonce), payload)
            .map_err(|_| "it does not verify")
    }

    /// What every text sealed by the current key begins with.
    fn current_prefix(&self) -> String {
        format!("{}:", self.current)
    }

    /// Seals every PAN still in plain text, and every PAN sealed by a key
    /// other than the current one, a batch per transaction; how many.
    pub async fn seal_what_is_left(&self, database: &Database) -> anyhow::Result<u64> {
        let mut sealed = 0;
        loop {
            let transaction = jewel_persistence::begin_writing(database.connection()).await?;
            let batch =
                CustomerPans::to_seal(&transaction, &self.current_prefix(), RESEAL_BATCH).await?;
            if batch.is_empty() {
                transaction.commit().await?;
                return Ok(sealed);
            }
            for (id, unsealed) in batch {
                let plain = match unsealed {
                    Unsealed::Plain(text) => text,
                    Unsealed::SealedBefore(pan) => {
                        self.open(&pan).map_err(|e| anyhow::anyhow!("{e}"))?
                    }
                };
                let pan = Pan::parse("pan", &plain)
                    .map_err(|_| anyhow::anyhow!("customer {id}: a stored PAN is not a PAN"))?;
                let pan = self.seal(&pan);
                CustomerPans::store(&transaction, id, &pan).await?;
                sealed += 1;
            }
            transaction.commit().await?;
        }
    }
}

/// What is bound to every sealed webhook secret besides its key.
const WEBHOOK_SECRET: &[u8] = b"jewel-crm webhook secret v1";

/// Webhook endpoints' secrets are sealed like PANs (their own purpose):
/// a dump or a backup alone cannot forge a message to an integrator.
impl jewel_services::integrations::Secrets for Sealer {
    fn seal(&self, secret: &Secret) -> String {
        self.seal_bytes(secret.text().as_bytes(), WEBHOOK_SECRET)
    }

    fn open(&self, sealed: &str) -> anyhow::Result<Secret> {
        let bytes = self
            .open_bytes(sealed, WEBHOOK_SECRET)
            .map_err(|why| anyhow::anyhow!("a sealed webhook secret cannot be opened: {why}"))?;
        std::str::from_utf8(&bytes)
            .ok()
            .and_then(Secret::parse)
            .ok_or_else(|| anyhow::anyhow!("a sealed webhook secret is not one"))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The embedded default's key: read from the data folder, or made there
/// on first start (readable by this user only).
fn kept_beside_the_data(data_dir: &Path) -> anyhow::Result<(String, [u8; 32])> {
    let path = data_dir.join(KEY_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let (id, key) = text
            .trim()
            .split_once(' ')
            .with_context(|| format!("{}: is not `ID KEY`", path.display()))?;
        check_id(&path.display().to_string(), id)?;
        return Ok((id.to_owned(), key_bytes(&path.display().to_string(), key)?));
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no randomness for a key: {e}"))?;
    let id = format!("local-{}", &hex(&key)[..8]);
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write;
    let mut file = options
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    writeln!(file, "{id} {}", STANDARD.encode(key))
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "made a key that seals identity numbers and kept it beside the data: back it up apart from the database, or set identity.key (every server sharing a database needs the same one)"
    );
    Ok((id, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(id: &str, key: &str, previous: &[(&str, &str)]) -> Sealer {
        let settings = IdentitySettings {
            key_id: Some(id.to_owned()),
            key: Some(SecretString::from(key.to_owned())),
            previous_keys: previous
                .iter()
                .map(|(i, k)| ((*i).to_owned(), SecretString::from((*k).to_owned())))
                .collect(),
        };
        Sealer::new(&settings, Path::new("/nonexistent")).expect("a sealer")
    }

    const KEY_1: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const KEY_2: &str = "HxwdHh8aGxwdHh8aGxwdHh8aGxwdHh8aGxwdHh8aGxw=";

    #[test]
    fn a_sealed_pan_reveals_nothing_and_opens_with_its_key() {
        let pan = Pan::parse("pan", "ABCDE1234F").expect("a PAN");
        let one = sealer("k1", KEY_1, &[]);
        let sealed = one.seal(&pan);
        assert!(sealed.sealed.starts_with("k1:"));
        assert!(!sealed.sealed.contains("ABCDE"), "{}", sealed.sealed);
        assert_eq!(sealed.last_four, "234F");
        assert_eq!(one.open(&sealed).expect("opened"), "ABCDE1234F");
        // Nonces differ: the same PAN seals differently, looks up the same.
        let again = one.seal(&pan);
        assert_ne!(again.sealed, sealed.sealed);
        assert_eq!(again.lookup, sealed.lookup);
        // Tampering is found out.
        let mut chars: Vec<char> = sealed.sealed.chars().collect();
        chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
        let tampered = SealedPan {
            sealed: chars.into_iter().collect(),
            ..sealed.clone()
        };
        assert!(one.open(&tampered).is_err());
        // Another key neither opens it nor hashes it the same.
        let two = sealer("k2", KEY_2, &[]);
        assert!(two.open(&sealed).is_err());
        assert_ne!(two.lookup(&pan), sealed.lookup);
        // After rotation the old key still opens what it sealed.
        let rotated = sealer("k2", KEY_2, &[("k1", KEY_1)]);
        assert_eq!(rotated.open(&sealed).expect("opened"), "ABCDE1234F");
    }

    #[test]
    fn bad_keys_are_named() {
        let settings = IdentitySettings {
            key_id: Some("k1".to_owned()),
            key: Some(SecretString::from("too short".to_owned())),
            previous_keys: BTreeMap::new(),
        };
        let error = Sealer::new(&settings, Path::new("/nonexistent")).expect_err("refused");
        assert!(error.to_string().starts_with("identity.key:"), "{error}");
    }
}
