//! Messages to customers over HTTP, on the embedded `log` transport:
//! templates are checked (an unknown variable is a 422 naming it), saved
//! in versions and previewed in Hindi and Tamil; an issued bill queues its
//! e-mail and a job made ready its SMS, each sent only with the customer's
//! consent for the channel and to an address they have (else skipped with
//! the reason); a sent message keeps its template version and its attempt;
//! messages stay in their branch, only managers and the owner read them,
//! and erasing a customer erases their messages.

use reqwest::Method;
use serde_json::{Value, json};

use crate::billing::set_rate;
use crate::challans::{approved_job, issue, receive, shop};
use crate::helpers::{Backend, TestApp, get, json_of, post};
use crate::jobs::move_to;
use crate::loyalty::{id_of, sell_necklace};
use crate::on_both_backends;

on_both_backends!(
    templates_are_checked_versioned_and_previewed,
    a_bill_and_a_ready_job_are_told_as_consent_allows,
);

/// Records `channel`'s transactional consent for `customer`.
pub(crate) async fn consent_to(app: &TestApp, token: &str, customer: &Value, channel: &str) {
    consent_for(app, token, customer, channel, "transactional").await;
}

/// Records `customer`'s consent to `channel` for `purpose`.
pub(crate) async fn consent_for(
    app: &TestApp,
    token: &str,
    customer: &Value,
    channel: &str,
    purpose: &str,
) {
    let path = format!("/api/v1/customers/{}/consents", id_of(customer));
    let body = json!({"source": "in_store", "changes": [
        {"channel": channel, "purpose": purpose, "granted": true}]});
    json_of(post(app, token, &path, body).await, 200).await;
}

/// The customer's message of `trigger` once its delivery has ended
/// (neither queued nor sending), waiting up to 20 s.
pub(crate) async fn settled(app: &TestApp, token: &str, customer: &Value, trigger: &str) -> Value {
    settled_on(app, token, customer, trigger, None).await
}

