//! Whether a payment provider's callback is genuine, checked as each
//! provider documents it, before anything is recorded:
//!
//! - Razorpay webhooks: `X-Razorpay-Signature` is the hex HMAC-SHA256 of the
//!   raw body with the webhook secret.
//! - Razorpay Checkout's handler: `razorpay_signature` is the hex
//!   HMAC-SHA256 of `{order_id}|{razorpay_payment_id}` with the key secret,
//!   the order id being the one we stored (never the one the browser sends).
//! - Razorpay Payment Links' redirect: the same over
//!   `{payment_link_id}|{reference_id}|{status}|{payment_id}`.
//! - Stripe webhooks: `Stripe-Signature: t=…,v1=…[,v1=…]` where each `v1` is
//!   the hex HMAC-SHA256 of `{t}.{raw body}` with the endpoint's secret, and
//!   `t` within a tolerance (5 minutes) of now.
//!
//! Digests are compared in constant time (`Mac::verify_slice`).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How long a Stripe signature's timestamp stays good: Stripe's libraries'
/// default tolerance.
pub const STRIPE_TOLERANCE_SECS: i64 = 300;

/// The bytes a hex text stands for; `None` when it is not even-length hex.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn mac(secret: &[u8], message: &[&[u8]]) -> HmacSha256 {
    // HMAC takes a key of any length.
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    for part in message {
        mac.update(part);
    }
    mac
}

/// Whether `signature` (hex) is the HMAC-SHA256 of `message` with `secret`.
fn signed(secret: &[u8], message: &[&[u8]], signature: &str) -> bool {
    unhex(signature.trim()).is_some_and(|digest| mac(secret, message).verify_slice(&digest).is_ok())
}

/// The hex HMAC-SHA256 of `message` with `secret`: what a provider sends
/// (our provider fakes sign with it).
pub fn hex_signature(secret: &[u8], message: &[u8]) -> String {
    mac(secret, &[message])
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A Razorpay webhook: `X-Razorpay-Signature` over the raw body.
pub fn razorpay_webhook(body: &[u8], signature: &str, webhook_secret: &[u8]) -> bool {
    signed(webhook_secret, &[body], signature)
}

/// Razorpay Checkout's handler answer for an order we made.
pub fn razorpay_checkout(
    order_id: &str,
    payment_id: &str,
    signature: &str,
    key_secret: &[u8],
) -> bool {
    let message = [order_id.as_bytes(), b"|", payment_id.as_bytes()];
    signed(key_secret, &message, signature)
}

/// Razorpay Payment Link's redirect for a link we made.
pub fn razorpay_payment_link(
    (link_id, reference_id, status): (&str, &str, &str),
    payment_id: &str,
    signature: &str,
    key_secret: &[u8],
) -> bool {
    let message = [
        link_id.as_bytes(),
        b"|",
        reference_id.as_bytes(),
        b"|",
        status.as_bytes(),
        b"|",
        payment_id.as_bytes(),
    ];
    signed(key_secret, &message, signature)
}

/// Why a Stripe webhook is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripeRefusal {
    /// No `t=` (or one that is not a number), or no `v1=`.
    Malformed,
    /// `t` further from now than the tolerance: a replay, or a clock far off.
    Stale,
    /// No `v1` is the body's signature with the secret.
    Mismatch,
}

/// A Stripe webhook's `Stripe-Signature` checked against the raw body at
/// `now` (Unix seconds); its timestamp when genuine.
pub fn stripe_webhook(
    body: &[u8],
    header: &str,
    secret: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<i64, StripeRefusal> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        match item.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v1)) => signatures.push(v1),
            _ => {}
        }
    }
    let Some(t) = timestamp else {
        return Err(StripeRefusal::Malformed);
    };
    if signatures.is_empty() {
        return Err(StripeRefusal::Malformed);
    }
    let stamp = t.to_string();
    let message = [stamp.as_bytes(), b".", body];
    if !signatures.iter().any(|v1| signed(secret, &message, v1)) {
        return Err(StripeRefusal::Mismatch);
    }
    if (now - t).abs() > tolerance_secs {
        return Err(StripeRefusal::Stale);
    }
    Ok(t)
}

