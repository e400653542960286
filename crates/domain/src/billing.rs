//! Rules of a bill that do not depend on storage: the financial year and
//! the invoice number, old-gold exchange, the compliance guards and the
//! amount in words a tax invoice prints.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::measure::{Money, Percent, Weight};
use crate::validation::Invalid;

/// A financial year, named by the calendar year it starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear {
    pub start_year: i32,
}

impl FinancialYear {
    /// The financial year `date` falls in, for years starting in
    /// `start_month` (4 in India: April to March).
    pub fn of(date: NaiveDate, start_month: u32) -> Self {
        let start_year = if date.month() >= start_month {
            date.year()
        } else {
            date.year() - 1
        };
        Self { start_year }
    }

    /// `2026-27` for a year starting in 2026 (a January start is `2026`).
    pub fn label(self, start_month: u32) -> String {
        if start_month <= 1 {
            self.start_year.to_string()
        } else {
            format!("{}-{:02}", self.start_year, (self.start_year + 1) % 100)
        }
    }
}

/// An invoice number as printed: branch code, financial year and a
/// sequence without gaps, `MUM1/2026-27/000123`.
pub fn invoice_number(branch_code: &str, year_label: &str, sequence: u64) -> String {
    format!("{branch_code}/{year_label}/{sequence:06}")
}

/// Old gold a customer brings in exchange, as weighed and tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OldGold {
    pub weight: Weight,
    /// Parts per thousand, as tested (or read from the hallmark).
    pub tested_fineness: u16,
    /// The store's buying rate per gram for that fineness.
    pub rate: Money,
    /// Taken off the value (commonly 0 to 4%).
    pub deduction: Percent,
}

/// What old gold is worth on a bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OldGoldValue {
    /// Weight x rate.
    pub gross: Money,
    pub deduction: Money,
    /// The credit against the bill: gross − deduction.
    pub value: Money,
}

impl OldGold {
    /// Checks the tested fineness: 1 to 999 parts per thousand.
    pub fn check(&self) -> Result<(), Invalid> {
        if !(1..=999).contains(&self.tested_fineness) {
            return Err(Invalid::field(
                "testedFineness",
                "range",
                "parts per thousand, 1 to 999",
            ));
        }
        if self.weight.is_zero() {
            return Err(Invalid::field("weight", "too_small", "more than 0"));
        }
        Ok(())
    }

    /// Its value: weight x rate, less the deduction, each rounded half up.
    pub fn value(&self) -> OldGoldValue {
        let gross = self.weight.at(self.rate);
        let deduction = self.deduction.of(gross);
        OldGoldValue {
            gross,
            deduction,
            value: gross - deduction,
        }
    }
}

/// Cash received for one bill must stay below `limit` (2,00,000 in India):
/// 422 naming the rule otherwise.
pub fn check_cash(cash: Money, limit: Money) -> Result<(), Invalid> {
    if cash >= limit {
        return Err(Invalid::field(
            "payments",
            "cash_limit",
            format!("cash for one bill must stay below {limit}; {cash} was offered"),
        ));
    }
    Ok(())
}

/// A bill of `threshold` or more needs the customer's PAN.
pub fn check_pan(total: Money, threshold: Money, has_pan: bool) -> Result<(), Invalid> {
    if total >= threshold && !has_pan {
        return Err(Invalid::field(
            "customerId",
            "pan_required",
            format!("a bill of {threshold} or more needs the customer's PAN"),
        ));
    }
    Ok(())
}

const ONES: [&str; 20] = [
    "",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
const TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];

/// 1 to 99 in words.
fn below_hundred(n: u64) -> String {
    match n {
        0 => String::new(),
        1..=19 => ONES[n as usize].to_owned(),
        _ => {
            let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
            if ones == 0 {
                TENS[tens].to_owned()
            } else {
                format!("{} {}", TENS[tens], ONES[ones])
            }
        }
    }
}

/// 1 to 999 in words.
fn below_thousand(n: u64) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    let mut words = Vec::new();
    if hundreds > 0 {
        words.push(format!("{} Hundred", ONES[hundreds as usize]));
    }
    if rest > 0 {
        words.push(below_hundred(rest));
    }
    words.join(" ")
}

