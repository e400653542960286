//! The public keys that verify access tokens, for services that check
//! tokens themselves.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::jwks::JsonWebKeySet;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(jwks);
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
