//! The wire types of `inventory::stock`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::stock_audit::StockAudit;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a scanner read in a branch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "scanned": ["GN-22-000123", "3034257BF400B7800004CB2F", "RG-18-000044"]
}))]
pub struct StockCount {
    pub(crate) branch_id: uuid::Uuid,
    /// Tag numbers or EPCs, in any case, repeats allowed; up to 20,000.
    #[schema(min_items = 1, max_items = 20000, value_type = Vec<ScannedCode>)]
    pub(crate) scanned: Vec<String>,
}

bounded_string!(
    /// A tag number or an EPC as a scanner read it.
    ScannedCode, 1, 64, Some(r"^\s*[A-Za-z0-9-]{1,64}\s*$")
);

/// A piece expected on the shelves and not scanned.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MissingPiece {
    pub(crate) piece_id: uuid::Uuid,
    #[schema(max_length = 32)]
    pub(crate) tag_number: String,
}

/// A code scanned that was not expected on the shelves.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnexpectedCode {
    #[schema(max_length = 64)]
    pub(crate) code: String,
    /// The piece it names, if it is this branch's (never another branch's).
    pub(crate) piece_id: Option<uuid::Uuid>,
    /// `unknown` (no such tag or EPC), `elsewhere` (another branch's piece)
    /// or `not_in_stock` (sold, melted, on approval, at a repairer, in transit).
    #[schema(pattern = "^(unknown|elsewhere|not_in_stock)$", max_length = 12)]
    pub(crate) reason: &'static str,
}

/// A stock count and what did not match.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000b1",
    "branchId": "01936f0e-0000-7000-8000-000000000001", "scanned": 3, "matched": 2,
    "missing": [{"pieceId": "01936f0e-0000-7000-8000-0000000000e9", "tagNumber": "BG-22-000017"}],
    "unexpected": [{"code": "RG-18-000044", "pieceId": "01936f0e-0000-7000-8000-0000000000e4", "reason": "not_in_stock"}],
    "actorKind": "staff", "actorId": "01936f0e-0000-7000-8000-000000000010",
    "at": "2026-11-21T18:30:00Z"
}))]
pub struct StockAuditView {
    pub(crate) id: uuid::Uuid,
    pub(crate) branch_id: uuid::Uuid,
    /// Distinct codes scanned.
    #[schema(minimum = 0, maximum = 20000)]
    pub(crate) scanned: u32,
    #[schema(minimum = 0, maximum = 20000)]
    pub(crate) matched: u32,
    #[schema(max_items = 1000000)]
    pub(crate) missing: Vec<MissingPiece>,
    #[schema(max_items = 20000)]
    pub(crate) unexpected: Vec<UnexpectedCode>,
    #[schema(max_length = 16)]
    pub(crate) actor_kind: String,
    pub(crate) actor_id: uuid::Uuid,
    pub(crate) at: DateTime<Utc>,
}

impl From<StockAudit> for StockAuditView {
    fn from(a: StockAudit) -> Self {
        Self {
            id: a.id,
            branch_id: a.branch_id,
            scanned: u32::try_from(a.scanned).unwrap_or(u32::MAX),
            matched: u32::try_from(a.matched).unwrap_or(u32::MAX),
            missing: a
                .missing
                .into_iter()
                .map(|(piece_id, tag_number)| MissingPiece {
                    piece_id,
                    tag_number,
                })
                .collect(),
            unexpected: a
                .unexpected
                .into_iter()
                .map(|(code, piece_id, why)| UnexpectedCode {
                    code,
                    piece_id,
                    reason: why.as_str(),
                })
                .collect(),
            actor_kind: a.actor_kind,
            actor_id: a.actor_id,
            at: a.at,
        }
    }
}

/// One branch's stock on hand.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BranchOnHand {
    pub(crate) branch_id: uuid::Uuid,
    /// Pieces in the store's hands (in stock, reserved, on approval, in
    /// repair, returned), counted from the pieces.
    #[schema(minimum = 0)]
    pub(crate) pieces: i64,
    /// The same, summed from the stock ledger.
    #[schema(minimum = 0)]
    pub(crate) ledger: i64,
    /// Whether the two agree (they always should).
    pub(crate) balanced: bool,
}

/// Stock on hand per branch.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"branches": [
    {"branchId": "01936f0e-0000-7000-8000-000000000001", "pieces": 1820, "ledger": 1820, "balanced": true}
]}))]
pub struct OnHandView {
    #[schema(max_items = 1000)]
    pub(crate) branches: Vec<BranchOnHand>,
}

/// Old metal of one grade held at a branch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScrapHolding {
    pub(crate) branch_id: uuid::Uuid,
    pub(crate) metal: crate::routes::wire::MetalName,
    /// Parts per thousand, as tested.
    #[schema(minimum = 1, maximum = 999)]
    pub(crate) fineness: u16,
    #[schema(value_type = crate::routes::wire::WeightText)]
    pub(crate) weight: String,
    /// What was credited for it on bills.
    #[schema(value_type = crate::routes::wire::MoneyText)]
    pub(crate) value: String,
}

/// Scrap stock: old metal taken in exchange, by branch and grade.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [
    {"branchId": "01936f0e-0000-7000-8000-000000000001", "metal": "gold", "fineness": 916,
     "weight": "2.000", "value": "22540.00"}
]}))]
pub struct ScrapView {
    #[schema(max_items = 1000)]
    pub(crate) items: Vec<ScrapHolding>,
}
