//! The parts of a price on the wire: the making charge as sent, and the
//! lines of a price breakup as a piece's live price and a bill's lines show
//! them (inventory and billing both).

use jewel_domain::Invalid;
use jewel_domain::measure::{Money, Percent};
use jewel_domain::pricing::TaxKind;
use jewel_domain::pricing::{MakingCharge, MakingMode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{MoneyText, PercentText};

wire_enum! {
    /// How a making charge is reckoned: a percentage of the metal value, an
    /// amount per gram of net weight, or one amount for the piece.
    MakingModeName mirrors MakingMode { Percent = "percent", PerGram = "per_gram", Fixed = "fixed" }
}

/// A making charge: its mode and value (a percentage for `percent`, an
/// amount for `per_gram` and `fixed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"mode": "percent", "value": "16.00"}))]
pub struct MakingFields {
    pub mode: MakingModeName,
    /// A decimal string with at most 2 places.
    #[schema(max_length = 16, pattern = r"^[0-9]{1,13}(\.[0-9]{1,2})?$")]
    pub value: String,
}

impl MakingFields {
    pub fn of(making: MakingCharge) -> Self {
        Self {
            mode: making.mode().into(),
            value: making.value_text(),
        }
    }

    pub fn check(&self, field: &str) -> Result<MakingCharge, Invalid> {
        let field = format!("{field}.value");
        Ok(match self.mode {
            MakingModeName::Percent => {
                MakingCharge::PercentOfMetal(Percent::parse_share(&field, &self.value)?)
            }
            MakingModeName::PerGram => MakingCharge::PerGram(Money::parse(&field, &self.value)?),
            MakingModeName::Fixed => MakingCharge::Fixed(Money::parse(&field, &self.value)?),
        })
    }
}

/// The making charge: its mode, value and what it comes to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MakingLine {
    pub mode: MakingModeName,
    /// A percentage for `percent`, an amount for `per_gram` and `fixed`.
    #[schema(max_length = 16, pattern = r"^[0-9]{1,13}(\.[0-9]{1,2})?$")]
    pub value: String,
    #[schema(value_type = MoneyText)]
    pub amount: String,
}

/// Wastage (value addition): its percentage and what it comes to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WastageLine {
    #[schema(value_type = PercentText)]
    pub percent: String,
    #[schema(value_type = MoneyText)]
    pub amount: String,
}

/// A stone's line.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoneLine {
    #[schema(max_length = 40)]
    pub kind: String,
    #[schema(minimum = 1)]
    pub count: u32,
    #[schema(max_length = 12)]
    pub carats: String,
    #[schema(value_type = MoneyText)]
    pub amount: String,
}

/// Another charge's line.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChargeLine {
    #[schema(max_length = 40)]
    pub label: String,
    #[schema(value_type = MoneyText)]
    pub amount: String,
}

/// One tax on the taxable value.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaxLineView {
    /// CGST, SGST or IGST.
    #[schema(pattern = "^(CGST|SGST|IGST)$", max_length = 4)]
    pub kind: &'static str,
    /// In percent (`1.5`).
    #[schema(max_length = 8, pattern = r"^[0-9]{1,3}(\.[0-9]{1,4})?$")]
    pub rate: String,
    #[schema(value_type = MoneyText)]
    pub amount: String,
}

impl From<&jewel_domain::pricing::TaxLine> for TaxLineView {
    fn from(t: &jewel_domain::pricing::TaxLine) -> Self {
        Self {
            kind: match t.kind {
                TaxKind::Cgst => "CGST",
                TaxKind::Sgst => "SGST",
                TaxKind::Igst => "IGST",
            },
            rate: t.rate.to_string(),
            amount: t.amount.to_string(),
        }
    }
}
