//! Defects found by outside testing (issue 17), each held down by a test
//! that failed before its fix: Indian mobiles that begin with 91, Indic
//! names in quick search, LIKE wildcards in user text, the audit trail
//! and stock counts across branches, logins and bodies the document
//! allows or refuses.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, json_of};
use crate::on_both_backends;
use sea_orm::{ConnectionTrait, Statement};

on_both_backends!(
    ten_digit_mobiles_beginning_with_91_are_national,
    indic_names_are_found_by_their_first_words_prefix,
    wildcards_in_a_name_filter_stand_for_themselves,
    a_branch_manager_reads_only_the_audit_trail_of_their_branches,
    an_impossible_customer_login_is_a_failed_login,
    bodies_are_held_to_the_document,
    pans_are_sealed_at_rest_and_keys_rotate,
    what_the_http_parser_refuses_is_problem_json,
);

async fn add(app: &TestApp, token: &str, name: &str, mobile: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        "/api/v1/customers?confirmNotDuplicate=true",
        Some(token),
        Some(json!({"name": name, "mobile": mobile})),
    )
    .await
}

/// The names of the customers listed for these query parameters.
async fn listed(app: &TestApp, token: &str, query: &[(&str, &str)]) -> Vec<String> {
    let response = app
        .client
        .get(app.url("/api/v1/customers"))
        .query(query)
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    let page = json_of(response, 200).await;
    let mut names: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["name"].as_str().expect("name").to_owned())
        .collect();
    names.sort();
    names
}

async fn ten_digit_mobiles_beginning_with_91_are_national(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    for (name, mobile, e164) in [
        ("Anand Rao", "9177609359", "+919177609359"),
        ("Bhavna Shah", "9198765432", "+919198765432"),
    ] {
        let created = json_of(add(&app, &owner, name, mobile).await, 201).await;
        assert_eq!(created["mobile"], e164, "{mobile}");
    }
    // The same number spelt with spaces, or with +91, is the same customer.
    for again in ["91776 09359", "+91 91776 09359"] {
        let problem = json_of(add(&app, &owner, "Anand R", again).await, 409).await;
        assert_eq!(problem["errors"][0]["field"], "mobile", "{again}");
    }
    assert_eq!(
        listed(&app, &owner, &[("q", "9177609359")]).await,
        ["Anand Rao"]
    );
}

async fn indic_names_are_found_by_their_first_words_prefix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let names = [
        ("லக்ஷ்மி நாராயணன்", "லக்", "9840012301"),    // Tamil
        ("लक्ष्मी नारायण", "लक्", "9840012302"),   // Devanagari
        ("ശ്രീലക്ഷ്മി നായർ", "ശ്രീല", "9840012303"), // Malayalam
        ("ಲಕ್ಷ್ಮಿ ರಾವ್", "ಲಕ್", "9840012304"),       // Kannada
        ("లక్ష్మి రెడ్డి", "లక్", "9840012305"),       // Telugu
        ("લક્ષ્મી પટેલ", "લક્", "9840012306"),      // Gujarati
        ("লক্ষ্মী দাস", "লক্", "9840012307"),       // Bengali
    ];
    for (name, _, mobile) in names {
        json_of(add(&app, &owner, name, mobile).await, 201).await;
    }
    for (name, prefix, _) in names {
        let first = name.split(' ').next().expect("a first word");
        for typed in [first, prefix] {
            assert_eq!(
                listed(&app, &owner, &[("q", typed)]).await,
                [name],
                "{typed}"
            );
        }
    }
    // The issue's own examples, each one word with a conjunct.
    for typed in ["லக்ஷ்மி", "लक्ष्मी", "ശ്രീലക്ഷ്മി"]
    {
        assert_eq!(
            listed(&app, &owner, &[("q", typed)]).await.len(),
            1,
            "{typed}"
        );
    }
    // One cluster is still too short a word.
    let response = app
        .client
        .get(app.url("/api/v1/customers"))
        .query(&[("q", "क्ष")])
        .bearer_auth(&owner)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16() / 100, 4);
    let problem: Value = response.json().await.expect("JSON");
    assert_eq!(problem["errors"][0]["code"], "too_short", "{problem}");
}

