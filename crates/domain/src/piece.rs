//! Pieces: one row per physical piece of jewellery, with its weights, stones,
//! charges, hallmark and where it stands.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::measure::{Carats, Money, Percent, Weight};
use crate::metal::{Metal, Purity};
use crate::pricing::{MakingCharge, PriceInput, StonePrice, Supply};
use crate::validation::{FieldError, Invalid};

/// The number on a piece's tag, printed as a barcode: 1 to 32 upper-case
/// letters, digits and dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagNumber(String);

impl TagNumber {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let tag = text.trim().to_uppercase();
        if (1..=32).contains(&tag.len())
            && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            Ok(Self(tag))
        } else {
            Err(Invalid::field(
                field,
                "format",
                "1 to 32 letters, digits and dashes, such as GR-22-000123",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An RFID tag's EPC in hexadecimal (96 bits is 24 digits), upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Epc(String);

impl Epc {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let epc = text.trim().to_uppercase();
        if (8..=64).contains(&epc.len())
            && epc.len().is_multiple_of(2)
            && epc.bytes().all(|b| b.is_ascii_hexdigit())
        {
            Ok(Self(epc))
        } else {
            Err(Invalid::field(
                field,
                "format",
                "an EPC in hexadecimal, an even number of 8 to 64 digits, such as 3034257BF400B7800004CB2F",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The hallmark unique identification number: six upper-case letters and
/// digits, one per piece.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Huid(String);

impl Huid {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        if text.len() == 6
            && text
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            Ok(Self(text.to_owned()))
        } else {
            Err(Invalid::field(
                field,
                "format",
                "a HUID is six upper-case letters and digits, such as AB12CD",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a piece stands with BIS hallmarking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hallmark {
    /// Hallmarked, with its HUID.
    Marked(Huid),
    /// Not needed by the rule (gold under 2 g, silver, platinum).
    Exempt,
    /// Needed and not yet back from the hallmarking centre: cannot be sold.
    Pending,
}

impl Hallmark {
    pub fn state(&self) -> &'static str {
        match self {
            Self::Marked(_) => "hallmarked",
            Self::Exempt => "exempt",
            Self::Pending => "pending",
        }
    }

    pub fn huid(&self) -> Option<&Huid> {
        match self {
            Self::Marked(huid) => Some(huid),
            _ => None,
        }
    }
}

/// Which pieces may be sold without a HUID (a setting; India's rule by
/// default: gold under 2 g).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HallmarkRule {
    /// The metals whose pieces need a HUID to be sold.
    pub metals: Vec<Metal>,
    /// Pieces lighter than this (gross) need none.
    pub exempt_below: Weight,
}

impl Default for HallmarkRule {
    fn default() -> Self {
        Self {
            metals: vec![Metal::Gold],
            exempt_below: Weight::from_units(2000),
        }
    }
}

impl HallmarkRule {
    pub fn needs_huid(&self, purity: Purity, gross: Weight) -> bool {
        self.metals.contains(&purity.metal()) && gross >= self.exempt_below
    }

    /// The hallmark state of a piece with or without a HUID.
    pub fn hallmark(&self, purity: Purity, gross: Weight, huid: Option<Huid>) -> Hallmark {
        match huid {
            Some(huid) => Hallmark::Marked(huid),
            None if self.needs_huid(purity, gross) => Hallmark::Pending,
            None => Hallmark::Exempt,
        }
    }

    /// Why `piece` cannot be sold, reserved or sent on approval, if it can't.
    pub fn check_sellable(&self, piece: &Piece) -> Result<(), Invalid> {
        if piece.hallmark == Hallmark::Pending {
            return Err(Invalid::field(
                "huid",
                "hallmark_pending",
                format!(
                    "{} pieces of {} g or more need a HUID before they are sold; this one's is pending",
                    piece.purity.metal().as_str(),
                    self.exempt_below
                ),
            ));
        }
        Ok(())
    }
}

/// Where a piece stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PieceStatus {
    InStock,
    Reserved,
    OnApproval,
    Sold,
    Returned,
    InRepair,
    InTransit,
    Melted,
}

impl PieceStatus {
    pub const ALL: [Self; 8] = [
        Self::InStock,
        Self::Reserved,
        Self::OnApproval,
        Self::Sold,
        Self::Returned,
        Self::InRepair,
        Self::InTransit,
        Self::Melted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InStock => "in_stock",
            Self::Reserved => "reserved",
            Self::OnApproval => "on_approval",
            Self::Sold => "sold",
            Self::Returned => "returned",
            Self::InRepair => "in_repair",
            Self::InTransit => "in_transit",
            Self::Melted => "melted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The moves a piece may make; anything else is refused.
    pub fn can_become(self, next: Self) -> bool {
        use PieceStatus::*;
        matches!(
            (self, next),
            (
                InStock,
                Reserved | OnApproval | Sold | InRepair | InTransit | Melted
            ) | (Reserved, InStock | Sold)
                | (OnApproval, InStock | Sold)
                | (Sold, Returned)
                | (Returned, InStock | InRepair | Melted)
                | (InRepair, InStock)
                | (InTransit, InStock)
        )
    }

    /// Whether the piece should be found on the shelves when stock is
    /// counted (not out on approval, at a repairer, on the road, or gone).
    pub fn is_in_store(self) -> bool {
        use PieceStatus::*;
        matches!(self, InStock | Reserved | Returned)
    }

    /// Whether the piece is in the store's hands (counted as stock on hand).
    pub fn is_on_hand(self) -> bool {
        use PieceStatus::*;
        matches!(self, InStock | Reserved | Returned | InRepair | OnApproval)
    }
}

/// A grading certificate of a stone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub lab: String,
    pub number: String,
}

/// A stone, or a set of alike stones, set in a piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stone {
    /// diamond, ruby, emerald, pearl...
    pub kind: String,
    pub count: u32,
    /// The carats of all `count` stones together.
    pub carats: Carats,
    pub shape: Option<String>,
    pub colour: Option<String>,
    pub clarity: Option<String>,
    pub cut: Option<String>,
    pub certificate: Option<Certificate>,
    pub price: StonePrice,
}

/// A charge beyond metal, making and stones (hallmarking fee, certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherCharge {
    pub label: String,
    pub amount: Money,
}

/// A piece's weights in grams: net = gross − stones unless weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    pub gross: Weight,
    pub stones: Weight,
    pub net: Weight,
}

impl Weights {
    /// Weights from what was typed: the stone weight defaults to the stones'
    /// carats at 0.2 g each, the net to gross − stones.
    pub fn resolve(
        gross: Weight,
        stones: Option<Weight>,
        net: Option<Weight>,
        stone_carats: Carats,
    ) -> Result<Self, Invalid> {
        let stones = stones.unwrap_or_else(|| Weight::of_carats(stone_carats));
        if gross.is_zero() {
            return Err(Invalid::field("grossWeight", "too_small", "more than 0"));
        }
        if stones > gross {
            return Err(Invalid::field(
                "stoneWeight",
                "too_large",
                format!("the stones ({stones} g) weigh more than the piece ({gross} g)"),
            ));
        }
        let net = net.unwrap_or(gross - stones);
        if net + stones > gross {
            return Err(Invalid::field(
                "netWeight",
                "too_large",
                format!(
                    "net ({net} g) and stones ({stones} g) weigh more than the piece ({gross} g)"
                ),
            ));
        }
        Ok(Self { gross, stones, net })
    }
}

/// A piece as received into stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPiece {
    pub tag_number: TagNumber,
    pub epc: Option<Epc>,
    pub design_id: Option<uuid::Uuid>,
    pub category: String,
    pub purity: Purity,
    pub weights: Weights,
    pub stones: Vec<Stone>,
    pub making: MakingCharge,
    pub wastage: Percent,
    pub other_charges: Vec<OtherCharge>,
    pub hallmark: Hallmark,
    /// What the store paid; never shown to the sales role.
    pub cost_price: Option<Money>,
    pub branch_id: uuid::Uuid,
    pub images: Vec<String>,
}

impl NewPiece {
    /// The piece's price before tax as a line in the rate.
    pub fn price_line(&self) -> crate::pricing::LinearPrice {
        crate::pricing::LinearPrice::of(&PriceInput {
            net_weight: self.weights.net,
            rate: Money::ZERO,
            wastage: self.wastage,
            making: self.making,
            stones: self.stones.iter().map(|s| (s.carats, s.price)).collect(),
            other_charges: self.other_charges.iter().map(|c| c.amount).collect(),
            discount: Money::ZERO,
            tax_rate: Percent::ZERO,
            supply: Supply::WithinState,
        })
    }
}

/// A piece as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub id: uuid::Uuid,
    pub tag_number: TagNumber,
    pub epc: Option<Epc>,
    pub design_id: Option<uuid::Uuid>,
    pub category: String,
    pub purity: Purity,
    pub weights: Weights,
    pub stones: Vec<Stone>,
    pub making: MakingCharge,
    pub wastage: Percent,
    pub other_charges: Vec<OtherCharge>,
    pub hallmark: Hallmark,
    pub cost_price: Option<Money>,
    pub branch_id: uuid::Uuid,
    pub status: PieceStatus,
    /// Who the piece is held for, while it is reserved.
    pub reservation: Option<Reservation>,
    pub images: Vec<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A hold on a piece for a customer, until a time; it then lapses by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub customer_id: uuid::Uuid,
    pub until: DateTime<Utc>,
}

/// Why a piece may not move to a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefused {
    /// Not a move a piece can make (a sold piece back to stock).
    Illegal { from: PieceStatus, to: PieceStatus },
    /// The move breaks a rule about the piece (HUID pending).
    Invalid(Invalid),
}

impl Piece {
    /// Whether the piece may move to `to` now: a legal move, and one that
    /// leads to a sale only for a piece that may be sold.
    pub fn check_move(&self, to: PieceStatus, rule: &HallmarkRule) -> Result<(), MoveRefused> {
        if !self.status.can_become(to) {
            return Err(MoveRefused::Illegal {
                from: self.status,
                to,
            });
        }
        if matches!(
            to,
            PieceStatus::Reserved | PieceStatus::OnApproval | PieceStatus::Sold
        ) {
            rule.check_sellable(self).map_err(MoveRefused::Invalid)?;
        }
        Ok(())
    }

    /// What the pricing engine needs, at `rate` per gram with no discount.
    pub fn price_input(&self, rate: Money, tax_rate: Percent, supply: Supply) -> PriceInput {
        PriceInput {
            net_weight: self.weights.net,
            rate,
            wastage: self.wastage,
            making: self.making,
            stones: self.stones.iter().map(|s| (s.carats, s.price)).collect(),
            other_charges: self.other_charges.iter().map(|c| c.amount).collect(),
            discount: Money::ZERO,
            tax_rate,
            supply,
        }
    }
}

/// Checks a short descriptive label (stone kind, shape, category): trimmed,
/// lower-cased, 1 to `max` characters.
pub fn check_label(field: &str, text: &str, max: usize) -> Result<String, FieldError> {
    let label = text.trim().to_lowercase();
    let length = label.chars().count();
    if (1..=max).contains(&length) && !label.chars().any(char::is_control) {
        Ok(label)
    } else {
        Err(FieldError::new(
            field,
            "format",
            format!("1 to {max} characters"),
        ))
    }
}

/// Checks the address of an image: an `https://` (or `http://`) URL without
/// spaces, at most 500 characters.
pub fn check_image(field: &str, text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    let address = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    let length = text.chars().count();
    if address.is_some_and(|a| !a.is_empty())
        && length <= 500
        && !text.chars().any(char::is_whitespace)
    {
        Ok(text.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "format",
            "an https:// address of at most 500 characters",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str) -> Weight {
        Weight::parse("x", text).expect("weight")
    }

    #[test]
    fn huids_are_six_upper_case_letters_and_digits() {
        assert!(Huid::parse("huid", "AB12CD").is_ok());
        for bad in ["ab12cd", "AB12C", "AB12CDE", "AB-2CD", ""] {
            assert_eq!(
                Huid::parse("huid", bad).expect_err(bad).errors()[0].field,
                "huid"
            );
        }
    }

    #[test]
    fn gold_of_2_g_or_more_needs_a_huid() {
        let rule = HallmarkRule::default();
        let gold = Purity::parse("f", Metal::Gold, 916).expect("22K");
        let silver = Purity::parse("f", Metal::Silver, 925).expect("sterling");
        assert_eq!(rule.hallmark(gold, grams("1.999"), None), Hallmark::Exempt);
        assert_eq!(rule.hallmark(gold, grams("2.000"), None), Hallmark::Pending);
        assert_eq!(rule.hallmark(silver, grams("50"), None), Hallmark::Exempt);
        let huid = Huid::parse("huid", "AB12CD").expect("huid");
        assert_eq!(
            rule.hallmark(gold, grams("5"), Some(huid.clone())),
            Hallmark::Marked(huid)
        );
    }

    #[test]
    fn only_legal_moves() {
        use PieceStatus::*;
        assert!(InStock.can_become(Reserved));
        assert!(Reserved.can_become(Sold));
        assert!(Sold.can_become(Returned));
        assert!(!Sold.can_become(InStock));
        assert!(!Melted.can_become(InStock));
        assert!(!InTransit.can_become(Sold));
        for status in PieceStatus::ALL {
            assert!(!status.can_become(status), "{status:?} to itself");
            assert_eq!(PieceStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn net_weight_is_gross_less_stones_unless_weighed() {
        let carats = Carats::parse("x", "1.5").expect("ct");
        let weights = Weights::resolve(grams("5.000"), None, None, carats).expect("ok");
        assert_eq!(weights.stones, grams("0.300"));
        assert_eq!(weights.net, grams("4.700"));
        let weighed = Weights::resolve(grams("5"), None, Some(grams("4.650")), carats).expect("ok");
        assert_eq!(weighed.net, grams("4.650"));
        let error = Weights::resolve(grams("5"), Some(grams("1")), Some(grams("4.5")), carats)
            .expect_err("too heavy");
        assert_eq!(error.errors()[0].field, "netWeight");
        assert!(Weights::resolve(grams("0"), None, None, Carats::ZERO).is_err());
    }
}
