//! WhatsApp through Meta's Cloud API, against tools/whatsapp-fake (which
//! checks what Meta documents for a template message: the bearer token,
//! the phone number id, `messaging_product`, a template approved in the
//! language, as many body parameters as it has, and answers Meta's
//! errors): a template names the approved one and the variables that fill
//! it; a campaign on WhatsApp reaches the customer who agreed to offers
//! there with the parameters in order, skips the one who did not, fails at
//! once a recipient Meta refuses (131030), and retries a throttled one
//! (130429) before giving up; Meta's signed status report marks the one
//! reached delivered, and a report not signed with the app secret is 401;
//! a customer's STOP withdraws their consent to WhatsApp, "Stop promotions"
//! their consent to its offers.

use std::net::{SocketAddr, TcpListener};
use std::process::Child;

use hmac::{Hmac, Mac};
use jewel_api::config::{WhatsappCloudSettings, WhatsappTransport};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::campaigns::{customer, finished, message_of, tally};
use crate::helpers::{Backend, TestApp, get, json_of, post, python_tool};
use crate::loyalty::id_of;
use crate::messages::consent_for;
use crate::on_both_backends;

on_both_backends!(a_campaign_goes_out_as_the_template_meta_approved,);

const PHONE_NUMBER_ID: &str = "106540352242922";
const TOKEN: &str = "EAAG-whatsapp-test-token";
const APP_SECRET: &str = "whatsapp-app-secret";