async fn wildcards_in_a_name_filter_stand_for_themselves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    json_of(add(&app, &owner, "Plain Name", "9840012311").await, 201).await;
    json_of(add(&app, &owner, "Ravi Kumar", "9840012312").await, 201).await;
    for pattern in ["%", "_", "Pl_in", "Pl%", "!", "!%"] {
        assert!(
            listed(&app, &owner, &[("name", pattern)]).await.is_empty(),
            "{pattern} matched"
        );
    }
    assert_eq!(
        listed(&app, &owner, &[("name", "Plain")]).await,
        ["Plain Name"]
    );
    // A mobile's ending is a prefix of the reversed mobile: no wildcards there either.
    assert_eq!(listed(&app, &owner, &[("q", "2311")]).await, ["Plain Name"]);
}

/// Every audit event `token` can list (the first 200).
async fn audit_trail(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app
        .call(
            Method::GET,
            "/api/v1/audit-events?limit=200",
            Some(token),
            None,
        )
        .await;
    json_of(response, 200).await["items"]
        .as_array()
        .expect("items")
        .clone()
}

fn mentions(events: &[Value], id: &Value) -> bool {
    let id = id.as_str().expect("an id");
    events.iter().any(|e| e.to_string().contains(id))
}

async fn a_branch_manager_reads_only_the_audit_trail_of_their_branches(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let chennai = app.open_branch(&owner, "MDS1").await;
    let madurai = app.open_branch(&owner, "MDU1").await;
    let (_, chennai_manager) = app
        .hire(&owner, "ravi@example.com", "manager", &[&chennai])
        .await;
    let (madurai_sales, _) = app
        .hire(&owner, "meena@example.com", "sales", &[&madurai])
        .await;
    let piece = |tag: &str, branch: &Value| {
        json!({"tagNumber": tag, "category": "ring", "metal": "gold", "fineness": 916,
               "grossWeight": "4.250", "making": {"mode": "per_gram", "value": "450"},
               "huid": format!("{tag}X").chars().rev().take(6).collect::<String>(),
               "branchId": branch["id"]})
    };
    let theirs = json_of(
        app.call(
            Method::POST,
            "/api/v1/pieces",
            Some(&owner),
            Some(piece("MDU001", &madurai)),
        )
        .await,
        201,
    )
    .await;
    let ours = json_of(
        app.call(
            Method::POST,
            "/api/v1/pieces",
            Some(&owner),
            Some(piece("MDS001", &chennai)),
        )
        .await,
        201,
    )
    .await;
    let customer = json_of(
        add(&app, &owner, "Lakshmi Narayanan", "9840012321").await,
        201,
    )
    .await;

    let seen = audit_trail(&app, &chennai_manager).await;
    assert!(mentions(&seen, &ours["id"]), "their own branch's piece");
    assert!(
        mentions(&seen, &customer["id"]),
        "customers are the business's"
    );
    assert!(mentions(&seen, &chennai["id"]), "their own branch");
    for other in [&theirs["id"], &madurai_sales["id"], &madurai["id"]] {
        assert!(!mentions(&seen, other), "{other} is another branch's");
    }
    let everything = audit_trail(&app, &owner).await;
    for id in [
        &ours["id"],
        &theirs["id"],
        &madurai_sales["id"],
        &madurai["id"],
    ] {
        assert!(mentions(&everything, id), "the owner sees {id}");
    }

    // A count at Chennai that scans Madurai's tag says so, without its id.
    let counted = json_of(
        app.call(
            Method::POST,
            "/api/v1/stock-audits",
            Some(&chennai_manager),
            Some(json!({"branchId": chennai["id"], "scanned": ["MDS001", "MDU001"]})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(counted["unexpected"][0]["reason"], "elsewhere");
    assert!(
        !counted
            .to_string()
            .contains(theirs["id"].as_str().expect("id")),
        "{counted}"
    );
}

async fn an_impossible_customer_login_is_a_failed_login(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let zeros = "0".repeat(200);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let response = app
            .call(
                Method::POST,
                "/api/v1/auth/customer-login",
                None,
                Some(json!({"login": zeros, "password": "my jewellery passbook"})),
            )
            .await;
        statuses.push(response.status().as_u16());
    }
    let limit = usize::try_from(app.state.auth.login_max_failures).expect("small");
    assert!(statuses[..limit].iter().all(|&s| s == 401), "{statuses:?}");
    assert!(
        statuses[limit..].iter().all(|&s| s == 429),
        "counted: {statuses:?}"
    );
    for login in ["not a login", "@", "+0"] {
        let response = app
            .call(
                Method::POST,
                "/api/v1/auth/customer-login",
                None,
                Some(json!({"login": login, "password": "my jewellery passbook"})),
            )
            .await;
        assert!(
            [401, 429].contains(&response.status().as_u16()),
            "{login}: {}",
            response.status()
        );
    }
}

async fn bodies_are_held_to_the_document(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;

    // Control characters: refused, but for tab and line breaks.
    for bad in [
        "a\u{0}b",
        "bell\u{7}",
        "esc\u{1b}[31m",
        "del\u{7f}",
        "c1\u{85}",
    ] {
        let response = app
            .call(
                Method::POST,
                "/api/v1/customers",
                Some(&owner),
                Some(json!({"name": "Ravi Kumar", "mobile": "9840012331", "notes": bad})),
            )
            .await;
        let problem = json_of(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], "notes", "{bad:?}");
        assert_eq!(problem["errors"][0]["code"], "control_character", "{bad:?}");
    }
    let response = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Ravi Kumar", "mobile": "9840012331",
                        "notes": "likes temple jewellery\r\nsize:\t14"})),
        )
        .await;
    json_of(response, 201).await;

    // The published pattern of a weight has no spaces, so neither has the server.
    let piece = json!({"tagNumber": "RG-1", "category": "ring", "metal": "silver",
                       "fineness": 925, "grossWeight": " 1.5",
                       "making": {"mode": "per_gram", "value": "10"}, "branchId": branch["id"]});
    let problem = json_of(
        app.call(Method::POST, "/api/v1/pieces", Some(&owner), Some(piece))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "grossWeight", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "format", "{problem}");

    // A key given twice is a 400 naming it.
    let response = app
        .client
        .post(app.url("/api/v1/customers"))
        .bearer_auth(&owner)
        .header("content-type", "application/json")
        .body(r#"{"name": "Uma Devi", "mobile": "9840012332", "mobile": "9840012333"}"#)
        .send()
        .await
        .expect("sent");
    let problem = json_of(response, 400).await;
    assert_eq!(problem["errors"][0]["field"], "mobile", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "duplicate_key", "{problem}");
}

