//! A customer in the day's work: the timeline newest first, my tasks by\nthe local day, occasions in the branch's time zone, the PAN masked for\nsales staff, numbers without a country code taken as the home country's.

use crate::customers::{add_customer, customer, names, pan_seen_by};
use crate::helpers::{Backend, TestApp, json_of};
use crate::on_both_backends;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    the_timeline_is_newest_first,
    my_tasks_are_split_by_the_local_day,
    upcoming_occasions_in_the_branch_time_zone,
    sales_staff_see_the_pan_masked,
    numbers_without_a_country_code_are_the_home_countrys,
);

async fn the_timeline_is_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let lakshmi = customer(&app, &owner, "Lakshmi Narayanan", "9876543210", None).await;
    let path = format!(
        "/api/v1/customers/{}/interactions",
        lakshmi["id"].as_str().expect("id")
    );
    let now = chrono::Utc::now();
    let at = |days: i64| {
        (now - chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    for (kind, summary, when) in [
        ("visit", "Looked at temple necklaces", Some(at(2))),
        ("call", "Asked about the gold rate", None),
        ("whatsapp", "Sent photos of bangles", Some(at(1))),
    ] {
        let mut body = json!({"kind": kind, "summary": summary});
        if let Some(when) = when {
            body["occurredAt"] = json!(when);
        }
        let response = app
            .call(Method::POST, &path, Some(&owner), Some(body))
            .await;
        assert_eq!(response.status(), 201, "{kind}");
    }

    let first: Value = app
        .call(Method::GET, &format!("{path}?limit=2"), Some(&owner), None)
        .await
        .json()
        .await
        .expect("JSON");
    let kinds = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["kind"].as_str().expect("kind").to_owned())
            .collect()
    };
    assert_eq!(kinds(&first), ["call", "whatsapp"]);
    let cursor = first["nextCursor"].as_str().expect("more");
    let second: Value = app
        .call(
            Method::GET,
            &format!("{path}?limit=2&cursor={cursor}"),
            Some(&owner),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(kinds(&second), ["visit"]);
    assert!(second["nextCursor"].is_null());
    assert_eq!(first["items"][0]["actorKind"], "staff");

    let future = app
        .call(Method::POST, &path, Some(&owner), Some(json!({"kind": "note", "summary": "x", "occurredAt": (now + chrono::Duration::days(1)).to_rfc3339()})))
        .await;
    assert_eq!(future.status(), 422);
    assert_eq!(
        future.json::<Value>().await.expect("JSON")["errors"][0]["field"],
        "occurredAt"
    );
    let blank = app
        .call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"kind": "note", "summary": "  "})),
        )
        .await;
    assert_eq!(blank.status(), 422);
    let unknown = app
        .call(
            Method::POST,
            &format!("/api/v1/customers/{}/interactions", uuid::Uuid::now_v7()),
            Some(&owner),
            Some(json!({"kind": "note", "summary": "x"})),
        )
        .await;
    assert_eq!(unknown.status(), 404);
    let wrong_kind = app
        .call(
            Method::POST,
            &path,
            Some(&owner),
            Some(json!({"kind": "telegram", "summary": "x"})),
        )
        .await;
    assert_eq!(wrong_kind.status(), 422);
    assert_eq!(
        wrong_kind.json::<Value>().await.expect("JSON")["errors"][0]["field"],
        "kind"
    );
}

