//! The customer's metal: what a customer hands over for their orders,
//! kept per customer and metal in fine grams (gross weight times tested
//! fineness, rounded down to the milligram, as a challan's fine weight).
//! It goes out used on a job, given back, or bought by the store (an
//! old-gold purchase, without GST); never below nothing.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::measure::{Money, Weight};
use crate::metal::Metal;
use crate::validation::Invalid;

/// Gross weight of `fineness` (parts in 1000) in fine grams, rounded down
/// to the milligram: the customer is never credited metal the piece does
/// not hold.
pub fn fine_of(gross: Weight, fineness: u16) -> Weight {
    let fine = gross.value() * Decimal::from(fineness) / Decimal::from(1000);
    Weight::rounded(fine.round_dp_with_strategy(3, rust_decimal::RoundingStrategy::ToZero))
}

/// What an entry of the customer's metal records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetalEntryKind {
    /// Handed over by the customer, weighed and tested.
    Received,
    /// Put into one of the customer's jobs.
    Used,
    /// Given back to the customer.
    Returned,
    /// Bought by the store at the day's fine rate.
    Bought,
}

impl MetalEntryKind {
    pub const ALL: [Self; 4] = [Self::Received, Self::Used, Self::Returned, Self::Bought];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Used => "used",
            Self::Returned => "returned",
            Self::Bought => "bought",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether it adds to the balance (else it takes from it).
    pub fn adds(self) -> bool {
        self == Self::Received
    }
}

/// One line of a customer's metal account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetalEntry {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub metal: Metal,
    pub kind: MetalEntryKind,
    /// Fine grams, more than zero; [`MetalEntry::change`] has its sign.
    pub fine_weight: Weight,
    /// As weighed and tested, for metal received.
    pub gross_weight: Option<Weight>,
    pub fineness: Option<u16>,
    /// The job it came for or went into.
    pub job_id: Option<uuid::Uuid>,
    /// For metal bought: the fine rate a gram and what it came to.
    pub rate: Option<Money>,
    pub value: Option<Money>,
    pub note: Option<String>,
    pub created_by: uuid::Uuid,
    pub created_at: DateTime<Utc>,
}

impl MetalEntry {
    /// The change to the balance, in milligrams: plus for metal received.
    pub fn change(&self) -> i64 {
        if self.kind.adds() {
            self.fine_weight.units()
        } else {
            -self.fine_weight.units()
        }
    }
}

/// What an entry is asked with, besides its kind and metal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetalAsked {
    pub gross_weight: Option<Weight>,
    pub fineness: Option<u16>,
    pub fine_weight: Option<Weight>,
    pub job_id: Option<uuid::Uuid>,
    pub rate: Option<Money>,
}

/// The fine weight an entry of `kind` moves, from what was asked: metal
/// received is weighed and tested (gross weight and fineness, nothing
/// else); metal going out names its fine weight; a use names its job; a
/// purchase its fine rate. Returns the fine weight and, for a purchase,
/// its value.
pub fn check_entry(
    kind: MetalEntryKind,
    asked: &MetalAsked,
) -> Result<(Weight, Option<Money>), Invalid> {
    let required = |field: &str, what: &str| Invalid::field(field, "required", what);
    let unexpected = |field: &str, what: &str| Invalid::field(field, "unexpected", what);
    let fine = if kind == MetalEntryKind::Received {
        if asked.fine_weight.is_some() {
            return Err(unexpected(
                "fineWeight",
                "metal received is weighed and tested: its grossWeight and fineness",
            ));
        }
        let gross = asked
            .gross_weight
            .ok_or_else(|| required("grossWeight", "the weight handed over"))?;
        let fineness = asked
            .fineness
            .ok_or_else(|| required("fineness", "the fineness tested, 1 to 999"))?;
        if !(1..=999).contains(&fineness) {
            return Err(Invalid::field("fineness", "range", "1 to 999"));
        }
        fine_of(gross, fineness)
    } else {
        if asked.gross_weight.is_some() || asked.fineness.is_some() {
            return Err(unexpected(
                "grossWeight",
                "metal going out names its fineWeight",
            ));
        }
        asked
            .fine_weight
            .ok_or_else(|| required("fineWeight", "the fine grams going out"))?
    };
    if fine.units() <= 0 {
        return Err(Invalid::field(
            if kind == MetalEntryKind::Received {
                "grossWeight"
            } else {
                "fineWeight"
            },
            "too_small",
            "at least 0.001 fine grams",
        ));
    }
    match (kind, asked.job_id, asked.rate) {
        (MetalEntryKind::Used, None, _) => Err(required("jobId", "the job it goes into")),
        (MetalEntryKind::Bought, _, None) => Err(required("rate", "the fine rate a gram")),
        (MetalEntryKind::Bought, _, Some(rate)) => Ok((fine, Some(fine.at(rate)))),
        (_, _, Some(_)) => Err(unexpected("rate", "only for metal bought")),
        _ => Ok((fine, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metal_received_counts_its_fine_grams_rounded_down() {
        assert_eq!(
            fine_of(Weight::from_units(12_480), 916).to_string(),
            "11.431"
        );
        let asked = MetalAsked {
            gross_weight: Some(Weight::from_units(10_000)),
            fineness: Some(916),
            ..MetalAsked::default()
        };
        let (fine, value) = check_entry(MetalEntryKind::Received, &asked).expect("valid");
        assert_eq!(fine.to_string(), "9.160");
        assert_eq!(value, None);
    }

    #[test]
    fn metal_going_out_names_its_fine_weight_and_a_purchase_its_rate() {
        let out = MetalAsked {
            fine_weight: Some(Weight::from_units(2_000)),
            ..MetalAsked::default()
        };
        assert!(check_entry(MetalEntryKind::Used, &out).is_err(), "no job");
        assert!(check_entry(MetalEntryKind::Returned, &out).is_ok());
        let bought = MetalAsked {
            rate: Some(Money::from_units(1_400_000)),
            ..out.clone()
        };
        let (_, value) = check_entry(MetalEntryKind::Bought, &bought).expect("valid");
        assert_eq!(value.map(|v| v.to_string()), Some("28000.00".to_owned()));
        assert!(check_entry(MetalEntryKind::Received, &out).is_err());
    }
}
