//! The wire types of the customer's metal account.

use chrono::{DateTime, Utc};
use jewel_domain::job::{MetalAsked, MetalEntry, MetalEntryKind};
use jewel_domain::measure::{Money, Weight};
use jewel_domain::metal::Metal;
use jewel_domain::{FieldError, Invalid};
use jewel_services::jobs::metal::MetalRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::wire::{
    MetalName, MoneyText, PositiveMoneyText, PositiveWeightText, WeightText, collect, text,
};

wire_enum! {
    /// `received` from the customer (weighed and tested: `grossWeight`
    /// and `fineness`), `used` on one of their jobs (`jobId`), `returned`
    /// to them, or `bought` by the store at the fine `rate` (an old-gold
    /// purchase, without GST); those going out name their `fineWeight`.
    MetalEntryKindName mirrors MetalEntryKind {
        Received = "received", Used = "used", Returned = "returned", Bought = "bought",
    }
}

/// An entry of a customer's metal, as asked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"branchId": "01936f0e-0000-7000-8000-000000000001",
    "kind": "received", "metal": "gold", "grossWeight": "10.000", "fineness": 916,
    "note": "Old bangle for the new chain"}))]
pub struct MetalEntryFields {
    /// Where it is handed over: one of your branches.
    pub(crate) branch_id: uuid::Uuid,
    pub(crate) kind: MetalEntryKindName,
    pub(crate) metal: MetalName,
    /// As weighed, for metal `received`.
    #[schema(value_type = Option<PositiveWeightText>)]
    pub(crate) gross_weight: Option<String>,
    /// As tested, for metal `received`.
    #[schema(minimum = 1, maximum = 999)]
    pub(crate) fineness: Option<u16>,
    /// Fine grams going out (`used`, `returned`, `bought`).
    #[schema(value_type = Option<PositiveWeightText>)]
    pub(crate) fine_weight: Option<String>,
    /// The customer's job it goes into (`used`), or came for.
    pub(crate) job_id: Option<uuid::Uuid>,
    /// The fine rate a gram the store pays (`bought`).
    #[schema(value_type = Option<PositiveMoneyText>)]
    pub(crate) rate: Option<String>,
    #[schema(max_length = 500)]
    pub(crate) note: Option<String>,
}

impl MetalEntryFields {
    pub(crate) fn request(&self, customer_id: uuid::Uuid) -> Result<MetalRequest, Invalid> {
        let mut errors: Vec<FieldError> = Vec::new();
        let weight = |errors: &mut Vec<FieldError>, field: &str, value: &Option<String>| {
            value
                .as_deref()
                .and_then(|v| collect(errors, Weight::parse(field, v)))
        };
        let gross_weight = weight(&mut errors, "grossWeight", &self.gross_weight);
        let fine_weight = weight(&mut errors, "fineWeight", &self.fine_weight);
        let rate = self
            .rate
            .as_deref()
            .and_then(|r| collect(&mut errors, Money::parse("rate", r)));
        let note = self
            .note
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .and_then(|n| collect(&mut errors, text("note", n, 500)));
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        Ok(MetalRequest {
            customer_id,
            branch_id: self.branch_id,
            metal: Metal::from(self.metal),
            kind: self.kind.into(),
            asked: MetalAsked {
                gross_weight,
                fineness: self.fineness,
                fine_weight,
                job_id: self.job_id,
                rate,
            },
            note,
        })
    }
}

/// A line of a customer's metal account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000e7",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1",
    "branchId": "01936f0e-0000-7000-8000-000000000001", "kind": "received",
    "metal": "gold", "fineWeight": "9.160", "grossWeight": "10.000", "fineness": 916,
    "jobId": null, "rate": null, "value": null, "note": "Old bangle for the new chain",
    "createdBy": "01936f0e-1111-7000-8000-000000000001", "createdAt": "2026-12-07T10:30:00Z"
}))]
pub struct MetalEntryView {
    id: uuid::Uuid,
    customer_id: uuid::Uuid,
    branch_id: uuid::Uuid,
    kind: MetalEntryKindName,
    metal: MetalName,
    /// Fine grams it moved (in for `received`, out otherwise).
    #[schema(value_type = WeightText)]
    fine_weight: String,
    #[schema(value_type = Option<WeightText>)]
    gross_weight: Option<String>,
    fineness: Option<u16>,
    job_id: Option<uuid::Uuid>,
    #[schema(value_type = Option<MoneyText>)]
    rate: Option<String>,
    /// What the store paid for metal `bought`.
    #[schema(value_type = Option<MoneyText>)]
    value: Option<String>,
    #[schema(max_length = 500)]
    note: Option<String>,
    created_by: uuid::Uuid,
    created_at: DateTime<Utc>,
}

impl From<MetalEntry> for MetalEntryView {
    fn from(e: MetalEntry) -> Self {
        Self {
            id: e.id,
            customer_id: e.customer_id,
            branch_id: e.branch_id,
            kind: e.kind.into(),
            metal: e.metal.into(),
            fine_weight: e.fine_weight.to_string(),
            gross_weight: e.gross_weight.map(|w| w.to_string()),
            fineness: e.fineness,
            job_id: e.job_id,
            rate: e.rate.map(|r| r.to_string()),
            value: e.value.map(|v| v.to_string()),
            note: e.note,
            created_by: e.created_by,
            created_at: e.created_at,
        }
    }
}

/// A customer's metal held by the store, in fine grams by metal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"customerId": "01936f0e-0000-7000-8000-0000000000c1",
    "balances": [{"metal": "gold", "fineWeight": "7.160"}]}))]
pub struct MetalAccountView {
    pub(crate) customer_id: uuid::Uuid,
    /// Each metal the customer ever handed over.
    #[schema(max_items = 3)]
    pub(crate) balances: Vec<MetalBalanceView>,
}

/// Fine grams of one metal held for a customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"metal": "gold", "fineWeight": "7.160"}))]
pub struct MetalBalanceView {
    metal: MetalName,
    #[schema(value_type = WeightText)]
    fine_weight: String,
}

impl MetalAccountView {
    pub(crate) fn of(customer_id: uuid::Uuid, balances: Vec<(Metal, Weight)>) -> Self {
        Self {
            customer_id,
            balances: balances
                .into_iter()
                .map(|(metal, weight)| MetalBalanceView {
                    metal: metal.into(),
                    fine_weight: weight.to_string(),
                })
                .collect(),
        }
    }
}
