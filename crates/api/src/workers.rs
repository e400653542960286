//! Work that runs by the clock beside the server: expired holds lapse,
//! price keys follow rates that take over.

use std::time::Duration;

use jewel_persistence::repos::pieces::Pieces;

use crate::state::AppState;

/// How often holds that ran out are let go (reads let them go too).
const RELEASE_EVERY: Duration = Duration::from_secs(60);

/// Lets expired reservations lapse, every minute, for as long as the server runs.
pub async fn release_expired_holds(state: AppState) {
    let mut interval = tokio::time::interval(RELEASE_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match Pieces::release_expired(state.database.connection(), chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "expired holds released"),
            Err(error) => tracing::warn!(%error, "releasing expired holds failed"),
        }
        // Rates set ahead take over by the clock: re-reckon price keys then.
        if let Err(error) =
            jewel_services::inventory::refresh_price_keys(state.database.connection()).await
        {
            tracing::warn!(%error, "refreshing price keys failed");
        }
    }
}
