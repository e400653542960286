//! Logging in, rotating refresh tokens and logging out, for staff and for
//! customers alike.
//!
//! Each login starts a session family. A refresh token works once: using it
//! marks it used (a conditional update, so of two racing requests exactly
//! one wins) and issues the next token of the family. Presenting a token
//! that was already used means it leaked: the whole family is revoked.

use std::time::Duration;

use chrono::Utc;
use jewel_domain::access::StaffUser;
use jewel_domain::contact::{Email, Phone};
use jewel_domain::customer::Customer;
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::sessions::{NewSession, Sessions};
use jewel_persistence::repos::staff::Staff;

use super::revocations::Revoked;
use super::{password, tokens};
use crate::error::ApiError;
use crate::state::AppState;

pub const STAFF: &str = "staff";
pub const CUSTOMER: &str = "customer";

/// Who a session belongs to.
#[derive(Debug, Clone)]
pub enum Subject {
    Staff(StaffUser),
    Customer(Box<Customer>),
}

impl Subject {
    fn kind(&self) -> &'static str {
        match self {
            Subject::Staff(_) => STAFF,
            Subject::Customer(_) => CUSTOMER,
        }
    }

    fn id(&self) -> uuid::Uuid {
        match self {
            Subject::Staff(user) => user.id,
            Subject::Customer(customer) => customer.id,
        }
    }
}

/// What a successful login or refresh hands back.
#[derive(Debug)]
pub struct Issued {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_at: chrono::DateTime<Utc>,
    pub subject: Subject,
}

/// How a customer names themselves at login.
#[derive(Debug, Clone)]
pub enum CustomerLogin {
    Mobile(Phone),
    Email(Email),
    /// Neither a mobile number nor an e-mail address: names nobody, so
    /// the login fails (and counts as a failure) like a wrong password.
    Nobody(String),
}

impl CustomerLogin {
    /// Reads what a customer typed: an `@` makes an e-mail, anything else
    /// a mobile number of `home` unless written with its country code.
    pub fn read(text: &str, home: jewel_domain::contact::HomeCountry) -> Self {
        let read = if text.contains('@') {
            Email::parse("login", text).map(Self::Email)
        } else {
            Phone::parse("login", text, home).map(Self::Mobile)
        };
        read.unwrap_or_else(|_| Self::Nobody(text.trim().to_lowercase()))
    }
}

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        detail: "the login or password is wrong",
        invalid_token: false,
    }
}

fn invalid_refresh_token() -> ApiError {
    ApiError::Unauthorized {
        detail: "the refresh token is invalid, expired, used or revoked; log in again",
        invalid_token: true,
    }
}

/// Refuses a login while its account or its address has failed too often.
struct Throttle<'a> {
    state: &'a AppState,
    account_key: String,
    ip_key: Option<String>,
    window: Duration,
}

impl<'a> Throttle<'a> {
    async fn check(state: &'a AppState, account: &str, ip: Option<&str>) -> Result<Self, ApiError> {
        let throttle = Self {
            state,
            account_key: format!("login-failures:account:{account}"),
            ip_key: ip.map(|ip| format!("login-failures:ip:{ip}")),
            window: Duration::from_secs(state.auth.login_window_secs),
        };
        let mut failures = state.cache.count(&throttle.account_key).await;
        if let Some(ip_key) = &throttle.ip_key {
            failures = failures.max(state.cache.count(ip_key).await);
        }
        if failures >= state.auth.login_max_failures {
            return Err(ApiError::TooManyRequests {
                retry_after_secs: throttle.window.as_secs(),
            });
        }
        Ok(throttle)
    }

    async fn failed(&self) -> ApiError {
        self.state
            .cache
            .increment(&self.account_key, self.window)
            .await;
        if let Some(ip_key) = &self.ip_key {
            self.state.cache.increment(ip_key, self.window).await;
        }
        invalid_credentials()
    }

    async fn succeeded(&self) {
        self.state.cache.delete(&self.account_key).await;
    }
}

/// Logs a staff member in with e-mail and password.
pub async fn login(
    state: &AppState,
    email: &Email,
    password: &str,
    ip: Option<&str>,
) -> Result<Issued, ApiError> {
    let throttle = Throttle::check(state, email.as_str(), ip).await?;
    let db = state.database.connection();
    let credentials = Staff::credentials_by_email(db, email.as_str()).await?;
    let stored = credentials.as_ref().map(|c| c.password_hash.as_str());
    let matches = password::verify(password, stored).await;
    let user = match credentials {
        Some(credentials) if matches && credentials.user.active => credentials.user,
        _ => return Err(throttle.failed().await),
    };
    throttle.succeeded().await;
    start_family(state, db, Subject::Staff(user)).await
}

