//! E-mail through SendGrid's v3 Mail Send API, against tools/sendgrid-fake
//! (which checks what SendGrid documents: the bearer API key, the
//! personalizations, sender, subject and content, base64 attachments, no
//! reserved header, a verified sender; and answers as SendGrid does): a
//! bill's e-mail goes with its PDF and SendGrid's message id is kept; a
//! campaign's carries the one-click unsubscribe headers; a mailbox whose
//! API answers 503 is retried and then given up on, every answer listed;
//! a sender SendGrid has not verified (403) fails at once.

use std::process::Child;

use base64::Engine;
use jewel_api::config::{EmailTransport, SendGridSettings};
use serde_json::{Value, json};

use crate::billing::set_rate;
use crate::campaigns::{customer, finished, offer_template};
use crate::helpers::{Backend, TestApp, json_of, post, python_tool};
use crate::loyalty::sell_necklace;
use crate::messages::{consent_for, settled};
use crate::on_both_backends;

on_both_backends!(mail_goes_through_sendgrid_as_it_documents,);

const KEY: &str = "SG.test-key.0123456789";

struct Fake {
    child: Child,
    base_url: String,
}

impl Fake {
    fn start() -> Self {
        let (child, started) = python_tool(
            "sendgrid-fake/server.py",
            &[
                KEY.as_ref(),
                "verified=bills@zaveri.example".as_ref(),
                "down=down@example.com".as_ref(),
            ],
        );
        let base_url = started["base_url"].as_str().expect("base_url").to_owned();
        Self { child, base_url }
    }

