//! Gift vouchers: a code the bearer spends as money on a later bill. Sold
//! on a bill as a line without GST (the voucher is not a supply; what it
//! buys is taxed when it is spent) or given as an occasion reward. Its
//! ledger is its balance: issued, spent (redeemed), given back when a bill
//! it paid is cancelled, voided when the bill it was sold on is.

use chrono::{DateTime, Months, Utc};

use crate::measure::Money;
use crate::validation::Invalid;

/// The symbols of a code: digits and capitals without 0, 1, I and O, which
/// are read wrong from a printed voucher. 32 of them: 5 random bits each.
pub const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Symbols in a code: 60 random bits, a guess in 10^18.
pub const CODE_LENGTH: usize = 12;

/// Wrong codes one caller may try within [`GUESS_WINDOW_MINUTES`]; the
/// next try is refused until the window has passed.
pub const GUESSES_ALLOWED: u64 = 5;
pub const GUESS_WINDOW_MINUTES: i64 = 15;

/// A voucher's code, in its canonical form: 12 symbols of [`CODE_ALPHABET`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VoucherCode(String);

impl VoucherCode {
    /// A code from 16 random bytes (the first 60 bits are used).
    pub fn from_random(bytes: [u8; 16]) -> Self {
        let bits = u128::from_be_bytes(bytes);
        let code = (0..CODE_LENGTH)
            .map(|i| {
                let symbol = (bits >> (123 - 5 * i)) & 0x1f;
                char::from(CODE_ALPHABET[usize::try_from(symbol).unwrap_or(0)])
            })
            .collect();
        Self(code)
    }

    /// A code as a person typed it: any case, with spaces or dashes
    /// between groups (`ABCD-EFGH-JKLM`).
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let code: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let known = code.bytes().all(|b| CODE_ALPHABET.contains(&b));
        if code.len() != CODE_LENGTH || !known {
            return Err(Invalid::field(
                field,
                "format",
                "a gift voucher code is 12 letters and digits (no 0, 1, I or O)",
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a voucher came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoucherOrigin {
    /// Sold on a bill, paid for in full.
    Sold,
    /// Given as a birthday or anniversary reward.
    Reward,
}

impl VoucherOrigin {
    pub const ALL: [Self; 2] = [Self::Sold, Self::Reward];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sold => "sold",
            Self::Reward => "reward",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// What an entry of a voucher's ledger records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoucherEntryKind {
    /// Its value, when it was issued.
    Issued,
    /// Spent as a payment on a bill.
    Redeemed,
    /// Given back when a bill it paid was cancelled.
    Restored,
    /// Its balance taken away when the bill it was sold on was cancelled.
    Voided,
}

impl VoucherEntryKind {
    pub const ALL: [Self; 4] = [Self::Issued, Self::Redeemed, Self::Restored, Self::Voided];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Redeemed => "redeemed",
            Self::Restored => "restored",
            Self::Voided => "voided",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Where a voucher stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoucherStatus {
    /// Something left to spend, before its expiry.
    Active,
    /// Nothing left.
    Spent,
    /// Past its expiry with something left.
    Expired,
    /// The bill it was sold on was cancelled.
    Voided,
}

impl VoucherStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Spent => "spent",
            Self::Expired => "expired",
            Self::Voided => "voided",
        }
    }
}

/// A gift voucher as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftVoucher {
    pub id: uuid::Uuid,
    pub code: VoucherCode,
    pub origin: VoucherOrigin,
    pub value: Money,
    pub balance: Money,
    /// Whom it was sold to or given to.
    pub customer_id: Option<uuid::Uuid>,
    /// The bill it was sold on, and the line.
    pub invoice_id: Option<uuid::Uuid>,
    pub invoice_line_id: Option<uuid::Uuid>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub voided_at: Option<DateTime<Utc>>,
}

impl GiftVoucher {
    /// When a voucher issued at `issued_at` runs out, `months` later.
    pub fn expiry(issued_at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
        issued_at
            .checked_add_months(Months::new(months))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    pub fn status(&self, now: DateTime<Utc>) -> VoucherStatus {
        if self.voided_at.is_some() {
            VoucherStatus::Voided
        } else if self.balance.is_zero() {
            VoucherStatus::Spent
        } else if now >= self.expires_at {
            VoucherStatus::Expired
        } else {
            VoucherStatus::Active
        }
    }

    /// Refuses to spend `amount` of it at `now` (a payment's `field`):
    /// voided, expired, or more than its balance. Part of it may be spent.
    pub fn check_spend(
        &self,
        amount: Money,
        now: DateTime<Utc>,
        field: &str,
    ) -> Result<(), Invalid> {
        match self.status(now) {
            VoucherStatus::Voided => Err(Invalid::field(
                field,
                "voided",
                "this gift voucher was voided with the bill it was sold on",
            )),
            VoucherStatus::Expired => Err(Invalid::field(
                field,
                "expired",
                format!(
                    "this gift voucher expired on {}",
                    self.expires_at.date_naive()
                ),
            )),
            VoucherStatus::Active | VoucherStatus::Spent if amount > self.balance => {
                Err(Invalid::field(
                    field,
                    "more_than_held",
                    format!("more than the {} left on the gift voucher", self.balance),
                ))
            }
            VoucherStatus::Active | VoucherStatus::Spent => Ok(()),
        }
    }
}

/// One entry of a voucher's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherEntry {
    pub id: uuid::Uuid,
    pub voucher_id: uuid::Uuid,
    pub kind: VoucherEntryKind,
    /// What it adds to the balance (negative when spent or voided).
    pub amount: Money,
    /// The bill it was sold on, spent on, or whose cancel gave it back.
    pub invoice_id: Option<uuid::Uuid>,
    pub reason: String,
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_alphabet_and_read_back_as_typed() {
        let code = VoucherCode::from_random([0xa5; 16]);
        assert_eq!(code.as_str().len(), CODE_LENGTH);
        let typed = format!(
            "{}-{} {}",
            &code.as_str()[..4],
            &code.as_str()[4..8],
            &code.as_str()[8..]
        )
        .to_lowercase();
        assert_eq!(VoucherCode::parse("code", &typed).expect("typed"), code);
        assert_ne!(
            VoucherCode::from_random([0; 16]),
            VoucherCode::from_random([0xff; 16])
        );
    }

