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
    }
}
