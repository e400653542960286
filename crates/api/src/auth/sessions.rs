//! Logging in, rotating refresh tokens and logging out.
//!
//! Each login starts a session family. A refresh token works once: using it
//! marks it used (a conditional update, so of two racing requests exactly
//! one wins) and issues the next token of the family. Presenting a token
//! that was already used means it leaked: the whole family is revoked.

use std::time::Duration;

use chrono::Utc;
use jewel_domain::access::StaffUser;
use jewel_domain::contact::Email;
use jewel_persistence::repos::sessions::{NewSession, Sessions};
use jewel_persistence::repos::staff::Staff;
use jewel_persistence::{ConnectionTrait, TransactionTrait};

use super::caller::{revoked_session_key, revoked_staff_key};
use super::{password, tokens};
use crate::error::ApiError;
use crate::state::AppState;

pub const STAFF: &str = "staff";

/// What a successful login or refresh hands back.
#[derive(Debug)]
pub struct Issued {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_at: chrono::DateTime<Utc>,
    pub user: StaffUser,
}

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        detail: "the e-mail or password is wrong",
        invalid_token: false,
    }
}

fn invalid_refresh_token() -> ApiError {
    ApiError::Unauthorized {
        detail: "the refresh token is invalid, expired, used or revoked; log in again",
        invalid_token: true,
    }
}

/// Logs a staff member in with e-mail and password.
pub async fn login(
    state: &AppState,
    email: &Email,
    password: &str,
    ip: Option<&str>,
) -> Result<Issued, ApiError> {
    let window = Duration::from_secs(state.auth.login_window_secs);
    let account_key = format!("login-failures:account:{}", email.as_str());
    let ip_key = ip.map(|ip| format!("login-failures:ip:{ip}"));
    let limit = state.auth.login_max_failures;
    let mut failures = state.cache.count(&account_key).await;
    if let Some(ip_key) = &ip_key {
        failures = failures.max(state.cache.count(ip_key).await);
    }
    if failures >= limit {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: window.as_secs(),
        });
    }

    let db = state.database.connection();
    let credentials = Staff::credentials_by_email(db, email.as_str()).await?;
    let matches = password::verify(
        password,
        credentials.as_ref().map(|c| c.password_hash.as_str()),
    )
    .await;
    let user = match credentials {
        Some(credentials) if matches && credentials.user.active => credentials.user,
        _ => {
            state.cache.increment(&account_key, window).await;
            if let Some(ip_key) = &ip_key {
                state.cache.increment(ip_key, window).await;
            }
            return Err(invalid_credentials());
        }
    };
    state.cache.delete(&account_key).await;
    start_family(state, db, user).await
}

pub async fn start_family(
    state: &AppState,
    db: &impl ConnectionTrait,
    user: StaffUser,
) -> Result<Issued, ApiError> {
    let family = uuid::Uuid::now_v7();
    issue(state, db, family, user).await
}

async fn issue(
    state: &AppState,
    db: &impl ConnectionTrait,
    family: uuid::Uuid,
    user: StaffUser,
) -> Result<Issued, ApiError> {
    let refresh_token = tokens::new_refresh_token()?;
    let ttl =
        chrono::Duration::days(i64::try_from(state.auth.refresh_token_ttl_days).unwrap_or(30));
    let refresh_expires_at = Utc::now() + ttl;
    Sessions::create(
        db,
        &NewSession {
            family_id: family,
            subject_kind: STAFF,
            subject_id: user.id,
            token_hash: &tokens::refresh_token_hash(&refresh_token),
            expires_at: refresh_expires_at,
        },
    )
    .await?;
    let access_token = state.tokens.issue_staff(&user, family)?;
    Ok(Issued {
        access_token,
        expires_in: state.tokens.access_ttl().as_secs(),
        refresh_token,
        refresh_expires_at,
        user,
    })
}

/// Trades a refresh token for a new pair.
pub async fn refresh(state: &AppState, refresh_token: &str) -> Result<Issued, ApiError> {
    let db = state.database.connection();
    let hash = tokens::refresh_token_hash(refresh_token);
    let Some(session) = Sessions::by_token_hash(db, &hash).await? else {
        return Err(invalid_refresh_token());
    };
    if session.revoked_at.is_some() {
        return Err(invalid_refresh_token());
    }
    if session.used_at.is_some() {
        tracing::warn!(family = %session.family_id, "a used refresh token was presented again: revoking its family");
        revoke_family(state, session.family_id).await?;
        return Err(invalid_refresh_token());
    }
    if session.expires_at <= Utc::now() || session.subject_kind != STAFF {
        return Err(invalid_refresh_token());
    }

    let transaction = db.begin().await?;
    // The conditional update comes first, so it takes the write lock before
    // anything is read: of two racing refreshes, one marks it and one finds
    // it marked.
    if !Sessions::mark_used(&transaction, session.id).await? {
        transaction.rollback().await?;
        return Err(invalid_refresh_token());
    }
    let user = match Staff::get(&transaction, session.subject_id).await? {
        Some(user) if user.active => user,
        _ => {
            Sessions::revoke_family(&transaction, session.family_id).await?;
            transaction.commit().await?;
            return Err(invalid_refresh_token());
        }
    };
    let issued = issue(state, &transaction, session.family_id, user).await?;
    transaction.commit().await?;
    Ok(issued)
}

/// Ends one login session: its refresh tokens stop working at once, and its
/// access tokens are refused until they would have expired.
pub async fn revoke_family(state: &AppState, family: uuid::Uuid) -> Result<(), ApiError> {
    Sessions::revoke_family(state.database.connection(), family).await?;
    state
        .cache
        .set(
            &revoked_session_key(family),
            b"1",
            state.tokens.access_ttl(),
        )
        .await;
    Ok(())
}

/// Ends every login session of a staff member (logout everywhere, a
/// disabled account, a changed password).
pub async fn revoke_staff(
    state: &AppState,
    db: &impl ConnectionTrait,
    staff: uuid::Uuid,
) -> Result<(), ApiError> {
    Sessions::revoke_subject(db, STAFF, staff).await?;
    let now = jsonwebtoken::get_current_timestamp();
    state
        .cache
        .set(
            &revoked_staff_key(staff),
            now.to_string().as_bytes(),
            state.tokens.access_ttl(),
        )
        .await;
    Ok(())
}
