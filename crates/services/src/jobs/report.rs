//! Reports of service jobs: what each artisan holds, read from the
//! challans not yet back in full at the caller's branches, a page at a
//! time.

use chrono::{DateTime, Utc};
use jewel_domain::PageRequest;
use jewel_domain::job::{Challan, Outstanding, outstanding};
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::challans::{ChallanFilter, Challans};

use super::JobError;

/// Challans read a page.
const PAGE: u64 = 200;

/// What each artisan holds at `now` of the challans at `branches` (`None`:
/// every branch), by artisan id.
pub async fn held_by_artisans(
    db: &impl ConnectionTrait,
    branches: Option<&[uuid::Uuid]>,
    now: DateTime<Utc>,
) -> Result<Vec<Outstanding>, JobError> {
    let filter = ChallanFilter {
        branches,
        pending: true,
        ..ChallanFilter::default()
    };
    let mut pending: Vec<Challan> = Vec::new();
    let mut after = None;
    loop {
        let page = Challans::list(db, filter, PageRequest { limit: PAGE, after }).await?;
        pending.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(outstanding(&pending, now))
}
