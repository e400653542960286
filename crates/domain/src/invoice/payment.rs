//! How a customer pays, and the guard on what a bill is paid.

use crate::measure::Money;
use crate::validation::Invalid;

/// How a customer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentMethod {
    Cash,
    Card,
    Upi,
    BankTransfer,
    Cheque,
    /// A gift voucher, named by its code (the payment's reference).
    GiftVoucher,
    /// The value of old gold taken in exchange.
    OldGold,
    /// Loyalty points of the bill's customer, at the programme's value.
    Points,
    /// The store credit the bill's customer holds.
    StoreCredit,
    /// A matured savings scheme of the bill's customer, named by its
    /// enrolment's id (the payment's reference); against jewellery only.
    Scheme,
    /// An advance left on a service job, named by its receipt number (the
    /// payment's reference); against that job's bill only.
    Advance,
}

impl PaymentMethod {
    pub const ALL: [Self; 11] = [
        Self::Cash,
        Self::Card,
        Self::Upi,
        Self::BankTransfer,
        Self::Cheque,
        Self::GiftVoucher,
        Self::OldGold,
        Self::Points,
        Self::StoreCredit,
        Self::Scheme,
        Self::Advance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cash => "cash",
            Self::Card => "card",
            Self::Upi => "upi",
            Self::BankTransfer => "bank_transfer",
            Self::Cheque => "cheque",
            Self::GiftVoucher => "gift_voucher",
            Self::OldGold => "old_gold",
            Self::Points => "points",
            Self::StoreCredit => "store_credit",
            Self::Scheme => "scheme",
            Self::Advance => "advance",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// Whether a payment this way must name its reference (the cheque
    /// number, the voucher code, the bank's transaction id).
    pub fn needs_reference(self) -> bool {
        matches!(
            self,
            Self::Cheque | Self::GiftVoucher | Self::BankTransfer | Self::Scheme | Self::Advance
        )
    }

    /// Whether money can be given back this way (a refund): not in points
    /// nor as store credit (a return settles as store credit on its own),
    /// never into a savings scheme or a job's advance.
    pub fn refunds(self) -> bool {
        !matches!(
            self,
            Self::Points | Self::StoreCredit | Self::Scheme | Self::Advance
        )
    }
}

/// Checks payments of `amounts` (each with its field) against the `balance`
/// due: each more than zero, together no more than the balance.
pub fn check_payments(balance: Money, amounts: &[(String, Money)]) -> Result<(), Invalid> {
    let mut errors = Vec::new();
    for (field, amount) in amounts {
        if amount.is_zero() {
            errors.push(crate::FieldError::new(field, "too_small", "more than 0"));
        }
    }
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid);
    }
    let offered: Money = amounts.iter().map(|(_, a)| *a).sum();
    if offered > balance {
        return Err(Invalid::field(
            "payments",
            "more_than_due",
            format!("{offered} is more than the {balance} due"),
        ));
    }
    Ok(())
}
