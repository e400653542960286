//! Connecting to the store: an embedded SQLite file by default, MySQL or
//! MariaDB when the URL says `mysql://`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;

use jewel_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, DatabaseConnection, DbBackend, DbErr};
use secrecy::{ExposeSecret, SecretString};

/// Which engine holds the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    Sqlite,
    Mysql,
}

impl StorageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageKind::Sqlite => "sqlite",
            StorageKind::Mysql => "mysql",
        }
    }
}

/// How to reach the database and how to size the pool.
#[derive(Debug, Clone)]
pub struct DatabaseOptions {
    /// `mysql://...` or `sqlite://...`; `None` means the embedded SQLite file.
    pub url: Option<SecretString>,
    /// Folder of the embedded SQLite file (created if missing).
    pub data_dir: PathBuf,
    pub max_connections: u32,
    pub min_connections: u32,
    pub connect_timeout: Duration,
    pub acquire_timeout: Duration,
    pub idle_timeout: Duration,
    /// Statements slower than this are logged at warn.
    pub slow_statement_threshold: Duration,
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("database URL must start with mysql:// or sqlite:// (got `{scheme}://...`)")]
    UnsupportedScheme { scheme: String },
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot connect to the {kind} database: {source}", kind = .kind.as_str())]
    Connect { kind: StorageKind, source: DbErr },
}

/// A pool of connections and the engine behind it.
#[derive(Debug, Clone)]
pub struct Database {
    connection: DatabaseConnection,
    kind: StorageKind,
    /// How a MySQL pool was opened, to open one like it per server thread.
    opened: Option<Arc<ConnectOptions>>,
}

/// Where the schema stands against the migrations this build carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub applied: Vec<String>,
    pub pending: Vec<String>,
}

impl Database {
    /// Opens the pool. It is lazy: a database that is down at start-up is
    /// reported by readiness and picked up when it comes back.
    #[tracing::instrument(name = "database.connect", skip_all)]
    pub async fn connect(options: &DatabaseOptions) -> Result<Self, ConnectError> {
        let (kind, url) = match &options.url {
            Some(url) => resolve_url(url.expose_secret())?,
            None => (StorageKind::Sqlite, embedded_url(&options.data_dir)?),
        };

        let mut connect = ConnectOptions::new(url);
        connect
            .max_connections(options.max_connections)
            .min_connections(options.min_connections)
            .connect_timeout(options.connect_timeout)
            .acquire_timeout(options.acquire_timeout)
            .idle_timeout(options.idle_timeout)
            .test_before_acquire(false)
            .sqlx_logging(true)
            .sqlx_logging_level(log::LevelFilter::Debug)
            .sqlx_slow_statements_logging_settings(
                log::LevelFilter::Warn,
                options.slow_statement_threshold,
            );
        match kind {
            StorageKind::Sqlite => {
                // One writer at a time is SQLite's nature: WAL lets readers go on
                // while it writes, and the busy timeout queues writers instead of
                // failing them.
                connect.map_sqlx_sqlite_opts(|opts| {
                    opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(10))
                        .foreign_keys(true)
                });
            }
            StorageKind::Mysql => {
                // Lazy, so that the API starts and says "database down" on
                // readiness instead of refusing to start.
                connect.connect_lazy(true);
            }
        }

