//! What one request costs the database, counted at the wire by a proxy in
//! front of MariaDB: a customer read is one statement and no other round
//! trip (no ping when the connection goes back to its pool).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, COM_PING, COM_QUERY, COM_STMT_EXECUTE, Proxy, TestApp, TestDatabase, mysql_server,
    test_settings,
};
use crate::on_mariadb_only;

on_mariadb_only!(a_customer_read_is_one_statement_and_no_ping);

async fn a_customer_read_is_one_statement_and_no_ping(backend: Backend) {
    let proxy = Proxy::start_counting(mysql_server()).await;
    let database = TestDatabase::create_via(backend, Some(proxy.address)).await;
    let mut settings = test_settings(backend, &database);
    // No event relay polling the outbox beside the reads being counted.
    settings.events.deliver = false;
    let app = TestApp::spawn_with(backend, database, settings).await;
    let owner = app.owner_token().await;
    let created = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Lakshmi Narayanan", "mobile": "9876543210"})),
        )
        .await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let path = format!("/api/v1/customers/{id}");
    // Every pooled connection prepares the statement once.
    for _ in 0..10 {
        assert_eq!(
            app.call(Method::GET, &path, Some(&owner), None)
                .await
                .status(),
            200
        );
    }
    let statements = || proxy.commands(COM_QUERY) + proxy.commands(COM_STMT_EXECUTE);
    let (pings, before) = (proxy.commands(COM_PING), statements());
    let reads = 40;
    let started = std::time::Instant::now();
    for _ in 0..reads {
        assert_eq!(
            app.call(Method::GET, &path, Some(&owner), None)
                .await
                .status(),
            200
        );
    }
    assert_eq!(proxy.commands(COM_PING), pings, "pings while reading");
    assert!(pings == 0, "{pings} pings since the server started");
    let ran = statements() - before;
    // The server's own background work adds one statement for each second
    // the reads took (the revocations are read once a second; a loaded
    // machine takes longer), and a few if the minute's work (lapsed holds,
    // price keys) falls in between.
    let background = started.elapsed().as_secs() + 8;
    assert!(
        (reads..=reads + background).contains(&ran),
        "{ran} statements for {reads} reads in {:?}",
        started.elapsed()
    );
}
