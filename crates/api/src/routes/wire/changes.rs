//! How a capability shows one of its records as it is now, to a caller,
//! for the changes feed: each capability gives a reader of its kinds, and
//! the feed asks the reader of a changed record's kind. And the cursors of
//! the outbox's feeds (events and changes).

use std::collections::HashMap;

use futures_util::future::LocalBoxFuture;
use jewel_domain::change_feed::ChangeKind;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// A record as it is now, or why there is none to show.
#[derive(Debug, Clone)]
pub enum Now {
    /// As reading it by its id shows it to the caller.
    State(serde_json::Value),
    /// A customer merged into another: the survivor.
    Merged(uuid::Uuid),
    /// Where the caller may not read it now (another branch).
    OutOfScope,
    /// No such record.
    Gone,
}

/// Reads record `id` of one kind now, as the caller may see it.
pub type Reader =
    for<'a> fn(&'a AppState, &'a Caller, uuid::Uuid) -> LocalBoxFuture<'a, Result<Now, ApiError>>;

/// The reader of each kind that changes, registered by the capabilities.
#[derive(Clone, Default)]
pub struct ChangeReaders(HashMap<ChangeKind, Reader>);

impl ChangeReaders {
    pub fn new(readers: impl IntoIterator<Item = (ChangeKind, Reader)>) -> Self {
        Self(readers.into_iter().collect())
    }

    pub fn get(&self, kind: ChangeKind) -> Option<Reader> {
        self.0.get(&kind).copied()
    }
}

/// A view as the feed's `state`.
pub fn shown(view: impl serde::Serialize) -> Result<Now, ApiError> {
    let value = serde_json::to_value(view)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("a view that is not JSON: {e}")))?;
    Ok(Now::State(value))
}

/// A record found (or not) that the caller sees when `visible` says so.
pub fn seen<T>(
    found: Option<T>,
    visible: impl Fn(&T) -> bool,
    view: impl FnOnce(T) -> Result<Now, ApiError>,
) -> Result<Now, ApiError> {
    match found {
        Some(record) if visible(&record) => view(record),
        Some(_) => Ok(Now::OutOfScope),
        None => Ok(Now::Gone),
    }
}

/// The `after` of a feed's page: an outbox position, or 400 naming it.
pub fn cursor(after: Option<&str>) -> Result<Option<i64>, ApiError> {
    after
        .map(|text| {
            text.parse::<i64>().map_err(|_| {
                ApiError::bad_field(
                    "after is not a cursor of this feed",
                    "after",
                    "format",
                    "the nextCursor of a page",
                )
            })
        })
        .transpose()
}

/// A page's `nextCursor`: its last position, or the `after` it was asked
/// for when nothing newer has happened yet.
pub fn next_cursor(last: Option<i64>, after: Option<i64>) -> String {
    last.or(after).unwrap_or(0).to_string()
}
