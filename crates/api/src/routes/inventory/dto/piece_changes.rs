//! The wire types of `inventory::piece_changes`: what its requests send and its answers show.

use crate::routes::inventory::dto::designs::ImageAddress;
use crate::routes::inventory::dto::pieces::{OtherChargeFields, StoneFields};
use crate::routes::wire::price::MakingFields;
use crate::routes::{wire::MetalName, wire::MoneyText, wire::PercentText, wire::WeightText};
use serde::Deserialize;
use utoipa::ToSchema;

/// Changes to a piece: a JSON merge patch of [`PieceFields`]. Fields left
/// out stay; `null` removes an optional one; a list replaces the whole list.
/// The branch changes only by a transfer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"grossWeight": "3.420", "netWeight": null, "costPrice": "41250.00"}))]
#[allow(dead_code)] // read only to check the shape of a patch
pub struct PieceChanges {
    #[schema(value_type = String, required = false, max_length = 32, pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub(crate) tag_number: Option<String>,
    #[schema(max_length = 64, pattern = "^([0-9A-Fa-f]{2}){4,32}$")]
    pub(crate) epc: Option<String>,
    pub(crate) design_id: Option<uuid::Uuid>,
    #[schema(value_type = Option<crate::routes::wire::ShortText>)]
    pub(crate) category: Option<String>,
    #[schema(value_type = MetalName, required = false)]
    pub(crate) metal: Option<MetalName>,
    #[schema(value_type = crate::routes::wire::Fineness, required = false)]
    pub(crate) fineness: Option<u16>,
    #[schema(value_type = crate::routes::wire::PositiveWeightText, required = false)]
    pub(crate) gross_weight: Option<String>,
    #[schema(value_type = Option<WeightText>)]
    pub(crate) stone_weight: Option<String>,
    #[schema(value_type = Option<WeightText>)]
    pub(crate) net_weight: Option<String>,
    #[schema(max_items = 50)]
    pub(crate) stones: Option<Vec<StoneFields>>,
    pub(crate) making: Option<MakingFields>,
    #[schema(value_type = Option<PercentText>)]
    pub(crate) wastage_percent: Option<String>,
    #[schema(max_items = 10)]
    pub(crate) other_charges: Option<Vec<OtherChargeFields>>,
    #[schema(max_length = 6, pattern = "^[A-Z0-9]{6}$")]
    pub(crate) huid: Option<String>,
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) cost_price: Option<String>,
    /// Must stay the piece's branch.
    #[schema(value_type = uuid::Uuid, required = false)]
    pub(crate) branch_id: Option<uuid::Uuid>,
    #[schema(max_items = 10, value_type = Option<Vec<ImageAddress>>)]
    pub(crate) images: Option<Vec<String>>,
}
