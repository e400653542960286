//! Campaigns over HTTP (a segment's count is segments.rs'): a campaign
//! queues one e-mail per customer of its segment, which goes only with
//! marketing consent for e-mail (the others skipped with their reason,
//! counted on the campaign); the unsubscribe link in it withdraws that consent without a login, so the
//! next campaign skips the customer; cancelling skips what still waits; a
//! manager of another branch sees none of it.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::loyalty::id_of;
use crate::messages::consent_for;
use crate::on_both_backends;

on_both_backends!(
    a_campaign_reaches_its_consenting_customers_and_its_link_unsubscribes,
    cancelling_a_campaign_skips_what_still_waits,
    two_replicas_queue_each_customer_once,
    a_transport_keeps_its_pace,
);

/// A server that sends marketing at any hour and works campaigns at once.
pub(crate) async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_configured(backend, |settings| {
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.poll_ms = 50;
    })
    .await
}

pub(crate) async fn customer(app: &TestApp, token: &str, body: Value) -> Value {
    json_of(post(app, token, "/api/v1/customers", body).await, 201).await
}

/// The owner's e-mail template of trigger `campaign`.
pub(crate) async fn offer_template(app: &TestApp, owner: &str) -> Value {
    let body = json!({"trigger": "campaign", "channel": "email", "language": "en",
        "subject": "Bridal week at {{ branch_name }}",
        "body": "Dear {{ customer_name }}, our bridal collection is here. Unsubscribe: {{ unsubscribe_url }}"});
    json_of(
        post(app, owner, "/api/v1/message-templates", body).await,
        201,
    )
    .await
}

