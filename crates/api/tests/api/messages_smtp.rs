//! E-mail through a real SMTP server (tools/smtp-sink, on aiosmtpd): an
//! issued bill's e-mail arrives as the server received it, addressed to
//! the customer with the invoice number in its subject and the tax invoice
//! attached as a PDF whose text (read by pdftotext) shows what the print
//! shows, as does `print?format=pdf`; a mailbox that
//! answers 451 (try later) is tried on the retry schedule and given up on
//! after the last try, every attempt listed with the server's answer; a
//! mailbox that does not exist (550) fails at once, not retried. A
//! campaign's e-mail carries a one-click unsubscribe (RFC 8058) that a
//! bill's does not, and the mail client's POST to it withdraws the
//! customer's consent to offers by e-mail.

use std::process::{Child, Command, Stdio};

use jewel_api::config::{EmailTransport, SmtpSecurity, SmtpSettings};
use serde_json::json;

use crate::billing::set_rate;
use crate::campaigns::{customer, finished, offer_template};
use crate::helpers::{Backend, TestApp, get, json_of, post, python_tool};
use crate::loyalty::{id_of, sell_necklace};
use crate::messages::{consent_for, consent_to, settled};
use crate::on_both_backends_with_smtp;

on_both_backends_with_smtp!(
    bills_are_mailed_and_refusals_retried_or_given_up,
    a_campaign_mail_unsubscribes_in_one_click,
);

/// tools/smtp-sink, stopped when dropped; what it receives lands in a
/// folder of its own.
struct Sink {
    child: Child,
    port: u16,
    folder: tempfile::TempDir,
}

impl Sink {
    fn start() -> Self {
        let folder = tempfile::tempdir().expect("a folder for the mail");
        let (child, started) = python_tool("smtp-sink/server.py", &[folder.path().as_os_str()]);
        let port = started["port"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .expect("port");
        Self {
            child,
            port,
            folder,
        }
    }

    /// Every message received, as received.
    fn received(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.folder.path())
            .expect("the folder")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| std::fs::read_to_string(path).expect("a message"))
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The PDF attached to the e-mail kept at `path`, read with Python's own
/// MIME parser.
fn attachment(path: &std::path::Path) -> Vec<u8> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tools");
    let script = "import email, sys\n\
        m = email.message_from_binary_file(open(sys.argv[1], 'rb'))\n\
        parts = [p for p in m.walk() if p.get_content_type() == 'application/pdf']\n\
        sys.stdout.buffer.write(parts[0].get_payload(decode=True))";
    let out = Command::new(format!("{root}/.venv/bin/python"))
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("Python reads the e-mail");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.starts_with(b"%PDF-"), "a PDF is attached");
    out.stdout
}

/// The text of a PDF, as poppler's pdftotext reads it.
fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian's poppler-utils) reads the PDF");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(pdf)
        .expect("written");
    let out = child.wait_with_output().expect("read");
    assert!(out.status.success(), "pdftotext read it");
    String::from_utf8(out.stdout).expect("text")
}

