use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheme_enrolments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub plan_id: String,
    pub plan_name: String,
    pub customer_id: String,
    pub branch_id: String,
    /// JSON: the plan's terms when the enrolment began.
    pub terms: String,
    pub nominee_name: String,
    pub nominee_relation: String,
    pub started_at: DateTimeUtc,
    pub status: String,
    pub created_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
