//! The macros that make each scenario a test on every backend it runs on.

/// Generates `<name>::sqlite` and `<name>::mariadb` tests from
/// `async fn <name>(backend: Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            $crate::mariadb_variant!($name);
        }
    )+};
}

/// Like [`on_both_backends`], for tests that only make sense with MariaDB
/// and Redis (taking them away, for one).
#[macro_export]
macro_rules! on_mariadb_only {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            $crate::mariadb_variant!($name);
        }
    )+};
}

/// Like [`on_both_backends`], for tests that also need oauth2-mock-server
/// (Node and `npm ci --prefix tools`, enabled by `TEST_SSO=1` at build time).
#[macro_export]
macro_rules! on_both_backends_with_sso {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(sso_tests), ignore = "skipped: TEST_SSO was not set when the tests were built")]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(all(sso_tests, mariadb_tests)),
                ignore = "skipped: TEST_SSO, TEST_MYSQL_URL or TEST_REDIS_URL was not set when the tests were built"
            )]
            async fn mariadb() {
                super::$name($crate::helpers::Backend::Mariadb).await
            }
        }
    )+};
}

/// Like [`on_both_backends`], for tests that also need the S3 fake
/// (`tools/.venv` with tools/requirements.txt, enabled by `TEST_S3=1` at
/// build time).
#[macro_export]
macro_rules! on_both_backends_with_s3 {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(s3_tests), ignore = "skipped: TEST_S3 was not set when the tests were built")]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(all(s3_tests, mariadb_tests)),
                ignore = "skipped: TEST_S3, TEST_MYSQL_URL or TEST_REDIS_URL was not set when the tests were built"
            )]
            async fn mariadb() {
                super::$name($crate::helpers::Backend::Mariadb).await
            }
        }
    )+};
}

/// Like [`on_both_backends`], for tests that also need the mail server of
/// tools/smtp-sink (`tools/.venv`, enabled by `TEST_SMTP=1` at build time).
#[macro_export]
macro_rules! on_both_backends_with_smtp {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(smtp_tests), ignore = "skipped: TEST_SMTP was not set when the tests were built")]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(all(smtp_tests, mariadb_tests)),
                ignore = "skipped: TEST_SMTP, TEST_MYSQL_URL or TEST_REDIS_URL was not set when the tests were built"
            )]
            async fn mariadb() {
                super::$name($crate::helpers::Backend::Mariadb).await
            }
        }
    )+};
}

/// The MariaDB + Redis variant of a test: reported as ignored ("skipped")
/// when the services were not configured at build time.
#[macro_export]
macro_rules! mariadb_variant {
    ($name:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[cfg_attr(
            not(mariadb_tests),
            ignore = "skipped: TEST_MYSQL_URL / TEST_REDIS_URL were not set when the tests were built"
        )]
        async fn mariadb() {
            super::$name($crate::helpers::Backend::Mariadb).await
        }
    };
}