/// The `Stripe-Signature` Stripe sends for `body` at `t` (for fakes).
pub fn stripe_header(body: &[u8], secret: &[u8], t: i64) -> String {
    let signed = [t.to_string().as_bytes(), b".", body].concat();
    format!("t={t},v1={}", hex_signature(secret, &signed))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Razorpay's own vectors (razorpay-python's tests of
    /// `verify_payment_signature` and `verify_webhook_signature`, key secret
    /// `key_secret`, its `fake_payment_authorized_webhook` body).
    #[test]
    fn razorpay_signs_as_its_library_checks() {
        let checkout = "b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89";
        assert!(razorpay_checkout(
            "fake_order_id",
            "fake_payment_id",
            checkout,
            b"key_secret"
        ));
        assert!(!razorpay_checkout(
            "fake_order_iD",
            "fake_payment_id",
            checkout,
            b"key_secret"
        ));
        assert!(!razorpay_checkout(
            "fake_order_id",
            "fake_payment_id",
            "test_signature",
            b"key_secret"
        ));
        let body = include_bytes!("razorpay_payment_authorized.json");
        let webhook = "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9";
        assert!(razorpay_webhook(body, webhook, b"key_secret"));
        assert!(!razorpay_webhook(body, webhook, b"key_secreT"));
        let mut changed = body.to_vec();
        changed[20] ^= 1;
        assert!(!razorpay_webhook(&changed, webhook, b"key_secret"));
        assert!(!razorpay_webhook(body, "", b"key_secret"));
        assert_eq!(hex_signature(b"key_secret", body), webhook);
    }

    #[test]
    fn a_payment_link_redirect_is_signed_over_its_four_values() {
        let values = ("plink_Ki2tF2t2WkKhU8", "INV-42", "paid");
        let signature = hex_signature(b"key_secret", b"plink_Ki2tF2t2WkKhU8|INV-42|paid|pay_1");
        assert!(razorpay_payment_link(
            values,
            "pay_1",
            &signature,
            b"key_secret"
        ));
        assert!(!razorpay_payment_link(
            ("plink_Ki2tF2t2WkKhU8", "INV-42", "cancelled"),
            "pay_1",
            &signature,
            b"key_secret"
        ));
    }

    #[test]
    fn stripe_signatures_are_checked_with_their_timestamp() {
        let body = br#"{"id": "evt_test_webhook", "object": "event"}"#;
        let secret = b"whsec_test_secret";
        let t = 1_700_000_000;
        let header = stripe_header(body, secret, t);
        // As Python's hmac computes it over `{t}.{body}` with the whole
        // `whsec_` text as the key, as Stripe's libraries do.
        assert_eq!(
            header,
            "t=1700000000,v1=aafb6f8becb4b5db5da0da34d6fb419de5f0866d738651a835f821a8a96cf1f3"
        );
        assert_eq!(stripe_webhook(body, &header, secret, t + 10, 300), Ok(t));
        // Stale either way, refused only once the signature holds.
        assert_eq!(
            stripe_webhook(body, &header, secret, t + 301, 300),
            Err(StripeRefusal::Stale)
        );
        assert_eq!(
            stripe_webhook(body, &header, secret, t - 301, 300),
            Err(StripeRefusal::Stale)
        );
        assert_eq!(
            stripe_webhook(body, &header, b"whsec_other", t, 300),
            Err(StripeRefusal::Mismatch)
        );
        // Another timestamp breaks the signature; a second v1 (a rolled
        // secret) may be the good one; v0 is never trusted.
        let moved = header.replace(&format!("t={t}"), &format!("t={}", t + 1));
        assert_eq!(
            stripe_webhook(body, &moved, secret, t, 300),
            Err(StripeRefusal::Mismatch)
        );
        let v1 = header.split("v1=").nth(1).expect("a v1");
        let two = format!("t={t},v1={},v1={v1}", "0".repeat(64));
        assert_eq!(stripe_webhook(body, &two, secret, t, 300), Ok(t));
        let v0 = format!("t={t},v0={v1}");
        assert_eq!(
            stripe_webhook(body, &v0, secret, t, 300),
            Err(StripeRefusal::Malformed)
        );
        assert_eq!(
            stripe_webhook(body, "v1=abc", secret, t, 300),
            Err(StripeRefusal::Malformed)
        );
    }
}
