use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_deposits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub number: String,
    pub financial_year: String,
    pub branch_id: String,
    pub job_id: String,
    pub customer_id: String,
    /// Paise.
    pub amount: i64,
    pub method: String,
    pub reference: Option<String>,
    /// Paise the job's bill took.
    pub applied: i64,
    /// Paise given back.
    pub refunded: i64,
    pub refund_method: Option<String>,
    pub refund_reference: Option<String>,
    pub refund_reason: Option<String>,
    pub refunded_by: Option<String>,
    pub refunded_at: Option<DateTimeUtc>,
    pub received_by: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