/// The campaign once every message it queued has settled (none queued or
/// sending), waiting up to 20 s.
pub(crate) async fn finished(app: &TestApp, token: &str, campaign: &Value) -> Value {
    let path = format!("/api/v1/campaigns/{}", id_of(campaign));
    for _ in 0..200 {
        let now = json_of(get(app, token, &path).await, 200).await;
        let waiting = now["messages"].as_array().is_some_and(|rows| {
            rows.iter()
                .any(|r| matches!(r["status"].as_str(), Some("queued" | "sending")))
        });
        if now["status"] == "queued" && !waiting {
            return now;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("campaign {campaign} did not finish");
}

/// `(status, reason) -> count` of a campaign's messages.
pub(crate) fn tally(campaign: &Value) -> Vec<(String, Option<String>, i64)> {
    let mut rows: Vec<_> = campaign["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap_or_default().to_owned(),
                r["reason"].as_str().map(str::to_owned),
                r["count"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The campaign message of `customer`.
pub(crate) async fn message_of(app: &TestApp, token: &str, customer: &Value) -> Value {
    let path = format!(
        "/api/v1/messages?customerId={}&trigger=campaign",
        id_of(customer)
    );
    let page = json_of(get(app, token, &path).await, 200).await;
    page["items"][0].clone()
}

async fn a_campaign_reaches_its_consenting_customers_and_its_link_unsubscribes(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.owner_token().await;
    let mumbai = app.open_branch(&owner, "MUM1").await;
    let delhi = app.open_branch(&owner, "DEL1").await;
    let (_, manager) = app
        .hire(&owner, "anil@example-jeweller.in", "manager", &[&mumbai])
        .await;
    let (_, other) = app
        .hire(&owner, "divya@example-jeweller.in", "manager", &[&delhi])
        .await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&mumbai])
        .await;
    let asha = customer(
        &app,
        &owner,
        json!({"name": "Asha Iyer", "mobile": "9876500001",
        "email": "asha@example.com", "tags": ["bridal"], "homeBranchId": mumbai["id"]}),
    )
    .await;
    consent_for(&app, &owner, &asha, "email", "marketing").await;
    let ravi = customer(
        &app,
        &owner,
        json!({"name": "Ravi Kumar", "mobile": "9876500002",
        "email": "ravi@example.com", "tags": ["Bridal"], "homeBranchId": mumbai["id"]}),
    )
    .await;
    consent_for(&app, &owner, &ravi, "email", "transactional").await;
    let meena = customer(
        &app,
        &owner,
        json!({"name": "Meena Pillai", "mobile": "9876500003",
        "tags": ["bridal"], "homeBranchId": mumbai["id"]}),
    )
    .await;
    consent_for(&app, &owner, &meena, "email", "marketing").await;
    customer(
        &app,
        &owner,
        json!({"name": "Kiran Rao", "mobile": "9876500004",
        "email": "kiran@example.com", "tags": ["bridal"], "homeBranchId": delhi["id"]}),
    )
    .await;
    customer(
        &app,
        &owner,
        json!({"name": "Farah Khan", "mobile": "9876500005",
        "email": "farah@example.com", "homeBranchId": mumbai["id"]}),
    )
    .await;

    // A segment of Mumbai's bridal customers: three, of whom two agreed
    // to offers by e-mail.
    let filter = json!({"tags": ["BRIDAL"]});
    let body = json!({"name": "Bridal week", "branchId": mumbai["id"], "filter": filter});
    assert_eq!(
        post(&app, &sales, "/api/v1/segments", body.clone())
            .await
            .status(),
        403
    );
    let segment = json_of(post(&app, &manager, "/api/v1/segments", body).await, 201).await;
    assert_eq!(segment["count"], 3, "{segment}");
    assert_eq!(segment["filter"]["tags"], json!(["bridal"]));
    let preview = json!({"branchId": mumbai["id"],
        "filter": {"tags": ["bridal"], "marketingConsent": "email"}});
    let counted = json_of(
        post(&app, &manager, "/api/v1/segments/preview", preview).await,
        200,
    )
    .await;
    assert_eq!(counted, json!({"count": 2}));

    // Delhi's manager sees none of Mumbai's segments and makes none.
    let path = format!("/api/v1/segments/{}", id_of(&segment));
    assert_eq!(get(&app, &other, &path).await.status(), 404);
    let listed = json_of(get(&app, &other, "/api/v1/segments").await, 200).await;
    assert_eq!(listed["items"], json!([]));
    let theirs = json!({"name": "Not mine", "branchId": mumbai["id"]});
    let refused = json_of(post(&app, &other, "/api/v1/segments", theirs).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "branchId", "{refused}");
    let whole = json_of(
        post(&app, &other, "/api/v1/segments", json!({"name": "All"})).await,
        422,
    )
    .await;
    assert_eq!(whole["errors"][0]["code"], "out_of_scope", "{whole}");

    // Only a template of trigger `campaign` sends a campaign.
    let template = offer_template(&app, &owner).await;
    let triggers = json_of(get(&app, &owner, "/api/v1/message-templates").await, 200).await;
    let greeting = triggers["items"]
        .as_array()
        .and_then(|items| items.iter().find(|t| t["trigger"] == "birthday"))
        .expect("a birthday template")
        .clone();
    let wrong = json!({"name": "Oops", "segmentId": segment["id"], "templateId": greeting["id"]});
    let refused = json_of(post(&app, &manager, "/api/v1/campaigns", wrong).await, 422).await;
    assert_eq!(refused["errors"][0]["code"], "not_campaign", "{refused}");

    let body = json!({"name": "Bridal week 2026", "segmentId": segment["id"],
        "templateId": template["id"], "perMinute": 6000});
    let campaign = json_of(post(&app, &manager, "/api/v1/campaigns", body).await, 201).await;
    assert_eq!(campaign["status"], "scheduled");
    assert_eq!(campaign["channel"], "email");
    let campaign_path = format!("/api/v1/campaigns/{}", id_of(&campaign));
    assert_eq!(get(&app, &other, &campaign_path).await.status(), 404);

    // The manager tries it on themself: sent to their own address, once.
    let test_send = format!("{campaign_path}/test-send");
    assert_eq!(
        post(&app, &other, &test_send, json!({})).await.status(),
        404
    );
    let tried = json_of(post(&app, &manager, &test_send, json!({})).await, 200).await;
    assert_eq!(
        (&tried["to"], &tried["transport"], &tried["outcome"]),
        (
            &json!("anil@example-jeweller.in"),
            &json!("log"),
            &json!("sent")
        ),
        "{tried}"
    );

    let done = finished(&app, &manager, &campaign).await;
    assert_eq!(done["queued"], 3, "{done}");
    assert_eq!(
        tally(&done),
        [
            ("sent".to_owned(), None, 1),
            ("skipped".to_owned(), Some("no_address".to_owned()), 1),
            ("skipped".to_owned(), Some("no_consent".to_owned()), 1),
        ],
        "{done}"
    );
    let sent = message_of(&app, &manager, &asha).await;
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["subject"], "Bridal week at T. Nagar");
    assert_eq!(sent["aboutKind"], "campaign");
    assert_eq!(
        message_of(&app, &manager, &ravi).await["reason"],
        "no_consent"
    );
    assert_eq!(
        message_of(&app, &manager, &meena).await["reason"],
        "no_address"
    );

    // The link in Asha's e-mail: opening it changes nothing, confirming
    // withdraws her consent to offers by e-mail, as her own decision.
    let body = sent["body"].as_str().expect("a body");
    let token = body
        .split("/api/v1/unsubscribe/")
        .nth(1)
        .expect("an unsubscribe link")
        .trim();
    let link = format!("/api/v1/unsubscribe/{token}");
    let page = app.call(reqwest::Method::GET, &link, None, None).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("a page").contains("e-mails"));
    let consents = format!("/api/v1/customers/{}/consents", id_of(&asha));
    let before = json_of(get(&app, &owner, &consents).await, 200).await;
    assert_eq!(before["current"][0]["granted"], true, "{before}");
    for _ in 0..2 {
        let confirmed = app.call(reqwest::Method::POST, &link, None, None).await;
        assert_eq!(confirmed.status(), 200);
    }
    let after = json_of(get(&app, &owner, &consents).await, 200).await;
    let email = after["current"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|c| c["channel"] == "email" && c["purpose"] == "marketing")
        })
        .expect("e-mail marketing")
        .clone();
    assert_eq!(email["granted"], false, "{after}");
    assert_eq!(email["source"], "unsubscribe_link");
    assert_eq!(email["changedByKind"], "customer");
    assert_eq!(
        after["history"].as_array().map(Vec::len),
        Some(2),
        "{after}"
    );

    // A link changed or made up is refused, naming it.
    let sms = link.replacen(".email.", ".sms.", 1);
    for bad in [sms.as_str(), "/api/v1/unsubscribe/not-a-token"] {
        let refused = app.call(reqwest::Method::POST, bad, None, None).await;
        let problem = json_of(refused, 422).await;
        assert_eq!(problem["errors"][0]["field"], "link", "{problem}");
    }

    // The next campaign skips her.
    let body = json!({"name": "Bridal week, again", "segmentId": segment["id"],
        "templateId": template["id"], "perMinute": 6000});
    let again = json_of(post(&app, &owner, "/api/v1/campaigns", body).await, 201).await;
    finished(&app, &owner, &again).await;
    let skipped = json_of(
        get(
            &app,
            &owner,
            &format!(
                "/api/v1/messages?customerId={}&trigger=campaign",
                id_of(&asha)
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(skipped["items"][0]["reason"], "no_consent", "{skipped}");

    let mine = json_of(get(&app, &manager, "/api/v1/campaigns").await, 200).await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        json_of(get(&app, &other, "/api/v1/campaigns").await, 200).await["items"],
        json!([])
    );
}

async fn cancelling_a_campaign_skips_what_still_waits(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "BLR1").await;
    for (name, mobile) in [
        ("Anita Desai", "9876500021"),
        ("Bhavna Shah", "9876500022"),
        ("Chitra Iyer", "9876500023"),
    ] {
        let email = format!(
            "{}@example.com",
            name.split(' ').next().unwrap_or("x").to_lowercase()
        );
        let found = customer(
            &app,
            &owner,
            json!({"name": name, "mobile": mobile,
            "email": email, "homeBranchId": branch["id"]}),
        )
        .await;
        consent_for(&app, &owner, &found, "email", "marketing").await;
    }
    let body = json!({"name": "Everyone", "branchId": branch["id"]});
    let segment = json_of(post(&app, &owner, "/api/v1/segments", body).await, 201).await;
    let template = offer_template(&app, &owner).await;

    // Scheduled for tomorrow: the segment it uses cannot go meanwhile.
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let body = json!({"name": "Tomorrow", "segmentId": segment["id"],
        "templateId": template["id"], "scheduledAt": tomorrow.to_rfc3339()});
    let later = json_of(post(&app, &owner, "/api/v1/campaigns", body).await, 201).await;
    let segment_path = format!("/api/v1/segments/{}", id_of(&segment));
    let in_use = app
        .call(reqwest::Method::DELETE, &segment_path, Some(&owner), None)
        .await;
    assert_eq!(json_of(in_use, 409).await["errors"][0]["code"], "in_use");
    // Two cancels at once: one wins, the other finds it cancelled.
    let cancel = format!("/api/v1/campaigns/{}/cancel", id_of(&later));
    let (one, two) = tokio::join!(
        post(&app, &owner, &cancel, json!({})),
        post(&app, &owner, &cancel, json!({}))
    );
    let (won, lost) = if one.status() == 200 {
        (one, two)
    } else {
        (two, one)
    };
    let cancelled = json_of(won, 200).await;
    assert_eq!(
        (
            cancelled["campaign"]["status"].as_str(),
            cancelled["skipped"].as_u64()
        ),
        (Some("cancelled"), Some(0))
    );
    assert_eq!(json_of(lost, 409).await["errors"][0]["code"], "cancelled");

    // One a minute: the first goes now, the other two wait their minute
    // and are skipped when the campaign is cancelled.
    let body = json!({"name": "Slow", "segmentId": segment["id"],
        "templateId": template["id"], "perMinute": 1});
    let slow = json_of(post(&app, &owner, "/api/v1/campaigns", body).await, 201).await;
    let path = format!("/api/v1/campaigns/{}", id_of(&slow));
    let mut seen = Value::Null;
    for _ in 0..200 {
        seen = json_of(get(&app, &owner, &path).await, 200).await;
        if tally(&seen).iter().any(|(status, _, _)| status == "sent") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen["queued"], 3, "{seen}");
    let cancel = format!("/api/v1/campaigns/{}/cancel", id_of(&slow));
    let cancelled = json_of(post(&app, &owner, &cancel, json!({})).await, 200).await;
    assert_eq!(cancelled["skipped"], 2, "{cancelled}");
    assert_eq!(
        tally(&cancelled["campaign"]),
        [
            ("sent".to_owned(), None, 1),
            ("skipped".to_owned(), Some("cancelled".to_owned()), 2),
        ]
    );
    let deleted = app
        .call(reqwest::Method::DELETE, &segment_path, Some(&owner), None)
        .await;
    assert_eq!(deleted.status(), 204);
}

