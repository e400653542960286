//! Searches that read their index in order and stop at the page: the plans
//! the database makes for them, and paging while customers are added.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use jewel_domain::PageRequest;
use jewel_domain::contact::{HomeCountry, PersonName, Phone};
use jewel_domain::customer::{CustomerQuery, CustomerSort, NewCustomer};
use jewel_persistence::repos::customers::{CustomerFilter, Customers};
use jewel_persistence::repos::invoices::{InvoiceFilter, Invoices};
use jewel_persistence::repos::pieces::{PieceFilter, PieceSort, Pieces, PriceBand};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(
    every_customer_search_reads_its_index_in_order,
    a_search_pages_once_through_while_customers_are_added,
    every_catalogue_search_reads_its_index_in_order,
    a_months_bills_read_their_index_in_order,
);

const FIRST: [&str; 8] = [
    "Ananya", "Anand", "Lakshmi", "Priya", "Ravi", "Meena", "Arjun", "Kavya",
];
const FAMILY: [&str; 8] = [
    "Iyer", "Sharma", "Anantha", "Reddy", "Nair", "Kumar", "Pillai", "Menon",
];

/// `count` customers straight into the database (64 names, all mobiles
/// different), and fresh statistics for the optimizer.
async fn many_customers(app: &TestApp, count: usize) {
    let db = app.state.database.connection();
    let news: Vec<NewCustomer> = (0..count)
        .map(|n| NewCustomer {
            name: PersonName::parse("name", &format!("{} {}", FIRST[n % 8], FAMILY[(n / 8) % 8]))
                .expect("a name"),
            mobile: Phone::parse(
                "mobile",
                &format!("98{:08}", (n as u64 * 48_271 + 11) % 100_000_000),
                HomeCountry::INDIA,
            )
            .expect("a mobile"),
            email: None,
            home_branch_id: None,
            occasions: Default::default(),
            pan: None,
            profile: Default::default(),
        })
        .collect();
    let rows: Vec<(uuid::Uuid, &NewCustomer)> =
        news.iter().map(|n| (uuid::Uuid::now_v7(), n)).collect();
    Customers::insert_many(db, &rows)
        .await
        .expect("customers added");
    let analyze = match db.get_database_backend() {
        DbBackend::MySql => "ANALYZE TABLE customers, customer_search_terms",
        _ => "ANALYZE",
    };
    db.execute_unprepared(analyze).await.expect("analyzed");
}

/// A connection to the app's database that keeps every statement it runs.
fn recording(app: &TestApp) -> (DatabaseConnection, Arc<Mutex<Vec<Statement>>>) {
    let mut db = app.state.database.connection().clone();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    db.set_metric_callback(move |info| {
        keep.lock()
            .expect("not poisoned")
            .push(info.statement.clone());
    });
    (db, seen)
}

