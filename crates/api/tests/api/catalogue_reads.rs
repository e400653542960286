//! A catalogue's first page costs two statements at the wire (the newest
//! rate's id, then the page with one row more to know whether another
//! follows), with or without a price range (a later page reads its
//! cursor's piece too), and paging stays whole: no piece twice, none left
//! out.

use reqwest::Method;
use serde_json::Value;

use crate::billing::{piece, set_rate};
use crate::helpers::{
    Backend, COM_QUERY, COM_STMT_EXECUTE, Proxy, TestApp, TestDatabase, get, json_of, mysql_server,
    test_settings,
};
use crate::on_mariadb_only;

on_mariadb_only!(a_catalogue_page_is_two_statements);

async fn a_catalogue_page_is_two_statements(backend: Backend) {
    let proxy = Proxy::start_counting(mysql_server()).await;
    let database = TestDatabase::create_via(backend, Some(proxy.address)).await;
    let settings = test_settings(backend, &database);
    let app = TestApp::spawn_with(backend, database, settings).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let mut stocked = Vec::new();
    for (i, grams) in ["3.390", "4.100", "5.250", "6.000", "7.125"]
        .iter()
        .enumerate()
    {
        let p = piece(&app, &owner, &branch, &format!("GN-22-00010{i}"), grams).await;
        stocked.push(p["id"].as_str().expect("id").to_owned());
    }
    let statements = || proxy.commands(COM_QUERY) + proxy.commands(COM_STMT_EXECUTE);
    let mut counted = Vec::new();
    for query in ["", "&minPrice=1.00&maxPrice=100000000.00", "&sort=price"] {
        let path = |after: Option<&str>| {
            let cursor = after.map(|a| format!("&cursor={a}")).unwrap_or_default();
            format!("/api/v1/pieces?limit=2{query}{cursor}")
        };
        // The rates come into the cache, the price keys follow them.
        json_of(get(&app, &owner, &path(None)).await, 200).await;
        let mut seen: Vec<String> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..3 {
            let before = statements();
            json_of(get(&app, &owner, &path(None)).await, 200).await;
            counted.push(statements() - before);
        }
        loop {
            let page: Value = json_of(
                app.call(Method::GET, &path(after.as_deref()), Some(&owner), None)
                    .await,
                200,
            )
            .await;
            for item in page["items"].as_array().expect("items") {
                seen.push(item["id"].as_str().expect("id").to_owned());
            }
            match page["nextCursor"].as_str() {
                Some(next) => after = Some(next.to_owned()),
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), seen.len(), "no piece twice: {seen:?}");
        let mut all = stocked.clone();
        all.sort();
        assert_eq!(sorted, all, "every piece once ({query})");
    }
    // A first page is two; the server's background work (revocations each
    // second, lapsed holds at most once a second, the relay's poll) adds
    // one or a few now and then, more on a busy machine.
    let twos = counted.iter().filter(|&&n| n == 2).count();
    assert!(twos * 2 > counted.len(), "statements per page: {counted:?}");
    assert!(counted.iter().all(|&n| (2..7).contains(&n)), "{counted:?}");
}
