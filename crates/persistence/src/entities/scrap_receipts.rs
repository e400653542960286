use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scrap_receipts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub branch_id: String,
    pub metal: String,
    pub fineness: i16,
    /// Milligrams.
    pub weight: i64,
    /// Paise.
    pub value: i64,
    pub invoice_id: Option<String>,
    pub payment_id: Option<String>,
    pub actor_kind: String,
    pub actor_id: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
