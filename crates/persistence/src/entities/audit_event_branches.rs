use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event_branches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub branch_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
