//! The `jewel-crm` binary: settings errors, migrations and the document.

use std::process::Command;

use crate::helpers::{Backend, TestApp, TestDatabase, get, json_of, test_settings};
use crate::on_both_backends;

on_both_backends!(
    migrate_applies_lists_and_rolls_back,
    seed_fills_an_empty_database_the_same_way_every_time,
    loyalty_daily_runs_for_the_day_given,
);

fn jewel_crm() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jewel-crm"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env("JEWEL_LOG__FORMAT", "json")
        .env("RUST_LOG", "warn");
    command
}

fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().expect("jewel-crm runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    for (variable, value, key) in [
        (
            "JEWEL_DATABASE__MAX_CONNECTIONS",
            "many",
            "database.max_connections",
        ),
        (
            "JEWEL_PHONES__DEFAULT_COUNTRY",
            "India",
            "phones.default_country",
        ),
    ] {
        let dir = tempfile::tempdir().expect("a folder");
        let output = jewel_crm()
            .current_dir(dir.path())
            .env(variable, value)
            .arg("serve")
            .output()
            .expect("runs");

        assert_eq!(output.status.code(), Some(2), "{variable}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(key), "{stderr}");
        assert!(stderr.contains(variable), "{stderr}");
        assert!(!dir.path().join("data").exists(), "nothing was created");
    }
}

#[test]
fn create_owner_reads_the_password_from_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (migrated, _, stderr) = run(jewel_crm().current_dir(dir.path()).args(["migrate", "up"]));
    assert!(migrated, "{stderr}");
    let (created, stdout, stderr) = run(jewel_crm()
        .current_dir(dir.path())
        .env("JEWEL_OWNER_PASSWORD", "owner passphrase 2026")
        .args([
            "create-owner",
            "--email",
            "owner@example.in",
            "--name",
            "Owner",
        ]));
    assert!(
        created,
        "JEWEL_OWNER_PASSWORD is no setting: {stdout} {stderr}"
    );
}

#[test]
fn a_missing_config_file_is_named() {
    let (ok, _, stderr) = run(jewel_crm().args(["--config", "/nowhere/jewel.toml", "serve"]));
    assert!(!ok);
    assert!(stderr.contains("/nowhere/jewel.toml"), "{stderr}");
}

#[test]
fn openapi_prints_the_committed_document() {
    let (ok, stdout, _) = run(jewel_crm().arg("openapi"));
    assert!(ok);
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../openapi/openapi.json"
    ))
    .expect("committed");
    assert!(stdout == committed, "openapi/openapi.json is stale");
}

async fn migrate_applies_lists_and_rolls_back(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let with_database = |command: &mut Command| {
        command.env("JEWEL_DATABASE__DATA_DIR", &database.data_dir);
        if let Some(url) = database.url() {
            command.env("DATABASE_URL", secrecy::ExposeSecret::expose_secret(&url));
        }
    };

    let mut status = jewel_crm();
    with_database(status.args(["migrate", "status"]));
    let (ok, stdout, stderr) = run(&mut status);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("pending  m20261121_000001_create_branches"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("0 applied, 54 pending ({})", backend.storage())),
        "{stdout}"
    );

    let mut up = jewel_crm();
    with_database(up.args(["migrate", "up"]));
    let (ok, stdout, stderr) = run(&mut up);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("applied  m20261208_000053_external_refs"),
        "{stdout}"
    );
    assert!(stdout.contains("54 applied, 0 pending"), "{stdout}");

    let mut down = jewel_crm();
    with_database(down.args(["migrate", "down", "--steps", "5"]));
    let (ok, stdout, stderr) = run(&mut down);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("49 applied, 5 pending"), "{stdout}");

    // Up again: the steps rolled back apply once more.
    let mut up = jewel_crm();
    with_database(up.args(["migrate", "up"]));
    let (ok, stdout, stderr) = run(&mut up);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("54 applied, 0 pending"), "{stdout}");
}

/// The real binary: JSON logs carry the request id on every line about a
/// request, and SIGTERM stops it cleanly.
#[test]
fn serve_logs_request_ids_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};

    let dir = tempfile::tempdir().expect("a folder");
    let mut child = jewel_crm()
        .current_dir(dir.path())
        .env("RUST_LOG", "info")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("jewel-crm starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let entry: serde_json::Value = serde_json::from_str(&line).ok()?;
            entry["address"].as_str().map(str::to_owned)
        })
        .expect("a start-up line with the address");

    let requested = address.clone();
    let response = std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .expect("runtime")
            .block_on(async move {
                reqwest::Client::new()
                    .get(format!("{requested}/health/ready"))
                    .header("x-request-id", "counter-3:sale-77")
                    .send()
                    .await
                    .expect("sent")
                    .status()
            })
    })
    .join()
    .expect("request thread");
    assert_eq!(response, 200);
    // Bytes that are no HTTP request are a client's error: logged at INFO.
    let host = address.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&host).expect("connect");
    std::io::Write::write_all(
        &mut stream,
        b"GET /api/v1/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .expect("sent");
    let mut answer = Vec::new();
    let _ = std::io::Read::read_to_end(&mut stream, &mut answer);
    assert!(
        answer.starts_with(b"HTTP/1.1 400"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(terminated.success());
    let status = child.wait().expect("jewel-crm exits");
    assert!(status.success(), "a clean exit on SIGTERM: {status}");

    let rest: Vec<serde_json::Value> = lines
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str(&line).ok())
        .collect();
    let finished = rest
        .iter()
        .find(|entry| entry["message"] == "request finished")
        .expect("the request was logged");
    assert_eq!(finished["span"]["request_id"], "counter-3:sale-77");
    assert_eq!(finished["status"], 200);
    assert!(rest.iter().any(|entry| entry["message"] == "stopped"));
    assert!(
        !rest.iter().any(|entry| entry["level"] == "ERROR"),
        "no client error is logged at ERROR: {rest:?}"
    );
    let malformed = rest
        .iter()
        .find(|entry| entry["target"] == "jewel_api::connection")
        .expect("the malformed request was logged");
    assert_eq!(malformed["level"], "INFO");
    assert!(
        dir.path().join("data/jewel-crm.sqlite3").exists(),
        "the embedded database"
    );
}

/// `jewel-crm seed` run against `database`: its success and what it printed.
fn seed(database: &TestDatabase, seed: &str) -> (bool, String, String) {
    let mut command = jewel_crm();
    command
        .args(["seed", "--tier", "Tiny", "--seed", seed])
        .env("JEWEL_DATABASE__DATA_DIR", &database.data_dir);
    if let Some(url) = database.url() {
        command.env("DATABASE_URL", secrecy::ExposeSecret::expose_secret(&url));
    }
    run(&mut command)
}

/// The customers of a seeded shop as the API lists them: id, name, mobile.
async fn seeded_customers(app: &TestApp, token: &str) -> Vec<(String, String, String)> {
    let page = json_of(get(app, token, "/api/v1/customers?limit=200").await, 200).await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| {
            let text = |key: &str| c[key].as_str().expect("text").to_owned();
            (text("id"), text("name"), text("mobile"))
        })
        .collect()
}

