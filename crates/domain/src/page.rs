//! Cursor pagination: records come in id order (UUIDv7, so creation order),
//! and a page ends with the id to continue after.

/// Which page to read: at most `limit` records after `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<uuid::Uuid>,
    pub limit: u64,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: u64 = 50;
    pub const MAX_LIMIT: u64 = 200;
}

/// One page of records; `next` is set when more may follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<uuid::Uuid>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` records read in id order.
    pub fn from_overfetch(mut items: Vec<T>, limit: u64, id: impl Fn(&T) -> uuid::Uuid) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(&id)
        } else {
            None
        };
        Self { items, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}