/// Logs a customer in with their mobile number or e-mail and password.
pub async fn customer_login(
    state: &AppState,
    login: &CustomerLogin,
    password: &str,
    ip: Option<&str>,
) -> Result<Issued, ApiError> {
    let (mobile, email, account) = match login {
        CustomerLogin::Mobile(phone) => (Some(phone.as_str()), None, phone.as_str()),
        CustomerLogin::Email(email) => (None, Some(email.as_str()), email.as_str()),
        CustomerLogin::Nobody(text) => (None, None, text.as_str()),
    };
    let throttle = Throttle::check(state, &format!("customer:{account}"), ip).await?;
    let db = state.database.connection();
    let credentials = match (mobile, email) {
        (None, None) => None,
        _ => Customers::credentials(db, mobile, email).await?,
    };
    let stored = credentials.as_ref().map(|c| c.password_hash.as_str());
    let matches = password::verify(password, stored).await;
    let customer = match credentials {
        Some(credentials) if matches && credentials.active => credentials.customer,
        _ => return Err(throttle.failed().await),
    };
    throttle.succeeded().await;
    start_family(state, db, Subject::Customer(Box::new(customer))).await
}

/// Starts a new login session for `subject`.
pub async fn start_family(
    state: &AppState,
    db: &impl ConnectionTrait,
    subject: Subject,
) -> Result<Issued, ApiError> {
    issue(state, db, uuid::Uuid::now_v7(), subject).await
}

async fn issue(
    state: &AppState,
    db: &impl ConnectionTrait,
    family: uuid::Uuid,
    subject: Subject,
) -> Result<Issued, ApiError> {
    let refresh_token = tokens::new_refresh_token()?;
    let ttl =
        chrono::Duration::days(i64::try_from(state.auth.refresh_token_ttl_days).unwrap_or(30));
    let refresh_expires_at = Utc::now() + ttl;
    Sessions::create(
        db,
        &NewSession {
            family_id: family,
            subject_kind: subject.kind(),
            subject_id: subject.id(),
            token_hash: &tokens::refresh_token_hash(&refresh_token),
            expires_at: refresh_expires_at,
        },
    )
    .await?;
    let access_token = match &subject {
        Subject::Staff(user) => state.tokens.issue_staff(user, family)?,
        Subject::Customer(customer) => state.tokens.issue_customer(customer, family)?,
    };
    Ok(Issued {
        access_token,
        expires_in: state.tokens.access_ttl().as_secs(),
        refresh_token,
        refresh_expires_at,
        subject,
    })
}

/// Who a session's subject is now, if they may still log in.
async fn current_subject(
    db: &impl ConnectionTrait,
    kind: &str,
    id: uuid::Uuid,
) -> Result<Option<Subject>, ApiError> {
    Ok(match kind {
        STAFF => Staff::get(db, id)
            .await?
            .filter(|user| user.active)
            .map(Subject::Staff),
        CUSTOMER => match Customers::get(db, id).await? {
            Some(customer) if Customers::login_active(db, id).await? => {
                Some(Subject::Customer(Box::new(customer)))
            }
            _ => None,
        },
        _ => None,
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
    if session.expires_at <= Utc::now() {
        return Err(invalid_refresh_token());
    }

    let transaction = jewel_persistence::begin_writing(db).await?;
    // The conditional update comes first, so it takes the write lock before
    // anything is read: of two racing refreshes, one marks it and one finds
    // it marked.
    if !Sessions::mark_used(&transaction, session.id).await? {
        transaction.rollback().await?;
        return Err(invalid_refresh_token());
    }
    let Some(subject) =
        current_subject(&transaction, &session.subject_kind, session.subject_id).await?
    else {
        Sessions::revoke_family(&transaction, session.family_id).await?;
        transaction.commit().await?;
        return Err(invalid_refresh_token());
    };
    let issued = issue(state, &transaction, session.family_id, subject).await?;
    transaction.commit().await?;
    Ok(issued)
}

/// Ends one login session: its refresh tokens stop working at once, and its
/// access tokens are refused until they would have expired.
pub async fn revoke_family(state: &AppState, family: uuid::Uuid) -> Result<(), ApiError> {
    let db = state.database.connection();
    Sessions::revoke_family(db, family).await?;
    state.revocations.revoke(db, Revoked::Session(family)).await
}

/// Ends every login session of a staff member (logout everywhere, a
/// disabled account, a changed password).
pub async fn revoke_staff(
    state: &AppState,
    db: &impl ConnectionTrait,
    staff: uuid::Uuid,
) -> Result<(), ApiError> {
    Sessions::revoke_subject(db, STAFF, staff).await?;
    state.revocations.revoke(db, Revoked::Staff(staff)).await
}

/// Ends every login session of a customer (merged away or erased).
pub async fn revoke_customer(
    state: &AppState,
    db: &impl ConnectionTrait,
    customer: uuid::Uuid,
) -> Result<(), ApiError> {
    Sessions::revoke_subject(db, CUSTOMER, customer).await?;
    state
        .revocations
        .revoke(db, Revoked::Customer(customer))
        .await
}
