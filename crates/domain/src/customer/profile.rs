//! What a jeweller knows about a customer beyond name and mobile: other
//! phones, addresses, tastes, budget, tags, notes, who looks after them,
//! where they came from and their id in other systems.

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::language::Language;
use crate::metal::{Metal, is_known_fineness};

/// The part of a customer record that is neither identity nor occasions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// E.164, without the main mobile.
    pub other_phones: Vec<String>,
    pub addresses: Vec<Address>,
    pub preferences: Preferences,
    pub budget_band: Option<BudgetBand>,
    /// Lower case, unique, sorted.
    pub tags: Vec<String>,
    pub notes: Option<String>,
    /// The sales person who looks after the customer.
    pub assigned_staff_id: Option<uuid::Uuid>,
    pub source: Source,
    /// The customer's id in an ERP or e-commerce system; unique.
    pub external_id: Option<String>,
}

/// How the customer first came to the business.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[default]
    WalkIn,
    Referral,
    Website,
    Campaign,
    Import,
}

impl Source {
    pub const ALL: [Self; 5] = [
        Self::WalkIn,
        Self::Referral,
        Self::Website,
        Self::Campaign,
        Self::Import,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::WalkIn => "walk_in",
            Self::Referral => "referral",
            Self::Website => "website",
            Self::Campaign => "campaign",
            Self::Import => "import",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What the customer means to spend on a purchase, in rupees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BudgetBand {
    #[serde(rename = "up_to_50k")]
    UpTo50k,
    #[serde(rename = "50k_to_2l")]
    From50kTo2l,
    #[serde(rename = "2l_to_5l")]
    From2lTo5l,
    #[serde(rename = "5l_to_10l")]
    From5lTo10l,
    #[serde(rename = "over_10l")]
    Over10l,
}

impl BudgetBand {
    pub const ALL: [Self; 5] = [
        Self::UpTo50k,
        Self::From50kTo2l,
        Self::From2lTo5l,
        Self::From5lTo10l,
        Self::Over10l,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::UpTo50k => "up_to_50k",
            Self::From50kTo2l => "50k_to_2l",
            Self::From2lTo5l => "2l_to_5l",
            Self::From5lTo10l => "5l_to_10l",
            Self::Over10l => "over_10l",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == text)
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// `home`, `office`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

impl Address {
    /// Trims every part and checks lengths, the country code and, in India,
    /// the 6-digit PIN code.
    pub fn check(self, field: &str, errors: &mut Vec<FieldError>) -> Self {
        let trimmed = |s: Option<String>| {
            s.map(|s| s.trim().to_owned())
                .filter(|s: &String| !s.is_empty())
        };
        let address = Self {
            label: trimmed(self.label),
            line1: self.line1.trim().to_owned(),
            line2: trimmed(self.line2),
            city: self.city.trim().to_owned(),
            state: trimmed(self.state),
            pin_code: trimmed(self.pin_code),
            country: self.country.trim().to_uppercase(),
        };
        let mut text = |name: &str, value: Option<&str>, required: bool, max: usize| match value {
            None | Some("") if required => errors.push(FieldError::new(
                format!("{field}.{name}"),
                "required",
                "must not be blank",
            )),
            Some(v) if v.chars().count() > max => errors.push(FieldError::new(
                format!("{field}.{name}"),
                "too_long",
                format!("at most {max} characters"),
            )),
            _ => {}
        };
        text("label", address.label.as_deref(), false, 40);
        text("line1", Some(&address.line1), true, 200);
        text("line2", address.line2.as_deref(), false, 200);
        text("city", Some(&address.city), true, 100);
        text("state", address.state.as_deref(), false, 100);
        if address.country.len() != 2 || !address.country.bytes().all(|b| b.is_ascii_uppercase()) {
            errors.push(FieldError::new(
                format!("{field}.country"),
                "format",
                "an ISO 3166-1 alpha-2 code such as IN",
            ));
        }
        if let Some(pin) = &address.pin_code {
            let indian = address.country == "IN";
            let postal = (2..=12).contains(&pin.len())
                && pin
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-'));
            if !postal {
                errors.push(FieldError::new(
                    format!("{field}.pinCode"),
                    "format",
                    "2 to 12 letters, digits, spaces or -",
                ));
            } else if indian
                && !(pin.len() == 6
                    && pin.bytes().all(|b| b.is_ascii_digit())
                    && !pin.starts_with('0'))
            {
                errors.push(FieldError::new(
                    format!("{field}.pinCode"),
                    "indian_pin",
                    "a 6-digit PIN code such as 600017",
                ));
            }
        }
        address
    }
}

/// What the customer likes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    #[serde(default)]
    pub metals: Vec<Metal>,
    /// Fineness in parts per thousand (916 is 22K).
    #[serde(default)]
    pub purities: Vec<u16>,
    /// `ring`, `chain`, `necklace`, ...
    #[serde(default)]
    pub categories: Vec<String>,
    /// `temple`, `antique`, `minimal`, ...
    #[serde(default)]
    pub styles: Vec<String>,
    /// The language messages to them are written in (the business's
    /// default when not said).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

impl Preferences {
    pub fn is_empty(&self) -> bool {
        self.metals.is_empty()
            && self.purities.is_empty()
            && self.categories.is_empty()
            && self.styles.is_empty()
            && self.language.is_none()
    }

    /// Removes repeats, lower-cases words and checks purities are real grades.
    pub fn check(mut self, field: &str, errors: &mut Vec<FieldError>) -> Self {
        if self.metals.len() > 3 {
            errors.push(FieldError::new(
                format!("{field}.metals"),
                "too_many",
                "at most 3",
            ));
        }
        if self.purities.len() > 20 {
            errors.push(FieldError::new(
                format!("{field}.purities"),
                "too_many",
                "at most 20",
            ));
        }
        self.metals.sort();
        self.metals.dedup();
        for (i, fineness) in self.purities.iter().enumerate() {
            if !is_known_fineness(*fineness) {
                errors.push(FieldError::new(
                    format!("{field}.purities[{i}]"),
                    "unknown_grade",
                    "a fineness a jeweller sells, such as 916, 750 or 925",
                ));
            }
        }
        self.purities.sort_unstable_by(|a, b| b.cmp(a));
        self.purities.dedup();
        self.categories = words(
            &format!("{field}.categories"),
            std::mem::take(&mut self.categories),
            errors,
        );
        self.styles = words(
            &format!("{field}.styles"),
            std::mem::take(&mut self.styles),
            errors,
        );
        self
    }
}

/// Lower-cased short labels, each 1 to 40 characters once trimmed, without
/// control characters, `,` or `;` (they part labels in a CSV cell); at most
/// 20, repeats dropped, sorted.
pub fn words(field: &str, list: Vec<String>, errors: &mut Vec<FieldError>) -> Vec<String> {
    if list.len() > 20 {
        errors.push(FieldError::new(field, "too_many", "at most 20"));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, word) in list.into_iter().enumerate() {
        let word = word.trim().to_lowercase();
        let valid = (1..=40).contains(&word.chars().count())
            && !word
                .chars()
                .any(|c| c.is_control() || matches!(c, ',' | ';'));
        if valid {
            out.push(word);
        } else {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                "format",
                "1 to 40 characters on one line, without , or ;",
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// An id in another system: 1 to 64 printable characters without spaces.
pub fn check_external_id(field: &str, text: &str, errors: &mut Vec<FieldError>) -> String {
    let text = text.trim().to_owned();
    let valid = (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        errors.push(FieldError::new(
            field,
            "format",
            "1 to 64 printable characters without spaces",
        ));
    }
    text
}

/// Free-text notes: at most 4000 characters; blank means none.
pub fn check_notes(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let text = text.trim();
    if text.chars().count() > 4000 {
        errors.push(FieldError::new(
            field,
            "too_long",
            "at most 4000 characters",
        ));
    }
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_checked() {
        let mut errors = Vec::new();
        let address = Address {
            label: Some(" home ".into()),
            line1: " 12 Usman Road ".into(),
            line2: Some("  ".into()),
            city: "Chennai".into(),
            state: Some("Tamil Nadu".into()),
            pin_code: Some("600017".into()),
            country: "in".into(),
        }
        .check("addresses[0]", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(address.line1, "12 Usman Road");
        assert_eq!(address.line2, None);
        assert_eq!(address.country, "IN");

        let _ = Address {
            label: None,
            line1: " ".into(),
            line2: None,
            city: "Chennai".into(),
            state: None,
            pin_code: Some("60001".into()),
            country: "IN".into(),
        }
        .check("addresses[1]", &mut errors);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["addresses[1].line1", "addresses[1].pinCode"]);
    }

    #[test]
    fn preferences_drop_repeats_and_unknown_grades() {
        let mut errors = Vec::new();
        let preferences = Preferences {
            metals: vec![Metal::Gold, Metal::Gold, Metal::Silver],
            purities: vec![750, 916, 916],
            categories: vec!["Ring".into(), "ring".into(), "Temple Necklace".into()],
            styles: vec![],
            language: Some(Language::Ta),
        }
        .check("preferences", &mut errors);
        assert!(errors.is_empty());
        assert_eq!(preferences.metals, [Metal::Gold, Metal::Silver]);
        assert_eq!(preferences.purities, [916, 750]);
        assert_eq!(preferences.categories, ["ring", "temple necklace"]);

        let _ = Preferences {
            purities: vec![917],
            ..Preferences::default()
        }
        .check("preferences", &mut errors);
        assert_eq!(errors[0].field, "preferences.purities[0]");
    }

    #[test]
    fn budget_bands_and_sources_round_trip() {
        for band in BudgetBand::ALL {
            assert_eq!(BudgetBand::parse(band.as_str()), Some(band));
        }
        for source in Source::ALL {
            assert_eq!(Source::parse(source.as_str()), Some(source));
        }
    }
}