    #[test]
    fn codes_with_symbols_read_wrong_are_refused() {
        for wrong in [
            "ABCD-EFGH-JKL0",
            "ABCDEFGHJKL",
            "ABCDEFGHJKLMN",
            "ABCDEFGHJKLI",
        ] {
            let error = VoucherCode::parse("code", wrong).expect_err(wrong);
            assert_eq!(error.errors()[0].code, "format");
        }
    }

    #[test]
    fn a_voucher_spends_in_part_until_it_expires() {
        let at = DateTime::parse_from_rfc3339("2026-02-28T10:00:00Z")
            .expect("at")
            .with_timezone(&Utc);
        let voucher = GiftVoucher {
            id: uuid::Uuid::nil(),
            code: VoucherCode::from_random([1; 16]),
            origin: VoucherOrigin::Sold,
            value: Money::from_units(500_000),
            balance: Money::from_units(200_000),
            customer_id: None,
            invoice_id: None,
            invoice_line_id: None,
            issued_at: at,
            expires_at: GiftVoucher::expiry(at, 12),
            voided_at: None,
        };
        assert_eq!(voucher.expires_at.to_rfc3339(), "2027-02-28T10:00:00+00:00");
        assert!(
            voucher
                .check_spend(Money::from_units(200_000), at, "p")
                .is_ok()
        );
        let more = voucher.check_spend(Money::from_units(200_001), at, "p");
        assert_eq!(more.expect_err("more").errors()[0].code, "more_than_held");
        let late = voucher.check_spend(Money::from_units(1), voucher.expires_at, "p");
        assert_eq!(late.expect_err("late").errors()[0].code, "expired");
        assert_eq!(voucher.status(voucher.expires_at), VoucherStatus::Expired);
    }
}
