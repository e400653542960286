//! A job's estimate: labour by task from the store's price list (the
//! price kept on the job as it was), new metal at the day's rate, stones
//! and other charges; taxed as the law has it (job work on the customer's
//! metal at the services rate, SAC 9988; new metal and stones as goods,
//! HSN 7113) and rounded as a bill is.

use chrono::{DateTime, Utc};

use crate::invoice::{Bill, BillError, HSN_JEWELLERY, LineToPrice, SAC_SERVICES};
use crate::measure::{Money, Percent, Weight};
use crate::metal::Purity;
use crate::pricing::Supply;

/// A task of the store's price list of service work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTask {
    pub id: uuid::Uuid,
    pub name: String,
    /// Before tax.
    pub price: Money,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// What an estimate line charges for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimateLineKind {
    /// Work by a task of the price list.
    Labour,
    /// New metal added, at the day's rate.
    Metal,
    /// Stones supplied.
    Stone,
    /// Anything else, as work.
    Other,
}

impl EstimateLineKind {
    pub const ALL: [Self; 4] = [Self::Labour, Self::Metal, Self::Stone, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Labour => "labour",
            Self::Metal => "metal",
            Self::Stone => "stone",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Goods (new metal, stones) or work on the customer's own.
    pub fn is_goods(self) -> bool {
        matches!(self, Self::Metal | Self::Stone)
    }

    /// Its HSN (goods) or SAC (work).
    pub fn code(self) -> &'static str {
        if self.is_goods() {
            HSN_JEWELLERY
        } else {
            SAC_SERVICES
        }
    }
}

/// An estimate line as priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstimateLine {
    pub kind: EstimateLineKind,
    pub description: String,
    /// The price list's task, for labour.
    pub task_id: Option<uuid::Uuid>,
    /// New metal: its purity, weight and the day's rate.
    pub purity: Option<Purity>,
    pub weight: Option<Weight>,
    pub rate: Option<Money>,
    /// Before tax.
    pub amount: Money,
    pub tax_rate: Percent,
}

impl EstimateLine {
    /// New metal of `purity`, `weight` grams at `rate` a gram.
    pub fn metal(purity: Purity, weight: Weight, rate: Money, tax_rate: Percent) -> Self {
        Self {
            kind: EstimateLineKind::Metal,
            description: format!(
                "{} {} at {rate}/g",
                purity.metal().as_str(),
                purity.fineness()
            ),
            task_id: None,
            purity: Some(purity),
            weight: Some(weight),
            rate: Some(rate),
            amount: weight.at(rate),
            tax_rate,
        }
    }
}

/// The lines priced as a bill is: each line's tax by its rate, the tax
/// lines summed by kind and rate, one round-off.
pub fn estimate_bill(lines: &[EstimateLine], supply: Supply) -> Result<Bill, BillError> {
    let inputs: Vec<LineToPrice> = lines
        .iter()
        .map(|line| {
            let snapshot = crate::invoice::LineSnapshot::of_amount(
                &line.description,
                line.amount,
                line.tax_rate,
            );
            LineToPrice {
                input: snapshot.price_input(supply),
                discount: None,
            }
        })
        .collect();
    Bill::price(&inputs, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metal::Metal;

    #[test]
    fn the_worked_repair_estimate() {
        let money = |t: &str| Money::parse("x", t).expect("money");
        let labour = EstimateLine {
            kind: EstimateLineKind::Labour,
            description: "Clasp replacement".to_owned(),
            task_id: None,
            purity: None,
            weight: None,
            rate: None,
            amount: money("850.00"),
            tax_rate: Percent::from_units(500),
        };
        let purity = Purity::parse("fineness", Metal::Gold, 916).expect("22K");
        let metal = EstimateLine::metal(
            purity,
            Weight::from_units(150),
            money("12800.00"),
            Percent::from_units(300),
        );
        assert_eq!(metal.amount, money("1920.00"));
        let bill = estimate_bill(&[labour, metal], Supply::WithinState).expect("priced");
        assert_eq!(bill.taxable_value, money("2770.00"));
        assert_eq!(bill.tax_total, money("100.10"));
        assert_eq!(bill.total, money("2870.00"));
        assert_eq!(bill.round_off.to_string(), "-0.10");
        assert_eq!(EstimateLineKind::Labour.code(), "9988");
        assert_eq!(EstimateLineKind::Metal.code(), "7113");
    }
}
