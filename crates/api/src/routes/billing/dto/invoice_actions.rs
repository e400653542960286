//! The wire types of `billing::invoice_actions`: what its requests send and its answers show.

use crate::routes::billing::invoices::PaymentMethodName;
use crate::routes::{wire::MetalName, wire::MoneyText, wire::PercentText, wire::WeightText};
use serde::Deserialize;
use utoipa::ToSchema;

/// A payment: the method and amount; a reference for cheques (number),
/// vouchers (code) and bank transfers (transaction id); for `old_gold` the
/// metal weighed and tested instead of an amount: its value is weight x
/// rate less the deduction.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"method": "old_gold", "metal": "gold", "weight": "2.000",
                          "testedFineness": 916, "rate": "11500.00", "deductionPercent": "2.00"}))]
pub struct PaymentFields {
    pub(crate) method: PaymentMethodName,
    /// Every method but `old_gold`.
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) amount: Option<String>,
    #[schema(max_length = 80)]
    pub(crate) reference: Option<String>,
    /// For `old_gold`: `gold` when not given.
    pub(crate) metal: Option<MetalName>,
    /// For `old_gold`: grams as weighed.
    #[schema(value_type = Option<WeightText>)]
    pub(crate) weight: Option<String>,
    /// For `old_gold`: parts per thousand as tested.
    #[schema(minimum = 1, maximum = 999)]
    pub(crate) tested_fineness: Option<u16>,
    /// For `old_gold`: the buying rate per gram for that fineness.
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) rate: Option<String>,
    /// For `old_gold`: taken off the value; 0 when not given.
    #[schema(value_type = Option<PercentText>)]
    pub(crate) deduction_percent: Option<String>,
}

/// Issue a draft, optionally paying at once.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"payments": [
    {"method": "old_gold", "metal": "gold", "weight": "2.000", "testedFineness": 916,
     "rate": "11500.00", "deductionPercent": "2.00"},
    {"method": "upi", "amount": "29305.00", "reference": "UPI-4471"}
]}))]
pub struct IssueFields {
    /// Payments taken as the bill is issued; up to 10.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub(crate) payments: Vec<PaymentFields>,
}

/// Payments against an issued invoice.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"payments": [
    {"method": "cash", "amount": "10000.00"},
    {"method": "card", "amount": "19305.00", "reference": "VISA 4242 auth 771234"}
]}))]
pub struct PaymentsFields {
    /// 1 to 10 payments, split over methods.
    #[schema(min_items = 1, max_items = 10)]
    pub(crate) payments: Vec<PaymentFields>,
}

/// Why an invoice is cancelled.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"reason": "Billed the wrong necklace; re-billed"}))]
pub struct CancelFields {
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) reason: String,
}
