use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quotes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub branch_id: String,
    pub customer_id: Option<String>,
    pub place_of_supply: String,
    pub currency: String,
    /// JSON: the priced lines with their snapshot.
    pub lines: String,
    pub bill_discount: Option<String>,
    /// Paise.
    pub total: i64,
    pub note: Option<String>,
    pub priced_at: DateTimeUtc,
    pub valid_until: DateTimeUtc,
    pub invoice_id: Option<String>,
    pub created_by_kind: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
