//! India's DLT rules for SMS (TRAI's regulation of commercial
//! communications): an SMS to an Indian number carries the sender's
//! principal entity id, a header registered to it, and the id of the
//! content template registered for its exact words. A shop that sets its
//! registration sends no SMS without them; each says why it was not sent.

/// The shop's registration on a DLT platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DltRegistration {
    /// The principal entity id (PE id): `1101456789012345678`.
    pub entity_id: String,
    /// The registered sender header: six letters or digits, `JWLCRM`.
    pub sender_header: String,
}

/// What one SMS carries under DLT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DltIds<'a> {
    pub entity_id: &'a str,
    pub sender_header: &'a str,
    /// The content template id its template was registered under.
    pub template_id: &'a str,
}

/// The shortest and longest id a DLT platform gives (they are 19 digits
/// today).
pub const ID_DIGITS: std::ops::RangeInclusive<usize> = 10..=30;

/// Whether `text` is a DLT entity or content template id: digits only,
/// 10 to 30 of them.
pub fn is_ledger_id(text: &str) -> bool {
    ID_DIGITS.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` is a sender header as TRAI allots them: six letters or
/// digits.
pub fn is_sender_header(text: &str) -> bool {
    text.len() == 6 && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl DltRegistration {
    /// Whether an SMS to `mobile` (E.164) falls under DLT: one to an Indian
    /// number does; one abroad goes as it is.
    pub fn applies_to(mobile: &str) -> bool {
        mobile.starts_with("+91")
    }

    /// What an SMS of a template registered as `template_id` carries; none
    /// when the template was never registered (the message is not sent).
    pub fn ids<'a>(&'a self, template_id: Option<&'a str>) -> Option<DltIds<'a>> {
        Some(DltIds {
            entity_id: &self.entity_id,
            sender_header: &self.sender_header,
            template_id: template_id.filter(|id| !id.is_empty())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_digits_and_headers_six_characters() {
        assert!(is_ledger_id("1107160000000012345"));
        assert!(!is_ledger_id("11071600000000123x5"));
        assert!(!is_ledger_id("123"));
        assert!(is_sender_header("JWLCRM"));
        assert!(!is_sender_header("JWL-CR"));
        assert!(!is_sender_header("JEWELS1"));
    }

    #[test]
    fn an_unregistered_template_carries_nothing() {
        let shop = DltRegistration {
            entity_id: "1101456789012345678".into(),
            sender_header: "JWLCRM".into(),
        };
        assert!(DltRegistration::applies_to("+919812345678"));
        assert!(!DltRegistration::applies_to("+447700900123"));
        assert_eq!(shop.ids(None), None);
        assert_eq!(shop.ids(Some("")), None);
        let ids = shop.ids(Some("1107160000000012345")).expect("registered");
        assert_eq!(
            (ids.entity_id, ids.sender_header, ids.template_id),
            ("1101456789012345678", "JWLCRM", "1107160000000012345")
        );
    }
}
