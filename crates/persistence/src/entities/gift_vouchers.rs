use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gift_vouchers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub code: String,
    pub origin: String,
    /// Paise.
    pub value: i64,
    /// Paise; the sum of its entries.
    pub balance: i64,
    pub customer_id: Option<String>,
    pub invoice_id: Option<String>,
    pub invoice_line_id: Option<String>,
    /// What made it (the line sold, the occasion): once only.
    pub source: String,
    pub issued_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
