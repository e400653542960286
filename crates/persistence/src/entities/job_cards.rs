use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_cards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub number: String,
    pub financial_year: String,
    pub branch_id: String,
    pub customer_id: String,
    pub kind: String,
    pub priority: String,
    pub status: String,
    pub held_from: Option<String>,
    pub hold_reason: Option<String>,
    pub customer_words: String,
    pub description: Option<String>,
    pub condition_notes: Option<String>,
    pub metal: Option<String>,
    pub fineness: Option<i32>,
    pub gross_milligrams_in: Option<i64>,
    pub stones_in: i32,
    pub declared_value: Option<i64>,
    pub piece_id: Option<String>,
    pub promised_on: Option<Date>,
    pub estimate_only: bool,
    pub estimate_revision: i32,
    pub approved_revision: i32,
    pub approved_by_kind: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTimeUtc>,
    pub flagged: bool,
    pub collected_by: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
    pub invoice_id: Option<String>,
    pub delivery_override: Option<String>,
    pub created_by_kind: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
