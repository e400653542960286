//! A bill's arithmetic: line and bill discounts spread over the lines, each
//! line priced by the engine, the tax lines summed by kind and rate and one
//! round-off for the bill.

use rust_decimal::Decimal;

use crate::measure::{Money, Percent};
use crate::pricing::{PriceBreakup, PriceInput, PricingError, TaxLine, price};
use crate::validation::Invalid;

/// What a discount is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountOn {
    /// The making charge only (the usual counter discount).
    Making,
    /// The whole value before tax.
    Value,
}

/// How much is taken off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountSize {
    Percent(Percent),
    Amount(Money),
}

/// A discount as the counter asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discount {
    pub on: DiscountOn,
    pub size: DiscountSize,
}

impl Discount {
    /// The amount off a line (or a bill) whose making is `making` and whose
    /// value is `value`; more than the base is refused.
    fn amount(self, making: Money, value: Money) -> Result<Money, DiscountTooLarge> {
        let base = match self.on {
            DiscountOn::Making => making,
            DiscountOn::Value => value,
        };
        let amount = match self.size {
            DiscountSize::Percent(percent) => percent.of(base),
            DiscountSize::Amount(amount) => amount,
        };
        if amount > base {
            return Err(DiscountTooLarge { base: self.on });
        }
        Ok(amount)
    }
}

/// A discount larger than what it is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscountTooLarge {
    pub base: DiscountOn,
}

/// One line to price: what the engine needs (without discount) and the
/// discount asked on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineToPrice {
    pub input: PriceInput,
    pub discount: Option<Discount>,
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    /// Before any discount.
    pub value: Money,
    /// The line's own discount and its share of the bill's.
    pub breakup: PriceBreakup,
}

/// Why a bill could not be priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillError {
    /// The discount of line `index` is more than what it is taken from.
    Line { index: usize, base: DiscountOn },
    /// The bill's discount is more than what it is taken from.
    Bill { base: DiscountOn },
}

impl BillError {
    pub fn into_invalid(self) -> Invalid {
        let (field, base) = match self {
            Self::Line { index, base } => (format!("lines[{index}].discount"), base),
            Self::Bill { base } => ("discount".to_owned(), base),
        };
        let base = match base {
            DiscountOn::Making => "the making charge",
            DiscountOn::Value => "the value",
        };
        Invalid::field(&field, "too_large", format!("more than {base}"))
    }
}

/// A priced bill: its lines and totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub lines: Vec<PricedLine>,
    /// Every line's value before discounts.
    pub value: Money,
    pub discount: Money,
    pub taxable_value: Money,
    /// Summed over the lines by kind and rate, in the order they first appear.
    pub taxes: Vec<TaxLine>,
    pub tax_total: Money,
    pub gross_total: Money,
    pub round_off: Money,
    /// Rounded to the whole unit.
    pub total: Money,
}

impl Bill {
    /// Prices `lines` with their own discounts, then spreads the bill's
    /// `discount` over them (by making or by value, to the paisa, the
    /// remainder to the largest shares), taxes each line and rounds the
    /// whole bill once.
    pub fn price(lines: &[LineToPrice], discount: Option<Discount>) -> Result<Self, BillError> {
        let undiscounted: Vec<PriceBreakup> = lines
            .iter()
            .map(|line| price_line(&line.input, Money::ZERO))
            .collect();
        let mut own = Vec::with_capacity(lines.len());
        for (index, (line, plain)) in lines.iter().zip(&undiscounted).enumerate() {
            let value = plain.taxable_value;
            let amount = match line.discount {
                Some(d) => d.amount(plain.making, value).map_err(|e| BillError::Line {
                    index,
                    base: e.base,
                })?,
                None => Money::ZERO,
            };
            own.push(amount);
        }
        let shares = match discount {
            None => vec![Money::ZERO; lines.len()],
            Some(d) => {
                // The bill's base is what the lines' own discounts left.
                let bases: Vec<Money> = undiscounted
                    .iter()
                    .zip(&own)
                    .map(|(plain, own)| match d.on {
                        DiscountOn::Making => {
                            if *own > plain.making {
                                Money::ZERO
                            } else {
                                plain.making - *own
                            }
                        }
                        DiscountOn::Value => plain.taxable_value - *own,
                    })
                    .collect();
                let base_total: Money = bases.iter().copied().sum();
                let amount = d
                    .amount(base_total, base_total)
                    .map_err(|e| BillError::Bill { base: e.base })?;
                apportion(amount, &bases)
            }
        };
        let mut priced = Vec::with_capacity(lines.len());
        for ((line, plain), (own, share)) in
            lines.iter().zip(&undiscounted).zip(own.iter().zip(&shares))
        {
            priced.push(PricedLine {
                value: plain.taxable_value,
                breakup: price_line(&line.input, *own + *share),
            });
        }
        Ok(Self::of_lines(priced))
    }

