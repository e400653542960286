//! The price of a piece, exactly as domain.md "Price of a piece" states:
//! metal value, wastage, making, stones, other charges, discount, tax and a
//! round-off to the whole currency unit. Every component is rounded half up
//! to 2 places on its own; the breakup always adds up to the total.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::measure::{Carats, Money, Percent, Weight};

/// How the making charge of a piece is reckoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MakingCharge {
    /// A share of the metal value.
    PercentOfMetal(Percent),
    /// An amount per gram of net weight.
    PerGram(Money),
    /// One amount for the piece.
    Fixed(Money),
}

/// The three making modes by name, as stored and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MakingMode {
    Percent,
    PerGram,
    Fixed,
}

impl MakingMode {
    pub const ALL: [Self; 3] = [Self::Percent, Self::PerGram, Self::Fixed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Percent => "percent",
            Self::PerGram => "per_gram",
            Self::Fixed => "fixed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

impl MakingCharge {
    /// The making charge of `mode` with `value` (a percentage or an amount,
    /// both with 2 places) as stored.
    pub fn from_parts(mode: MakingMode, hundredths: i64) -> Self {
        match mode {
            MakingMode::Percent => Self::PercentOfMetal(Percent::from_units(hundredths)),
            MakingMode::PerGram => Self::PerGram(Money::from_units(hundredths)),
            MakingMode::Fixed => Self::Fixed(Money::from_units(hundredths)),
        }
    }

    pub fn mode(self) -> MakingMode {
        match self {
            Self::PercentOfMetal(_) => MakingMode::Percent,
            Self::PerGram(_) => MakingMode::PerGram,
            Self::Fixed(_) => MakingMode::Fixed,
        }
    }

    /// The value in hundredths (of a percent or of the currency), as stored.
    pub fn hundredths(self) -> i64 {
        match self {
            Self::PercentOfMetal(p) => p.units(),
            Self::PerGram(m) | Self::Fixed(m) => m.units(),
        }
    }

    /// The value as a client writes it (`"16.00"`).
    pub fn value_text(self) -> String {
        match self {
            Self::PercentOfMetal(p) => p.to_string(),
            Self::PerGram(m) | Self::Fixed(m) => m.to_string(),
        }
    }

    fn amount(self, metal_value: Money, net_weight: Weight) -> Money {
        match self {
            Self::PercentOfMetal(percent) => percent.of(metal_value),
            Self::PerGram(per_gram) => net_weight.at(per_gram),
            Self::Fixed(amount) => amount,
        }
    }
}

/// What a stone costs: by weight or one price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StonePrice {
    PerCarat(Money),
    Fixed(Money),
}

impl StonePrice {
    /// The price of a stone (or a set of identical stones) of `carats`.
    pub fn amount(self, carats: Carats) -> Money {
        match self {
            Self::PerCarat(rate) => carats.at(rate),
            Self::Fixed(amount) => amount,
        }
    }
}

/// Where the goods are supplied, which decides the kind of GST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supply {
    /// Within the store's state: the rate is split into CGST and SGST.
    WithinState,
    /// To another state: IGST at the whole rate.
    InterState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TaxKind {
    Cgst,
    Sgst,
    Igst,
}

/// One tax on the taxable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxLine {
    pub kind: TaxKind,
    /// The rate in percent (`1.5`).
    pub rate: Decimal,
    pub amount: Money,
}

/// Everything the price of one piece depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceInput {
    pub net_weight: Weight,
    /// Per gram, for the piece's metal and fineness.
    pub rate: Money,
    pub wastage: Percent,
    pub making: MakingCharge,
    /// The price of each stone (or set of alike stones) with its carats.
    pub stones: Vec<(Carats, StonePrice)>,
    /// Hallmarking fee, certificate fee...
    pub other_charges: Vec<Money>,
    pub discount: Money,
    /// The GST rate on the whole value (3% on jewellery).
    pub tax_rate: Percent,
    pub supply: Supply,
}

/// The price with each of its parts, as a bill shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceBreakup {
    pub metal_value: Money,
    pub wastage: Money,
    pub making: Money,
    /// One amount per stone of the input, in its order.
    pub stones: Vec<Money>,
    pub stones_total: Money,
    pub other_charges: Money,
    pub discount: Money,
    pub taxable_value: Money,
    pub taxes: Vec<TaxLine>,
    pub tax_total: Money,
    /// Taxable value plus tax, before rounding to the whole unit.
    pub gross_total: Money,
    /// What rounding to the whole unit added (negative when it took away).
    pub round_off: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("the discount {discount} is more than the value {value}")]
    DiscountExceedsValue { discount: Money, value: Money },
}

