//! The wire types of `inventory::piece_receipts`: what its requests send and its answers show.

use crate::routes::inventory::dto::pieces::{PieceFields, PieceView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A delivery of pieces, received all or none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"pieces": [
    {"tagNumber": "GR-22-000124", "category": "ring", "metal": "gold", "fineness": 916,
     "grossWeight": "4.250", "making": {"mode": "per_gram", "value": "450.00"},
     "huid": "QW12ER", "costPrice": "52000.00", "branchId": "01936f0e-0000-7000-8000-000000000001"},
    {"tagNumber": "ER-18-000031", "category": "earrings", "metal": "gold", "fineness": 750,
     "grossWeight": "3.120", "stones": [{"kind": "diamond", "count": 12, "carats": "0.480",
     "pricePerCarat": "65000.00"}], "making": {"mode": "percent", "value": "14.00"},
     "huid": "TY34UI", "branchId": "01936f0e-0000-7000-8000-000000000001"}
]}))]
pub struct Delivery {
    #[schema(min_items = 1, max_items = 1000)]
    pub(crate) pieces: Vec<PieceFields>,
}

/// The pieces received, in the order sent.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"pieces": [{
    "id": "01936f0e-0000-7000-8000-0000000000e1", "tagNumber": "GR-22-000124", "epc": null,
    "designId": null, "category": "ring", "metal": "gold", "fineness": 916,
    "grossWeight": "4.250", "stoneWeight": "0.000", "netWeight": "4.250", "stones": [],
    "making": {"mode": "per_gram", "value": "450.00"}, "wastagePercent": "0.00",
    "otherCharges": [], "hallmark": {"state": "hallmarked", "huid": "QW12ER"},
    "costPrice": "52000.00", "branchId": "01936f0e-0000-7000-8000-000000000001",
    "status": "in_stock", "reservation": null, "images": [], "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}]}))]
pub struct Received {
    #[schema(max_items = 1000)]
    pub(crate) pieces: Vec<PieceView>,
}