    /// The totals of lines already priced (a quote's, kept as they were).
    pub fn of_lines(lines: Vec<PricedLine>) -> Self {
        let value: Money = lines.iter().map(|l| l.value).sum();
        let discount: Money = lines.iter().map(|l| l.breakup.discount).sum();
        let taxable_value: Money = lines.iter().map(|l| l.breakup.taxable_value).sum();
        let mut taxes: Vec<TaxLine> = Vec::new();
        for tax in lines.iter().flat_map(|l| &l.breakup.taxes) {
            match taxes
                .iter_mut()
                .find(|t| t.kind == tax.kind && t.rate == tax.rate)
            {
                Some(same) => same.amount = same.amount + tax.amount,
                None => taxes.push(tax.clone()),
            }
        }
        let tax_total: Money = taxes.iter().map(|t| t.amount).sum();
        let gross_total = taxable_value + tax_total;
        let total = gross_total.to_whole_unit();
        Self {
            lines,
            value,
            discount,
            taxable_value,
            taxes,
            tax_total,
            gross_total,
            round_off: total - gross_total,
            total,
        }
    }

    /// Whether the discount is more than `limit` percent of the value, the
    /// most the caller's role may give without a manager.
    pub fn discount_beyond(&self, limit: Percent) -> bool {
        self.discount.value() * Decimal::ONE_HUNDRED > self.value.value() * limit.value()
    }
}

/// The engine's price of a line with `discount`; the caller made sure the
/// discount is within the value.
pub(crate) fn price_line(input: &PriceInput, discount: Money) -> PriceBreakup {
    let input = PriceInput {
        discount,
        ..input.clone()
    };
    match price(&input) {
        Ok(breakup) => breakup,
        // Unreachable by construction: discounts are checked against the
        // value first. Price without it rather than panic.
        Err(PricingError::DiscountExceedsValue { .. }) => price(&PriceInput {
            discount: Money::ZERO,
            ..input
        })
        .unwrap_or_else(|_| unreachable_breakup()),
    }
}

fn unreachable_breakup() -> PriceBreakup {
    PriceBreakup {
        metal_value: Money::ZERO,
        wastage: Money::ZERO,
        making: Money::ZERO,
        stones: Vec::new(),
        stones_total: Money::ZERO,
        other_charges: Money::ZERO,
        discount: Money::ZERO,
        taxable_value: Money::ZERO,
        taxes: Vec::new(),
        tax_total: Money::ZERO,
        gross_total: Money::ZERO,
        round_off: Money::ZERO,
        total: Money::ZERO,
    }
}

/// Splits `amount` over `bases` in proportion, to the paisa: each share
/// rounded down, the paise left over to the largest remainders (ties to the
/// first line). The shares add up to `amount` exactly.
pub fn apportion(amount: Money, bases: &[Money]) -> Vec<Money> {
    let total: i128 = bases.iter().map(|b| i128::from(b.units())).sum();
    if total == 0 {
        return vec![Money::ZERO; bases.len()];
    }
    let amount_units = i128::from(amount.units());
    let mut shares: Vec<(i128, i128)> = bases
        .iter()
        .map(|b| {
            let exact = amount_units * i128::from(b.units());
            (exact / total, exact % total)
        })
        .collect();
    let given: i128 = shares.iter().map(|s| s.0).sum();
    let mut left = amount_units - given;
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|a, b| shares[*b].1.cmp(&shares[*a].1).then(a.cmp(b)));
    for index in order {
        if left == 0 {
            break;
        }
        shares[index].0 += 1;
        left -= 1;
    }
    shares
        .into_iter()
        .map(|(units, _)| Money::from_units(i64::try_from(units).unwrap_or(i64::MAX)))
        .collect()
}
