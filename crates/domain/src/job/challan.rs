//! Artisans (karigars) and the challans that take a job's metal to them
//! and bring it back. A challan is one metal at one fineness, so gold and
//! silver are reconciled apart; it may come back in parts, and the receipt
//! that closes it reconciles it: the loss is what went out less what came
//! back, a stone lost counting 0.2 g a carat; more back than went out is
//! refused; a loss beyond the allowed wastage needs a reason and flags it.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::measure::{Carats, Percent, Weight};
use crate::metal::Metal;
use crate::validation::Invalid;

/// An artisan the store sends work to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artisan {
    pub id: uuid::Uuid,
    pub name: String,
    pub phone: Option<String>,
    /// The wastage allowed on a challan unless it says otherwise.
    pub default_wastage: Percent,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Where a challan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallanStatus {
    /// With the artisan, nothing back yet.
    Open,
    /// Part of it back; the rest stays open.
    PartlyReceived,
    /// Back and reconciled.
    Closed,
}

impl ChallanStatus {
    pub const ALL: [Self; 3] = [Self::Open, Self::PartlyReceived, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::PartlyReceived => "partly_received",
            Self::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Metal of a job sent to an artisan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challan {
    pub id: uuid::Uuid,
    /// Without gaps per branch and financial year: `MUM1/CHL/2026-27/000001`.
    pub number: String,
    pub financial_year: String,
    pub branch_id: uuid::Uuid,
    pub job_id: uuid::Uuid,
    pub artisan_id: uuid::Uuid,
    pub metal: Metal,
    /// As tested, 1 to 999.
    pub fineness: u16,
    pub gross_weight: Weight,
    /// Stones in the item, in carats.
    pub stones: Carats,
    pub allowed_wastage: Percent,
    pub status: ChallanStatus,
    /// The loss beyond the allowed wastage, once closed.
    pub flagged: bool,
    pub loss_reason: Option<String>,
    pub issued_by: uuid::Uuid,
    pub issued_at: DateTime<Utc>,
    pub receipts: Vec<ChallanReceipt>,
    pub version: i32,
}

/// Part or all of a challan back from the artisan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallanReceipt {
    pub id: uuid::Uuid,
    pub challan_id: uuid::Uuid,
    pub gross_weight: Weight,
    pub stones: Carats,
    /// The last part: the challan is reconciled and closed.
    pub closes: bool,
    pub received_by: uuid::Uuid,
    pub received_at: DateTime<Utc>,
}

/// What a closed challan comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconciliation {
    /// Metal lost: the weight gone less the stones gone.
    pub metal_loss: Weight,
    pub stone_loss: Carats,
    /// The metal lost as a share of the metal sent.
    pub loss_percent: Percent,
    pub beyond_allowance: bool,
}

/// Why a receipt is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptRefused {
    /// Closed by an earlier receipt: 409.
    Closed,
    /// A field: more back than went out, a loss beyond the allowance
    /// without a reason.
    Invalid(Invalid),
}

/// Grams in `carats` of stone.
fn grams(carats: Carats) -> Decimal {
    Weight::of_carats(carats).value()
}

impl Challan {
    /// The metal sent, without its stones.
    pub fn net_weight(&self) -> Weight {
        Weight::rounded(self.gross_weight.value() - grams(self.stones))
    }

    /// The fine metal sent: the net weight at its fineness, rounded down
    /// to the milligram.
    pub fn fine_weight(&self) -> Weight {
        super::fine_of(self.net_weight(), self.fineness)
    }

    /// What came back so far: gross weight and stones.
    pub fn received(&self) -> (Weight, Carats) {
        let gross: Decimal = self.receipts.iter().map(|r| r.gross_weight.value()).sum();
        let stones: Decimal = self.receipts.iter().map(|r| r.stones.value()).sum();
        (Weight::rounded(gross), Carats::rounded(stones))
    }

    /// Checks a receipt of `gross` and `stones` (`closes`: the last part,
    /// with `reason` for a loss beyond the allowance) and, for the last,
    /// what the challan comes to.
    pub fn check_receipt(
        &self,
        gross: Weight,
        stones: Carats,
        closes: bool,
        reason: Option<&str>,
    ) -> Result<Option<Reconciliation>, ReceiptRefused> {
        if self.status == ChallanStatus::Closed {
            return Err(ReceiptRefused::Closed);
        }
        let refuse = |field: &str, code: &str, message: String| {
            Err(ReceiptRefused::Invalid(Invalid::field(
                field, code, message,
            )))
        };
        let (back, stones_back) = self.received();
        let back = back.value() + gross.value();
        let stones_back = stones_back.value() + stones.value();
        if back > self.gross_weight.value() {
            return refuse(
                "grossWeight",
                "more_than_issued",
                format!("{} went out; more cannot come back", self.gross_weight),
            );
        }
        if stones_back > self.stones.value() {
            return refuse(
                "stonesCarats",
                "more_than_issued",
                format!("{} ct went out; more cannot come back", self.stones),
            );
        }
        if !closes {
            return Ok(None);
        }
        let reconciled = self.reconcile(back, stones_back);
        if reconciled.metal_loss.value() < Decimal::ZERO {
            return refuse(
                "grossWeight",
                "more_than_issued",
                "more metal came back than went out".to_owned(),
            );
        }
        if reconciled.beyond_allowance && reason.is_none_or(|r| r.trim().is_empty()) {
            return refuse(
                "lossReason",
                "required",
                format!(
                    "a loss of {}% is beyond the {}% allowed: say why",
                    reconciled.loss_percent, self.allowed_wastage
                ),
            );
        }
        Ok(Some(reconciled))
    }

