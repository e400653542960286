//! App notifications through Firebase Cloud Messaging's HTTP v1 API,
//! against tools/fcm-fake (which checks what Google documents: the service
//! account's RS256 assertion, verified with its public key, exchanged for
//! an access token; the bearer token, the project and the message's shape
//! at `messages:send`; and answers `UNREGISTERED` for an uninstalled app):
//! a bill reaches every device the customer registered, as their consent
//! allows; a device FCM no longer knows is taken away; a call a trigger
//! gives a staff member reaches the staff app. Devices are each
//! person's own: a customer's at `/me/devices`, a staff member's at
//! `/staff/me/devices`, where a campaign's app notification is tried.

use std::path::PathBuf;
use std::process::Child;

use jewel_api::config::{FcmSettings, PushTransport};
use serde_json::{Value, json};

use crate::billing::set_rate;
use crate::helpers::{Backend, TestApp, get, json_of, post, python_tool};
use crate::loyalty::{id_of, sell_necklace};
use crate::messages::{consent_for, consent_to, settled_on};
use crate::on_both_backends;

on_both_backends!(
    a_bill_reaches_the_customers_app_and_a_dead_token_is_dropped,
    devices_are_each_persons_own_and_a_campaign_is_tried_on_the_staff_app,
);

const PROJECT: &str = "jewel-crm-test";
const ACCOUNT: &str = "push@jewel-crm-test.iam.gserviceaccount.com";
const KEY_ID: &str = "6a1f0c9e2d7b4c3a8e5f1d2c3b4a5968";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

struct Fake(Child, PathBuf);

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_file(&self.1);
    }
}

