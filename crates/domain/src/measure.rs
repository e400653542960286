//! Exact quantities: money, weight in grams, carats and percentages, each a
//! decimal with a fixed number of places. Arithmetic and rounding live here;
//! nothing is ever a binary float.
//!
//! Each stores as a whole number of its smallest unit (paise, milligrams,
//! thousandths of a carat, hundredths of a percent), which any database
//! compares and sums exactly.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::validation::Invalid;

/// Every quantity a client writes is below this.
const LARGEST_WHOLE: i64 = 10_000_000_000_000;

/// Reads a non-negative decimal written with at most `places` decimals.
fn parse_decimal(field: &str, text: &str, places: u32, what: &str) -> Result<Decimal, Invalid> {
    let example = match places {
        2 => "12800.00",
        _ => "3.390",
    };
    // No trimming: the document's patterns have no room for spaces, and
    // what the document refuses the server refuses too.
    let shape_ok = !text.is_empty()
        && text.len() <= 24
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|&b| b == b'.').count() <= 1
        && !text.starts_with('.')
        && !text.ends_with('.');
    let value = shape_ok.then(|| text.parse::<Decimal>().ok()).flatten();
    match value {
        // Below 10^13 (13 whole digits, as the document's patterns say), so
        // every amount, sum and product stays far inside what is stored.
        Some(v) if v >= Decimal::from(LARGEST_WHOLE) => Err(Invalid::field(
            field,
            "too_large",
            format!("{what} has at most 13 digits before the decimal point"),
        )),
        Some(v) if v.scale() <= places => Ok(v),
        Some(_) => Err(Invalid::field(
            field,
            "too_precise",
            format!("{what} has at most {places} decimal places"),
        )),
        None => Err(Invalid::field(
            field,
            "format",
            format!("{what} is a decimal string such as \"{example}\""),
        )),
    }
}

macro_rules! fixed_point {
    ($(#[$doc:meta])* $name:ident, $places:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(Decimal);

        impl $name {
            pub const PLACES: u32 = $places;
            pub const ZERO: Self = Self(Decimal::ZERO);

            /// A non-negative amount as a client writes it (`"3.390"`).
            pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
                parse_decimal(field, text, $places, $what).map(Self::exact)
            }

            /// `value` rounded half up to this quantity's places.
            pub fn rounded(value: Decimal) -> Self {
                Self::exact(
                    value.round_dp_with_strategy($places, RoundingStrategy::MidpointAwayFromZero),
                )
            }

            fn exact(value: Decimal) -> Self {
                let mut value = value;
                value.rescale($places);
                Self(value)
            }

            /// From a whole number of the smallest unit, as stored.
            pub fn from_units(units: i64) -> Self {
                Self(Decimal::new(units, $places))
            }

            /// The whole number of the smallest unit, as stored.
            pub fn units(self) -> i64 {
                let mut value = self.0;
                value.rescale($places);
                i64::try_from(value.mantissa()).unwrap_or(i64::MAX)
            }

            pub fn value(self) -> Decimal {
                self.0
            }

            pub fn is_zero(self) -> bool {
                self.0.is_zero()
            }
        }

        impl fmt::Display for $name {
            /// Always with all places: `"3.390"`, `"51845.00"`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut value = self.0;
                value.rescale($places);
                write!(f, "{value}")
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            /// From a decimal string, or a whole number as settings files
            /// and environment variables hand them over (`3`).
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        // A number with a fraction would arrive as a binary
                        // float and is refused: it may not be what was written.
                        write!(f, "{} as a decimal string in quotes, such as \"2.5\"", $what)
                    }

                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        $name::parse("value", text).map_err(|e| {
                            E::custom(e.errors().first().map_or_else(String::new, |e| e.message.clone()))
                        })
                    }

                    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<$name, E> {
                        self.visit_str(&n.to_string())
                    }

                    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<$name, E> {
                        self.visit_str(&n.to_string())
                    }
                }

                deserializer.deserialize_any(Visitor)
            }
        }

        impl serde::Serialize for $name {
            /// As a decimal string with all places, as it is parsed.
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl std::ops::Add for $name {
            type Output = Self;
            fn add(self, other: Self) -> Self {
                Self::exact(self.0 + other.0)
            }
        }

        impl std::ops::Sub for $name {
            type Output = Self;
            fn sub(self, other: Self) -> Self {
                Self::exact(self.0 - other.0)
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(Self::ZERO, |a, b| a + b)
            }
        }
    };
}

fixed_point!(
    /// An amount of the business's currency with 2 places (`"51845.00"`);
    /// negative only where a line takes away (discount, round-off).
    Money,
    2,
    "an amount"
);
fixed_point!(
    /// A weight in grams with 3 places (`"3.390"`).
    Weight,
    3,
    "a weight in grams"
);
fixed_point!(
    /// A weight of stones in carats with 3 places; 1 carat is 0.2 g.
    Carats,
    3,
    "a weight in carats"
);
fixed_point!(
    /// A percentage with 2 places (`"16.00"` is 16%).
    Percent,
    2,
    "a percentage"
);