async fn two_replicas_queue_each_customer_once(backend: Backend) {
    let app = spawn(backend).await;
    let replica = app.replica(Vec::new()).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "HYD1").await;
    for i in 0..40 {
        let body = json!({"name": format!("Customer Number{i:02}"), "mobile": format!("98765{i:05}"),
            "email": format!("c{i}@example.com"), "homeBranchId": branch["id"]});
        let path = "/api/v1/customers?confirmNotDuplicate=true";
        json_of(post(&app, &owner, path, body).await, 201).await;
    }
    let body = json!({"name": "Everyone in Hyderabad", "branchId": branch["id"]});
    let segment = json_of(post(&app, &owner, "/api/v1/segments", body).await, 201).await;
    assert_eq!(segment["count"], 40);
    let template = offer_template(&app, &owner).await;
    let body = json!({"name": "Both replicas", "segmentId": segment["id"],
        "templateId": template["id"], "perMinute": 6000});
    let campaign = json_of(post(&replica, &owner, "/api/v1/campaigns", body).await, 201).await;

    let done = finished(&app, &owner, &campaign).await;
    assert_eq!(done["queued"], 40, "{done}");
    let counted: i64 = tally(&done).iter().map(|(_, _, n)| n).sum();
    assert_eq!(counted, 40, "{done}");
    // None agreed to offers: every one skipped, none sent twice.
    assert_eq!(
        tally(&done),
        [("skipped".to_owned(), Some("no_consent".to_owned()), 40)]
    );
}

