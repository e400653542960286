use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "metal_rates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub metal: String,
    pub fineness: i16,
    /// Paise per gram.
    pub per_gram: i64,
    pub currency: String,
    pub effective_at: DateTimeUtc,
    pub session: Option<String>,
    pub source: Option<String>,
    pub set_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