struct Fake(Child);

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `(purpose, granted, source)` of `who`'s consents to WhatsApp.
async fn whatsapp_consents(app: &TestApp, owner: &str, who: &Value) -> Vec<(String, bool, String)> {
    let path = format!("/api/v1/customers/{}/consents", id_of(who));
    let now = json_of(get(app, owner, &path).await, 200).await;
    let mut found: Vec<(String, bool, String)> = now["current"]
        .as_array()
        .expect("current")
        .iter()
        .filter(|c| c["channel"] == "whatsapp")
        .map(|c| {
            (
                c["purpose"].as_str().unwrap_or_default().to_owned(),
                c["granted"].as_bool().unwrap_or(true),
                c["source"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

async fn a_campaign_goes_out_as_the_template_meta_approved(backend: Backend) {
    // Meta is told this server's callback address before it starts.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let callback = format!("callback=http://127.0.0.1:{port}/api/v1/webhooks/whatsapp");
    let secret = format!("app_secret={APP_SECRET}");
    let (child, started) = python_tool(
        "whatsapp-fake/server.py",
        &[
            PHONE_NUMBER_ID.as_ref(),
            TOKEN.as_ref(),
            "template=bridal_week:en:2".as_ref(),
            "not_allowed=+919876500003".as_ref(),
            "throttled=+919876500004".as_ref(),
            callback.as_ref(),
            secret.as_ref(),
        ],
    );
    let _fake = Fake(child);
    let base_url = started["base_url"].as_str().expect("base_url").to_owned();
    let fake_url = base_url.clone();
    let app = TestApp::spawn_configured(backend, move |settings| {
        settings.server.bind = SocketAddr::from(([127, 0, 0, 1], port));
        settings.notify.whatsapp = WhatsappTransport::Cloud;
        settings.notify.whatsapp_cloud = Some(WhatsappCloudSettings {
            access_token: TOKEN.to_owned().into(),
            phone_number_id: PHONE_NUMBER_ID.to_owned(),
            base_url,
            api_version: "v21.0".to_owned(),
            app_secret: Some(APP_SECRET.to_owned().into()),
            verify_token: Some("jewel-verify".to_owned().into()),
            timeout_secs: 10,
        });
        settings.notify.retry_secs = vec![1];
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.poll_ms = 50;
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let mut people = Vec::new();
    for (name, mobile, consent) in [
        ("Asha Iyer", "9876500001", "whatsapp"),
        ("Ravi Kumar", "9876500002", "email"),
        ("Meena Pillai", "9876500003", "whatsapp"),
        ("Kiran Rao", "9876500004", "whatsapp"),
    ] {
        let body = json!({"name": name, "mobile": mobile, "homeBranchId": branch["id"]});
        let person = customer(&app, &owner, body).await;
        consent_for(&app, &owner, &person, consent, "marketing").await;
        people.push(person);
    }

    // A WhatsApp template names the approved one; its parameters are the
    // trigger's variables.
    let templates = "/api/v1/message-templates";
    let words = "Dear {{ customer_name }}, bridal week is on at {{ branch_name }}.";
    let unnamed = json!({"trigger": "campaign", "channel": "whatsapp", "language": "en",
        "body": words, "whatsappParameters": ["customer_name", "total"]});
    let refused = json_of(post(&app, &owner, templates, unnamed).await, 422).await;
    let faults: Vec<(&str, &str)> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default(),
                e["code"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        faults,
        [
            ("whatsappName", "required"),
            ("whatsappParameters[1]", "unknown_variable")
        ],
        "{refused}"
    );
    let body = json!({"trigger": "campaign", "channel": "whatsapp", "language": "en",
        "body": words, "whatsappName": "bridal_week",
        "whatsappParameters": ["customer_name", "branch_name"]});
    let template = json_of(post(&app, &owner, templates, body).await, 201).await;
    assert_eq!(template["whatsappName"], "bridal_week", "{template}");
    let preview = json!({"trigger": "campaign", "channel": "whatsapp", "body": words,
        "whatsappName": "bridal_week", "whatsappParameters": ["branch_name", "customer_name"],
        "values": {"customer_name": "Meena Pillai"}});
    let previewed = json_of(
        post(&app, &owner, "/api/v1/message-templates/preview", preview).await,
        200,
    )
    .await;
    assert_eq!(
        previewed["parameters"],
        json!(["Mumbai Zaveri Bazaar", "Meena Pillai"]),
        "{previewed}"
    );

    // The campaign: one reached, one without consent, one refused by
    // Meta at once, one throttled until the retries ran out.
    let segment = json!({"name": "Everyone", "branchId": branch["id"]});
    let segment = json_of(post(&app, &owner, "/api/v1/segments", segment).await, 201).await;
    let body = json!({"name": "Bridal week on WhatsApp", "segmentId": segment["id"],
        "templateId": template["id"]});
    let campaign = json_of(post(&app, &owner, "/api/v1/campaigns", body).await, 201).await;
    assert_eq!(campaign["channel"], "whatsapp", "{campaign}");
    finished(&app, &owner, &campaign).await;
    // Meta's signed report of the one it took marks it delivered.
    let mut sent = Value::Null;
    for _ in 0..100 {
        sent = message_of(&app, &owner, &people[0]).await;
        if sent["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sent["status"], "delivered", "{sent}");
    let done = finished(&app, &owner, &campaign).await;
    assert_eq!(
        tally(&done),
        [
            ("delivered".to_owned(), None, 1),
            ("failed".to_owned(), Some("400 WhatsApp error 131030: (#131030) Recipient phone number not in allowed list Recipient phone number not in allowed list".to_owned()), 1),
            ("failed".to_owned(), Some("gave up after 2 tries: 400 WhatsApp error 130429: (#130429) Rate limit hit Cloud API message throughput has been reached.".to_owned()), 1),
            ("skipped".to_owned(), Some("no_consent".to_owned()), 1),
        ],
        "{done}"
    );
    assert_eq!(sent["transport"], "whatsapp_cloud", "{sent}");
    assert_eq!(sent["address"], "+919876500001");
    assert_eq!(sent["parameters"], json!(["Asha Iyer", "T. Nagar"]));
    let wamid = sent["providerId"].as_str().unwrap_or_default();
    assert!(wamid.starts_with("wamid."), "{sent}");
    let throttled = message_of(&app, &owner, &people[3]).await;
    let detail = format!("/api/v1/messages/{}", id_of(&throttled));
    let detail = json_of(get(&app, &owner, &detail).await, 200).await;
    let outcomes: Vec<&Value> = detail["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| &a["outcome"])
        .collect();
    assert_eq!(outcomes, [&json!("transient"), &json!("transient")]);

    // What Meta took: the approved template, its language, the values in
    // the order the template gave.
    let taken: Value = reqwest::get(format!("{fake_url}/_fake/messages"))
        .await
        .expect("the fake answers")
        .json()
        .await
        .expect("json");
    assert_eq!(
        taken,
        json!([{"id": wamid, "to": "+919876500001", "template": "bridal_week",
                "language": "en", "parameters": ["Asha Iyer", "T. Nagar"],
                "callback_answer": 200}])
    );

    // A report not signed with the app secret: 401, nothing changes.
    let forged = json!({"object": "whatsapp_business_account", "entry": [{"changes": [
        {"value": {"statuses": [{"id": wamid, "status": "failed"}]}}]}]});
    let hook = "/api/v1/webhooks/whatsapp";
    let answer = app
        .client
        .post(app.url(hook))
        .header("X-Hub-Signature-256", format!("sha256={}", "0".repeat(64)))
        .json(&forged)
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status(), 401);
    assert_eq!(
        message_of(&app, &owner, &people[0]).await["status"],
        "delivered"
    );
    // Meta's check of the address: the challenge back for our token only.
    let verify = |token: &str| {
        format!("{hook}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444")
    };
    let answer = app
        .call(reqwest::Method::GET, &verify("jewel-verify"), None, None)
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("text"), "1158201444");
    let answer = app
        .call(reqwest::Method::GET, &verify("guess"), None, None)
        .await;
    assert_eq!(answer.status(), 401);

    // Asha writes STOP: no more WhatsApp from us at all; Kiran presses
    // "Stop promotions": no more offers there; a thank-you changes nothing.
    let replies = json!({"object": "whatsapp_business_account", "entry": [{"changes": [
    {"field": "messages", "value": {"messaging_product": "whatsapp", "messages": [
        {"from": "919876500001", "id": "wamid.in1", "type": "text", "text": {"body": "Stop"}},
        {"from": "919876500004", "id": "wamid.in2", "type": "button",
         "button": {"text": "Stop promotions", "payload": "stop"}},
        {"from": "919876500003", "id": "wamid.in3", "type": "text", "text": {"body": "Thank you!"}}
    ]}}]}]});
    let raw = replies.to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("a key");
    mac.update(raw.as_bytes());
    let signature: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let answer = app
        .client
        .post(app.url(hook))
        .header("X-Hub-Signature-256", format!("sha256={signature}"))
        .header("Content-Type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status(), 200);
    let taken: Value = answer.json().await.expect("json");
    assert_eq!(taken, json!({"recorded": 0, "stopped": 2}));
    let stopped = |purpose: &str| (purpose.to_owned(), false, "whatsapp_stop".to_owned());
    assert_eq!(
        whatsapp_consents(&app, &owner, &people[0]).await,
        [stopped("marketing"), stopped("transactional")]
    );
    assert_eq!(
        whatsapp_consents(&app, &owner, &people[3]).await,
        [stopped("marketing")]
    );
    assert_eq!(
        whatsapp_consents(&app, &owner, &people[2]).await,
        [("marketing".to_owned(), true, "in_store".to_owned())]
    );
}