async fn a_transport_keeps_its_pace(backend: Backend) {
    let app = TestApp::spawn_configured(backend, |settings| {
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.poll_ms = 50;
        settings.notify.per_minute.insert("log".to_owned(), 2);
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "PUN1").await;
    for i in 0..5 {
        let body = json!({"name": format!("Paced Customer{i}"), "mobile": format!("98765000{i}9"),
            "email": format!("paced{i}@example.com"), "homeBranchId": branch["id"]});
        let path = "/api/v1/customers?confirmNotDuplicate=true";
        let found = json_of(post(&app, &owner, path, body).await, 201).await;
        consent_for(&app, &owner, &found, "email", "marketing").await;
    }
    let body = json!({"name": "Everyone", "branchId": branch["id"]});
    let segment = json_of(post(&app, &owner, "/api/v1/segments", body).await, 201).await;
    let template = offer_template(&app, &owner).await;
    let body = json!({"name": "Fast", "segmentId": segment["id"],
        "templateId": template["id"], "perMinute": 6000});
    let campaign = json_of(post(&app, &owner, "/api/v1/campaigns", body).await, 201).await;
    let path = format!("/api/v1/campaigns/{}", id_of(&campaign));
    let expected = [
        ("queued".to_owned(), Some("rate_limited".to_owned()), 3),
        ("sent".to_owned(), None, 2),
    ];
    let mut seen = Value::Null;
    for _ in 0..200 {
        seen = json_of(get(&app, &owner, &path).await, 200).await;
        if tally(&seen) == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(tally(&seen), expected, "{seen}");
    // Held for the minute that began with the first try, no try counted.
    let held = json_of(
        get(
            &app,
            &owner,
            "/api/v1/messages?status=queued&trigger=campaign",
        )
        .await,
        200,
    )
    .await;
    for message in held["items"].as_array().expect("items") {
        assert_eq!(message["attempts"], 0, "{message}");
        let next: chrono::DateTime<chrono::Utc> = message["nextAttemptAt"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .expect("a time");
        let wait = next - chrono::Utc::now();
        assert!(
            wait > chrono::Duration::seconds(5) && wait <= chrono::Duration::seconds(61),
            "{message}"
        );
    }
}
