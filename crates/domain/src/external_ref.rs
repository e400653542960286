//! A record's id in another system (an ERP, Odoo, a web shop): the system's
//! name and its own id there. One record of a kind per system and id, so a
//! system keeps its records in step by its ids alone.

use crate::validation::Invalid;

/// `odoo`, `shop-web`: a lower-case letter, then letters, digits, `_`, `-`.
pub const SYSTEM_PATTERN: &str = "^[a-z][a-z0-9_-]{0,31}$";

/// An id as it can stand in a URL's path: a letter or digit, then letters,
/// digits, `.`, `_`, `:`, `-` (never `.` or `..`, which a path resolves).
pub const ID_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$";

/// A system and its id of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalRef {
    system: String,
    id: String,
}

impl ExternalRef {
    pub fn parse(system: &str, id: &str) -> Result<Self, Invalid> {
        let system_ok = system.len() <= 32
            && system
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase())
            && system
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'));
        if !system_ok {
            return Err(Invalid::field(
                "system",
                "format",
                "a lower-case letter, then up to 31 letters, digits, _ or -",
            ));
        }
        let id_ok = (1..=64).contains(&id.len())
            && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'));
        if !id_ok {
            return Err(Invalid::field(
                "externalId",
                "format",
                "a letter or digit, then up to 63 letters, digits, '.', '_', ':' or '-'",
            ));
        }
        Ok(Self {
            system: system.to_owned(),
            id: id.to_owned(),
        })
    }

    pub fn system(&self) -> &str {
        &self.system
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_system_and_an_id_stand_in_a_path() {
        let found = ExternalRef::parse("odoo", "res.partner:1042").expect("valid");
        assert_eq!((found.system(), found.id()), ("odoo", "res.partner:1042"));
        assert_eq!(
            ExternalRef::parse("Odoo", "1")
                .expect_err("upper case")
                .errors()[0]
                .field,
            "system"
        );
        assert_eq!(
            ExternalRef::parse("odoo", "a/b")
                .expect_err("a slash")
                .errors()[0]
                .field,
            "externalId"
        );
        assert!(ExternalRef::parse("odoo", "").is_err());
        assert!(ExternalRef::parse("odoo", "..").is_err());
        assert!(ExternalRef::parse("odoo", ".hidden").is_err());
        assert!(ExternalRef::parse("odoo", &"x".repeat(65)).is_err());
        assert!(ExternalRef::parse("shop-web", "1").is_ok());
        assert!(ExternalRef::parse("9shop", "1").is_err());
    }
}