/// What the database plans for `statement`: MariaDB's `EXPLAIN FORMAT=JSON`
/// or SQLite's `EXPLAIN QUERY PLAN`, as text.
async fn plan_of(db: &DatabaseConnection, statement: &Statement) -> String {
    let (explain, column) = match db.get_database_backend() {
        DbBackend::MySql => ("EXPLAIN FORMAT=JSON", "EXPLAIN"),
        _ => ("EXPLAIN QUERY PLAN", "detail"),
    };
    let explained = Statement {
        sql: format!("{explain} {}", statement.sql),
        ..statement.clone()
    };
    db.query_all_raw(explained)
        .await
        .expect("explained")
        .iter()
        .map(|row| row.try_get::<String>("", column).expect("a plan"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails unless the plan of `statement` has no sort and no temporary table.
async fn reads_in_index_order(db: &DatabaseConnection, statement: &Statement) {
    let plan = plan_of(db, statement).await;
    for sorting in ["filesort", "temporary", "TEMP B-TREE"] {
        assert!(
            !plan.contains(sorting),
            "{sorting} in the plan of {}:\n{plan}",
            statement.sql
        );
    }
}

/// How many rows MariaDB read from `table` running `statement`
/// (`ANALYZE FORMAT=JSON`). The driving table is read once (`r_loops` 1),
/// so its `r_rows` is a whole count.
async fn rows_read(db: &DatabaseConnection, statement: &Statement, table: &str) -> u64 {
    analyzed(db, statement, table, "r_rows").await
}

/// `figure` of `table`'s node in the analysis of `statement`.
async fn analyzed(
    db: &DatabaseConnection,
    statement: &Statement,
    table: &str,
    figure: &str,
) -> u64 {
    let analyzed = Statement {
        sql: format!("ANALYZE FORMAT=JSON {}", statement.sql),
        ..statement.clone()
    };
    let rows = db.query_all_raw(analyzed).await.expect("analyzed");
    let text: String = rows[0].try_get("", "ANALYZE").expect("an analysis");
    let plan: Value = serde_json::from_str(&text).expect("JSON");
    fn find(node: &Value, table: &str, figure: &str) -> Option<u64> {
        match node {
            Value::Object(map) => {
                if map.get("table_name").and_then(Value::as_str) == Some(table) {
                    return map.get(figure).and_then(Value::as_u64);
                }
                map.values().find_map(|v| find(v, table, figure))
            }
            Value::Array(items) => items.iter().find_map(|v| find(v, table, figure)),
            _ => None,
        }
    }
    find(&plan, table, figure).unwrap_or_else(|| panic!("{figure} of {table} in {text}"))
}

async fn every_customer_search_reads_its_index_in_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    many_customers(&app, 4_000).await;
    let (db, seen) = recording(&app);
    let searches = [
        "ana", "anan", "ana sha", "lak iyer", "ravi", "0123", "3210", "98000",
    ];
    let mut asked = Vec::new();
    for q in searches {
        let query = CustomerQuery::parse("q", q, HomeCountry::INDIA).expect("a search");
        asked.push(CustomerFilter {
            query: Some(query),
            ..Default::default()
        });
    }
    let mobile = Customers::list(
        &db,
        &CustomerFilter::default(),
        &CustomerSort::default(),
        page(1, None),
    )
    .await
    .expect("listed")
    .items[0]
        .mobile
        .clone();
    asked.push(CustomerFilter {
        query: Some(CustomerQuery::Mobile(
            Phone::parse("q", &mobile, HomeCountry::INDIA).expect("a mobile"),
        )),
        ..Default::default()
    });
    asked.push(CustomerFilter::default());
    for filter in &asked {
        // The first page, then the one after it.
        let first = Customers::list(&db, filter, &CustomerSort::default(), page(20, None))
            .await
            .expect("a page");
        if let Some(after) = first.next {
            let second =
                Customers::list(&db, filter, &CustomerSort::default(), page(20, Some(after)))
                    .await
                    .expect("the next page");
            assert!(
                second
                    .items
                    .iter()
                    .all(|c| first.items.iter().all(|f| f.id != c.id))
            );
        }
    }
    let statements: Vec<Statement> = std::mem::take(&mut *seen.lock().expect("not poisoned"));
    assert!(statements.len() >= asked.len(), "{statements:?}");
    for statement in &statements {
        reads_in_index_order(&db, statement).await;
    }
    if backend == Backend::Mariadb {
        // `ana` matches about 1,500 of the 4,000 (Ananya, Anand, Anantha):
        // the walk reads about a page of terms, not every match.
        let walk = statements
            .iter()
            .find(|s| s.sql.contains("STRAIGHT_JOIN"))
            .expect("a walk of the terms");
        let read = rows_read(&db, walk, "walked").await;
        assert!(read <= 60, "read {read} terms for a page of 20");
        // `ana sha`: about one `ana` customer in eight is a Sharma. The walk
        // checks `sha` on the row it reads, so only the customers kept look
        // their terms up again (to be listed once).
        let two_words = statements
            .iter()
            .find(|s| {
                s.sql.contains("STRAIGHT_JOIN") && format!("{:?}", s.values).contains("% sha%")
            })
            .expect("a walk for two words");
        let walked = rows_read(&db, two_words, "walked").await;
        let looked_up = analyzed(&db, two_words, "customer_search_terms", "r_loops").await;
        assert!(
            walked > 60,
            "walked {walked} terms of `ana` to find 21 Sharmas"
        );
        assert!(
            looked_up <= 30,
            "looked up the terms of {looked_up} customers"
        );
    }
}

/// A shop seeded with `counts` (the seed's own shop, a year of bills when
/// asked), and fresh statistics on `table` for the optimizer.
async fn seeded_shop(backend: Backend, counts: jewel_api::seed::Counts, table: &str) -> TestApp {
    let app = TestApp::spawn(backend).await;
    jewel_api::seed::seed_counts(&app.state.database, counts, 7)
        .await
        .expect("a shop");
    let analyze = match backend {
        Backend::Mariadb => format!("ANALYZE TABLE {table}"),
        Backend::Sqlite => "ANALYZE".to_owned(),
    };
    let db = app.state.database.connection();
    db.execute_unprepared(&analyze).await.expect("analyzed");
    app
}

/// The statements of the catalogue's searches, as `GET /api/v1/pieces`
/// makes them (in stock, by category, a price band, the sorts), have no
/// sort or temporary table in their plans.
async fn every_catalogue_search_reads_its_index_in_order(backend: Backend) {
    let counts = jewel_api::seed::Counts {
        branches: 2,
        customers: 10,
        pieces: 3_000,
        interactions: 0,
        invoice_lines: 0,
    };
    let app = seeded_shop(backend, counts, "pieces").await;
    let (db, seen) = recording(&app);
    let in_stock = PieceFilter {
        status: Some(jewel_domain::piece::PieceStatus::InStock),
        ..Default::default()
    };
    // 1 to 3 lakh (before tax), in paise.
    let band = PriceBand {
        min_taxable: Some(10_000_000),
        max_taxable: Some(30_000_000),
    };
    let searches = [
        PieceFilter {
            category: Some("necklace".to_owned()),
            price_band: Some(band.clone()),
            sort: PieceSort::Price(false),
            ..in_stock.clone()
        },
        PieceFilter {
            price_band: Some(band.clone()),
            sort: PieceSort::Price(false),
            ..in_stock.clone()
        },
        PieceFilter {
            sort: PieceSort::Price(true),
            ..in_stock.clone()
        },
        PieceFilter {
            category: Some("ring".to_owned()),
            sort: PieceSort::Price(false),
            ..in_stock.clone()
        },
        in_stock.clone(),
    ];
    for filter in &searches {
        let first = Pieces::list(&db, filter, page(20, None))
            .await
            .expect("a page");
        assert!(!first.items.is_empty(), "{filter:?}");
        if let Some(after) = first.next {
            Pieces::list(&db, filter, page(20, Some(after)))
                .await
                .expect("the next page");
        }
    }
    let statements: Vec<Statement> = std::mem::take(&mut *seen.lock().expect("not poisoned"));
    if backend == Backend::Mariadb {
        // Necklaces are about one piece in ten: the search reads a page of
        // them in price order, not the pieces of every category in between.
        let necklaces = statements
            .iter()
            .find(|s| s.sql.contains("`category` =") && s.sql.contains("`price_key` >="))
            .expect("the necklace search");
        let read = rows_read(&db, necklaces, "pieces").await;
        assert!(read <= 60, "read {read} pieces for a page of 20");
    }
    for statement in statements.iter().filter(|s| s.sql.contains("pieces")) {
        reads_in_index_order(&db, statement).await;
    }
}

/// A month's bills, as `GET /api/v1/invoices?issuedFrom=..&issuedTo=..`
/// lists them: newest issued first, page by page with no bill twice and
/// none left out, each page read from the index in that order.
async fn a_months_bills_read_their_index_in_order(backend: Backend) {
    let counts = jewel_api::seed::Counts {
        branches: 2,
        customers: 20,
        pieces: 200,
        interactions: 0,
        invoice_lines: 2_000,
    };
    let app = seeded_shop(backend, counts, "invoices").await;
    let at = |month: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, month, 1)
            .expect("a date")
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
    };
    let march = InvoiceFilter {
        issued_from: Some(at(3)),
        issued_to: Some(at(4)),
        ..Default::default()
    };
    let (db, seen) = recording(&app);
    let (mut listed, mut after, mut pages) = (Vec::new(), None, 0);
    loop {
        let page = Invoices::list(&db, &march, page(20, after))
            .await
            .expect("a page");
        pages += 1;
        listed.extend(
            page.items
                .iter()
                .map(|i| (i.issued_at.expect("issued"), i.id)),
        );
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert!(
        pages >= 3,
        "{} bills in March: too few to page",
        listed.len()
    );
    let mut expected = listed.clone();
    expected.sort_by(|a, b| b.cmp(a));
    expected.dedup();
    assert_eq!(listed, expected, "newest issued first, none twice");
    assert!(
        listed
            .iter()
            .all(|(issued, _)| *issued >= at(3) && *issued < at(4))
    );
    let statements: Vec<Statement> = std::mem::take(&mut *seen.lock().expect("not poisoned"));
    let lists: Vec<&Statement> = statements
        .iter()
        .filter(|s| s.sql.contains("`issued_at` >=") || s.sql.contains("\"issued_at\" >="))
        .collect();
    assert_eq!(lists.len(), pages, "one list statement a page");
    // Every March bill, counted apart: the pages left none out.
    let all = Invoices::list(&db, &march, page(1_000, None))
        .await
        .expect("the month at once");
    assert_eq!(all.items.len(), listed.len());
    for statement in lists {
        reads_in_index_order(&db, statement).await;
        if backend == Backend::Mariadb {
            // The page and one more, and on a next page the cursor's own
            // bill, read and passed over.
            let read = rows_read(&db, statement, "invoices").await;
            assert!(read <= 22, "read {read} bills for a page of 20");
        }
    }
}

fn page(limit: u64, after: Option<uuid::Uuid>) -> PageRequest {
    PageRequest { after, limit }
}

async fn add(app: &TestApp, token: &str, name: &str, mobile: &str) -> String {
    let response = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(token),
            Some(json!({"name": name, "mobile": mobile})),
        )
        .await;
    assert_eq!(response.status(), 201, "{name}");
    response.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// Pages through `q` 4 at a time, adding a customer who sorts before the
/// page and one who sorts after it between pages; every customer there at
/// the start is listed exactly once, and no one twice.
async fn page_through(
    app: &TestApp,
    token: &str,
    q: &str,
    added: &mut dyn FnMut(usize) -> [(String, String); 2],
) -> Vec<String> {
    let mut listed = Vec::new();
    let mut cursor = String::new();
    for turn in 0.. {
        let response = app
            .call(
                Method::GET,
                &format!("/api/v1/customers?q={q}&limit=4{cursor}"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.expect("JSON");
        for item in page["items"].as_array().expect("items") {
            listed.push(item["id"].as_str().expect("an id").to_owned());
        }
        let Some(next) = page["nextCursor"].as_str() else {
            break;
        };
        cursor = format!("&cursor={next}");
        for (name, mobile) in added(turn) {
            add(app, token, &name, &mobile).await;
        }
    }
    listed
}

async fn a_search_pages_once_through_while_customers_are_added(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let families = ["Iyer", "Rao", "Nair", "Shah", "Das", "Roy", "Sen"];
    let mut there = Vec::new();
    for n in 0..14 {
        // `Anil Anish` matches `ani` twice and is listed once.
        let name = match n {
            0 => "Anil Anish".to_owned(),
            _ => format!("Anitha {}", families[n % 7]),
        };
        // Every mobile ends in 0000.
        let mobile = format!("98{:04}0000", 1000 + n * 37);
        there.push(add(&app, &owner, &name, &mobile).await);
    }
    let by_name = page_through(&app, &owner, "ani", &mut |turn| {
        [
            (format!("Anibha {turn}"), format!("9822{turn:06}")),
            (format!("Aniz {turn}"), format!("9833{turn:06}")),
        ]
    })
    .await;
    let by_ending = page_through(&app, &owner, "0000", &mut |turn| {
        [
            (format!("Early {turn}"), format!("98440{turn}0000")),
            (format!("Late {turn}"), format!("98449{turn}0000")),
        ]
    })
    .await;
    for (q, listed) in [("ani", &by_name), ("0000", &by_ending)] {
        let unique: HashSet<&String> = listed.iter().collect();
        assert_eq!(unique.len(), listed.len(), "{q}: someone listed twice");
        for id in &there {
            assert!(listed.contains(id), "{q}: {id} skipped");
        }
        // Some of those added while paging sort after the cursor and are found.
        assert!(listed.len() > there.len(), "{q}: {listed:?}");
    }
}
