//! The time zone a branch keeps its days in: its own, or India's for the
//! whole business and for a branch whose zone does not read.

use std::collections::HashMap;

use jewel_persistence::repos::branches::Branches;
use jewel_persistence::{ConnectionTrait, RepoError};

/// The zone of `branch` (India's when none).
pub async fn zone_of(
    db: &impl ConnectionTrait,
    branch: Option<uuid::Uuid>,
) -> Result<chrono_tz::Tz, RepoError> {
    let zone = match branch {
        Some(id) => Branches::get(db, id)
            .await?
            .and_then(|b| b.timezone.parse().ok()),
        None => None,
    };
    Ok(zone.unwrap_or(chrono_tz::Asia::Kolkata))
}

/// Branches' zones, each read once for a run over many records.
#[derive(Debug, Default)]
pub struct Zones(HashMap<uuid::Uuid, chrono_tz::Tz>);

impl Zones {
    pub async fn of(
        &mut self,
        db: &impl ConnectionTrait,
        branch: uuid::Uuid,
    ) -> Result<chrono_tz::Tz, RepoError> {
        if let Some(zone) = self.0.get(&branch) {
            return Ok(*zone);
        }
        let zone = zone_of(db, Some(branch)).await?;
        self.0.insert(branch, zone);
        Ok(zone)
    }
}
