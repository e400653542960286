//! Precious metals and their purity grades (fineness in parts per thousand).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metal {
    Gold,
    Silver,
    Platinum,
}

impl Metal {
    pub const ALL: [Self; 3] = [Self::Gold, Self::Silver, Self::Platinum];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gold => "gold",
            Self::Silver => "silver",
            Self::Platinum => "platinum",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// The grades a jeweller sells this metal in, finest first (domain.md "Purity").
    pub fn grades(self) -> &'static [u16] {
        match self {
            Self::Gold => &[999, 995, 958, 916, 833, 750, 585, 375],
            Self::Silver => &[999, 990, 970, 958, 925, 900, 835, 800],
            Self::Platinum => &[950, 900],
        }
    }
}

/// A metal at one of its grades: what a rate is set for and a piece is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purity {
    metal: Metal,
    fineness: u16,
}

impl Purity {
    /// `metal` at `fineness`, which must be one of the metal's grades;
    /// the error names `field` (the fineness as the client sent it).
    pub fn parse(field: &str, metal: Metal, fineness: u16) -> Result<Self, crate::Invalid> {
        if metal.grades().contains(&fineness) {
            Ok(Self { metal, fineness })
        } else {
            Err(crate::Invalid::field(
                field,
                "unknown_grade",
                format!(
                    "{} is sold at fineness {}",
                    metal.as_str(),
                    metal
                        .grades()
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    }

    pub fn metal(self) -> Metal {
        self.metal
    }

    pub fn fineness(self) -> u16 {
        self.fineness
    }
}

/// Whether `fineness` is a grade of some metal.
pub fn is_known_fineness(fineness: u16) -> bool {
    Metal::ALL.iter().any(|m| m.grades().contains(&fineness))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metals_round_trip_and_know_their_grades() {
        for metal in Metal::ALL {
            assert_eq!(Metal::parse(metal.as_str()), Some(metal));
        }
        assert!(Metal::Gold.grades().contains(&916));
        assert!(is_known_fineness(925));
        assert!(!is_known_fineness(917));
        assert!(Purity::parse("fineness", Metal::Gold, 916).is_ok());
        let error = Purity::parse("fineness", Metal::Platinum, 916).expect_err("no 916 platinum");
        assert_eq!(error.errors()[0].field, "fineness");
    }
}