/// [`settled`], of the messages on `channel` when given.
pub(crate) async fn settled_on(
    app: &TestApp,
    token: &str,
    customer: &Value,
    trigger: &str,
    channel: Option<&str>,
) -> Value {
    let mut path = format!(
        "/api/v1/messages?customerId={}&trigger={trigger}",
        id_of(customer)
    );
    if let Some(channel) = channel {
        path.push_str(&format!("&channel={channel}"));
    }
    for _ in 0..200 {
        let page = json_of(get(app, token, &path).await, 200).await;
        if let Some(message) = page["items"].as_array().and_then(|items| items.first())
            && !matches!(message["status"].as_str(), Some("queued" | "sending"))
        {
            let detail = format!("/api/v1/messages/{}", id_of(message));
            return json_of(get(app, token, &detail).await, 200).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no settled {trigger} message for {customer}");
}

async fn templates_are_checked_versioned_and_previewed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let (_, manager) = app
        .hire(&owner, "anil@example-jeweller.in", "manager", &[&branch])
        .await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;

    let triggers = json_of(get(&app, &manager, "/api/v1/message-triggers").await, 200).await;
    let invoice = &triggers["items"][0];
    assert_eq!(
        (&invoice["trigger"], &invoice["channel"]),
        (&json!("invoice_issued"), &json!("email"))
    );
    assert!(
        invoice["variables"]
            .as_array()
            .expect("variables")
            .iter()
            .any(|v| v["name"] == "invoice_number")
    );
    // The first versions come in English, Hindi and Tamil.
    let listed = json_of(get(&app, &manager, "/api/v1/message-templates").await, 200).await;
    let languages: Vec<(&str, &str)> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| {
            (
                t["trigger"].as_str().unwrap_or_default(),
                t["language"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    // A bill and a job ready come on the app too (their push templates
    // follow their e-mail's and SMS's).
    let expected: Vec<(&str, &str)> = [
        "anniversary",
        "birthday",
        "bridal_follow_up",
        "instalment_due",
        "instalment_received",
        "invoice_issued",
        "invoice_issued",
        "job_ready",
        "job_ready",
        "payment_received",
        "purchase_follow_up",
        "quote_expiring",
        "scheme_maturity",
        "spouse_birthday",
        "task_assigned",
    ]
    .into_iter()
    .flat_map(|t| [(t, "en"), (t, "hi"), (t, "ta")])
    .collect();
    assert_eq!(languages, expected);

    // A variable the trigger has not, a subject on an SMS: named.
    let body = json!({"trigger": "job_ready", "channel": "sms", "language": "hi",
                      "subject": "x", "body": "प्रिय {{ customer_name }}, बकाया {{ balance_due }}"});
    let refused = json_of(
        post(&app, &owner, "/api/v1/message-templates", body).await,
        422,
    )
    .await;
    let errors: Vec<(&str, &str)> = refused["errors"]
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
        errors,
        [("subject", "not_for_channel"), ("body", "unknown_variable")]
    );
    assert!(
        refused["errors"][1]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("balance_due")
    );
    let body = json!({"trigger": "invoice_issued", "channel": "email", "language": "en",
                      "body": "{% if total %}Total {{ total }}{% endif"});
    let refused = json_of(
        post(&app, &owner, "/api/v1/message-templates", body).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "subject");
    assert_eq!(refused["errors"][1]["code"], "template_syntax");

    // Saved by the owner alone, as the next version.
    let hindi = json!({"trigger": "job_ready", "channel": "sms", "language": "hi",
                       "body": "{{ customer_name }} जी, आपका काम {{ job_number }} तैयार है।"});
    assert_eq!(
        post(&app, &manager, "/api/v1/message-templates", hindi.clone())
            .await
            .status(),
        403
    );
    let saved = json_of(
        post(&app, &owner, "/api/v1/message-templates", hindi).await,
        201,
    )
    .await;
    assert_eq!(saved["version"], 2);
    let current = json_of(get(&app, &manager, "/api/v1/message-templates").await, 200).await;
    let in_use = current["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["trigger"] == "job_ready" && t["channel"] == "sms" && t["language"] == "hi")
        .expect("the Hindi SMS");
    assert_eq!(in_use["id"], saved["id"]);
    let every = json_of(
        get(&app, &manager, "/api/v1/message-templates?allVersions=true").await,
        200,
    )
    .await;
    assert_eq!(every["items"].as_array().map(Vec::len), Some(46));
    let path = format!("/api/v1/message-templates/{}", id_of(&saved));
    assert_eq!(
        json_of(get(&app, &manager, &path).await, 200).await["version"],
        2
    );

    // A preview in Tamil with one value given, the others their examples.
    let preview = json!({"trigger": "invoice_issued", "channel": "email",
        "subject": "விலைப்பட்டியல் {{ invoice_number }}",
        "body": "{{ customer_name }} அவர்களே, மொத்தம் ₹{{ total }}",
        "values": {"customer_name": "மீனா"}});
    let shown = json_of(
        post(&app, &manager, "/api/v1/message-templates/preview", preview).await,
        200,
    )
    .await;
    assert_eq!(shown["subject"], "விலைப்பட்டியல் MUM1/INV/2026-27/000042");
    assert_eq!(shown["body"], "மீனா அவர்களே, மொத்தம் ₹1,16,175.00");
    let preview = json!({"trigger": "job_ready", "channel": "sms", "body": "{{ job_number }}",
                         "values": {"balance_due": "10"}});
    let refused = json_of(
        post(&app, &manager, "/api/v1/message-templates/preview", preview).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "values.balance_due");

    // Counter staff read no templates or messages.
    assert_eq!(
        get(&app, &sales, "/api/v1/message-templates")
            .await
            .status(),
        403
    );
    assert_eq!(get(&app, &sales, "/api/v1/messages").await.status(), 403);
}

async fn a_bill_and_a_ready_job_are_told_as_consent_allows(backend: Backend) {
    let shop = shop(backend).await;
    let (app, owner, sales, branch) = (&shop.app, &shop.owner, &shop.sales, &shop.branch);
    set_rate(app, owner, "gold", 916, "12800.00").await;
    let with_email = |mobile: &str, email: Option<&str>| {
        let mut body = json!({"name": "Asha Iyer", "mobile": mobile});
        if let Some(email) = email {
            body["email"] = json!(email);
        }
        body
    };
    let agreed = json_of(
        post(
            app,
            sales,
            "/api/v1/customers",
            with_email("9876500001", Some("asha@example.com")),
        )
        .await,
        201,
    )
    .await;
    consent_to(app, sales, &agreed, "email").await;
    let silent = json_of(
        post(
            app,
            sales,
            "/api/v1/customers",
            with_email("9876500002", Some("ravi@example.com")),
        )
        .await,
        201,
    )
    .await;
    let no_email = json_of(
        post(
            app,
            sales,
            "/api/v1/customers",
            with_email("9876500003", None),
        )
        .await,
        201,
    )
    .await;
    consent_to(app, sales, &no_email, "email").await;

    let bill = sell_necklace(app, owner, sales, branch, &agreed, "GN-MSG-1").await;
    sell_necklace(app, owner, sales, branch, &silent, "GN-MSG-2").await;
    sell_necklace(app, owner, sales, branch, &no_email, "GN-MSG-3").await;

    let sent = settled(app, owner, &agreed, "invoice_issued").await;
    let message = &sent["message"];
    assert_eq!(message["status"], "sent", "{sent}");
    assert_eq!(message["transport"], "log");
    assert_eq!(message["address"], "asha@example.com");
    assert_eq!(message["templateVersion"], 1);
    assert_eq!(message["aboutId"], bill["id"]);
    let number = bill["number"].as_str().expect("number");
    assert_eq!(
        message["subject"].as_str(),
        Some(
            format!(
                "Your tax invoice {number} from {}",
                branch["name"].as_str().unwrap_or_default()
            )
            .as_str()
        )
    );
    assert!(
        message["body"]
            .as_str()
            .unwrap_or_default()
            .contains("INR 51,845.00"),
        "{sent}"
    );
    assert_eq!(sent["attempts"].as_array().map(Vec::len), Some(1));
    assert_eq!(sent["attempts"][0]["outcome"], "sent");
    let skipped = settled(app, owner, &silent, "invoice_issued").await;
    assert_eq!(
        (&skipped["message"]["status"], &skipped["message"]["reason"]),
        (&json!("skipped"), &json!("no_consent"))
    );
    assert_eq!(skipped["attempts"], json!([]));
    let skipped = settled(app, owner, &no_email, "invoice_issued").await;
    assert_eq!(skipped["message"]["reason"], "no_address");

    // A job made ready is told by SMS, with the SMS consent.
    let job = approved_job(&shop, "10.000").await;
    let who = json!({"id": job["customerId"]});
    consent_to(app, sales, &who, "sms").await;
    let challan = issue(&shop, &job, "10.000", 201).await;
    receive(
        &shop,
        &challan,
        json!({"grossWeight": "10.000", "closes": true}),
        201,
    )
    .await;
    move_to(app, sales, &job, json!({"status": "ready"}), 200).await;
    let told = settled(app, owner, &who, "job_ready").await;
    assert_eq!(told["message"]["status"], "sent", "{told}");
    assert_eq!(told["message"]["channel"], "sms");
    assert_eq!(told["message"]["address"], "+919876543210");
    let body = told["message"]["body"].as_str().unwrap_or_default();
    assert!(
        body.contains(job["number"].as_str().expect("number")),
        "{body}"
    );

    // Another branch's manager sees none of it; this branch's does.
    let other = app.open_branch(owner, "DEL1").await;
    let (_, stranger) = app
        .hire(owner, "vikram@example-jeweller.in", "manager", &[&other])
        .await;
    let (_, manager) = app
        .hire(owner, "anil@example-jeweller.in", "manager", &[branch])
        .await;
    let path = format!("/api/v1/messages/{}", id_of(message));
    assert_eq!(get(app, &stranger, &path).await.status(), 404);
    assert_eq!(
        json_of(get(app, &manager, &path).await, 200).await["message"]["id"],
        message["id"]
    );
    let theirs = json_of(get(app, &stranger, "/api/v1/messages").await, 200).await;
    assert_eq!(theirs["items"], json!([]));
    let ours = json_of(
        get(app, &manager, "/api/v1/messages?status=skipped").await,
        200,
    )
    .await;
    assert_eq!(ours["items"].as_array().map(Vec::len), Some(2));

    // Erasing the customer erases what was written to them, and where.
    let erase = format!("/api/v1/customers/{}/erase", id_of(&agreed));
    let erased = app.call(Method::POST, &erase, Some(owner), None).await;
    assert_eq!(erased.status(), 200);
    assert_eq!(get(app, owner, &path).await.status(), 404);
    let left = format!("/api/v1/messages?customerId={}", id_of(&agreed));
    assert_eq!(
        json_of(get(app, owner, &left).await, 200).await["items"],
        json!([])
    );
}
