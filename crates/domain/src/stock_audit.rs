//! Counting stock: the tags or EPCs scanned in a branch against the pieces
//! that should be on its shelves.

use std::collections::{HashMap, HashSet};

use crate::piece::Piece;

/// Why a scanned code was not expected on the shelves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unexpected {
    /// No piece has this tag number or EPC.
    Unknown,
    /// The piece belongs to another branch.
    Elsewhere,
    /// The piece is here but should not be on the shelves (sold, melted, on
    /// approval, at a repairer, in transit).
    NotInStock,
}

impl Unexpected {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Elsewhere => "elsewhere",
            Self::NotInStock => "not_in_stock",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Unknown, Self::Elsewhere, Self::NotInStock]
            .into_iter()
            .find(|u| u.as_str() == text)
    }
}

/// What a count found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Count {
    /// Distinct codes scanned.
    pub scanned: usize,
    pub matched: usize,
    /// Expected on the shelves, not scanned.
    pub missing: Vec<uuid::Uuid>,
    /// Scanned, not expected: the code as scanned, the piece if known, why.
    pub unexpected: Vec<(String, Option<uuid::Uuid>, Unexpected)>,
}

/// Normalizes what a scanner sent: trimmed, upper case, each code once, in
/// the order first scanned.
pub fn distinct_codes(scanned: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    scanned
        .iter()
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty() && seen.insert(c.clone()))
        .collect()
}

/// Compares `codes` (distinct, as from [`distinct_codes`]) scanned in
/// `branch` with `expected` (the pieces that should be on its shelves);
/// `known` are the pieces any code names, wherever they are.
pub fn count(branch: uuid::Uuid, expected: &[Piece], codes: &[String], known: &[Piece]) -> Count {
    let mut by_code: HashMap<&str, &Piece> = HashMap::new();
    for piece in known.iter().chain(expected) {
        by_code.insert(piece.tag_number.as_str(), piece);
        if let Some(epc) = &piece.epc {
            by_code.insert(epc.as_str(), piece);
        }
    }
    let mut found: HashSet<uuid::Uuid> = HashSet::new();
    let mut result = Count {
        scanned: codes.len(),
        ..Count::default()
    };
    for code in codes {
        match by_code.get(code.as_str()) {
            None => result
                .unexpected
                .push((code.clone(), None, Unexpected::Unknown)),
            // Another branch's piece: said so, but its id stays with that
            // branch (a count is read by the counting branch's staff).
            Some(piece) if piece.branch_id != branch => {
                result
                    .unexpected
                    .push((code.clone(), None, Unexpected::Elsewhere));
            }
            Some(piece) if !piece.status.is_in_store() => {
                result
                    .unexpected
                    .push((code.clone(), Some(piece.id), Unexpected::NotInStock));
            }
            // A piece scanned by both its tag and its EPC counts once.
            Some(piece) => {
                found.insert(piece.id);
            }
        }
    }
    result.matched = found.len();
    result.missing = expected
        .iter()
        .filter(|p| !found.contains(&p.id))
        .map(|p| p.id)
        .collect();
    result
}

/// A count as kept: when, where, by whom, and what did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockAudit {
    pub id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub scanned: usize,
    pub matched: usize,
    /// Each piece missing, with its tag number.
    pub missing: Vec<(uuid::Uuid, String)>,
    pub unexpected: Vec<(String, Option<uuid::Uuid>, Unexpected)>,
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub at: chrono::DateTime<chrono::Utc>,
}
