use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheme_redemptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub enrolment_id: String,
    pub kind: String,
    /// Paise; negative when given back.
    pub value: i64,
    /// Paise of the customer's advance in it.
    pub advance: i64,
    pub milligrams: Option<i64>,
    pub invoice_id: Option<String>,
    /// How a refund was paid.
    pub method: Option<String>,
    pub reference: Option<String>,
    pub source: String,
    pub actor_kind: String,
    pub actor_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