/// A server mailing through `sink`, at any hour, set up further by
/// `configure`.
async fn mailing(
    backend: Backend,
    sink: &Sink,
    configure: impl FnOnce(&mut jewel_api::config::Settings),
) -> TestApp {
    let port = sink.port;
    TestApp::spawn_configured(backend, move |settings| {
        settings.notify.email = EmailTransport::Smtp;
        settings.notify.smtp = Some(SmtpSettings {
            host: "127.0.0.1".to_owned(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "Zaveri Jewellers <bills@zaveri.example>".to_owned(),
            timeout_secs: 10,
        });
        settings.notify.quiet_hours_from = "00:00".to_owned();
        settings.notify.quiet_hours_until = "00:00".to_owned();
        settings.notify.public_url = "https://shop.zaveri.example".to_owned();
        settings.notify.poll_ms = 50;
        configure(settings);
    })
    .await
}

async fn a_campaign_mail_unsubscribes_in_one_click(backend: Backend) {
    let sink = Sink::start();
    let app = mailing(backend, &sink, |_| {}).await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let body = json!({"name": "Asha Iyer", "mobile": "9876500001", "email": "asha@example.com",
        "homeBranchId": branch["id"]});
    let asha = customer(&app, &owner, body).await;
    consent_for(&app, &owner, &asha, "email", "marketing").await;
    let body = json!({"name": "Everyone", "branchId": branch["id"]});
    let segment = json_of(post(&app, &owner, "/api/v1/segments", body).await, 201).await;
    let template = offer_template(&app, &owner).await;
    let body = json!({"name": "Diwali", "segmentId": segment["id"], "templateId": template["id"]});
    let campaign = json_of(post(&app, &owner, "/api/v1/campaigns", body).await, 201).await;
    let done = finished(&app, &owner, &campaign).await;
    assert_eq!(done["messages"][0]["status"], "sent", "{done}");

    let mail = sink.received();
    assert_eq!(mail.len(), 1);
    let header = mail[0]
        .lines()
        .find_map(|line| line.strip_prefix("List-Unsubscribe: <"))
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap_or_else(|| panic!("a List-Unsubscribe header in {}", mail[0]));
    assert!(
        mail[0].contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{}",
        mail[0]
    );
    let path = header
        .strip_prefix("https://shop.zaveri.example")
        .expect("the public address");
    assert!(path.starts_with("/api/v1/unsubscribe/"), "{path}");

    // The mail client's one-click POST (RFC 8058's body, form-encoded).
    let clicked = app
        .client
        .post(app.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("sent");
    assert_eq!(clicked.status(), 200);
    let consents = format!("/api/v1/customers/{}/consents", id_of(&asha));
    let after = json_of(get(&app, &owner, &consents).await, 200).await;
    assert_eq!(after["current"][0]["granted"], false, "{after}");
    assert_eq!(after["current"][0]["source"], "unsubscribe_link");
}

async fn bills_are_mailed_and_refusals_retried_or_given_up(backend: Backend) {
    let sink = Sink::start();
    // Two retries at once: three tries in all.
    let app = mailing(backend, &sink, |settings| {
        settings.notify.retry_secs = vec![0, 0]
    })
    .await;
    let owner = app.owner_token().await;
    let branch = app.open_branch(&owner, "MUM1").await;
    let (_, sales) = app
        .hire(&owner, "priya@example-jeweller.in", "sales", &[&branch])
        .await;
    set_rate(&app, &owner, "gold", 916, "12800.00").await;
    let mut buyers = Vec::new();
    for (mobile, email) in [
        ("9876500001", "asha@example.com"),
        ("9876500002", "busy.ravi@example.com"),
        ("9876500003", "nobody@example.com"),
    ] {
        let body = json!({"name": "Asha Iyer", "mobile": mobile, "email": email});
        let buyer = json_of(post(&app, &sales, "/api/v1/customers", body).await, 201).await;
        consent_to(&app, &sales, &buyer, "email").await;
        buyers.push(buyer);
    }
    let bill = sell_necklace(&app, &owner, &sales, &branch, &buyers[0], "GN-SMTP-1").await;

    let sent = settled(&app, &owner, &buyers[0], "invoice_issued").await;
    assert_eq!(sent["message"]["status"], "sent", "{sent}");
    assert_eq!(sent["message"]["transport"], "smtp");
    assert!(
        sent["attempts"][0]["answer"]
            .as_str()
            .unwrap_or_default()
            .starts_with("250"),
        "{sent}"
    );
    let mail = sink.received();
    assert_eq!(mail.len(), 1);
    let number = bill["number"].as_str().expect("number");
    assert!(
        mail[0].contains("To: \"Asha Iyer\" <asha@example.com>")
            || mail[0].contains("To: Asha Iyer <asha@example.com>"),
        "{}",
        mail[0]
    );
    assert!(
        mail[0].contains("From: \"Zaveri Jewellers\" <bills@zaveri.example>")
            || mail[0].contains("From: Zaveri Jewellers <bills@zaveri.example>"),
        "{}",
        mail[0]
    );
    assert!(
        mail[0].contains(&format!("Subject: Your tax invoice {number} from")),
        "{}",
        mail[0]
    );
    assert!(mail[0].contains("INR 51,845.00"), "{}", mail[0]);
    // A bill is not marketing: nothing to unsubscribe from.
    assert!(!mail[0].contains("List-Unsubscribe"), "{}", mail[0]);
    // The tax invoice goes with it as a PDF, the same as the print's.
    let file = format!("filename=\"{}.pdf\"", number.replace('/', "-"));
    assert!(mail[0].contains(&file), "{}", mail[0]);
    let attached = pdf_text(&attachment(&sink.folder.path().join("0001.eml")));
    let printed = app
        .client
        .get(app.url(&format!(
            "/api/v1/invoices/{}/print?format=pdf",
            id_of(&bill)
        )))
        .bearer_auth(&sales)
        .send()
        .await
        .expect("sent");
    assert_eq!(printed.status(), 200);
    assert_eq!(printed.headers()["content-type"], "application/pdf");
    let printed = pdf_text(&printed.bytes().await.expect("a PDF"));
    let huid = bill["lines"][0]["huid"].as_str().expect("huid");
    for text in [&attached, &printed] {
        for shown in [
            "TAX INVOICE",
            number,
            huid,
            "22K (916)",
            "3.390",
            "12800.00",
            "CGST @ 1.5%",
            "755.02",
            "Total (INR)",
            "51845.00",
            "Rupees Fifty One Thousand Eight Hundred Forty Five Only",
        ] {
            assert!(text.contains(shown), "{shown} missing from {text}");
        }
    }

    // 451: tried three times, then given up on, each answer kept.
    sell_necklace(&app, &owner, &sales, &branch, &buyers[1], "GN-SMTP-2").await;
    let busy = settled(&app, &owner, &buyers[1], "invoice_issued").await;
    assert_eq!(busy["message"]["status"], "failed", "{busy}");
    assert!(
        busy["message"]["reason"]
            .as_str()
            .unwrap_or_default()
            .starts_with("gave up after 3 tries"),
        "{busy}"
    );
    let outcomes: Vec<&str> = busy["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["outcome"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(outcomes, ["transient"; 3]);
    assert!(
        busy["attempts"][2]["answer"]
            .as_str()
            .unwrap_or_default()
            .contains("451"),
        "{busy}"
    );

    // 550: final at the first try.
    sell_necklace(&app, &owner, &sales, &branch, &buyers[2], "GN-SMTP-3").await;
    let gone = settled(&app, &owner, &buyers[2], "invoice_issued").await;
    assert_eq!(gone["message"]["status"], "failed", "{gone}");
    assert_eq!(gone["attempts"].as_array().map(Vec::len), Some(1));
    assert_eq!(gone["attempts"][0]["outcome"], "permanent");
    assert_eq!(sink.received().len(), 1);
}
