use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub invoice_id: String,
    pub method: String,
    /// Paise.
    pub amount: i64,
    pub reference: Option<String>,
    /// JSON: weight, tested fineness, rate and deduction of old gold.
    pub old_gold: Option<String>,
    pub received_by_kind: String,
    pub received_by: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