/// The price of a piece from its parts.
pub fn price(input: &PriceInput) -> Result<PriceBreakup, PricingError> {
    let metal_value = input.net_weight.at(input.rate);
    let wastage = input.wastage.of(metal_value);
    let making = input.making.amount(metal_value, input.net_weight);
    let stones: Vec<Money> = input
        .stones
        .iter()
        .map(|(carats, price)| price.amount(*carats))
        .collect();
    let stones_total: Money = stones.iter().copied().sum();
    let other_charges: Money = input.other_charges.iter().copied().sum();
    let value = metal_value + wastage + making + stones_total + other_charges;
    if input.discount > value {
        return Err(PricingError::DiscountExceedsValue {
            discount: input.discount,
            value,
        });
    }
    let taxable_value = value - input.discount;
    let taxes = taxes(taxable_value, input.tax_rate, input.supply);
    let tax_total: Money = taxes.iter().map(|t| t.amount).sum();
    let gross_total = taxable_value + tax_total;
    let total = gross_total.to_whole_unit();
    Ok(PriceBreakup {
        metal_value,
        wastage,
        making,
        stones,
        stones_total,
        other_charges,
        discount: input.discount,
        taxable_value,
        taxes,
        tax_total,
        gross_total,
        round_off: total - gross_total,
        total,
    })
}

/// The price of a piece before tax, as a straight line in the rate:
/// about `rate × coefficient / 10^7 + fixed` (rate in paise per gram,
/// result in paise). Exact up to the rounding of each component, so a
/// database can narrow a price-range search over many pieces before each
/// candidate is priced exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinearPrice {
    /// Net milligrams times (10,000 + wastage and percent making in
    /// hundredths of a percent).
    pub coefficient: i64,
    /// What does not depend on the rate, in paise: making per gram or fixed,
    /// stones, other charges.
    pub fixed: i64,
}

impl LinearPrice {
    pub const SCALE: i64 = 10_000_000;

    /// How far a total may be from `taxable x (1 + tax)`: the round-off
    /// (at most 0.50) and the rounding of each part, in paise, with room.
    pub const SLACK_PAISE: i64 = 500;

    /// The taxable value, in paise, whose total with `tax_rate` is about
    /// `total`: the bound of a price-range search, before [`Self::SLACK_PAISE`].
    pub fn taxable_for_total(total: Money, tax_rate: Percent) -> i64 {
        let factor = Decimal::ONE + tax_rate.value() / Decimal::ONE_HUNDRED;
        (Decimal::from(total.units()) / factor)
            .trunc()
            .try_into()
            .unwrap_or(i64::MAX)
    }

    /// The line of `input` (its rate and discount are not used).
    pub fn of(input: &PriceInput) -> Self {
        let percent_making = match input.making {
            MakingCharge::PercentOfMetal(p) => p.units(),
            _ => 0,
        };
        let coefficient = input
            .net_weight
            .units()
            .saturating_mul(10_000 + input.wastage.units() + percent_making);
        let making = match input.making {
            MakingCharge::PercentOfMetal(_) => Money::ZERO,
            MakingCharge::PerGram(rate) => input.net_weight.at(rate),
            MakingCharge::Fixed(amount) => amount,
        };
        let stones: Money = input.stones.iter().map(|(c, p)| p.amount(*c)).sum();
        let others: Money = input.other_charges.iter().copied().sum();
        Self {
            coefficient,
            fixed: (making + stones + others).units(),
        }
    }
}

