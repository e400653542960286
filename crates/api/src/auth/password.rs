//! Password hashing with argon2id at OWASP's minimum parameters
//! (m = 19456 KiB, t = 2, p = 1), run on the blocking pool so that a login
//! never stalls the async workers.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jewel_domain::contact::Password;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash to verify against when the account does not exist, so that an
/// unknown e-mail costs the same time as a wrong password.
static DECOY: LazyLock<String> =
    LazyLock::new(|| hash_now("decoy password that matches nothing").unwrap_or_default());

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// The argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
pub async fn hash(password: &Password) -> anyhow::Result<String> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

/// Whether `password` matches `stored`; with `None` (no such account) it
/// spends the same effort on a decoy and answers `false`.
pub async fn verify(password: &str, stored: Option<&str>) -> bool {
    let password = password.to_owned();
    let stored = stored.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let decoy = stored.is_none();
        let phc = stored.unwrap_or_else(|| DECOY.clone());
        let matches = PasswordHash::new(&phc)
            .map(|parsed| {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        matches && !decoy
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let password = Password::parse("password", "a long enough secret").expect("valid");
        let stored = hash(&password).await.expect("hashed");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("a long enough secret", Some(&stored)).await);
        assert!(!verify("a wrong secret!!", Some(&stored)).await);
        assert!(!verify("decoy password that matches nothing", None).await);
    }
}
