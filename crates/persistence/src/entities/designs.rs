use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "designs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub code: String,
    pub name: String,
    pub category: String,
    pub collection: Option<String>,
    pub description: Option<String>,
    /// JSON array of addresses.
    pub images: String,
    pub making_mode: Option<String>,
    /// Hundredths of a percent or of the currency, by `making_mode`.
    pub making_value: Option<i64>,
    /// Hundredths of a percent.
    pub wastage: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
