//! The wire types of `identity::jwks`: what its requests send and its answers show.

use serde::Serialize;
use utoipa::ToSchema;

/// A JSON Web Key Set (RFC 7517).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"keys": [{
    "kty": "OKP", "crv": "Ed25519", "x": "mkTH4vSdKV5uJF4k8veEttmga-UNaQJYR95mD6YCjpE",
    "kid": "jewel-ed25519-1", "alg": "EdDSA", "use": "sig"
}]}))]
pub struct JsonWebKeySet {
    /// Empty when tokens are signed with a shared secret (HS256), which is never published.
    #[schema(max_items = 8)]
    pub(crate) keys: Vec<JsonWebKey>,
}

/// One public key.
#[derive(Debug, Serialize, ToSchema)]
pub struct JsonWebKey {
    #[schema(max_length = 8, pattern = "^OKP$")]
    pub(crate) kty: String,
    #[schema(max_length = 16, pattern = "^Ed25519$")]
    pub(crate) crv: String,
    /// The public key, base64url.
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub(crate) x: String,
    #[schema(max_length = 64)]
    pub(crate) kid: String,
    #[schema(max_length = 8, pattern = "^EdDSA$")]
    pub(crate) alg: String,
    #[serde(rename = "use")]
    #[schema(max_length = 4, pattern = "^sig$")]
    pub(crate) usage: String,
}