    /// What the fake took, each `{"id", "mail"}`.
    async fn taken(&self) -> Vec<Value> {
        let url = format!("{}/_fake/messages", self.base_url);
        let answer = reqwest::get(url).await.expect("the fake answers");
        answer.json().await.expect("JSON")
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn sending_from(backend: Backend, fake: &Fake, from: &str) -> TestApp {
    let base_url = fake.base_url.clone();
    let from = from.to_owned();
    TestApp::spawn_configured(backend, move |settings| {
        settings.notify.email = EmailTransport::Sendgrid;
        settings.notify.sendgrid = Some(SendGridSettings {
            api_key: KEY.to_owned().into(),
            from,
            base_url,
            timeout_secs: 10,
        });
        // Two retries at once: three tries in all.
        settings.notify.retry_secs = vec![0, 0];
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.poll_ms = 50;
    })
    .await
}

async fn mail_goes_through_sendgrid_as_it_documents(backend: Backend) {
    let fake = Fake::start();
    let app = sending_from(backend, &fake, "Zaveri Jewellers <bills@zaveri.example>").await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let asha = customer(
        &app,
        &owner,
        json!({"name": "Asha Iyer", "mobile": "9876500001",
        "email": "asha@example.com", "homeBranchId": branch["id"]}),
    )
    .await;
    consent_for(&app, &owner, &asha, "email", "transactional").await;
    consent_for(&app, &owner, &asha, "email", "marketing").await;
    let ravi = customer(
        &app,
        &owner,
        json!({"name": "Ravi Kumar", "mobile": "9876500002",
        "email": "down@example.com", "homeBranchId": branch["id"]}),
    )
    .await;
    consent_for(&app, &owner, &ravi, "email", "marketing").await;

    // A bill: its e-mail with the PDF, SendGrid's id kept.
    let bill = sell_necklace(&app, &owner, &sales, &branch, &asha, "GN-SG-1").await;
    let sent = settled(&app, &owner, &asha, "invoice_issued").await;
    assert_eq!(sent["message"]["status"], "sent", "{sent}");
    assert_eq!(sent["message"]["transport"], "sendgrid");
    let taken = fake.taken().await;
    assert_eq!(taken.len(), 1);
    assert_eq!(sent["message"]["providerId"], taken[0]["id"]);
    let mail = &taken[0]["mail"];
    assert_eq!(
        mail["personalizations"][0]["to"][0],
        json!({"email": "asha@example.com", "name": "Asha Iyer"})
    );
    assert_eq!(
        mail["from"],
        json!({"email": "bills@zaveri.example", "name": "Zaveri Jewellers"})
    );
    assert_eq!(mail["custom_args"]["message_id"], sent["message"]["id"]);
    let number = bill["number"].as_str().expect("number");
    assert!(
        mail["subject"].as_str().is_some_and(|s| s.contains(number)),
        "{mail}"
    );
    let file = &mail["attachments"][0];
    assert_eq!(file["type"], "application/pdf");
    assert_eq!(
        file["filename"],
        format!("{}.pdf", number.replace('/', "-"))
    );
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(file["content"].as_str().expect("content"))
        .expect("base64");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        mail.get("headers").is_none(),
        "a bill is not marketing: {mail}"
    );

    // A campaign: Asha's goes with the unsubscribe headers; Ravi's mailbox
    // API answers 503 three times and his message is given up on.
    let body = json!({"name": "Everyone", "branchId": branch["id"]});
    let segment = json_of(post(&app, &owner, "/api/v1/segments", body).await, 201).await;
    let template = offer_template(&app, &owner).await;
    let body = json!({"name": "Diwali", "segmentId": segment["id"], "templateId": template["id"]});
    let campaign = json_of(post(&app, &owner, "/api/v1/campaigns", body).await, 201).await;
    finished(&app, &owner, &campaign).await;
    let taken = fake.taken().await;
    assert_eq!(taken.len(), 2, "{taken:?}");
    let headers = &taken[1]["mail"]["headers"];
    assert_eq!(
        headers["List-Unsubscribe-Post"],
        "List-Unsubscribe=One-Click"
    );
    assert!(
        headers["List-Unsubscribe"]
            .as_str()
            .is_some_and(|h| h.starts_with("<http") && h.contains("/api/v1/unsubscribe/")),
        "{headers}"
    );
    let failed = settled(&app, &owner, &ravi, "campaign").await;
    assert_eq!(failed["message"]["status"], "failed", "{failed}");
    let answers: Vec<&str> = failed["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .filter_map(|a| a["answer"].as_str())
        .collect();
    assert_eq!(answers.len(), 3, "{failed}");
    assert!(answers.iter().all(|a| a.starts_with("503")), "{answers:?}");

    // A sender SendGrid has not verified: 403, final at once.
    let unverified = sending_from(backend, &fake, "Shop <offers@elsewhere.example>").await;
    let owner = unverified.owner_token().await;
    let branch = unverified.open_branch(&owner, "MUM2").await;
    let meena = customer(
        &unverified,
        &owner,
        json!({"name": "Meena Pillai",
        "mobile": "9876500003", "email": "meena@example.com", "homeBranchId": branch["id"]}),
    )
    .await;
    consent_for(&unverified, &owner, &meena, "email", "marketing").await;
    let template = offer_template(&unverified, &owner).await;
    let body = json!({"name": "Everyone", "branchId": branch["id"]});
    let segment = json_of(
        post(&unverified, &owner, "/api/v1/segments", body).await,
        201,
    )
    .await;
    let body = json!({"name": "Refused", "segmentId": segment["id"], "templateId": template["id"]});
    let campaign = json_of(
        post(&unverified, &owner, "/api/v1/campaigns", body).await,
        201,
    )
    .await;
    finished(&unverified, &owner, &campaign).await;
    let refused = settled(&unverified, &owner, &meena, "campaign").await;
    assert_eq!(refused["message"]["status"], "failed", "{refused}");
    assert_eq!(refused["attempts"].as_array().map(Vec::len), Some(1));
    assert!(
        refused["attempts"][0]["answer"]
            .as_str()
            .is_some_and(|a| a.starts_with("403 from: The from address")),
        "{refused}"
    );
}
