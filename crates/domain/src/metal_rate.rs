//! Metal rates: what a gram of each metal at each grade sells for, set by the
//! store (usually every morning, sometimes again in the afternoon).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::measure::Money;
use crate::metal::Purity;
use crate::validation::Invalid;

/// The bullion association's morning or afternoon rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RateSession {
    Am,
    Pm,
}

impl RateSession {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Am => "AM",
            Self::Pm => "PM",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Am, Self::Pm]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// An ISO 4217 currency code (`INR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Currency(String);

impl Currency {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let code = text.trim().to_uppercase();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(Invalid::field(
                field,
                "format",
                "a three-letter ISO 4217 code such as INR",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A rate to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMetalRate {
    pub purity: Purity,
    pub per_gram: Money,
    pub currency: Currency,
    /// From when the rate applies; may be ahead (tomorrow morning's rate).
    pub effective_at: DateTime<Utc>,
    pub session: Option<RateSession>,
    /// Where it came from (`IBJA`, `association`, `manual`).
    pub source: Option<String>,
}

/// A rate as set, kept for ever: bills point at the rates they used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetalRate {
    pub id: uuid::Uuid,
    pub purity: Purity,
    pub per_gram: Money,
    pub currency: Currency,
    pub effective_at: DateTime<Utc>,
    pub session: Option<RateSession>,
    pub source: Option<String>,
    pub set_by: uuid::Uuid,
    pub created_at: DateTime<Utc>,
}

/// The rates in force at one moment, one per purity at most.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrentRates {
    pub rates: Vec<MetalRate>,
    /// When a rate set ahead takes over, so a cached copy knows to expire.
    pub next_change_at: Option<DateTime<Utc>>,
}

impl CurrentRates {
    /// Each grade's rate in the smallest unit (paise) per gram, as the
    /// database compares them: `(metal, fineness, per gram)`.
    pub fn table(&self) -> Vec<(crate::metal::Metal, u16, i64)> {
        self.rates
            .iter()
            .map(|r| (r.purity.metal(), r.purity.fineness(), r.per_gram.units()))
            .collect()
    }

    pub fn for_purity(&self, purity: Purity) -> Option<&MetalRate> {
        self.rates.iter().find(|r| r.purity == purity)
    }
}

/// Checks a source label: 1 to 60 printable characters.
pub fn check_source(field: &str, text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    let length = text.chars().count();
    if (1..=60).contains(&length) && !text.chars().any(char::is_control) {
        Ok(text.to_owned())
    } else {
        Err(Invalid::field(field, "format", "1 to 60 characters"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_and_currencies_parse() {
        assert_eq!(RateSession::parse("AM"), Some(RateSession::Am));
        assert_eq!(RateSession::parse("am"), None);
        assert_eq!(Currency::parse("c", " inr ").expect("INR").as_str(), "INR");
        assert!(Currency::parse("c", "RUPEE").is_err());
        assert!(check_source("s", "  ").is_err());
        assert_eq!(check_source("s", " IBJA ").expect("ok"), "IBJA");
    }
}
