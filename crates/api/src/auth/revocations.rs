//! Access tokens revoked before they expire: logout, logout everywhere, a
//! changed password, a disabled staff member, customer or API client.
//!
//! The database holds every revocation (`token_revocations`), so neither a
//! lost cache nor a restart brings a revoked token back. Checking a token
//! costs no query: each server holds the revocations still in force (only
//! those whose tokens have not all expired) in memory, loaded at start and
//! read again every second. A revocation made here counts here at once;
//! one made by another replica counts here within a second.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::token_revocations::{Revocation, TokenRevocations};

use crate::error::ApiError;

/// How often the revocations in force are read again from the database.
pub const REFRESH_EVERY: Duration = Duration::from_secs(1);

/// How long a revocation made here is kept even if the database did not
/// show it yet (its transaction may still be committing).
const KEEP_LOCAL: Duration = Duration::from_secs(10);

/// Whose tokens a revocation voids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Revoked {
    /// One login session (logout).
    Session(uuid::Uuid),
    /// Every session of a staff member.
    Staff(uuid::Uuid),
    /// Every session of a customer.
    Customer(uuid::Uuid),
    /// Every token of an API client.
    Client(uuid::Uuid),
}

impl Revoked {
    fn key(self) -> String {
        match self {
            Revoked::Session(id) => format!("session:{id}"),
            Revoked::Staff(id) => format!("staff:{id}"),
            Revoked::Customer(id) => format!("customer:{id}"),
            Revoked::Client(id) => format!("client:{id}"),
        }
    }

    /// The revocation a stored subject (`staff:<id>`) names.
    fn parse(subject: &str) -> Option<Self> {
        let (kind, id) = subject.split_once(':')?;
        let id = uuid::Uuid::parse_str(id).ok()?;
        match kind {
            "session" => Some(Revoked::Session(id)),
            "staff" => Some(Revoked::Staff(id)),
            "customer" => Some(Revoked::Customer(id)),
            "client" => Some(Revoked::Client(id)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct InForce {
    /// Tokens issued at or before this Unix second are void.
    issued_up_to: i64,
    /// Set when the revocation was made by this server, for [`KEEP_LOCAL`].
    made_here: Option<Instant>,
}

/// The revocations this server knows of; cheap to clone (shared). Keyed by
/// whose tokens they void, so that checking a token builds no text.
#[derive(Debug, Clone)]
pub struct Revocations {
    known: Arc<RwLock<HashMap<Revoked, InForce>>>,
    /// How long after a revocation its last token would have expired.
    lasts: chrono::Duration,
}

impl Revocations {
    /// Reads the revocations in force; `access_ttl` plus `leeway` is how
    /// long a token lives.
    pub async fn load(
        db: &impl ConnectionTrait,
        access_ttl: Duration,
        leeway: Duration,
    ) -> Result<Self, ApiError> {
        let lasts = chrono::Duration::from_std(access_ttl + leeway)
            .map_err(|error| ApiError::Internal(error.into()))?;
        let revocations = Self {
            known: Arc::default(),
            lasts,
        };
        revocations.refresh(db).await?;
        Ok(revocations)
    }

    /// Reads the revocations in force again, keeping those made here in
    /// the last seconds that the database does not show yet.
    pub async fn refresh(&self, db: &impl ConnectionTrait) -> Result<(), ApiError> {
        let rows = TokenRevocations::in_force(db, Utc::now()).await?;
        let mut fresh: HashMap<Revoked, InForce> = rows
            .into_iter()
            .filter_map(|row| {
                let entry = InForce {
                    issued_up_to: row.issued_up_to,
                    made_here: None,
                };
                Some((Revoked::parse(&row.subject)?, entry))
            })
            .collect();
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        for (key, local) in known.iter() {
            let Some(made) = local.made_here else {
                continue;
            };
            if made.elapsed() > KEEP_LOCAL {
                continue;
            }
            let entry = fresh.entry(*key).or_insert(*local);
            if local.issued_up_to >= entry.issued_up_to {
                *entry = *local;
            }
        }
        *known = fresh;
        Ok(())
    }

    /// Voids every token of `whose` issued up to now, in `db` (a transaction
    /// of the change that revokes, or the pool), and at once on this server.
    pub async fn revoke(&self, db: &impl ConnectionTrait, whose: Revoked) -> Result<(), ApiError> {
        let now = Utc::now();
        let issued_up_to = now.timestamp();
        TokenRevocations::record(
            db,
            &Revocation {
                subject: whose.key(),
                issued_up_to,
                expires_at: now + self.lasts,
            },
        )
        .await?;
        let entry = InForce {
            issued_up_to,
            made_here: Some(Instant::now()),
        };
        self.known
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(whose, entry);
        Ok(())
    }

    /// Whether a token of `whose` issued at `issued_at` (its `iat`) is void.
    pub fn voids(&self, whose: Revoked, issued_at: u64) -> bool {
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        known
            .get(&whose)
            .is_some_and(|r| i64::try_from(issued_at).is_ok_and(|iat| iat <= r.issued_up_to))
    }
}

/// Reads the revocations in force every second and forgets the expired
/// ones every minute, for as long as the server runs.
pub async fn keep_current(revocations: Revocations, db: jewel_persistence::Database) {
    let mut interval = tokio::time::interval(REFRESH_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut ticks: u32 = 0;
    loop {
        interval.tick().await;
        if let Err(error) = revocations.refresh(db.connection()).await {
            tracing::warn!(%error, "reading token revocations failed; the last ones read still hold");
        }
        ticks = ticks.wrapping_add(1);
        if ticks.is_multiple_of(60)
            && let Err(error) = TokenRevocations::purge(db.connection(), Utc::now()).await
        {
            tracing::warn!(%error, "forgetting expired token revocations failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Revoked;

    #[test]
    fn a_stored_subject_reads_back_as_the_revocation_it_names() {
        let id = uuid::Uuid::now_v7();
        for whose in [
            Revoked::Session(id),
            Revoked::Staff(id),
            Revoked::Customer(id),
            Revoked::Client(id),
        ] {
            assert_eq!(Revoked::parse(&whose.key()), Some(whose));
        }
        assert_eq!(Revoked::parse("branch:x"), None);
        assert_eq!(Revoked::parse("staff:not-an-id"), None);
    }
}