    /// The reconciliation of a closed challan.
    pub fn reconciliation(&self) -> Option<Reconciliation> {
        if self.status != ChallanStatus::Closed {
            return None;
        }
        let (back, stones_back) = self.received();
        Some(self.reconcile(back.value(), stones_back.value()))
    }

    /// What the challan comes to with `back` grams and `stones_back`
    /// carats received in all: the metal loss is the weight gone less the
    /// stones gone (negative when more metal came back).
    fn reconcile(&self, back: Decimal, stones_back: Decimal) -> Reconciliation {
        let stone_loss = self.stones.value() - stones_back;
        let metal_loss = self.gross_weight.value() - back - grams(Carats::rounded(stone_loss));
        let sent = self.net_weight().value();
        let loss_percent = if sent.is_zero() {
            Percent::ZERO
        } else {
            Percent::rounded(metal_loss * Decimal::ONE_HUNDRED / sent)
        };
        Reconciliation {
            metal_loss: Weight::rounded(metal_loss),
            stone_loss: Carats::rounded(stone_loss),
            loss_percent,
            beyond_allowance: loss_percent.value() > self.allowed_wastage.value(),
        }
    }

    /// Days it has been out at `now` (job-work goods not back within a
    /// year become a supply: flagged at 300 days).
    pub fn days_out(&self, now: DateTime<Utc>) -> i64 {
        (now - self.issued_at).num_days().max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain() -> Challan {
        let at = DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .expect("at")
            .with_timezone(&Utc);
        Challan {
            id: uuid::Uuid::now_v7(),
            number: "MUM1/CHL/2026-27/000001".to_owned(),
            financial_year: "2026-27".to_owned(),
            branch_id: uuid::Uuid::now_v7(),
            job_id: uuid::Uuid::now_v7(),
            artisan_id: uuid::Uuid::now_v7(),
            metal: Metal::Gold,
            fineness: 916,
            gross_weight: Weight::from_units(12_480),
            stones: Carats::ZERO,
            allowed_wastage: Percent::from_units(100),
            status: ChallanStatus::Open,
            flagged: false,
            loss_reason: None,
            issued_by: uuid::Uuid::now_v7(),
            issued_at: at,
            receipts: Vec::new(),
            version: 1,
        }
    }

    #[test]
    fn the_worked_chain_comes_back_within_its_wastage() {
        let challan = chain();
        assert_eq!(challan.fine_weight().to_string(), "11.431");
        let reconciled = challan
            .check_receipt(Weight::from_units(12_410), Carats::ZERO, true, None)
            .expect("within 1%")
            .expect("closed");
        assert_eq!(reconciled.metal_loss.to_string(), "0.070");
        assert_eq!(reconciled.loss_percent.to_string(), "0.56");
        assert!(!reconciled.beyond_allowance);
    }

    #[test]
    fn more_back_than_out_is_refused_and_a_large_loss_needs_its_reason() {
        let challan = chain();
        let over = challan.check_receipt(Weight::from_units(12_481), Carats::ZERO, false, None);
        assert!(
            matches!(over, Err(ReceiptRefused::Invalid(ref i)) if i.errors()[0].field == "grossWeight")
        );
        let lossy = challan.check_receipt(Weight::from_units(12_300), Carats::ZERO, true, None);
        assert!(
            matches!(lossy, Err(ReceiptRefused::Invalid(ref i)) if i.errors()[0].field == "lossReason")
        );
        let told = challan
            .check_receipt(
                Weight::from_units(12_300),
                Carats::ZERO,
                true,
                Some("Solder"),
            )
            .expect("with a reason")
            .expect("closed");
        assert!(told.beyond_allowance);
        let mut closed = chain();
        closed.status = ChallanStatus::Closed;
        assert_eq!(
            closed.check_receipt(Weight::from_units(1), Carats::ZERO, true, None),
            Err(ReceiptRefused::Closed)
        );
    }

    #[test]
    fn a_stone_lost_counts_a_fifth_of_a_gram_a_carat() {
        let mut challan = chain();
        challan.gross_weight = Weight::from_units(5_200);
        challan.stones = Carats::parse("x", "1.000").expect("1 ct");
        // 0.2 g of stone gone and 0.020 g of metal: 0.4% of 5.000 g.
        let reconciled = challan
            .check_receipt(Weight::from_units(4_980), Carats::ZERO, true, None)
            .expect("within 1%")
            .expect("closed");
        assert_eq!(reconciled.stone_loss.to_string(), "1.000");
        assert_eq!(reconciled.metal_loss.to_string(), "0.020");
        assert_eq!(reconciled.loss_percent.to_string(), "0.40");
    }
}