fixed_point!(
    /// A factor with 2 places (`"1.50"`): a tier's points multiplier, the
    /// points earned per 100 of a bill.
    Factor,
    2,
    "a factor"
);

impl Money {
    /// `self` rounded half up to the whole currency unit.
    pub fn to_whole_unit(self) -> Self {
        Self::exact(
            self.0
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn negated(self) -> Self {
        Self::exact(-self.0)
    }

    /// `count` times this amount (a price per piece times the pieces).
    pub fn times(self, count: i64) -> Self {
        Self::exact(self.0 * Decimal::from(count))
    }
}

impl Percent {
    /// Percentages of a whole are at most 100.
    pub fn parse_share(field: &str, text: &str) -> Result<Self, Invalid> {
        let percent = Self::parse(field, text)?;
        if percent.0 > Decimal::ONE_HUNDRED {
            return Err(Invalid::field(field, "too_large", "at most 100"));
        }
        Ok(percent)
    }

    /// This share of `amount`, rounded half up to 2 places.
    pub fn of(self, amount: Money) -> Money {
        Money::rounded(amount.0 * self.0 / Decimal::ONE_HUNDRED)
    }
}

impl Weight {
    /// What `carats` of stone weigh (1 ct = 0.2 g), exactly: 3 places of
    /// carats make at most 4 of grams, rounded half up to 3.
    pub fn of_carats(carats: Carats) -> Self {
        Self::rounded(carats.0 * Decimal::new(2, 1))
    }

    /// `self` grams at `rate` per gram, rounded half up to 2 places.
    pub fn at(self, rate: Money) -> Money {
        Money::rounded(self.0 * rate.0)
    }
}

impl Carats {
    /// `self` carats at `rate` per carat, rounded half up to 2 places.
    pub fn at(self, rate: Money) -> Money {
        Money::rounded(self.0 * rate.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly_and_written_with_all_places() {
        let weight = Weight::parse("grossWeight", "3.39").expect("weight");
        assert_eq!(weight.to_string(), "3.390");
        assert_eq!(weight.units(), 3390);
        assert_eq!(Weight::from_units(3390), weight);
        assert_eq!(
            Money::parse("rate", "12800").expect("rate").to_string(),
            "12800.00"
        );
        assert_eq!(Money::from_units(5184500).to_string(), "51845.00");
    }

    #[test]
    fn amounts_of_14_digits_are_refused_not_wrapped() {
        assert!(Money::parse("rate", "9999999999999.99").is_ok());
        let error = Money::parse("rate", "10000000000000").expect_err("14 digits");
        assert_eq!(error.errors()[0].code, "too_large");
        let error = Weight::parse("w", "999999999999999999999.9").expect_err("huge");
        assert_eq!(error.errors()[0].code, "too_large");
    }

    #[test]
    fn malformed_or_too_precise_amounts_are_refused() {
        for bad in ["", "-1", "1e3", "12,800", ".5", "5.", "1.2.3", "NaN", " "] {
            let error = Money::parse("rate", bad).expect_err(bad);
            assert_eq!(error.errors()[0].code, "format", "{bad}");
        }
        let error = Weight::parse("netWeight", "3.3901").expect_err("4 places");
        assert_eq!(error.errors()[0].code, "too_precise");
        assert!(Percent::parse_share("wastage", "100.01").is_err());
    }

    #[test]
    fn rounding_is_half_up() {
        let percent = Percent::parse("making", "3").expect("3%");
        // 3% of 50334.72 = 1510.0416
        assert_eq!(
            percent
                .of(Money::parse("x", "50334.72").expect("x"))
                .to_string(),
            "1510.04"
        );
        // 1.5% of 0.50 = 0.0075 → 0.01
        assert_eq!(
            Percent::parse("x", "1.5")
                .expect("x")
                .of(Money::parse("x", "0.50").expect("x"))
                .to_string(),
            "0.01"
        );
        assert_eq!(
            Money::parse("x", "51844.50")
                .expect("x")
                .to_whole_unit()
                .to_string(),
            "51845.00"
        );
        assert_eq!(
            Money::parse("x", "51844.49")
                .expect("x")
                .to_whole_unit()
                .to_string(),
            "51844.00"
        );
        assert_eq!(
            Weight::of_carats(Carats::parse("x", "0.125").expect("x")).to_string(),
            "0.025"
        );
        assert_eq!(
            Weight::of_carats(Carats::parse("x", "0.003").expect("x")).to_string(),
            "0.001"
        );
    }
}
