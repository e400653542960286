use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loyalty_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub customer_id: String,
    pub kind: String,
    pub points: i64,
    pub remaining: i64,
    pub qualifying: i64,
    pub active_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub invoice_id: Option<String>,
    pub credit_note_id: Option<String>,
    pub source: Option<String>,
    pub reason: Option<String>,
    pub actor_kind: String,
    pub actor_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
