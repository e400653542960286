//! The whole customer profile, archive, list filters and sort, and
//! likely-duplicate detection.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, json_of};
use crate::on_both_backends;

on_both_backends!(
    the_whole_profile_round_trips_and_a_patch_keeps_the_rest,
    lists_filter_and_sort_with_stable_pages,
    archived_customers_leave_lists_until_restored,
    likely_duplicates_need_confirmation,
);

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.call(
        Method::PATCH,
        &format!("/api/v1/customers/{id}"),
        Some(token),
        Some(body),
    )
    .await
}

async fn the_whole_profile_round_trips_and_a_patch_keeps_the_rest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (sales, _) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    let full = json!({
        "name": "Lakshmi Narayanan", "mobile": "98765 43210",
        "otherPhones": ["044-2434 5678", "+91 98765 43210"],
        "email": "Lakshmi@Example.com",
        "addresses": [{"label": "home", "line1": " 12 Usman Road ", "city": "Chennai",
                       "state": "Tamil Nadu", "pinCode": "600017", "country": "in"}],
        "homeBranchId": branch["id"], "assignedStaffId": sales["id"],
        "dateOfBirth": "1988-03-14", "anniversary": "2012-02-29",
        "spouseName": "Narayanan", "spouseDateOfBirth": "1985-07-01", "ringSize": "14",
        "preferences": {"metals": ["gold", "gold"], "purities": [750, 916],
                        "categories": ["Necklace"], "styles": ["temple"]},
        "budgetBand": "2l_to_5l", "tags": ["VIP", "bridal", "vip"],
        "notes": "Prefers antique finish.", "source": "referral",
        "externalId": "ERP-000123", "pan": "abcde1234f"
    });
    let created = json_of(post(&app, &owner, "/api/v1/customers", full).await, 201).await;
    let id = created["id"].as_str().expect("id").to_owned();
    // Normalized: E.164 phones without the main mobile, trimmed address,
    // upper-case country, sorted unique tags and grades.
    assert_eq!(created["otherPhones"], json!(["+914424345678"]));
    assert_eq!(created["email"], "lakshmi@example.com");
    assert_eq!(created["addresses"][0]["line1"], "12 Usman Road");
    assert_eq!(created["addresses"][0]["country"], "IN");
    assert_eq!(created["preferences"]["metals"], json!(["gold"]));
    assert_eq!(created["preferences"]["purities"], json!([916, 750]));
    assert_eq!(created["preferences"]["categories"], json!(["necklace"]));
    assert_eq!(created["tags"], json!(["bridal", "vip"]));
    assert_eq!(created["budgetBand"], "2l_to_5l");
    assert_eq!(created["source"], "referral");
    assert_eq!(created["externalId"], "ERP-000123");
    assert_eq!(created["assignedStaffId"], sales["id"]);
    assert_eq!(created["pan"], "ABCDE1234F");

    let read = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/customers/{id}"),
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(read, created);

    // A patch of one field changes that field alone, dates included.
    let changed = json_of(
        patch(
            &app,
            &owner,
            &id,
            json!({"ringSize": "15", "dateOfBirth": "1988-03-15"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["ringSize"], "15");
    assert_eq!(changed["dateOfBirth"], "1988-03-15");
    for same in [
        "otherPhones",
        "addresses",
        "preferences",
        "tags",
        "notes",
        "externalId",
        "pan",
        "anniversary",
        "spouseName",
        "assignedStaffId",
    ] {
        assert_eq!(changed[same], created[same], "{same} kept");
    }
    // Null clears; a list replaces; preferences merge member by member.
    let cleared = json_of(
        patch(
            &app,
            &owner,
            &id,
            json!({"notes": null, "tags": ["gold-scheme"], "preferences": {"styles": null}, "pan": null}),
        )
        .await,
        200,
    )
    .await;
    assert!(cleared["notes"].is_null());
    assert!(cleared["pan"].is_null());
    assert_eq!(cleared["tags"], json!(["gold-scheme"]));
    assert_eq!(cleared["preferences"]["styles"], json!([]));
    assert_eq!(cleared["preferences"]["metals"], json!(["gold"]));
    assert_eq!(cleared["version"], 3);

    // Bad input names the field, nested ones by path.
    let bad = json_of(
        patch(
            &app,
            &owner,
            &id,
            json!({"addresses": [{"line1": "x", "city": "Chennai", "pinCode": "6000", "country": "IN"}],
                   "preferences": {"purities": [917]}, "budgetBand": "2l_to_5l"}),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["addresses[0].pinCode", "preferences.purities[0]"]);
    for (body, field) in [
        (json!({"name": null}), "name"),
        (json!({"favouriteColour": "red"}), "favouriteColour"),
        (json!({"budgetBand": "huge"}), "budgetBand"),
        (
            json!({"assignedStaffId": "01936f0e-0000-7000-8000-000000000999"}),
            "assignedStaffId",
        ),
    ] {
        let problem = json_of(patch(&app, &owner, &id, body.clone()).await, 422).await;
        assert!(
            problem["errors"][0]["field"]
                .as_str()
                .expect("field")
                .contains(field),
            "{body} → {problem}"
        );
    }
    // Nothing of the refused patches was stored.
    let after = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/customers/{id}"),
            Some(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(after, cleared);

    // The external id is unique.
    let other = json_of(
        post(
            &app,
            &owner,
            "/api/v1/customers",
            json!({"name": "Ravi Kumar", "mobile": "9000012345"}),
        )
        .await,
        201,
    )
    .await;
    let taken = json_of(
        patch(
            &app,
            &owner,
            other["id"].as_str().expect("id"),
            json!({"externalId": "ERP-000123"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(taken["errors"][0]["field"], "externalId");
}

async fn add(app: &TestApp, token: &str, body: Value) -> Value {
    json_of(
        post(
            app,
            token,
            "/api/v1/customers?confirmNotDuplicate=true",
            body,
        )
        .await,
        201,
    )
    .await
}

async fn list(app: &TestApp, token: &str, query: &str) -> (Vec<String>, Option<String>) {
    let page = json_of(
        app.call(
            Method::GET,
            &format!("/api/v1/customers?{query}"),
            Some(token),
            None,
        )
        .await,
        200,
    )
    .await;
    let names = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["name"].as_str().expect("name").to_owned())
        .collect();
    (names, page["nextCursor"].as_str().map(str::to_owned))
}

async fn lists_filter_and_sort_with_stable_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (sales, _) = app
        .hire(&owner, "priya@example.com", "sales", &[&branch])
        .await;
    add(
        &app,
        &owner,
        json!({"name": "Meena Sundaram", "mobile": "9000000001",
        "tags": ["bridal"], "dateOfBirth": "1990-03-02", "assignedStaffId": sales["id"]}),
    )
    .await;
    add(
        &app,
        &owner,
        json!({"name": "Arjun Rao", "mobile": "9000000002",
        "tags": ["bridal", "vip"], "anniversary": "2015-03-20"}),
    )
    .await;
    add(
        &app,
        &owner,
        json!({"name": "Zara Khan", "mobile": "9000000003",
        "email": "zara@example.com", "dateOfBirth": "1992-11-30"}),
    )
    .await;
    add(
        &app,
        &owner,
        json!({"name": "Meera Pillai", "mobile": "9000000004",
        "homeBranchId": branch["id"], "assignedStaffId": sales["id"]}),
    )
    .await;

    assert_eq!(
        list(&app, &owner, "tag=bridal").await.0,
        ["Meena Sundaram", "Arjun Rao"]
    );
    assert_eq!(list(&app, &owner, "tag=VIP").await.0, ["Arjun Rao"]);
    assert_eq!(
        list(&app, &owner, "birthdayMonth=3").await.0,
        ["Meena Sundaram"]
    );
    assert_eq!(
        list(&app, &owner, "anniversaryMonth=3").await.0,
        ["Arjun Rao"]
    );
    assert_eq!(
        list(
            &app,
            &owner,
            &format!("assignedStaffId={}", sales["id"].as_str().expect("id"))
        )
        .await
        .0,
        ["Meena Sundaram", "Meera Pillai"]
    );
    assert_eq!(
        list(&app, &owner, "name=mee").await.0,
        ["Meena Sundaram", "Meera Pillai"]
    );
    assert_eq!(
        list(&app, &owner, "mobile=+91%2090000%2000003").await.0,
        ["Zara Khan"]
    );
    assert_eq!(
        list(&app, &owner, "email=ZARA@example.com").await.0,
        ["Zara Khan"]
    );
    assert_eq!(
        list(&app, &owner, "tag=bridal&birthdayMonth=3").await.0,
        ["Meena Sundaram"]
    );
    assert!(
        list(&app, &owner, "createdBefore=2020-01-01T00:00:00Z")
            .await
            .0
            .is_empty()
    );
    assert_eq!(
        list(&app, &owner, "createdFrom=2020-01-01T00:00:00Z")
            .await
            .0
            .len(),
        4
    );

    // Sorted by name both ways, two to a page: every page follows on.
    for (sort, expected) in [
        (
            "name",
            ["Arjun Rao", "Meena Sundaram", "Meera Pillai", "Zara Khan"],
        ),
        (
            "-name",
            ["Zara Khan", "Meera Pillai", "Meena Sundaram", "Arjun Rao"],
        ),
        (
            "-createdAt",
            ["Meera Pillai", "Zara Khan", "Arjun Rao", "Meena Sundaram"],
        ),
    ] {
        let mut seen: Vec<String> = Vec::new();
        let mut query = format!("sort={sort}&limit=2");
        loop {
            let (names, next) = list(&app, &owner, &query).await;
            seen.extend(names);
            match next {
                Some(cursor) => query = format!("sort={sort}&limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(seen, expected, "sort={sort}");
    }

    for (query, field) in [
        ("sort=mobile", "sort"),
        ("birthdayMonth=13", "birthdayMonth"),
        ("mobile=12", "mobile"),
    ] {
        let problem = json_of(
            app.call(
                Method::GET,
                &format!("/api/v1/customers?{query}"),
                Some(&owner),
                None,
            )
            .await,
            400,
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
}

async fn archived_customers_leave_lists_until_restored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let meena = add(
        &app,
        &owner,
        json!({"name": "Meena Sundaram", "mobile": "9000000001"}),
    )
    .await;
    add(
        &app,
        &owner,
        json!({"name": "Arjun Rao", "mobile": "9000000002"}),
    )
    .await;
    let id = meena["id"].as_str().expect("id");

    let stale = app
        .client
        .post(app.url(&format!("/api/v1/customers/{id}/archive")))
        .bearer_auth(&owner)
        .header("if-match", "\"7\"")
        .send()
        .await
        .expect("sent");
    assert_eq!(stale.status(), 412);
    let archived = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/customers/{id}/archive"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert!(archived["archivedAt"].is_string());
    assert_eq!(list(&app, &owner, "").await.0, ["Arjun Rao"]);
    assert!(list(&app, &owner, "q=meena").await.0.is_empty());
    assert_eq!(
        list(&app, &owner, "archived=true").await.0,
        ["Meena Sundaram"]
    );
    // Still readable, and still the owner of the mobile.
    let read = app
        .call(
            Method::GET,
            &format!("/api/v1/customers/{id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(read.status(), 200);
    let again = post(
        &app,
        &owner,
        "/api/v1/customers",
        json!({"name": "Someone", "mobile": "9000000001"}),
    )
    .await;
    assert_eq!(again.status(), 409);

    let restored = json_of(
        post(
            &app,
            &owner,
            &format!("/api/v1/customers/{id}/restore"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert!(restored["archivedAt"].is_null());
    assert_eq!(
        list(&app, &owner, "").await.0,
        ["Meena Sundaram", "Arjun Rao"]
    );
}

async fn likely_duplicates_need_confirmation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let other_branch = app.open_branch(&owner, "MDS2").await;
    let lakshmi = add(
        &app,
        &owner,
        json!({"name": "Lakshmi Narayanan", "mobile": "9876543210",
        "email": "lakshmi@example.com", "otherPhones": ["04424345678"],
        "homeBranchId": branch["id"]}),
    )
    .await;
    let lakshmi_id = lakshmi["id"].as_str().expect("id");

    for (why, body) in [
        (
            "same e-mail",
            json!({"name": "L. Narayanan", "mobile": "9000000001", "email": "lakshmi@example.com"}),
        ),
        (
            "a phone of theirs as mobile",
            json!({"name": "Someone", "mobile": "044 2434 5678"}),
        ),
        (
            "a shared other phone",
            json!({"name": "Someone", "mobile": "9000000002", "otherPhones": ["+914424345678"]}),
        ),
        (
            "their mobile as other phone",
            json!({"name": "Someone", "mobile": "9000000003", "otherPhones": ["9876543210"]}),
        ),
        (
            "a name very like theirs in the branch",
            json!({"name": "Laxmi Narayanan", "mobile": "9000000004", "homeBranchId": branch["id"]}),
        ),
        (
            "their words in another order",
            json!({"name": "narayanan lakshmi", "mobile": "9000000005", "homeBranchId": branch["id"]}),
        ),
    ] {
        let problem = json_of(post(&app, &owner, "/api/v1/customers", body).await, 409).await;
        assert_eq!(
            problem["type"], "urn:jewel-crm:problem:likely-duplicate",
            "{why}"
        );
        assert_eq!(problem["candidates"][0]["id"], lakshmi_id, "{why}");
    }
    // The same name in another branch, or a different name, is no duplicate.
    for body in [
        json!({"name": "Laxmi Narayanan", "mobile": "9000000006", "homeBranchId": other_branch["id"]}),
        json!({"name": "Priya Narayanan", "mobile": "9000000007", "homeBranchId": branch["id"]}),
    ] {
        json_of(post(&app, &owner, "/api/v1/customers", body).await, 201).await;
    }
    // Confirmed, the likely duplicate is added.
    let confirmed = post(
        &app,
        &owner,
        "/api/v1/customers?confirmNotDuplicate=true",
        json!({"name": "L. Narayanan", "mobile": "9000000001", "email": "lakshmi@example.com"}),
    )
    .await;
    assert_eq!(confirmed.status(), 201);
    // The same mobile is never confirmed away: 409 naming the customer.
    let same_mobile = json_of(
        post(
            &app,
            &owner,
            "/api/v1/customers?confirmNotDuplicate=true",
            json!({"name": "Lakshmi Narayanan", "mobile": "+91 98765 43210"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(same_mobile["type"], "urn:jewel-crm:problem:conflict");
    assert!(
        same_mobile["detail"]
            .as_str()
            .expect("detail")
            .contains(lakshmi_id)
    );
}
