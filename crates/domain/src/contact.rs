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
        use validator::ValidateEmail;
        let text = text.trim().to_lowercase();
        // The HTML5 rule (validator), and a domain with a dot: mail to a
        // customer crosses the internet, never to `localhost` or a bare host.
        let valid = text.validate_email()
            && text
                .rsplit_once('@')
                .is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'));
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

/// The country whose numbers are written without `+` and a country code
/// (a setting: a shop in India takes `98765 43210` as `+919876543210`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct HomeCountry(phonenumber::country::Id);

impl HomeCountry {
    pub const INDIA: Self = Self(phonenumber::country::Id::IN);

    /// `text` read as a national number of this country, when it is one.
    ///
    /// libphonenumber takes a number written without `+` that begins with
    /// the country's own calling code (`91776 09359` in India) for an
    /// international one and strips the code, though ten digits are a whole
    /// national mobile number. A national reading that the numbering plan
    /// accepts comes first; whatever it refuses is parsed as written.
    fn national(self, text: &str) -> Option<phonenumber::PhoneNumber> {
        if text.trim_start().starts_with('+') {
            return None;
        }
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let plan = phonenumber::metadata::DATABASE.by_id(self.0.as_ref())?;
        let national = plan
            .national_prefix()
            .and_then(|trunk| digits.strip_prefix(trunk))
            .unwrap_or(&digits);
        let number =
            phonenumber::parse(None, format!("+{}{national}", plan.country_code())).ok()?;
        phonenumber::is_valid(&number).then_some(number)
    }
}

impl Default for HomeCountry {
    fn default() -> Self {
        Self::INDIA
    }
}

impl std::str::FromStr for HomeCountry {
    type Err = String;

    /// An ISO 3166-1 alpha-2 code with a telephone numbering plan: `IN`, `AE`.
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        code.trim()
            .to_uppercase()
            .parse()
            .map(Self)
            .map_err(|_| format!("`{code}` is not a country code such as IN or AE"))
    }
}

impl TryFrom<String> for HomeCountry {
    type Error = String;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        code.parse()
    }
}

/// A phone number that is valid in its country's numbering plan, in E.164
/// form (`+919876543210`). Written without `+` it is read as a number of the
/// home country, with or without the trunk 0 (`044 2434 5678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// At most what E.164 allows, with room for spaces and dashes.
    const MAX_CHARS: usize = 32;

    pub fn parse(field: &str, text: &str, home: HomeCountry) -> Result<Self, Invalid> {
        let invalid = || {
            Invalid::field(
                field,
                "format",
                "must be a valid phone number such as +919876543210",
            )
        };
        if text.chars().count() > Self::MAX_CHARS {
            return Err(invalid());
        }
        let number = home
            .national(text)
            .or_else(|| phonenumber::parse(Some(home.0), text).ok())
            .filter(phonenumber::is_valid)
            .ok_or_else(invalid)?;
        Ok(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
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
            "priya@exa_mple.com",
            "priya@-example.com",
            "priya@localhost",
            "priya@example.com.",
            "pri\u{0}ya@example.com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
        for good in ["lakshmi.n+orders@example.co.in", "lakshmi@例え.jp"] {
            assert!(Email::parse("email", good).is_ok(), "{good}");
        }
    }

    fn phone(text: &str, home: &str) -> Result<String, Invalid> {
        let home = home.parse().expect("country");
        Phone::parse("phone", text, home).map(|p| p.as_str().to_owned())
    }

    #[test]
    fn numbers_without_a_country_code_are_the_home_countrys() {
        for (text, e164) in [
            ("98765 43210", "+919876543210"),
            ("09876543210", "+919876543210"),
            ("044-2434 5678", "+914424345678"),
            ("+44 20 7946 0958", "+442079460958"),
            ("919876543210", "+919876543210"),
        ] {
            assert_eq!(phone(text, "IN").expect(text), e164, "{text}");
        }
        assert_eq!(phone("050 123 4567", "AE").expect("UAE"), "+971501234567");
        assert_eq!(phone("(202) 555-0147", "us").expect("US"), "+12025550147");
        assert_eq!(
            phone("+919876543210", "AE").expect("abroad"),
            "+919876543210"
        );
    }

    #[test]
    fn ten_digit_mobiles_are_national_whatever_their_first_digits() {
        for (text, e164) in [
            ("9177609359", "+919177609359"),
            ("91776 09359", "+919177609359"),
            ("9198765432", "+919198765432"),
            ("09177609359", "+919177609359"),
            ("+91 91776 09359", "+919177609359"),
        ] {
            assert_eq!(phone(text, "IN").expect(text), e164, "{text}");
        }
    }

    /// Every pair of leading digits that India's numbering plan (the
    /// library's own metadata) has mobiles in is read as national when
    /// written with ten digits, as the whole E.164 number is.
    #[test]
    fn every_indian_mobile_range_reads_as_national() {
        let mut ranges = 0;
        for pair in 10..=99 {
            for rest in ["00000000", "12345678", "76543210", "55555555", "98765432"] {
                let national = format!("{pair}{rest}");
                let Ok(whole) = phonenumber::parse(None, format!("+91{national}")) else {
                    continue;
                };
                let mobile = matches!(
                    whole.number_type(&phonenumber::metadata::DATABASE),
                    phonenumber::Type::Mobile | phonenumber::Type::FixedLineOrMobile
                );
                if !mobile || !phonenumber::is_valid(&whole) {
                    continue;
                }
                ranges += 1;
                assert_eq!(
                    phone(&national, "IN").expect(&national),
                    format!("+91{national}"),
                    "{national}"
                );
                break;
            }
        }
        assert!(
            ranges >= 30,
            "only {ranges} leading pairs are mobile ranges"
        );
    }

    #[test]
    fn numbers_outside_the_numbering_plan_are_refused() {
        for bad in ["12345", "+91abc", "+91 98765", "98765", "", &"9".repeat(40)] {
            let error = phone(bad, "IN").expect_err(bad);
            assert_eq!(error.errors()[0].field, "phone", "{bad}");
        }
        assert!("XX".parse::<HomeCountry>().is_err());
        assert!("india".parse::<HomeCountry>().is_err());
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
