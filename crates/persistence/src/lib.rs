//! Everything that touches the database: connecting, migrating and one
//! repository per aggregate. Entities never leave this crate; callers get
//! domain types.

pub mod closing;
pub mod database;
mod entities;
pub mod error;
pub mod repos;

pub use database::{
    Database, DatabaseOptions, MigrationState, StorageKind, begin_relaying, begin_writing,
};
pub use error::RepoError;
pub use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, Statement,
    TransactionTrait,
};