/// A whole number in words in the Indian system (thousand, lakh, crore).
fn indian_words(n: u64) -> String {
    if n == 0 {
        return "Zero".to_owned();
    }
    let crores = n / 10_000_000;
    let rest = n % 10_000_000;
    let mut words = Vec::new();
    if crores > 0 {
        words.push(format!("{} Crore", indian_words(crores)));
    }
    for (size, name) in [(100_000, "Lakh"), (1_000, "Thousand")] {
        let part = (rest / size) % 100;
        if part > 0 {
            words.push(format!("{} {name}", below_hundred(part)));
        }
    }
    let last = rest % 1_000;
    if last > 0 {
        words.push(below_thousand(last));
    }
    words.join(" ")
}

/// An amount in words as a tax invoice prints it:
/// `Rupees Fifty One Thousand Eight Hundred Forty Five Only`, with paise
/// when there are any. Negative amounts are not printed in words.
pub fn amount_in_words(amount: Money) -> String {
    let value = amount.value().abs();
    let rupees = value.trunc();
    let paise = ((value - rupees) * Decimal::ONE_HUNDRED).trunc();
    let rupees = u64::try_from(rupees).unwrap_or(u64::MAX);
    let paise = u64::try_from(paise).unwrap_or_default();
    let mut text = format!("Rupees {}", indian_words(rupees));
    if paise > 0 {
        text.push_str(&format!(" and {} Paise", below_hundred(paise)));
    }
    text.push_str(" Only");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Money {
        Money::parse("x", text).expect("money")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn financial_years_start_in_april_by_default() {
        assert_eq!(FinancialYear::of(date(2026, 11, 21), 4).label(4), "2026-27");
        assert_eq!(FinancialYear::of(date(2027, 3, 31), 4).label(4), "2026-27");
        assert_eq!(FinancialYear::of(date(2027, 4, 1), 4).label(4), "2027-28");
        assert_eq!(FinancialYear::of(date(2099, 12, 31), 4).label(4), "2099-00");
        assert_eq!(FinancialYear::of(date(2026, 1, 1), 1).label(1), "2026");
        assert_eq!(
            invoice_number("MUM1", "2026-27", 123),
            "MUM1/2026-27/000123"
        );
    }

    #[test]
    fn old_gold_is_weight_times_rate_less_the_deduction() {
        // 2.000 g of 916 at 11,500.00 a gram, 2% off: 23,000.00 − 460.00.
        let old = OldGold {
            weight: Weight::parse("w", "2.000").expect("w"),
            tested_fineness: 916,
            rate: money("11500"),
            deduction: Percent::parse("d", "2").expect("d"),
        };
        old.check().expect("valid");
        let value = old.value();
        assert_eq!(value.gross, money("23000.00"));
        assert_eq!(value.deduction, money("460.00"));
        assert_eq!(value.value, money("22540.00"));
        let untested = OldGold {
            tested_fineness: 0,
            ..old
        };
        assert_eq!(
            untested.check().expect_err("0").errors()[0].field,
            "testedFineness"
        );
    }

    #[test]
    fn cash_and_pan_thresholds() {
        let limit = money("200000");
        assert!(check_cash(money("199999.99"), limit).is_ok());
        let refused = check_cash(money("200000"), limit).expect_err("at the limit");
        assert_eq!(refused.errors()[0].code, "cash_limit");
        assert!(check_pan(money("199999.99"), limit, false).is_ok());
        assert!(check_pan(money("200000"), limit, true).is_ok());
        let refused = check_pan(money("200000"), limit, false).expect_err("no PAN");
        assert_eq!(refused.errors()[0].code, "pan_required");
    }

    #[test]
    fn amounts_in_indian_words() {
        assert_eq!(
            amount_in_words(money("51845.00")),
            "Rupees Fifty One Thousand Eight Hundred Forty Five Only"
        );
        assert_eq!(
            amount_in_words(money("1234567.89")),
            "Rupees Twelve Lakh Thirty Four Thousand Five Hundred Sixty Seven and Eighty Nine Paise Only"
        );
        assert_eq!(
            amount_in_words(money("120000000")),
            "Rupees Twelve Crore Only"
        );
        assert_eq!(
            amount_in_words(money("100100")),
            "Rupees One Lakh One Hundred Only"
        );
        assert_eq!(
            amount_in_words(money("0.50")),
            "Rupees Zero and Fifty Paise Only"
        );
        assert_eq!(amount_in_words(money("19")), "Rupees Nineteen Only");
    }
}
