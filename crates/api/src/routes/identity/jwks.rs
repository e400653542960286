//! The public keys that verify access tokens, for services that check
//! tokens themselves.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(jwks);
}

/// A JSON Web Key Set (RFC 7517).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"keys": [{
    "kty": "OKP", "crv": "Ed25519", "x": "mkTH4vSdKV5uJF4k8veEttmga-UNaQJYR95mD6YCjpE",
    "kid": "jewel-ed25519-1", "alg": "EdDSA", "use": "sig"
}]}))]
pub struct JsonWebKeySet {
    /// Empty when tokens are signed with a shared secret (HS256), which is never published.
    #[schema(max_items = 8)]
    keys: Vec<JsonWebKey>,
}

/// One public key.
#[derive(Debug, Serialize, ToSchema)]
pub struct JsonWebKey {
    #[schema(max_length = 8, pattern = "^OKP$")]
    kty: String,
    #[schema(max_length = 16, pattern = "^Ed25519$")]
    crv: String,
    /// The public key, base64url.
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9_-]{43}$")]
    x: String,
    #[schema(max_length = 64)]
    kid: String,
    #[schema(max_length = 8, pattern = "^EdDSA$")]
    alg: String,
    #[serde(rename = "use")]
    #[schema(max_length = 4, pattern = "^sig$")]
    usage: String,
}

/// The keys that verify this server's access tokens (JWKS).
#[utoipa::path(
    tag = "auth",
    operation_id = "getJwks",
    security(()),
    responses((status = 200, description = "The key set.", body = JsonWebKeySet))
)]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(state.tokens.jwks())
}