async fn my_tasks_are_split_by_the_local_day(backend: Backend) {
    use chrono::Timelike;
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "CHN1").await;
    let (_, sales) = app
        .hire(&owner, "ravi@example-jeweller.in", "sales", &[&branch])
        .await;
    let lakshmi = customer(&app, &sales, "Lakshmi Narayanan", "9876543210", None).await;
    let now = chrono::Utc::now();
    let task = |due: chrono::DateTime<chrono::Utc>, reason: &'static str| {
        app.call(
            Method::POST,
            "/api/v1/tasks",
            Some(&sales),
            Some(json!({"customerId": lakshmi["id"], "dueAt": due.to_rfc3339(), "reason": reason})),
        )
    };
    for (due, reason) in [
        (
            now - chrono::Duration::days(1),
            "Thank her for the wedding order",
        ),
        (now + chrono::Duration::hours(1), "Call about the necklace"),
        (now + chrono::Duration::days(2), "Show the new collection"),
        (now + chrono::Duration::days(3), "Already done"),
    ] {
        assert_eq!(task(due, reason).await.status(), 201, "{reason}");
    }

    // A fixed-offset zone where it is about noon now, so the hour ahead is
    // surely today and two days ahead surely not.
    let offset = (12 - i64::from(now.hour()) + 24) % 24;
    let offset = if offset > 12 { offset - 24 } else { offset };
    let zone = match offset {
        0 => "Etc/GMT".to_owned(),
        o if o > 0 => format!("Etc/GMT-{o}"),
        o => format!("Etc/GMT+{}", -o),
    };
    let mine: Value = app
        .call(Method::GET, "/api/v1/tasks/mine", Some(&sales), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        mine["timezone"], "Asia/Kolkata",
        "the branch's zone by default"
    );
    let done = mine["upcoming"]
        .as_array()
        .expect("upcoming")
        .iter()
        .find(|t| t["reason"] == "Already done")
        .expect("the task")
        .clone();
    let closed = app
        .client
        .patch(app.url(&format!(
            "/api/v1/tasks/{}",
            done["id"].as_str().expect("id")
        )))
        .bearer_auth(&sales)
        .header("if-match", "\"1\"")
        .json(&json!({"status": "done"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(closed.status(), 200);
    let stale = app
        .client
        .patch(app.url(&format!(
            "/api/v1/tasks/{}",
            done["id"].as_str().expect("id")
        )))
        .bearer_auth(&sales)
        .header("if-match", "\"1\"")
        .json(&json!({"status": "cancelled"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(stale.status(), 412);

    let mine: Value = app
        .call(
            Method::GET,
            &format!("/api/v1/tasks/mine?timezone={}", zone.replace('+', "%2B")),
            Some(&sales),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    let reasons = |bucket: &str| -> Vec<String> {
        mine[bucket]
            .as_array()
            .expect("bucket")
            .iter()
            .map(|t| t["reason"].as_str().expect("reason").to_owned())
            .collect()
    };
    assert_eq!(reasons("overdue"), ["Thank her for the wedding order"]);
    assert_eq!(reasons("today"), ["Call about the necklace"]);
    assert_eq!(
        reasons("upcoming"),
        ["Show the new collection"],
        "done tasks leave the list"
    );

    let owners: Value = app
        .call(Method::GET, "/api/v1/tasks/mine", Some(&owner), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(owners["today"], json!([]), "tasks are the assignee's");
    let bad_zone = app
        .call(
            Method::GET,
            "/api/v1/tasks/mine?timezone=Mars/Olympus",
            Some(&sales),
            None,
        )
        .await;
    assert_eq!(bad_zone.status(), 400);
    let nobody = app
        .call(Method::POST, "/api/v1/tasks", Some(&sales), Some(json!({"customerId": lakshmi["id"], "assigneeId": uuid::Uuid::now_v7(), "dueAt": now.to_rfc3339(), "reason": "x"})))
        .await;
    assert_eq!(nobody.status(), 422);
    assert_eq!(
        nobody.json::<Value>().await.expect("JSON")["errors"][0]["field"],
        "assigneeId"
    );
}

async fn upcoming_occasions_in_the_branch_time_zone(backend: Backend) {
    use chrono::Datelike;
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "CHN1").await;
    let kolkata: chrono_tz::Tz = "Asia/Kolkata".parse().expect("a zone");
    let today = chrono::Utc::now().with_timezone(&kolkata).date_naive();
    // The same day and month, `years` earlier (29 February falls back to the 28th).
    let years_before = |date: chrono::NaiveDate, years: i32| {
        chrono::NaiveDate::from_ymd_opt(date.year() - years, date.month(), date.day())
            .or_else(|| chrono::NaiveDate::from_ymd_opt(date.year() - years, 2, 28))
            .expect("a date")
            .to_string()
    };
    let add = |name: &'static str, mobile: &'static str, extra: Value| {
        let mut body = json!({"name": name, "mobile": mobile, "homeBranchId": branch["id"]});
        for (key, value) in extra.as_object().expect("object") {
            body[key] = value.clone();
        }
        app.call(Method::POST, "/api/v1/customers", Some(&owner), Some(body))
    };
    let in_days = |days: i64| today + chrono::Duration::days(days);
    assert_eq!(
        add(
            "Lakshmi",
            "9876543210",
            json!({"dateOfBirth": years_before(in_days(3), 30)})
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        add(
            "Meena",
            "9876543211",
            json!({"anniversary": years_before(today, 25), "ringSize": "14"})
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        add(
            "Ravi",
            "9876543212",
            json!({"spouseName": "Divya", "spouseDateOfBirth": years_before(in_days(10), 28)})
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        add(
            "Arjun",
            "9876543213",
            json!({"dateOfBirth": years_before(in_days(-1), 40)})
        )
        .await
        .status(),
        201
    );
    let future = add(
        "Kavya",
        "9876543214",
        json!({"dateOfBirth": in_days(2).to_string()}),
    )
    .await;
    assert_eq!(future.status(), 422);
    assert_eq!(
        future.json::<Value>().await.expect("JSON")["errors"][0]["field"],
        "dateOfBirth"
    );

    let week: Value = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/occasions?branchId={}",
                branch["id"].as_str().expect("id")
            ),
            Some(&owner),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(week["timezone"], "Asia/Kolkata");
    assert_eq!(week["from"], today.to_string());
    let items = week["items"].as_array().expect("items");
    let seen: Vec<(&str, &str, i64, i64)> = items
        .iter()
        .map(|i| {
            (
                i["name"].as_str().expect("name"),
                i["kind"].as_str().expect("kind"),
                i["daysAway"].as_i64().expect("days"),
                i["years"].as_i64().expect("years"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Meena", "anniversary", 0, 25),
            ("Lakshmi", "birthday", 3, 30)
        ]
    );

    let fortnight: Value = app
        .call(Method::GET, "/api/v1/occasions?days=14", Some(&owner), None)
        .await
        .json()
        .await
        .expect("JSON");
    let spouse = fortnight["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["kind"] == "spouseBirthday")
        .expect("Ravi's wife's birthday");
    assert_eq!(spouse["spouseName"], "Divya");
    assert_eq!(spouse["daysAway"], 10);
    assert!(
        !fortnight.to_string().contains("Arjun"),
        "yesterday's birthday is next year's"
    );

    let too_far = app
        .call(Method::GET, "/api/v1/occasions?days=91", Some(&owner), None)
        .await;
    assert_eq!(too_far.status(), 400);
}

async fn sales_staff_see_the_pan_masked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "CHN1").await;
    let (_, sales) = app
        .hire(&owner, "sales@example-jeweller.in", "sales", &[&branch])
        .await;
    let (_, accountant) = app
        .hire(
            &owner,
            "books@example-jeweller.in",
            "accountant",
            &[&branch],
        )
        .await;
    let (sales, accountant) = (&sales, &accountant);

    let bad = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Lakshmi", "mobile": "9876543210", "pan": "ABCDE12345"})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        bad.json::<Value>().await.expect("JSON")["errors"][0]["field"],
        "pan"
    );
    let created = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Lakshmi", "mobile": "9876543210", "pan": "abcde1234f"})),
        )
        .await;
    let created: Value = created.json().await.expect("JSON");
    assert_eq!(created["pan"], "ABCDE1234F", "the owner sees it whole");
    let path = format!("/api/v1/customers/{}", created["id"].as_str().expect("id"));

    assert_eq!(pan_seen_by(&app, &path, sales).await, "XXXXXX234F");
    assert_eq!(pan_seen_by(&app, &path, accountant).await, "ABCDE1234F");
    let listed: Value = app
        .call(
            Method::GET,
            "/api/v1/customers?q=lakshmi",
            Some(sales),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["items"][0]["pan"], "XXXXXX234F");
    let changed: Value = app
        .call(
            Method::PATCH,
            &path,
            Some(sales),
            Some(json!({"ringSize": "14"})),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        changed["pan"], "XXXXXX234F",
        "not even in the answer to their own change"
    );
    assert!(
        !app.call(
            Method::GET,
            "/api/v1/audit-events?entityType=customer&limit=200",
            Some(&owner),
            None
        )
        .await
        .text()
        .await
        .expect("text")
        .contains("ABCDE1234F"),
        "the trail keeps it masked"
    );

    let customer = app
        .customer_tokens(&owner, created["id"].as_str().expect("id"), "9876543210")
        .await;
    let me: Value = app
        .call(
            Method::GET,
            "/api/v1/me",
            customer["accessToken"].as_str(),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["pan"], "ABCDE1234F", "a customer sees their own");
}

async fn numbers_without_a_country_code_are_the_home_countrys(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.phones.default_country = "AE".parse().expect("country");
    })
    .await;
    let owner = app.owner_token().await;
    let dubai = json_of(add_customer(&app, &owner, "050 123 4567").await, 201).await;
    assert_eq!(dubai["mobile"], "+971501234567");
    // An Indian number needs its country code in a shop in the Emirates.
    let bare = json_of(add_customer(&app, &owner, "98765 43210").await, 422).await;
    assert_eq!(bare["errors"][0]["field"], "mobile", "{bare}");
    let abroad = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Ravi Kumar", "mobile": "+91 98765 43210"})),
        )
        .await;
    assert_eq!(json_of(abroad, 201).await["mobile"], "+919876543210");
    // The quick search and the mobile filter read numbers the same way.
    assert_eq!(
        names(&app, &owner, "q=0501234567").await,
        ["Lakshmi Narayanan"]
    );
    assert_eq!(
        names(&app, &owner, "mobile=050%20123%204567").await,
        ["Lakshmi Narayanan"]
    );
    // Numbers outside the numbering plan are refused, naming the field.
    let short = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Short", "mobile": "+971 50 123"})),
        )
        .await;
    assert_eq!(json_of(short, 422).await["errors"][0]["field"], "mobile");
}
