use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub invoice_id: String,
    pub branch_id: String,
    pub customer_id: Option<String>,
    pub number: String,
    pub financial_year: String,
    pub sequence: i64,
    pub reason: String,
    /// `refund` or `store_credit`.
    pub settlement: String,
    pub refund_method: Option<String>,
    /// Paise.
    pub taxable_value: i64,
    pub tax_total: i64,
    pub round_off: i64,
    pub total: i64,
    pub created_by_kind: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