const KEY_1: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const KEY_2: &str = "HxwdHh8aGxwdHh8aGxwdHh8aGxwdHh8aGxwdHh8aGxw=";

/// The PAN columns of one customer as stored: (pan, pan_sealed, pan_last_four).
async fn stored_pan(app: &TestApp, id: &str) -> (Option<String>, Option<String>, Option<String>) {
    let db = app.state.database.connection();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT pan, pan_sealed, pan_last_four FROM customers WHERE id = ?",
            [id.into()],
        ))
        .await
        .expect("read")
        .expect("a row");
    (
        row.try_get("", "pan").expect("pan"),
        row.try_get("", "pan_sealed").expect("pan_sealed"),
        row.try_get("", "pan_last_four").expect("pan_last_four"),
    )
}

async fn shown_pan(app: &TestApp, token: &str, id: &str) -> Value {
    let response = app
        .call(
            Method::GET,
            &format!("/api/v1/customers/{id}"),
            Some(token),
            None,
        )
        .await;
    json_of(response, 200).await["pan"].clone()
}

async fn pans_are_sealed_at_rest_and_keys_rotate(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.identity.key_id = Some("k1".to_owned());
        settings.identity.key = Some(KEY_1.to_owned().into());
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let (_, sales) = app
        .hire(&owner, "sales@example-jeweller.in", "sales", &[&branch])
        .await;
    let response = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Lakshmi Narayanan", "mobile": "9840012341", "pan": "ABCDE1234F"})),
        )
        .await;
    let id = json_of(response, 201).await["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // What is stored holds no PAN: sealed by k1, the last four apart.
    let (plain, sealed, last_four) = stored_pan(&app, &id).await;
    assert_eq!(plain, None);
    let sealed = sealed.expect("sealed");
    assert!(
        sealed.starts_with("k1:") && !sealed.contains("ABCDE"),
        "{sealed}"
    );
    assert_eq!(last_four.as_deref(), Some("234F"));
    if backend == Backend::Sqlite {
        for file in ["jewel-crm.sqlite3", "jewel-crm.sqlite3-wal"] {
            let bytes = std::fs::read(app.data_dir().join(file)).unwrap_or_default();
            assert!(
                !bytes.windows(10).any(|w| w == b"ABCDE1234F"),
                "{file} holds the PAN in plain text"
            );
        }
    }
    // Those who may see it see it whole; sales see the last four.
    assert_eq!(shown_pan(&app, &owner, &id).await, "ABCDE1234F");
    assert_eq!(shown_pan(&app, &sales, &id).await, "XXXXXX234F");
    // Found by a keyed hash, by those who may see PANs.
    assert_eq!(
        listed(&app, &owner, &[("pan", "abcde1234f")]).await,
        ["Lakshmi Narayanan"]
    );
    assert!(
        listed(&app, &owner, &[("pan", "ZZZZZ9999Z")])
            .await
            .is_empty()
    );
    let response = app
        .client
        .get(app.url("/api/v1/customers"))
        .query(&[("pan", "ABCDE1234F")])
        .bearer_auth(&sales)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 403);

    // A PAN stored in plain text before sealing is sealed at the next start,
    // and a new key takes over: what the old one sealed is sealed again.
    let response = app
        .call(
            Method::POST,
            "/api/v1/customers",
            Some(&owner),
            Some(json!({"name": "Uma Devi", "mobile": "9840012342", "pan": "FGHIJ5678L"})),
        )
        .await;
    let other = json_of(response, 201).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let db = app.state.database.connection();
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE customers SET pan = ?, pan_sealed = NULL, pan_lookup = NULL, pan_last_four = NULL WHERE id = ?",
        ["PQRST6789K".into(), id.clone().into()],
    ))
    .await
    .expect("an old row");
    let app = app
        .restarted_with(|settings| {
            settings.identity.key_id = Some("k2".to_owned());
            settings.identity.key = Some(KEY_2.to_owned().into());
            settings
                .identity
                .previous_keys
                .insert("k1".to_owned(), KEY_1.to_owned().into());
        })
        .await;
    let (plain, sealed, _) = stored_pan(&app, &id).await;
    assert_eq!(plain, None, "sealed at start");
    assert!(sealed.expect("sealed").starts_with("k2:"));
    let owner = app
        .login("owner@example-jeweller.in", crate::helpers::OWNER_PASSWORD)
        .await;
    let owner = owner["accessToken"].as_str().expect("token");
    assert_eq!(shown_pan(&app, owner, &id).await, "PQRST6789K");
    let (_, sealed, _) = stored_pan(&app, &other).await;
    assert!(sealed.expect("sealed").starts_with("k2:"), "sealed again");
    assert_eq!(shown_pan(&app, owner, &other).await, "FGHIJ5678L");
}

/// Sends `raw` bytes on a new connection and reads the whole answer.
async fn raw_exchange(app: &TestApp, raw: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    stream.write_all(raw).await.expect("sent");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    String::from_utf8(answer).expect("the answer is text")
}

async fn what_the_http_parser_refuses_is_problem_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for raw in [
        &b"GET /api/v1/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"GET /api/v1/customers HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        b"\x16\x03\x01 not HTTP at all\r\n\r\n",
    ] {
        let answer = raw_exchange(&app, raw).await;
        let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
        assert!(head.starts_with("HTTP/1.1 400 "), "{head}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{head}"
        );
        let problem: Value = serde_json::from_str(body).expect("problem+json");
        assert_eq!(problem["status"], 400);
        assert_eq!(problem["type"], "urn:jewel-crm:problem:bad-request");
        let id = problem["requestId"].as_str().expect("a request id");
        assert!(head.contains(&format!("x-request-id: {id}")), "{head}");
    }
    // The connection and the server are fine afterwards.
    assert_eq!(app.get("/health/live").await.status(), 200);
}
