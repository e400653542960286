//! People's names, e-mail addresses, phone numbers and passwords, parsed.

use crate::validation::Invalid;

/// A person's name as they want it written: 1 to 120 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        match text.chars().count() {
            0 => Err(Invalid::field(field, "required", "must not be blank")),
            n if n > 120 => Err(Invalid::field(field, "too_long", "at most 120 characters")),
            _ if text.chars().any(char::is_control) => Err(Invalid::field(
                field,
                "format",
                "must not contain control characters",
            )),
            _ => Ok(Self(text.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, kept in lower case so that one person has one login.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let text = text.trim().to_lowercase();
        let valid = text.len() <= 254
            && text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            })
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && text.matches('@').count() == 1;
        if valid {
            Ok(Self(text))
        } else {
            Err(Invalid::field(
                field,
                "format",
                "must be an e-mail address such as name@example.com",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number in E.164 form (`+919876543210`); a bare 10-digit Indian
/// mobile number is taken as `+91`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let e164 = match digits.strip_prefix('+') {
            Some(rest) => rest.to_owned(),
            None if digits.len() == 10 && digits.starts_with(['6', '7', '8', '9']) => {
                format!("91{digits}")
            }
            // An Indian number dialled with the trunk 0: a landline with its
            // STD code (044 2434 5678) or a mobile (09876543210).
            None if digits.len() == 11
                && digits.starts_with('0')
                && !digits[1..].starts_with('0') =>
            {
                format!("91{}", &digits[1..])
            }
            None => digits.clone(),
        };
        if (8..=15).contains(&e164.len())
            && e164.chars().all(|c| c.is_ascii_digit())
            && !e164.starts_with('0')
        {
            Ok(Self(format!("+{e164}")))
        } else {
            Err(Invalid::field(
                field,
                "format",
                "must be a phone number such as +919876543210",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed: 10 to 128 characters (OWASP: long passphrases
/// allowed, no composition rules). Never stored; only its hash is.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        match text.chars().count() {
            n if n < Self::MIN_CHARS => Err(Invalid::field(
                field,
                "too_short",
                format!("at least {} characters", Self::MIN_CHARS),
            )),
            n if n > Self::MAX_CHARS => Err(Invalid::field(
                field,
                "too_long",
                format!("at most {} characters", Self::MAX_CHARS),
            )),
            _ => Ok(Self(text.to_owned())),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse("email", " Priya@Example.COM ")
                .expect("valid")
                .as_str(),
            "priya@example.com"
        );
        for bad in [
            "",
            "priya",
            "priya@",
            "@example.com",
            "a@b",
            "a b@c.com",
            "a@@b.com",
            "a@b..com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn indian_mobiles_get_their_country_code() {
        assert_eq!(
            Phone::parse("phone", "98765 43210")
                .expect("valid")
                .as_str(),
            "+919876543210"
        );
        assert_eq!(
            Phone::parse("phone", "+44 20 7946 0958")
                .expect("valid")
                .as_str(),
            "+442079460958"
        );
        assert_eq!(
            Phone::parse("phone", "044-2434 5678")
                .expect("landline")
                .as_str(),
            "+914424345678"
        );
        assert_eq!(
            Phone::parse("phone", "09876543210")
                .expect("mobile")
                .as_str(),
            "+919876543210"
        );
        assert!(Phone::parse("phone", "12345").is_err());
        assert!(Phone::parse("phone", "+91abc").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            PersonName::parse("name", "  Meena Iyer ")
                .expect("valid")
                .as_str(),
            "Meena Iyer"
        );
        assert!(PersonName::parse("name", "   ").is_err());
        assert!(PersonName::parse("name", &"a".repeat(121)).is_err());
    }

    #[test]
    fn passwords_have_length_limits_and_never_print() {
        assert!(Password::parse("password", "short").is_err());
        assert!(Password::parse("password", &"x".repeat(129)).is_err());
        let password = Password::parse("password", "correct horse battery").expect("valid");
        assert_eq!(format!("{password:?}"), "Password(..)");
    }
}
