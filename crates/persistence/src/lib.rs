//! Everything that touches the database: connecting, migrating and, as the
//! capabilities land, one repository per aggregate. Entities never leave this
//! crate; callers get domain types.

pub mod database;

pub use database::{Database, DatabaseOptions, MigrationState, StorageKind};
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
