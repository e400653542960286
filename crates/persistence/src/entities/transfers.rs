use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transfers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub from_branch_id: String,
    pub to_branch_id: String,
    pub status: String,
    pub note: Option<String>,
    pub dispatched_by: String,
    pub dispatched_at: DateTimeUtc,
    pub received_by: Option<String>,
    pub received_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
