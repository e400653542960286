//! The languages the business writes to its customers in, and a customer
//! may prefer.

use serde::{Deserialize, Serialize};

/// The languages templates are written in (ISO 639-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Hi,
    Ta,
}

impl Language {
    pub const ALL: [Self; 3] = [Self::En, Self::Hi, Self::Ta];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Hi => "hi",
            Self::Ta => "ta",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }
}
