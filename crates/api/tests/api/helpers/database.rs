//! The backends a scenario runs on, and a database of its own on each.

use std::net::SocketAddr;
use std::path::PathBuf;

use sea_orm::ConnectionTrait;
use secrecy::SecretString;

use super::proxy::Proxy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A new SQLite file and the in-process cache.
    Sqlite,
    /// A new MariaDB database and a per-test key prefix in Redis.
    Mariadb,
}

impl Backend {
    pub fn storage(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Mariadb => "mysql",
        }
    }

    pub fn cache(self) -> &'static str {
        match self {
            Backend::Sqlite => "memory",
            Backend::Mariadb => "redis",
        }
    }
}

pub(crate) fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} must be set to run the MariaDB + Redis tests (it was set when they were built)"
        )
    })
}

/// Where the shared services live, for a test that puts a proxy in between.
pub fn mysql_server() -> SocketAddr {
    socket_of(&required_env("TEST_MYSQL_URL"), 3306)
}

pub fn redis_server() -> SocketAddr {
    socket_of(&required_env("TEST_REDIS_URL"), 6379)
}

pub fn redis_url_via(proxy: &Proxy) -> SecretString {
    let mut url = url::Url::parse(&required_env("TEST_REDIS_URL")).expect("valid TEST_REDIS_URL");
    url.set_ip_host(proxy.address.ip()).expect("an IP host");
    url.set_port(Some(proxy.address.port())).expect("a port");
    SecretString::from(url.to_string())
}

fn socket_of(url: &str, default_port: u16) -> SocketAddr {
    let url = url::Url::parse(url).expect("a valid service URL");
    let host = url.host_str().expect("a host in the service URL");
    let port = url.port().unwrap_or(default_port);
    std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .expect("resolvable service host")
        .next()
        .expect("an address for the service host")
}

/// A private database for one test, dropped when the test ends.
pub struct TestDatabase {
    settings_url: Option<String>,
    admin_url: Option<String>,
    name: Option<String>,
    _dir: tempfile::TempDir,
    pub data_dir: PathBuf,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        Self::create_via(backend, None).await
    }

    /// Like [`Self::create`], but the app reaches MariaDB through `via`
    /// (a proxy address) instead of directly.
    pub async fn create_via(backend: Backend, via: Option<SocketAddr>) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let data_dir = dir.path().join("data");
        if backend == Backend::Sqlite {
            return Self {
                settings_url: None,
                admin_url: None,
                name: None,
                _dir: dir,
                data_dir,
            };
        }
        let admin_url = required_env("TEST_MYSQL_URL");
        let name = format!("jewel_t_{}", uuid::Uuid::now_v7().simple());
        let admin = sea_orm::Database::connect(&admin_url)
            .await
            .expect("connect to TEST_MYSQL_URL");
        admin
            .execute_unprepared(&format!(
                "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            ))
            .await
            .expect("create the test database");
        admin.close().await.ok();
        let mut url = url::Url::parse(&admin_url).expect("valid TEST_MYSQL_URL");
        url.set_path(&name);
        if let Some(via) = via {
            url.set_ip_host(via.ip()).expect("an IP host");
            url.set_port(Some(via.port())).expect("a port");
        }
        Self {
            settings_url: Some(url.to_string()),
            admin_url: Some(admin_url),
            name: Some(name),
            _dir: dir,
            data_dir,
        }
    }

    pub fn url(&self) -> Option<SecretString> {
        self.settings_url.clone().map(SecretString::from)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (Some(admin_url), Some(name)) = (self.admin_url.take(), self.name.take()) else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on itself.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let admin = sea_orm::Database::connect(&admin_url).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{name}`"))
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop a test database: {dropped:?}");
        }
    }
}
