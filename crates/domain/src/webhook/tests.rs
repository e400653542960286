use std::time::Duration;

use super::answer::SCHEDULE;
use super::*;

const KNOWN: [&str; 4] = [
    "invoice.issued",
    "invoice.cancelled",
    "customer.created",
    "piece.sold",
];

fn wanted(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The example of Standard Webhooks' reference libraries' tests.
#[test]
fn a_signature_is_the_specifications_example() {
    let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("a secret");
    let signed = sign(
        &secret,
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1_614_265_330,
        br#"{"test": 2432232314}"#,
    );
    assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    let both = signatures(
        &[secret.clone(), Secret::from_bytes([7; 32])],
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1_614_265_330,
        br#"{"test": 2432232314}"#,
    );
    let parts: Vec<&str> = both.split(' ').collect();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0], signed);
    assert_ne!(parts[1], signed);
}

#[test]
fn a_secret_is_whsec_and_24_to_64_bytes_and_never_debugged() {
    let secret = Secret::from_bytes([1; 32]);
    assert!(secret.text().starts_with("whsec_"));
    assert_eq!(Secret::parse(&secret.text()), Some(secret.clone()));
    assert_eq!(format!("{secret:?}"), "Secret(..)");
    assert_eq!(Secret::parse("whsec_AAAA"), None, "three bytes");
    assert_eq!(Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), None);
}

#[test]
fn a_filter_takes_types_kinds_and_everything() {
    let filter = Filter::parse(
        "eventTypes",
        &wanted(&["invoice.*", "piece.sold", "invoice.*"]),
        &KNOWN,
    )
    .expect("valid");
    assert_eq!(filter.patterns(), ["invoice.*", "piece.sold"]);
    assert!(filter.matches("invoice.cancelled"));
    assert!(filter.matches("piece.sold"));
    assert!(!filter.matches("customer.created"));
    assert!(!filter.matches("invoices.issued"));
    let all = Filter::parse("eventTypes", &wanted(&["*"]), &KNOWN).expect("valid");
    assert!(all.matches("customer.created"));
    let refused = Filter::parse("eventTypes", &wanted(&["piece.sold", "bills.*"]), &KNOWN)
        .expect_err("unknown kind");
    assert_eq!(refused.errors()[0].field, "eventTypes[1]");
    assert_eq!(refused.errors()[0].code, "unknown");
    let empty = Filter::parse("eventTypes", &[], &KNOWN).expect_err("none");
    assert_eq!(empty.errors()[0].code, "required");
}

#[test]
fn clients_are_sent_what_they_may_read() {
    assert_eq!(reader_of("invoice.issued"), Some(Permission::SalesRead));
    assert_eq!(
        reader_of("customer.erased"),
        Some(Permission::CustomersRead)
    );
    assert_eq!(reader_of("rate.changed"), Some(Permission::InventoryRead));
    assert_eq!(reader_of("job.estimated"), Some(Permission::JobsRead));
    assert_eq!(reader_of("staff.changed"), None);
}

#[test]
fn urls_are_https_and_public_unless_allowed() {
    let ok = |url: &str| check_url("url", url, false, false).is_ok();
    assert!(ok("https://erp.example.com/hooks/jewel?x=1"));
    assert!(!ok("http://erp.example.com/hooks"));
    assert!(!ok("https://user:pw@erp.example.com/hooks"));
    assert!(!ok("ftp://erp.example.com/"));
    assert!(!ok("not a url"));
    for private in [
        "https://127.0.0.1/h",
        "https://localhost:8443/h",
        "https://10.1.2.3/h",
        "https://192.168.1.20/h",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/h",
        "https://[fd00::1]/h",
        "https://[::ffff:127.0.0.1]/h",
        "https://100.64.0.1/h",
        "https://0.0.0.0/h",
    ] {
        let refused = check_url("url", private, false, false).expect_err(private);
        assert_eq!(refused.errors()[0].code, "private_address", "{private}");
        assert!(check_url("url", private, false, true).is_ok(), "{private}");
    }
    assert!(check_url("url", "http://127.0.0.1:9000/h", true, true).is_ok());
}

#[test]
fn answers_decide_what_happens_next() {
    assert_eq!(judge(Some(204), false, None), Judged::Delivered);
    assert_eq!(judge(Some(200), true, None), Judged::Delivered);
    assert_eq!(judge(Some(500), true, None), Judged::Aborted);
    assert_eq!(judge(Some(410), false, None), Judged::Gone);
    assert_eq!(
        judge(Some(301), false, None),
        Judged::Failed { at_least: None }
    );
    assert_eq!(judge(None, false, None), Judged::Failed { at_least: None });
    assert_eq!(
        judge(Some(429), false, Some(" 120 ")),
        Judged::Failed {
            at_least: Some(Duration::from_secs(120))
        }
    );
    assert_eq!(
        judge(Some(503), false, Some("120")),
        Judged::Failed { at_least: None },
        "only 429, 502 and 504 are waited for"
    );
    assert_eq!(
        judge(Some(502), false, Some("999999999")),
        Judged::Failed {
            at_least: Some(answer::LONGEST_RETRY_AFTER)
        }
    );
}

#[test]
fn the_schedule_is_five_seconds_to_ten_hours_then_done() {
    assert_eq!(next_try(1, &SCHEDULE, None), Some(Duration::from_secs(5)));
    assert_eq!(next_try(2, &SCHEDULE, None), Some(Duration::from_secs(300)));
    assert_eq!(
        next_try(7, &SCHEDULE, None),
        Some(Duration::from_secs(36_000))
    );
    assert_eq!(next_try(8, &SCHEDULE, None), None);
    assert_eq!(
        next_try(1, &SCHEDULE, Some(Duration::from_secs(60))),
        Some(Duration::from_secs(60))
    );
    assert_eq!(
        next_try(2, &SCHEDULE, Some(Duration::from_secs(60))),
        Some(Duration::from_secs(300)),
        "never sooner than the schedule"
    );
}