        let opened = (kind == StorageKind::Mysql).then(|| Arc::new(connect.clone()));
        let connection = sea_orm::Database::connect(connect)
            .await
            .map_err(|source| ConnectError::Connect { kind, source })?;
        Ok(Self {
            connection,
            kind,
            opened,
        })
    }

    /// A MySQL pool of this thread's own, like this one but of at most
    /// `max_connections`, for a server thread that answers requests: its
    /// connections are opened (lazily) on this thread, so the thread's own
    /// event loop reads their answers. A connection opened on another
    /// runtime has the other runtime's thread woken for each answer, which
    /// then wakes this one: two context switches per statement, and on a
    /// busy core a wait for the other thread's turn (the tail of issue 19).
    /// SQLite, which talks to no server, shares this pool.
    pub fn for_this_thread(&self, max_connections: u32) -> Database {
        let Some(opened) = &self.opened else {
            return self.clone();
        };
        let mut options = (**opened).clone();
        options
            .max_connections(max_connections.max(1))
            .min_connections(0);
        // A lazy pool opens without a round trip: ready at the first poll.
        match sea_orm::Database::connect(options).now_or_never() {
            Some(Ok(connection)) => Database {
                connection,
                kind: self.kind,
                opened: self.opened.clone(),
            },
            _ => self.clone(),
        }
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    pub fn kind(&self) -> StorageKind {
        self.kind
    }

    /// Cheap round trip proving a connection can be had and answers.
    #[tracing::instrument(name = "database.ping", skip_all)]
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.connection.ping().await
    }

    /// Applies pending migrations: all of them, or the next `steps`.
    pub async fn migrate_up(&self, steps: Option<u32>) -> Result<(), DbErr> {
        Migrator::up(&self.connection, steps).await
    }

    /// Rolls back the last `steps` migrations (one when `None`).
    pub async fn migrate_down(&self, steps: Option<u32>) -> Result<(), DbErr> {
        Migrator::down(&self.connection, Some(steps.unwrap_or(1))).await
    }

    pub async fn migration_state(&self) -> Result<MigrationState, DbErr> {
        let applied = Migrator::get_applied_migrations(&self.connection)
            .await?
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let pending = Migrator::get_pending_migrations(&self.connection)
            .await?
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        Ok(MigrationState { applied, pending })
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.connection.close().await
    }
}

fn resolve_url(url: &str) -> Result<(StorageKind, String), ConnectError> {
    if DbBackend::MySql.is_prefix_of(url) || url.starts_with("mariadb://") {
        Ok((
            StorageKind::Mysql,
            url.replacen("mariadb://", "mysql://", 1),
        ))
    } else if DbBackend::Sqlite.is_prefix_of(url) {
        Ok((StorageKind::Sqlite, url.to_owned()))
    } else {
        let scheme = url.split("://").next().unwrap_or_default().to_owned();
        Err(ConnectError::UnsupportedScheme { scheme })
    }
}

fn embedded_url(data_dir: &Path) -> Result<String, ConnectError> {
    std::fs::create_dir_all(data_dir).map_err(|source| ConnectError::DataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    let file = data_dir.join("jewel-crm.sqlite3");
    Ok(format!("sqlite://{}?mode=rwc", file.display()))
}

/// Begins a transaction that will write. On SQLite it takes the write lock
/// at `BEGIN` (`BEGIN IMMEDIATE`), so that two such transactions queue on
/// the busy timeout; a deferred one that read first could not take the lock
/// later and would fail at once with "database is locked". MySQL/MariaDB
/// begin as always.
pub async fn begin_writing(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A transaction of the outbox relay: on SQLite it takes the write lock at
/// once, like [`begin_writing`]; on MySQL it reads committed rows only, so
/// that its locking reads take no gap locks that would hold up the
/// transactions writing new events meanwhile.
pub async fn begin_relaying(
    db: &DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    let isolation_level = (db.get_database_backend() == DbBackend::MySql)
        .then_some(sea_orm::IsolationLevel::ReadCommitted);
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        isolation_level,
        ..Default::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_and_mariadb_urls_are_mysql() {
        let (kind, url) = resolve_url("mariadb://root@localhost/jewel").expect("supported");
        assert_eq!(kind, StorageKind::Mysql);
        assert_eq!(url, "mysql://root@localhost/jewel");
        assert_eq!(
            resolve_url("mysql://root@localhost/jewel")
                .expect("supported")
                .0,
            StorageKind::Mysql
        );
    }

    #[test]
    fn other_schemes_are_refused_with_the_scheme_named() {
        let err = resolve_url("postgres://localhost/jewel").expect_err("unsupported");
        assert!(err.to_string().contains("postgres://"), "{err}");
    }
}
