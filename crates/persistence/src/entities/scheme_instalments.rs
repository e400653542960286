use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheme_instalments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub enrolment_id: String,
    pub period: i32,
    /// Paise.
    pub amount: i64,
    pub milligrams: Option<i64>,
    /// Paise per gram.
    pub rate: Option<i64>,
    pub method: String,
    pub reference: Option<String>,
    pub branch_id: String,
    pub receipt_number: String,
    pub accepted_at: DateTimeUtc,
    pub accepted_by_kind: String,
    pub accepted_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
