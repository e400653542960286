use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub message_id: String,
    pub attempt: i32,
    pub transport: String,
    pub started_at: DateTimeUtc,
    pub latency_ms: i64,
    /// `sent`, `transient` or `permanent`.
    pub outcome: String,
    /// The provider's answer, its first 1,000 characters.
    pub answer: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
