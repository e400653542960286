//! Holds that ran out lapse when they are read past their end, without a
//! statement per request for it: a read of one piece lapses that piece on
//! the spot when its hold has ended; a list lets every lapsed hold go
//! first, at most once a second on each replica, and at once when a hold
//! placed through this replica has ended. A worker lets them go every
//! minute whether anyone reads or not (`workers`).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use jewel_domain::piece::{Piece, PieceStatus};
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::pieces::Pieces;

use crate::error::ApiError;

/// How long a list may show a hold another replica placed after it ended.
const AT_MOST_EVERY_MS: i64 = 1_000;

/// When this replica next lets lapsed holds go before a list.
#[derive(Debug, Clone, Default)]
pub struct Lapses {
    /// Milliseconds since the epoch; 0 (the start) means "at the next list".
    due_ms: Arc<AtomicI64>,
}

impl Lapses {
    /// Before a list of pieces: lets the lapsed holds go when it is time.
    pub async fn before_list(&self, db: &impl ConnectionTrait) -> Result<(), ApiError> {
        let now = Utc::now();
        let now_ms = now.timestamp_millis();
        if now_ms < self.due_ms.load(Ordering::Acquire) {
            return Ok(());
        }
        // Claimed before the work, so readers meanwhile go on; a hold
        // placed meanwhile still brings the time forward (`placed`).
        self.due_ms
            .fetch_max(now_ms + AT_MOST_EVERY_MS, Ordering::AcqRel);
        if let Err(error) = Pieces::release_expired(db, now).await {
            self.due_ms.store(0, Ordering::Release);
            return Err(error.into());
        }
        Ok(())
    }

    /// A hold placed through this replica ending at `until`: lists let it
    /// lapse as soon as it has ended.
    pub fn placed(&self, until: DateTime<Utc>) {
        self.due_ms
            .fetch_min(until.timestamp_millis(), Ordering::AcqRel);
    }

    /// One piece as read now: a hold that has ended lapses first.
    pub async fn piece(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Piece>, ApiError> {
        let Some(piece) = Pieces::get(db, id).await? else {
            return Ok(None);
        };
        let now = Utc::now();
        let lapsed = piece.status == PieceStatus::Reserved
            && piece.reservation.as_ref().is_some_and(|r| r.until <= now);
        if !lapsed {
            return Ok(Some(piece));
        }
        // Moved meanwhile or not, it is read again as it now stands.
        Pieces::lapse(db, &piece).await?;
        Ok(Pieces::get(db, id).await?)
    }
}
