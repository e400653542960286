//! The rates the catalogue's price keys were last brought to, held in
//! memory by each server.

use std::sync::{Arc, Mutex};

use jewel_domain::metal::Metal;
use jewel_domain::metal_rate::CurrentRates;
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::pieces::Pieces;

use crate::error::ApiError;

/// The rates this server last brought every piece's price key to. Keys are
/// reckoned when a piece is received or corrected and when rates are set;
/// a rate set ahead takes over by the clock, so a price search checks here
/// (in memory) that the keys follow the rates it prices with, and brings
/// them up once when they do not: a read writes only when the rates in
/// force changed since this server last looked.
#[derive(Debug, Clone, Default)]
pub struct PriceKeys {
    applied: Arc<Mutex<Option<RateTable>>>,
}

/// Paise per gram of each grade in force, in grade order.
type RateTable = Vec<(Metal, u16, i64)>;

impl PriceKeys {
    pub async fn follow(
        &self,
        db: &impl ConnectionTrait,
        rates: &CurrentRates,
    ) -> Result<(), ApiError> {
        let mut table = rates.table();
        table.sort_unstable();
        let applied = |keys: &Self| {
            let known = keys.applied.lock().unwrap_or_else(|e| e.into_inner());
            known.as_ref() == Some(&table)
        };
        if applied(self) {
            return Ok(());
        }
        Pieces::refresh_price_keys(db, &table, None).await?;
        *self.applied.lock().unwrap_or_else(|e| e.into_inner()) = Some(table);
        Ok(())
    }
}
