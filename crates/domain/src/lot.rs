//! Lots: stock sold by count (coins, loose stones) or by weight (chain by
//! the gram), with a quantity on hand per branch.

use chrono::{DateTime, Utc};

use crate::measure::Weight;
use crate::metal::Purity;
use crate::validation::Invalid;

/// How a lot is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotUnit {
    /// Pieces: a whole number.
    Count,
    /// Grams with 3 places, kept in milligrams.
    Weight,
}

impl LotUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Weight => "weight",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Count, Self::Weight]
            .into_iter()
            .find(|u| u.as_str() == text)
    }

    /// A positive quantity as a client writes it (`"12"`, `"25.500"`), in
    /// whole units (pieces or milligrams).
    pub fn parse_quantity(self, field: &str, text: &str) -> Result<i64, Invalid> {
        let units = match self {
            Self::Count => text
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|_| text.trim().bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| Invalid::field(field, "format", "a whole number of pieces"))?,
            Self::Weight => Weight::parse(field, text)?.units(),
        };
        if units <= 0 || units > 1_000_000_000_000 {
            return Err(Invalid::field(
                field,
                "range",
                "more than 0, at most 1000000000000",
            ));
        }
        Ok(units)
    }

    /// Whole units written as a client reads them.
    pub fn format(self, units: i64) -> String {
        match self {
            Self::Count => units.to_string(),
            Self::Weight if units < 0 => format!("-{}", Weight::from_units(-units)),
            Self::Weight => Weight::from_units(units).to_string(),
        }
    }
}

/// What moved a lot's stock at a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotMovementKind {
    Receipt,
    TransferOut,
    TransferIn,
    Sale,
    Return,
    /// A correction after a count, with a reason; either way.
    Adjustment,
}

impl LotMovementKind {
    pub const ALL: [Self; 6] = [
        Self::Receipt,
        Self::TransferOut,
        Self::TransferIn,
        Self::Sale,
        Self::Return,
        Self::Adjustment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::TransferOut => "transfer_out",
            Self::TransferIn => "transfer_in",
            Self::Sale => "sale",
            Self::Return => "return",
            Self::Adjustment => "adjustment",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLot {
    pub code: String,
    pub name: String,
    pub category: String,
    pub unit: LotUnit,
    pub purity: Option<Purity>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
    pub category: String,
    pub unit: LotUnit,
    pub purity: Option<Purity>,
    /// On hand per branch, in whole units, as stored.
    pub on_hand: Vec<(uuid::Uuid, i64)>,
    /// On hand per branch summed from the ledger: always equal to `on_hand`.
    pub ledger: Vec<(uuid::Uuid, i64)>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_by_count_or_weight() {
        assert_eq!(LotUnit::Count.parse_quantity("q", "12").expect("12"), 12);
        assert!(LotUnit::Count.parse_quantity("q", "1.5").is_err());
        assert!(LotUnit::Count.parse_quantity("q", "0").is_err());
        assert!(LotUnit::Count.parse_quantity("q", "-3").is_err());
        assert_eq!(
            LotUnit::Weight.parse_quantity("q", "25.5").expect("g"),
            25_500
        );
        assert_eq!(LotUnit::Weight.format(25_500), "25.500");
        assert_eq!(LotUnit::Weight.format(-500), "-0.500");
        assert_eq!(LotUnit::Count.format(12), "12");
    }
}
