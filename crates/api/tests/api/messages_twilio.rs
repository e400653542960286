//! SMS through Twilio, against tools/twilio-fake (which checks what
//! Twilio's Messages API documents: Basic authentication, the required
//! fields, E.164, and answers its errors): a greeting is taken and then
//! reported delivered by a callback signed as Twilio signs; an invalid
//! number (21211) and an unsubscribed one (21610) fail at once, not
//! retried; a report or a reply with a wrong signature is 401 and changes
//! nothing; a signed STOP withdraws the customer's consent to SMS, as
//! their own decision, which staff cannot record for them. Under the
//! shop's DLT registration an SMS to India goes from the header with the
//! ledger's ids, and one whose template has none is skipped, saying so.

use std::net::{SocketAddr, TcpListener};
use std::process::Child;

use base64::Engine;
use hmac::{Hmac, Mac};
use jewel_api::config::{DltSettings, SmsTransport, TwilioSettings};
use serde_json::{Value, json};
use sha1::Sha1;

use crate::helpers::{Backend, TestApp, get, json_of, post, python_tool};
use crate::loyalty::id_of;
use crate::messages::{consent_for, settled};
use crate::on_both_backends;

on_both_backends!(
    sms_go_through_twilio_and_its_reports_and_stops_are_signed,
    sms_to_india_carry_the_dlt_registration_or_are_not_sent,
);

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "twilio-test-auth-token";

