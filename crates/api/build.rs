//! Decides, at build time, whether the MariaDB + Redis variant of every
//! integration test (and the single sign-on tests) run or is reported as ignored ("skipped") by the test
//! runner, so that a machine without those services never passes them silently.

fn main() {
    println!("cargo::rerun-if-env-changed=TEST_MYSQL_URL");
    println!("cargo::rerun-if-env-changed=TEST_REDIS_URL");
    println!("cargo::rerun-if-env-changed=TEST_SSO");
    println!("cargo::rerun-if-env-changed=TEST_S3");
    println!("cargo::rerun-if-env-changed=TEST_SMTP");
    println!("cargo::rustc-check-cfg=cfg(mariadb_tests)");
    println!("cargo::rustc-check-cfg=cfg(sso_tests)");
    println!("cargo::rustc-check-cfg=cfg(s3_tests)");
    println!("cargo::rustc-check-cfg=cfg(smtp_tests)");
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty());
    if set("TEST_MYSQL_URL") && set("TEST_REDIS_URL") {
        println!("cargo::rustc-cfg=mariadb_tests");
    }
    // The single sign-on tests drive oauth2-mock-server from tools/ (npm ci --prefix tools).
    if set("TEST_SSO") {
        println!("cargo::rustc-cfg=sso_tests");
    }
    // The S3 store's tests drive tools/s3-fake with the Python of tools/.venv.
    if set("TEST_S3") {
        println!("cargo::rustc-cfg=s3_tests");
    }
    // The e-mail tests drive tools/smtp-sink (aiosmtpd) with the same Python.
    if set("TEST_SMTP") {
        println!("cargo::rustc-cfg=smtp_tests");
    }
}