fn taxes(taxable_value: Money, rate: Percent, supply: Supply) -> Vec<TaxLine> {
    // Nothing taxed (a gift voucher sold): no tax lines at all.
    if rate.is_zero() {
        return Vec::new();
    }
    let line = |kind, rate: Decimal| TaxLine {
        kind,
        rate: rate.normalize(),
        amount: Money::rounded(taxable_value.value() * rate / Decimal::ONE_HUNDRED),
    };
    match supply {
        Supply::WithinState => {
            let half = rate.value() / Decimal::TWO;
            vec![line(TaxKind::Cgst, half), line(TaxKind::Sgst, half)]
        }
        Supply::InterState => vec![line(TaxKind::Igst, rate.value())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn money(text: &str) -> Money {
        Money::parse("x", text).expect("money")
    }

    fn percent(text: &str) -> Percent {
        Percent::parse("x", text).expect("percent")
    }

    fn plain(net: &str, rate: &str, making: MakingCharge) -> PriceInput {
        PriceInput {
            net_weight: Weight::parse("x", net).expect("weight"),
            rate: money(rate),
            wastage: Percent::ZERO,
            making,
            stones: Vec::new(),
            other_charges: Vec::new(),
            discount: Money::ZERO,
            tax_rate: percent("3"),
            supply: Supply::WithinState,
        }
    }

    #[test]
    fn the_worked_example_of_domain_md() {
        // 22K, 3.390 g at 12,800.00/g, making 16% of metal, GST 3%.
        let input = plain(
            "3.390",
            "12800.00",
            MakingCharge::PercentOfMetal(percent("16")),
        );
        let breakup = price(&input).expect("priced");
        assert_eq!(breakup.metal_value, money("43392.00"));
        assert_eq!(breakup.making, money("6942.72"));
        assert_eq!(breakup.taxable_value, money("50334.72"));
        assert_eq!(breakup.tax_total, money("1510.04"));
        assert_eq!(
            breakup.taxes.iter().map(|t| t.amount).collect::<Vec<_>>(),
            [money("755.02"), money("755.02")]
        );
        assert_eq!(breakup.gross_total, money("51844.76"));
        assert_eq!(breakup.round_off, money("0.24"));
        assert_eq!(breakup.total, money("51845.00"));

        let interstate = price(&PriceInput {
            supply: Supply::InterState,
            ..input
        })
        .expect("priced");
        assert_eq!(interstate.taxes.len(), 1);
        assert_eq!(interstate.taxes[0].kind, TaxKind::Igst);
        assert_eq!(interstate.tax_total, money("1510.04"));
        assert_eq!(interstate.total, money("51845.00"));
    }

    #[test]
    fn each_making_mode() {
        let per_gram = price(&plain(
            "3.390",
            "12800",
            MakingCharge::PerGram(money("450")),
        ))
        .expect("priced");
        // 3.390 g x 450 = 1525.50
        assert_eq!(per_gram.making, money("1525.50"));
        let fixed =
            price(&plain("3.390", "12800", MakingCharge::Fixed(money("2500")))).expect("priced");
        assert_eq!(fixed.making, money("2500.00"));
        assert_eq!(fixed.taxable_value, money("45892.00"));
    }

    #[test]
    fn wastage_stones_other_charges_and_discount() {
        let input = PriceInput {
            wastage: percent("8"),
            stones: vec![
                (
                    Carats::parse("x", "0.125").expect("ct"),
                    StonePrice::PerCarat(money("65000")),
                ),
                (
                    Carats::parse("x", "1").expect("ct"),
                    StonePrice::Fixed(money("1200")),
                ),
            ],
            other_charges: vec![money("45")],
            discount: money("500"),
            ..plain(
                "10.000",
                "7000",
                MakingCharge::PercentOfMetal(percent("12")),
            )
        };
        let breakup = price(&input).expect("priced");
        assert_eq!(breakup.metal_value, money("70000.00"));
        assert_eq!(breakup.wastage, money("5600.00"));
        assert_eq!(breakup.making, money("8400.00"));
        assert_eq!(breakup.stones, [money("8125.00"), money("1200.00")]);
        assert_eq!(breakup.other_charges, money("45.00"));
        assert_eq!(breakup.taxable_value, money("92870.00"));
        // 1.5% of 92870 = 1393.05 twice
        assert_eq!(breakup.tax_total, money("2786.10"));
        assert_eq!(breakup.gross_total, money("95656.10"));
        assert_eq!(breakup.round_off, money("0.10").negated());
        assert_eq!(breakup.total, money("95656.00"));
    }

    #[test]
    fn rounding_edges() {
        // 0.001 g x 0.01 = 0.00001 → 0.00; half a paisa rounds up.
        let tiny = price(&plain("0.001", "0.01", MakingCharge::Fixed(Money::ZERO))).expect("p");
        assert_eq!(tiny.metal_value, Money::ZERO);
        assert_eq!(tiny.total, Money::ZERO);
        // 0.005 g x 1.00 = 0.005 → 0.01
        let half = price(&plain("0.005", "1", MakingCharge::Fixed(Money::ZERO))).expect("p");
        assert_eq!(half.metal_value, money("0.01"));
        // A gross total ending in exactly .50 rounds up.
        let input = PriceInput {
            tax_rate: Percent::ZERO,
            ..plain("1.000", "100.50", MakingCharge::Fixed(Money::ZERO))
        };
        let breakup = price(&input).expect("p");
        assert_eq!(breakup.total, money("101.00"));
        assert_eq!(breakup.round_off, money("0.50"));
    }

    #[test]
    fn a_discount_above_the_value_is_refused() {
        let input = PriceInput {
            discount: money("2501"),
            ..plain("0.000", "1", MakingCharge::Fixed(money("2500")))
        };
        assert!(matches!(
            price(&input),
            Err(PricingError::DiscountExceedsValue { .. })
        ));
    }

    fn any_input() -> impl Strategy<Value = PriceInput> {
        (
            0i64..2_000_000,               // net weight, mg (up to 2 kg)
            0i64..2_000_000,               // rate, paise (up to 20,000/g)
            0i64..3_000,                   // wastage, hundredths of a percent
            (0usize..3, 0i64..10_000_000), // making mode and value
            prop::collection::vec((1i64..50_000, 0i64..20_000_000, any::<bool>()), 0..4),
            prop::collection::vec(0i64..100_000, 0..3),
            0i64..=10_000, // discount share, hundredths of a percent
            any::<bool>(),
        )
            .prop_map(
                |(net, rate, wastage, (mode, making), stones, others, discount, within)| {
                    let mut input = PriceInput {
                        net_weight: Weight::from_units(net),
                        rate: Money::from_units(rate),
                        wastage: Percent::from_units(wastage),
                        // A percentage is at most 100% (the API refuses more).
                        making: MakingCharge::from_parts(
                            MakingMode::ALL[mode],
                            if mode == 0 { making % 10_001 } else { making },
                        ),
                        stones: stones
                            .into_iter()
                            .map(|(ct, value, per_carat)| {
                                let value = Money::from_units(value);
                                let price = if per_carat {
                                    StonePrice::PerCarat(value)
                                } else {
                                    StonePrice::Fixed(value)
                                };
                                (Carats::from_units(ct), price)
                            })
                            .collect(),
                        other_charges: others.into_iter().map(Money::from_units).collect(),
                        discount: Money::ZERO,
                        tax_rate: Percent::from_units(300),
                        supply: if within {
                            Supply::WithinState
                        } else {
                            Supply::InterState
                        },
                    };
                    let before = price(&input).expect("no discount").taxable_value;
                    input.discount = Percent::from_units(discount).of(before);
                    input
                },
            )
    }

    proptest! {
        #[test]
        fn the_line_is_close_to_the_exact_price(input in any_input()) {
            let input = PriceInput { discount: Money::ZERO, ..input };
            let exact = price(&input).expect("priced").taxable_value.units();
            let line = LinearPrice::of(&input);
            let approx = (i128::from(input.rate.units()) * i128::from(line.coefficient)
                / i128::from(LinearPrice::SCALE)) as i64 + line.fixed;
            // Each of a few components is rounded to the paisa.
            prop_assert!((exact - approx).abs() <= 5, "{exact} vs {approx}");
        }

        #[test]
        fn the_total_is_the_sum_of_its_parts(input in any_input()) {
            let b = price(&input).expect("priced");
            prop_assert_eq!(
                b.taxable_value,
                b.metal_value + b.wastage + b.making + b.stones_total + b.other_charges - b.discount
            );
            prop_assert_eq!(b.stones_total, b.stones.iter().copied().sum::<Money>());
            prop_assert_eq!(b.tax_total, b.taxes.iter().map(|t| t.amount).sum::<Money>());
            prop_assert_eq!(b.total, b.taxable_value + b.tax_total + b.round_off);
            prop_assert_eq!(b.total, b.total.to_whole_unit());
            prop_assert!(b.round_off.value().abs() <= Decimal::new(50, 2));
        }

        #[test]
        fn never_negative(input in any_input()) {
            let b = price(&input).expect("priced");
            for part in [b.metal_value, b.wastage, b.making, b.stones_total, b.taxable_value, b.tax_total, b.total] {
                prop_assert!(!part.is_negative());
            }
        }

        #[test]
        fn more_weight_or_a_higher_rate_never_costs_less(
            input in any_input(), more_mg in 0i64..100_000, more_paise in 0i64..100_000
        ) {
            let input = PriceInput { discount: Money::ZERO, ..input };
            let base = price(&input).expect("priced").total;
            let heavier = PriceInput {
                net_weight: Weight::from_units(input.net_weight.units() + more_mg),
                ..input.clone()
            };
            prop_assert!(price(&heavier).expect("priced").total >= base);
            let dearer = PriceInput {
                rate: Money::from_units(input.rate.units() + more_paise),
                ..input
            };
            prop_assert!(price(&dearer).expect("priced").total >= base);
        }
    }
}
