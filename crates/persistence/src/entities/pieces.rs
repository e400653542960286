use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pieces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tag_number: String,
    pub epc: Option<String>,
    pub design_id: Option<String>,
    pub category: String,
    pub metal: String,
    pub fineness: i16,
    /// Milligrams.
    pub gross_weight: i64,
    pub stone_weight: i64,
    pub net_weight: i64,
    /// JSON array of stones.
    pub stones: String,
    pub making_mode: String,
    /// Hundredths of a percent or of the currency, by `making_mode`.
    pub making_value: i64,
    /// Hundredths of a percent.
    pub wastage: i64,
    /// JSON array of `{label, amount}`.
    pub other_charges: String,
    pub hallmark: String,
    pub huid: Option<String>,
    /// Paise.
    pub cost_price: Option<i64>,
    pub branch_id: String,
    pub status: String,
    /// JSON array of addresses.
    pub images: String,
    pub version: i32,
    pub reserved_for_id: Option<String>,
    pub reserved_until: Option<DateTimeUtc>,
    /// See `jewel_domain::pricing::LinearPrice`.
    pub price_coefficient: i64,
    /// Paise.
    pub price_fixed: i64,
    /// The price line at `price_key_rate` (see `Pieces::refresh_price_keys`).
    pub price_key: Option<i64>,
    pub price_key_rate: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