struct Fake(Child);

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Twilio's signature of a form posted to `url`.
fn sign(url: &str, form: &[(&str, &str)]) -> String {
    let mut sorted = form.to_vec();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(TOKEN.as_bytes()).expect("a key");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)], signature: &str) -> u16 {
    app.client
        .post(app.url(path))
        .header("X-Twilio-Signature", signature)
        .form(form)
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

async fn born_today_agreeing(
    app: &TestApp,
    owner: &str,
    branch: &Value,
    name: &str,
    mobile: &str,
) -> Value {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let born = today.with_year(today.year() - 30).unwrap_or(today);
    let body = json!({"name": name, "mobile": mobile, "dateOfBirth": born.to_string(),
                      "homeBranchId": branch["id"]});
    let customer = json_of(post(app, owner, "/api/v1/customers", body).await, 201).await;
    consent_for(app, owner, &customer, "sms", "marketing").await;
    consent_for(app, owner, &customer, "sms", "transactional").await;
    customer
}

async fn sms_go_through_twilio_and_its_reports_and_stops_are_signed(backend: Backend) {
    let (child, started) = python_tool(
        "twilio-fake/server.py",
        &[
            SID.as_ref(),
            TOKEN.as_ref(),
            "invalid=+919876500002".as_ref(),
            "unsubscribed=+919876500003".as_ref(),
        ],
    );
    let _fake = Fake(child);
    let base_url = started["base_url"].as_str().expect("base_url").to_owned();
    // Twilio is told this server's addresses before it starts.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let status_url = format!("http://127.0.0.1:{port}/api/v1/webhooks/twilio/status");
    let inbound_url = format!("http://127.0.0.1:{port}/api/v1/webhooks/twilio/inbound");
    let (status, inbound) = (status_url.clone(), inbound_url.clone());
    let app = TestApp::spawn_configured(backend, move |settings| {
        settings.server.bind = SocketAddr::from(([127, 0, 0, 1], port));
        settings.notify.sms = SmsTransport::Twilio;
        settings.notify.twilio = Some(TwilioSettings {
            account_sid: SID.to_owned(),
            auth_token: TOKEN.to_owned().into(),
            from: Some("+15005550006".to_owned()),
            messaging_service_sid: None,
            base_url,
            status_callback_url: Some(status),
            inbound_url: Some(inbound),
        });
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.poll_ms = 50;
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let asha = born_today_agreeing(&app, &owner, &branch, "Asha Iyer", "9876500001").await;
    let invalid = born_today_agreeing(&app, &owner, &branch, "Ravi Kumar", "9876500002").await;
    let stopped = born_today_agreeing(&app, &owner, &branch, "Meena Pillai", "9876500003").await;
    let run = "/api/v1/message-triggers/occasions/run";
    assert_eq!(
        json_of(post(&app, &owner, run, json!({})).await, 200).await["birthdays"],
        3
    );

    // Taken, then reported delivered by Twilio's signed callback.
    let path = format!("/api/v1/messages?customerId={}", id_of(&asha));
    let mut delivered = Value::Null;
    for _ in 0..200 {
        let page = json_of(get(&app, &owner, &path).await, 200).await;
        if page["items"][0]["status"] == "delivered" {
            delivered = page["items"][0].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(delivered["transport"], "twilio", "{delivered}");
    let sid = delivered["providerId"].as_str().expect("a sid").to_owned();
    assert!(sid.starts_with("SM"), "{sid}");
    assert_eq!(delivered["address"], "+919876500001");

    // Final failures: not retried.
    for (customer, code) in [(&invalid, "21211"), (&stopped, "21610")] {
        let failed = settled(&app, &owner, customer, "birthday").await;
        assert_eq!(failed["message"]["status"], "failed", "{failed}");
        assert_eq!(failed["attempts"].as_array().map(Vec::len), Some(1));
        assert_eq!(failed["attempts"][0]["outcome"], "permanent");
        let answer = failed["attempts"][0]["answer"].as_str().unwrap_or_default();
        assert!(answer.contains(code), "{answer}");
    }

    // A report with a wrong signature: 401, nothing changes.
    let forged = [("MessageSid", sid.as_str()), ("MessageStatus", "failed")];
    let status_path = "/api/v1/webhooks/twilio/status";
    assert_eq!(
        post_form(&app, status_path, &forged, "bm90IHR3aWxpbw==").await,
        401
    );
    let wrong_url = sign("https://example.com/elsewhere", &forged);
    assert_eq!(post_form(&app, status_path, &forged, &wrong_url).await, 401);
    let detail = format!("/api/v1/messages/{}", id_of(&delivered));
    let still = json_of(get(&app, &owner, &detail).await, 200).await;
    assert_eq!(still["message"]["status"], "delivered");

    // STOP: unsigned refused; signed, the customer withdraws SMS consent.
    let stop = [
        ("From", "+919876500001"),
        ("To", "+15005550006"),
        ("Body", "Stop"),
    ];
    let inbound_path = "/api/v1/webhooks/twilio/inbound";
    assert_eq!(post_form(&app, inbound_path, &stop, "").await, 401);
    let consents = format!("/api/v1/customers/{}/consents", id_of(&asha));
    let before = json_of(get(&app, &owner, &consents).await, 200).await;
    assert!(
        before["current"]
            .as_array()
            .expect("current")
            .iter()
            .all(|c| c["granted"] == true)
    );
    assert_eq!(
        post_form(&app, inbound_path, &stop, &sign(&inbound_url, &stop)).await,
        204
    );
    let after = json_of(get(&app, &owner, &consents).await, 200).await;
    let sms: Vec<&Value> = after["current"]
        .as_array()
        .expect("current")
        .iter()
        .filter(|c| c["channel"] == "sms")
        .collect();
    assert_eq!(sms.len(), 2, "{after}");
    for consent in sms {
        assert_eq!(consent["granted"], false, "{after}");
        assert_eq!(consent["source"], "sms_stop");
        assert_eq!(consent["changedByKind"], "customer");
        assert_eq!(consent["changedById"], asha["id"]);
    }
    // Staff cannot record a STOP for a customer.
    let body = json!({"source": "sms_stop", "changes": [
        {"channel": "sms", "purpose": "marketing", "granted": false}]});
    let refused = json_of(post(&app, &owner, &consents, body).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "source");
}

async fn sms_to_india_carry_the_dlt_registration_or_are_not_sent(backend: Backend) {
    let (child, started) = python_tool("twilio-fake/server.py", &[SID.as_ref(), TOKEN.as_ref()]);
    let _fake = Fake(child);
    let base_url = started["base_url"].as_str().expect("base_url").to_owned();
    let fake_url = base_url.clone();
    let app = TestApp::spawn_configured(backend, move |settings| {
        settings.notify.sms = SmsTransport::Twilio;
        settings.notify.twilio = Some(TwilioSettings {
            account_sid: SID.to_owned(),
            auth_token: TOKEN.to_owned().into(),
            from: Some("+15005550006".to_owned()),
            messaging_service_sid: None,
            base_url,
            status_callback_url: None,
            inbound_url: None,
        });
        settings.notify.dlt = Some(DltSettings {
            entity_id: "1101456789012345678".to_owned(),
            sender_header: "JWLCRM".to_owned(),
        });
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.poll_ms = 50;
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MDS1").await;
    let asha = born_today_agreeing(&app, &owner, &branch, "Asha Iyer", "9876500011").await;
    let abroad = born_today_agreeing(&app, &owner, &branch, "Tom Hart", "+447400123456").await;
    let run = "/api/v1/message-triggers/occasions/run";
    assert_eq!(
        json_of(post(&app, &owner, run, json!({})).await, 200).await["birthdays"],
        2
    );

    // The greeting that came with the program was never registered: an
    // SMS to India is not sent, and says why; one abroad goes as it is.
    let skipped = settled(&app, &owner, &asha, "birthday").await;
    assert_eq!(skipped["message"]["status"], "skipped", "{skipped}");
    assert_eq!(skipped["message"]["reason"], "dlt_template_missing");
    assert_eq!(skipped["attempts"].as_array().map(Vec::len), Some(0));
    let sent = settled(&app, &owner, &abroad, "birthday").await;
    assert_eq!(sent["message"]["status"], "sent", "{sent}");

    // A registration id is digits, and only an SMS template has one.
    let templates = "/api/v1/message-templates";
    let body = |id: &str| {
        json!({"trigger": "birthday", "channel": "sms", "language": "en",
               "body": "Dear {{ customer_name }}, happy birthday from {{ branch_name }}.",
               "dltTemplateId": id})
    };
    let refused = json_of(post(&app, &owner, templates, body("11071600x")).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "dltTemplateId", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "format");
    let email = json!({"trigger": "invoice_issued", "channel": "email", "language": "en",
        "subject": "Invoice {{ invoice_number }}", "body": "Total {{ total }}",
        "dltTemplateId": "1107160000000012345"});
    let refused = json_of(post(&app, &owner, templates, email).await, 422).await;
    assert_eq!(refused["errors"][0]["code"], "not_for_channel", "{refused}");
    let registered = json_of(
        post(&app, &owner, templates, body("1107160000000012345")).await,
        201,
    )
    .await;
    assert_eq!(registered["dltTemplateId"], "1107160000000012345");
    assert_eq!(registered["version"], 2);

    // From the registered version: the header sends, with both ids.
    let ravi = born_today_agreeing(&app, &owner, &branch, "Ravi Kumar", "9876500012").await;
    assert_eq!(
        json_of(post(&app, &owner, run, json!({})).await, 200).await["birthdays"],
        1
    );
    let sent = settled(&app, &owner, &ravi, "birthday").await;
    assert_eq!(sent["message"]["status"], "sent", "{sent}");
    assert_eq!(sent["message"]["templateVersion"], 2);
    let taken: Value = reqwest::get(format!("{fake_url}/_fake/messages"))
        .await
        .expect("the fake answers")
        .json()
        .await
        .expect("json");
    let to_ravi = taken
        .as_array()
        .expect("a list")
        .iter()
        .find(|m| m["to"] == "+919876500012")
        .expect("Ravi's SMS reached Twilio");
    assert_eq!(to_ravi["from"], "JWLCRM", "{to_ravi}");
    assert_eq!(to_ravi["dlt_pe_id"], "1101456789012345678");
    assert_eq!(to_ravi["dlt_template_id"], "1107160000000012345");
    let to_tom = taken
        .as_array()
        .expect("a list")
        .iter()
        .find(|m| m["to"] == "+447400123456")
        .expect("Tom's SMS reached Twilio");
    assert_eq!(to_tom["from"], "+15005550006", "{to_tom}");
    assert_eq!(to_tom["dlt_pe_id"], Value::Null);
    assert!(
        !taken
            .as_array()
            .expect("a list")
            .iter()
            .any(|m| m["to"] == "+919876500011"),
        "{taken}"
    );
}
