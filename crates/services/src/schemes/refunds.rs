//! Enrolments owed a refund: active, with instalments paid, and their
//! redemption window closed (no advance is held beyond 365 days). Whether
//! one is due follows from its terms and its first instalment, so a page
//! is found by reading the active enrolments in id order a batch at a time
//! and keeping the due ones; a page stops at a bound on what it reads, and
//! its cursor then goes on from there.

use chrono::{DateTime, Utc};
use jewel_domain::scheme::{Enrolment, EnrolmentStatus};
use jewel_domain::{Page, PageRequest};
use jewel_persistence::repos::schemes::{EnrolmentFilter, Schemes};
use jewel_persistence::{ConnectionTrait, RepoError};

/// Active enrolments read per batch.
const BATCH: u64 = 200;

/// The most active enrolments one page reads before it answers.
const MOST_READ: usize = 5_000;

/// A page of the enrolments `filter` reads (of a customer, at some
/// branches) owed a refund at `now`, newest first.
pub async fn refunds_due(
    db: &impl ConnectionTrait,
    filter: EnrolmentFilter<'_>,
    page: PageRequest,
    now: DateTime<Utc>,
) -> Result<Page<Enrolment>, RepoError> {
    let filter = EnrolmentFilter {
        status: Some(EnrolmentStatus::Active),
        ..filter
    };
    let wanted = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let (mut due, mut after, mut read) = (Vec::new(), page.after, 0);
    loop {
        let batch = Schemes::enrolments(
            db,
            filter,
            PageRequest {
                after,
                limit: BATCH,
            },
        )
        .await?;
        let ids: Vec<uuid::Uuid> = batch.items.iter().map(|e| e.id).collect();
        let instalments = Schemes::instalments_of(db, &ids).await?;
        for enrolment in batch.items {
            after = Some(enrolment.id);
            read += 1;
            let own: Vec<_> = instalments
                .iter()
                .filter(|i| i.enrolment_id == enrolment.id)
                .cloned()
                .collect();
            if enrolment.passbook(&own, now).refund_due {
                due.push(enrolment);
                if due.len() == wanted {
                    return Ok(Page {
                        items: due,
                        next: after,
                    });
                }
            }
        }
        if batch.next.is_none() {
            return Ok(Page {
                items: due,
                next: None,
            });
        }
        if read >= MOST_READ {
            return Ok(Page {
                items: due,
                next: after,
            });
        }
    }
}
