//! The wire types of `billing::invoice_returns`: what its requests send and its answers show.

use jewel_domain::invoice::{PaymentMethod, Settlement};
use jewel_domain::{FieldError, Invalid};
use serde::Deserialize;
use utoipa::ToSchema;

/// How a return is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettlementName {
    /// Money back, by `refundMethod`.
    Refund,
    /// Credit kept for the customer's next purchase.
    StoreCredit,
}

/// How a refund goes back: money only (not old gold, not a voucher).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundMethodName {
    Cash,
    Card,
    Upi,
    BankTransfer,
    Cheque,
}

/// Lines of an invoice to take back.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "lineIds": ["01936f0e-0000-7000-8000-0000000000b2"],
    "reason": "Size does not fit; customer will choose another",
    "settlement": "refund", "refundMethod": "upi"
}))]
pub struct ReturnFields {
    /// Lines of the invoice not returned before; 1 to 100.
    #[schema(min_items = 1, max_items = 100)]
    pub(crate) line_ids: Vec<uuid::Uuid>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) reason: String,
    pub(crate) settlement: SettlementName,
    /// With `refund` only: how the money goes back.
    pub(crate) refund_method: Option<RefundMethodName>,
}

impl ReturnFields {
    pub(crate) fn check(&self) -> Result<(String, Settlement), Invalid> {
        let mut errors = Vec::new();
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            errors.push(FieldError::new("reason", "length", "1 to 500 characters"));
        }
        if self.line_ids.is_empty() || self.line_ids.len() > 100 {
            errors.push(FieldError::new("lineIds", "count", "1 to 100 lines"));
        }
        let settlement = match (self.settlement, self.refund_method.map(PaymentMethod::from)) {
            (SettlementName::StoreCredit, None) => Some(Settlement::StoreCredit),
            (SettlementName::StoreCredit, Some(_)) => {
                errors.push(FieldError::new(
                    "refundMethod",
                    "unexpected",
                    "only for a refund",
                ));
                None
            }
            (SettlementName::Refund, None) => {
                errors.push(FieldError::new(
                    "refundMethod",
                    "required",
                    "how the money goes back",
                ));
                None
            }
            (SettlementName::Refund, Some(method)) if !method.refunds() => {
                errors.push(FieldError::new(
                    "refundMethod",
                    "not_a_refund",
                    "money does not go back in points",
                ));
                None
            }
            (SettlementName::Refund, Some(method)) => Some(Settlement::Refund(method)),
        };
        match (Invalid::from_errors(errors), settlement) {
            (None, Some(settlement)) => Ok((reason.to_owned(), settlement)),
            (Some(invalid), _) => Err(invalid),
            (None, None) => Err(Invalid::field("settlement", "invalid", "not valid")),
        }
    }
}
