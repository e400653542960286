//! Inventory: pieces priced from the day's metal rates, lots, transfers
//! between branches, and what stock movements tell the rest of the
//! business.

pub mod designs;
mod error;
pub mod events;
pub mod external;
pub mod lots;
pub mod pieces;
pub mod rates;
pub mod record;
pub mod stock_counts;
pub mod transfers;

pub use error::InventoryError;
use jewel_persistence::repos::metal_rates::MetalRates;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::{ConnectionTrait, RepoError};

/// Brings every piece's price key (what the catalogue's price range
/// searches and sorts by) to the rates in force now: after new rates are
/// set, and by the clock when a rate set ahead takes over.
pub async fn refresh_price_keys(db: &impl ConnectionTrait) -> Result<(), RepoError> {
    let rates = MetalRates::current(db, chrono::Utc::now()).await?;
    Pieces::refresh_price_keys(db, &rates.table(), None).await
}

/// Reckons the price keys of `pieces` (just received or corrected) at the
/// rates in force, in the change's transaction, so that a price search
/// finds them at once and the catalogue's reads never write.
pub async fn key_prices_of(
    db: &impl ConnectionTrait,
    pieces: &[uuid::Uuid],
) -> Result<(), RepoError> {
    let rates = MetalRates::current(db, chrono::Utc::now()).await?;
    Pieces::refresh_price_keys(db, &rates.table(), Some(pieces)).await
}
