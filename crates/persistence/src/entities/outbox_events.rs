use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub event_type: String,
    pub occurred_at: DateTimeUtc,
    pub actor_kind: String,
    pub actor_id: String,
    pub entity_type: String,
    pub entity_id: String,
    pub branch_id: Option<String>,
    pub business_wide: bool,
    pub request_id: String,
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub position: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