/// The fake, and a service account key file naming its token endpoint.
fn fake_fcm(unregistered: &str) -> (Fake, String, PathBuf) {
    let modulus = std::fs::read_to_string(format!("{FIXTURES}/fcm-test.modulus.hex"))
        .expect("the test key's modulus");
    let gone = format!("unregistered={unregistered}");
    let (child, started) = python_tool(
        "fcm-fake/server.py",
        &[
            PROJECT.as_ref(),
            ACCOUNT.as_ref(),
            KEY_ID.as_ref(),
            modulus.trim().as_ref(),
            gone.as_ref(),
        ],
    );
    let private_key =
        std::fs::read_to_string(format!("{FIXTURES}/fcm-test.key.pem")).expect("the test key");
    let key_file = json!({
        "type": "service_account", "project_id": PROJECT, "private_key_id": KEY_ID,
        "private_key": private_key, "client_email": ACCOUNT, "client_id": "1098",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": started["token_uri"],
    });
    let path = std::env::temp_dir().join(format!("fcm-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, key_file.to_string()).expect("the key file");
    let base = started["base_url"].as_str().expect("base_url").to_owned();
    (Fake(child, path.clone()), base, path)
}

/// What the fake took (`messages`) or issued (`tokens`).
async fn fake_says(fake_url: &str, what: &str) -> Value {
    reqwest::get(format!("{fake_url}/_fake/{what}"))
        .await
        .expect("the fake answers")
        .json()
        .await
        .expect("json")
}

async fn a_bill_reaches_the_customers_app_and_a_dead_token_is_dropped(backend: Backend) {
    let (_fake, fake_url, key_file) = fake_fcm("fcm-token-uninstalled");
    let base_url = fake_url.clone();
    let app = TestApp::spawn_configured(backend, move |settings| {
        settings.notify.push = PushTransport::Fcm;
        settings.notify.fcm = Some(FcmSettings {
            credentials_file: key_file.display().to_string(),
            base_url,
            timeout_secs: 10,
        });
        settings.notify.poll_ms = 50;
        settings.notify.actions = [("quote_expiring".to_owned(), "task".to_owned())].into();
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let mut people = Vec::new();
    for (name, mobile) in [("Asha Iyer", "9876500001"), ("Ravi Kumar", "9876500002")] {
        let body = json!({"name": name, "mobile": mobile});
        people.push(json_of(post(&app, &sales, "/api/v1/customers", body).await, 201).await);
    }
    let (asha, ravi) = (&people[0], &people[1]);
    consent_to(&app, &sales, asha, "push").await;
    consent_for(&app, &sales, ravi, "push", "marketing").await;

    // Asha's phone and an old tablet whose app was uninstalled; her phone
    // registered again at the next start is the same device.
    let asha_app = app.customer_token(&owner, id_of(asha), "9876500001").await;
    let mut devices = Vec::new();
    for (token, name) in [
        ("fcm-token-pixel:APA91b", "Pixel 8"),
        ("fcm-token-uninstalled", "Old tablet"),
    ] {
        let body = json!({"platform": "android", "token": token, "name": name});
        devices.push(json_of(post(&app, &asha_app, "/api/v1/me/devices", body).await, 201).await);
    }
    let again =
        json!({"platform": "android", "token": "fcm-token-pixel:APA91b", "name": "Pixel 8"});
    let seen = json_of(
        post(&app, &asha_app, "/api/v1/me/devices", again).await,
        200,
    )
    .await;
    assert_eq!(seen["id"], devices[0]["id"], "{seen}");
    assert_eq!(seen["tokenEnding"], "PA91b");
    let ravi_app = app.customer_token(&owner, id_of(ravi), "9876500002").await;
    let body = json!({"platform": "ios", "token": "fcm-token-iphone"});
    json_of(post(&app, &ravi_app, "/api/v1/me/devices", body).await, 201).await;

    let bill = sell_necklace(&app, &owner, &sales, &branch, asha, "GN-PUSH-1").await;
    sell_necklace(&app, &owner, &sales, &branch, ravi, "GN-PUSH-2").await;
    let number = bill["number"].as_str().expect("number");

    let sent = settled_on(&app, &owner, asha, "invoice_issued", Some("push")).await;
    let message = &sent["message"];
    assert_eq!(message["status"], "sent", "{sent}");
    assert_eq!(message["transport"], "fcm");
    assert_eq!(message["address"], "2 devices");
    assert_eq!(message["subject"], format!("Your bill {number}"));
    let provider_id = message["providerId"].as_str().unwrap_or_default();
    assert_eq!(provider_id, format!("projects/{PROJECT}/messages/0:1"));
    let answer = sent["attempts"][0]["answer"].as_str().unwrap_or_default();
    assert!(answer.contains(": 404 UNREGISTERED (taken away)"), "{sent}");
    assert!(answer.contains(": 200 projects/"), "{sent}");
    // Ravi agreed to offers on the app, not to its news: skipped, said why.
    let skipped = settled_on(&app, &owner, ravi, "invoice_issued", Some("push")).await;
    assert_eq!(skipped["message"]["reason"], "no_consent", "{skipped}");

    // The uninstalled app's device is gone; the phone stays.
    let mine = json_of(get(&app, &asha_app, "/api/v1/me/devices").await, 200).await;
    let names: Vec<&Value> = mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| &d["name"])
        .collect();
    assert_eq!(names, [&json!("Pixel 8")], "{mine}");

    // What FCM took: one message, to the phone, titled and worded in
    // Asha's language, naming our message; one access token for it all.
    let taken = fake_says(&fake_url, "messages").await;
    let body = format!(
        "Thank you, Asha Iyer. Bill {number} for INR 51,845.00 from {} is in the app.",
        branch["name"].as_str().unwrap_or_default()
    );
    assert_eq!(
        taken,
        json!([{"name": provider_id, "message": {
            "token": "fcm-token-pixel:APA91b",
            "notification": {"title": format!("Your bill {number}"), "body": body},
            "data": {"messageId": message["id"]},
        }}])
    );
    let issued = fake_says(&fake_url, "tokens").await;
    assert_eq!(issued["issued"], 1);

    // A quote gives Priya a call to make: the staff app on her phone is
    // told (the same access token still serves).
    let phone = json!({"platform": "android", "token": "fcm-priya-phone", "name": "Priya's phone"});
    json_of(
        post(&app, &sales, "/api/v1/staff/me/devices", phone).await,
        201,
    )
    .await;
    let necklace = crate::billing::piece(&app, &owner, &branch, "GN-PUSH-3", "3.390").await;
    let body = json!({"branchId": branch["id"], "customerId": asha["id"],
                      "lines": [{"kind": "piece", "pieceId": necklace["id"]}]});
    json_of(post(&app, &sales, "/api/v1/quotes", body).await, 201).await;
    let told = settled_on(&app, &owner, asha, "task_assigned", Some("push")).await;
    let message = &told["message"];
    assert_eq!(message["status"], "sent", "{told}");
    assert_eq!(message["address"], "1 device");
    assert_eq!(message["subject"], "A call to make: Asha Iyer");
    let said = message["body"].as_str().unwrap_or_default();
    assert!(
        said.starts_with("Call Asha Iyer: the quote of INR 51,845.00 holds until "),
        "{said}"
    );
    let taken = fake_says(&fake_url, "messages").await;
    let last = &taken[1]["message"];
    assert_eq!(last["token"], "fcm-priya-phone", "{taken}");
    assert_eq!(last["notification"]["title"], "A call to make: Asha Iyer");
    assert_eq!(last["data"]["messageId"], message["id"]);
}

async fn devices_are_each_persons_own_and_a_campaign_is_tried_on_the_staff_app(backend: Backend) {
    let app = crate::campaigns::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let (_, manager_app) = app
        .hire(&owner, "meera@example-jeweller.in", "manager", &[&branch])
        .await;
    let mut tokens = Vec::new();
    for (name, mobile) in [("Asha Iyer", "9876500001"), ("Ravi Kumar", "9876500002")] {
        let body = json!({"name": name, "mobile": mobile, "homeBranchId": branch["id"]});
        let person = json_of(post(&app, &owner, "/api/v1/customers", body).await, 201).await;
        tokens.push(app.customer_token(&owner, id_of(&person), mobile).await);
    }
    let (asha, ravi) = (&tokens[0], &tokens[1]);
    let mine = "/api/v1/me/devices";
    let body =
        json!({"platform": "android", "token": "fcm-shared-phone", "name": "Shop's demo phone"});
    let ashas = json_of(post(&app, asha, mine, body.clone()).await, 201).await;
    let ravis = json!({"platform": "web", "token": "fcm-ravi-browser"});
    let ravis = json_of(post(&app, ravi, mine, ravis).await, 201).await;

    // Ravi neither sees nor removes Asha's device.
    let listed = json_of(get(&app, ravi, mine).await, 200).await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert_eq!(listed["items"][0]["id"], ravis["id"]);
    let hers = format!("{mine}/{}", id_of(&ashas));
    let answer = app
        .call(reqwest::Method::DELETE, &hers, Some(ravi), None)
        .await;
    assert_eq!(answer.status(), 404);
    assert_eq!(
        json_of(get(&app, asha, mine).await, 200).await["items"][0]["id"],
        ashas["id"]
    );
    // The same phone registered by Ravi after he logs in on it is his now.
    let moved = json_of(post(&app, ravi, mine, body).await, 200).await;
    assert_eq!(moved["id"], ashas["id"]);
    assert_eq!(
        json_of(get(&app, asha, mine).await, 200).await["items"],
        json!([])
    );
    let answer = app
        .call(reqwest::Method::DELETE, &hers, Some(ravi), None)
        .await;
    assert_eq!(answer.status(), 204);

    // A token as Firebase never gives one is refused, naming it; staff use
    // their own path, customers theirs.
    let bad = json!({"platform": "android", "token": "has a space", "name": "x"});
    let refused = json_of(post(&app, asha, mine, bad).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "token", "{refused}");
    assert_eq!(get(&app, &manager_app, mine).await.status(), 403);
    let staff_path = "/api/v1/staff/me/devices";
    assert_eq!(get(&app, asha, staff_path).await.status(), 403);

    // A campaign's app notification needs a title, and is tried on the
    // manager's own phone once the staff app registered it.
    let templates = "/api/v1/message-templates";
    let untitled = json!({"trigger": "campaign", "channel": "push", "language": "en",
        "body": "Dear {{ customer_name }}, bridal week at {{ branch_name }}."});
    let refused = json_of(post(&app, &owner, templates, untitled.clone()).await, 422).await;
    assert_eq!(
        (
            &refused["errors"][0]["field"],
            &refused["errors"][0]["code"]
        ),
        (&json!("subject"), &json!("required")),
        "{refused}"
    );
    let mut titled = untitled;
    titled["subject"] = json!("Bridal week");
    let template = json_of(post(&app, &owner, templates, titled).await, 201).await;
    let segment = json!({"name": "Everyone", "branchId": branch["id"]});
    let segment = json_of(post(&app, &owner, "/api/v1/segments", segment).await, 201).await;
    let body = json!({"name": "Bridal week on the app", "segmentId": segment["id"],
        "templateId": template["id"], "scheduledAt": "2099-01-01T04:30:00Z"});
    let campaign = json_of(post(&app, &owner, "/api/v1/campaigns", body).await, 201).await;
    let try_it = format!("/api/v1/campaigns/{}/test-send", id_of(&campaign));
    let refused = json_of(post(&app, &manager_app, &try_it, json!({})).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "devices", "{refused}");
    let phone = json!({"platform": "ios", "token": "fcm-meera-iphone", "name": "Meera's iPhone"});
    json_of(post(&app, &manager_app, staff_path, phone).await, 201).await;
    let tried = json_of(post(&app, &manager_app, &try_it, json!({})).await, 200).await;
    assert_eq!(
        (&tried["to"], &tried["transport"], &tried["outcome"]),
        (&json!("1 device"), &json!("log"), &json!("sent")),
        "{tried}"
    );
    let listed = json_of(get(&app, &manager_app, staff_path).await, 200).await;
    assert_eq!(listed["items"][0]["name"], "Meera's iPhone");
    assert_eq!(listed["items"][0]["platform"], "ios");
}
