//! The wire types of `inventory::lots`: what its requests send and its answers show.

use crate::auth::Caller;
use crate::routes::inventory::dto::designs::check_text;
use crate::routes::{wire::MetalName, wire::collect};
use chrono::{DateTime, Utc};
use jewel_domain::lot::{Lot, LotUnit, NewLot};
use jewel_domain::metal::Purity;
use jewel_domain::piece::{TagNumber, check_label};
use jewel_domain::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

wire_enum! {
    /// How a lot is counted: `count` (pieces) or `weight` (grams, 3 places).
    LotUnitName mirrors LotUnit { Count = "count", Weight = "weight" }
}

/// A lot to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "code": "COIN-24K-10G", "name": "Lakshmi coin 10 g", "category": "coin",
    "unit": "count", "metal": "gold", "fineness": 999
}))]
pub struct LotFields {
    #[schema(max_length = 32, pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub(crate) code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) name: String,
    #[schema(value_type = crate::routes::wire::ShortText)]
    pub(crate) category: String,
    pub(crate) unit: LotUnitName,
    pub(crate) metal: Option<MetalName>,
    #[schema(value_type = Option<crate::routes::wire::Fineness>)]
    pub(crate) fineness: Option<u16>,
}

impl LotFields {
    pub(crate) fn check(self) -> Result<NewLot, Invalid> {
        let mut errors = Vec::new();
        let code = collect(&mut errors, TagNumber::parse("code", &self.code));
        let name = check_text(&mut errors, "name", Some(&self.name), 120);
        if name.is_none() && !errors.iter().any(|e| e.field == "name") {
            errors.push(FieldError::new("name", "required", "1 to 120 characters"));
        }
        let category = check_label("category", &self.category, 40)
            .map_err(|e| errors.push(e))
            .ok();
        let purity = match (self.metal, self.fineness) {
            (Some(metal), Some(fineness)) => collect(
                &mut errors,
                Purity::parse("fineness", metal.into(), fineness),
            ),
            (None, None) => None,
            _ => {
                errors.push(FieldError::new(
                    "fineness",
                    "together",
                    "metal and fineness go together",
                ));
                None
            }
        };
        match (code, name, category, Invalid::from_errors(errors)) {
            (Some(code), Some(name), Some(category), None) => Ok(NewLot {
                code: code.as_str().to_owned(),
                name,
                category,
                unit: self.unit.into(),
                purity,
            }),
            (.., Some(invalid)) => Err(invalid),
            _ => Err(Invalid::field("body", "invalid", "invalid lot")),
        }
    }
}

/// A quantity at one branch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BranchQuantity {
    pub(crate) branch_id: uuid::Uuid,
    /// Pieces, or grams with 3 places.
    #[schema(max_length = 20, pattern = r"^-?[0-9]+(\.[0-9]{3})?$")]
    pub(crate) quantity: String,
}

/// A lot with its quantity on hand in the caller's branches.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000c9", "code": "COIN-24K-10G",
    "name": "Lakshmi coin 10 g", "category": "coin", "unit": "count", "metal": "gold",
    "fineness": 999,
    "onHand": [{"branchId": "01936f0e-0000-7000-8000-000000000001", "quantity": "12"}],
    "ledger": [{"branchId": "01936f0e-0000-7000-8000-000000000001", "quantity": "12"}],
    "createdAt": "2026-11-21T09:30:00Z"
}))]
pub struct LotView {
    pub(crate) id: uuid::Uuid,
    #[schema(max_length = 32)]
    pub(crate) code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) name: String,
    #[schema(value_type = crate::routes::wire::ShortText)]
    pub(crate) category: String,
    pub(crate) unit: LotUnitName,
    pub(crate) metal: Option<MetalName>,
    #[schema(value_type = Option<crate::routes::wire::Fineness>)]
    pub(crate) fineness: Option<u16>,
    #[schema(max_items = 1000)]
    pub(crate) on_hand: Vec<BranchQuantity>,
    /// The same, summed from the lot ledger; always equal to `onHand`.
    #[schema(max_items = 1000)]
    pub(crate) ledger: Vec<BranchQuantity>,
    pub(crate) created_at: DateTime<Utc>,
}

impl LotView {
    pub(crate) fn for_caller(lot: Lot, caller: &Caller) -> Self {
        let unit = lot.unit;
        let quantities = |list: Vec<(uuid::Uuid, i64)>| {
            list.into_iter()
                .filter(|(branch, _)| caller.acts_in(*branch))
                .map(|(branch_id, units)| BranchQuantity {
                    branch_id,
                    quantity: unit.format(units),
                })
                .collect()
        };
        Self {
            id: lot.id,
            code: lot.code,
            name: lot.name,
            category: lot.category,
            unit: unit.into(),
            metal: lot.purity.map(|p| p.metal().into()),
            fineness: lot.purity.map(|p| p.fineness()),
            on_hand: quantities(lot.on_hand),
            ledger: quantities(lot.ledger),
            created_at: lot.created_at,
        }
    }
}

/// In or out.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

/// A receipt or an adjustment of a lot at one branch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "branchId": "01936f0e-0000-7000-8000-000000000001", "kind": "receipt", "quantity": "12"
}))]
pub struct LotMovementFields {
    pub(crate) branch_id: uuid::Uuid,
    /// `receipt` (in) or `adjustment` (in or out, with a reason). Sales and
    /// returns come from bills.
    #[schema(pattern = "^(receipt|adjustment)$", max_length = 10)]
    pub(crate) kind: String,
    /// Pieces, or grams with up to 3 places; more than 0, under a billion.
    #[schema(
        max_length = 20,
        pattern = r"^(?!0*(\.0*)?$)[0-9]{1,9}(\.[0-9]{1,3})?$"
    )]
    pub(crate) quantity: String,
    /// For an adjustment: which way. Receipts are always in.
    pub(crate) direction: Option<Direction>,
    #[schema(max_length = 500)]
    pub(crate) reason: Option<String>,
}

/// A quantity of a lot to move between branches.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "fromBranchId": "01936f0e-0000-7000-8000-000000000001",
    "toBranchId": "01936f0e-0000-7000-8000-000000000002", "quantity": "5"
}))]
pub struct LotTransferFields {
    pub(crate) from_branch_id: uuid::Uuid,
    pub(crate) to_branch_id: uuid::Uuid,
    /// Pieces, or grams with up to 3 places; more than 0, under a billion.
    #[schema(
        max_length = 20,
        pattern = r"^(?!0*(\.0*)?$)[0-9]{1,9}(\.[0-9]{1,3})?$"
    )]
    pub(crate) quantity: String,
}