async fn seed_fills_an_empty_database_the_same_way_every_time(backend: Backend) {
    let mut shops = Vec::new();
    for _ in 0..2 {
        let database = TestDatabase::create(backend).await;
        let (ok, stdout, stderr) = seed(&database, "7");
        assert!(ok, "{stderr}");
        assert!(
            stdout.contains(
                "seeded 2 branches, 9 staff, 2190 rates, 40 customers, 20 pieces, 20 interactions, "
            ),
            "{stdout}"
        );
        assert!(stdout.contains(" bills with 60 lines in "), "{stdout}");
        // A database with a shop in it is not seeded again.
        let (ok, _, stderr) = seed(&database, "7");
        assert!(!ok && stderr.contains("seed an empty one"), "{stderr}");

        let settings = test_settings(backend, &database);
        let app = TestApp::spawn_with(backend, database, settings).await;
        let owner = app
            .login("owner@seed.example", "seed passphrase 2026")
            .await;
        let token = owner["accessToken"].as_str().expect("token").to_owned();
        let customers = seeded_customers(&app, &token).await;
        assert_eq!(customers.len(), 40);
        let pieces = json_of(get(&app, &token, "/api/v1/pieces?limit=200").await, 200).await;
        assert_eq!(pieces["items"].as_array().expect("items").len(), 20);
        // The seeded pieces price from the seeded rates.
        let piece = pieces["items"][0]["id"].as_str().expect("id").to_owned();
        let price = json_of(
            get(&app, &token, &format!("/api/v1/pieces/{piece}/price")).await,
            200,
        )
        .await;
        assert!(
            price["total"].as_str().is_some_and(|t| t != "0.00"),
            "{price}"
        );
        // A sales person of a branch logs in with the seeded password.
        let sales = app
            .login("sales1.b001@seed.example", "seed passphrase 2026")
            .await;
        assert!(sales["accessToken"].is_string(), "{sales}");
        // A year of paid bills, numbered without gaps per branch and year.
        let bills = json_of(get(&app, &token, "/api/v1/invoices?limit=200").await, 200).await;
        let bills = bills["items"].as_array().expect("items").clone();
        let lines: usize = bills
            .iter()
            .map(|b| b["lines"].as_array().expect("lines").len())
            .sum();
        assert_eq!(lines, 60);
        let mut numbers: Vec<String> = bills
            .iter()
            .inspect(|b| {
                assert_eq!(b["status"], "paid", "{b}");
                assert_eq!(b["balance"], "0.00", "{b}");
                assert_eq!(b["paid"], b["total"], "{b}");
            })
            .map(|b| b["number"].as_str().expect("number").to_owned())
            .collect();
        numbers.sort();
        let mut series: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for number in &numbers {
            let (prefix, sequence) = number.rsplit_once('/').expect("B001/2026-27/000001");
            series
                .entry(prefix.to_owned())
                .or_default()
                .push(sequence.parse().expect("digits"));
        }
        for (prefix, sequences) in &series {
            let expected: Vec<usize> = (1..=sequences.len()).collect();
            assert_eq!(sequences, &expected, "{prefix} has gaps");
        }
        shops.push((customers, numbers));
    }
    // The same seed made the same customers (ids and all) and bills.
    assert_eq!(shops[0], shops[1]);
}

async fn loyalty_daily_runs_for_the_day_given(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let with_database = |command: &mut Command| {
        command.env("JEWEL_DATABASE__DATA_DIR", &database.data_dir);
        if let Some(url) = database.url() {
            command.env("DATABASE_URL", secrecy::ExposeSecret::expose_secret(&url));
        }
    };
    let mut daily = jewel_crm();
    with_database(daily.args(["loyalty-daily", "--as-of", "2030-01-01"]));
    let (ok, stdout, stderr) = run(&mut daily);
    assert!(ok, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("a JSON report");
    assert_eq!(report["asOf"], "2030-01-01T00:00:00Z", "{stdout}");
    assert_eq!(report["lapsedPoints"], 0, "{stdout}");
    assert_eq!(report["birthdays"], 0, "{stdout}");

    let mut bad = jewel_crm();
    with_database(bad.args(["loyalty-daily", "--as-of", "next week"]));
    let output = bad.output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--as-of"), "{stderr}");
    assert!(stderr.contains("2028-12-31"), "{stderr}");
}
