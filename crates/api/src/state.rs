//! What every handler can reach: the database and the cache.

use jewel_persistence::Database;

use crate::cache::Cache;

#[derive(Debug, Clone)]
pub struct AppState {
    pub database: Database,
    pub cache: Cache,
}
