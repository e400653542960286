use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_audits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub branch_id: String,
    pub scanned: i32,
    pub matched: i32,
    pub missing: i32,
    pub unexpected: i32,
    /// JSON document of the missing and unexpected pieces.
    pub discrepancies: String,
    pub actor_kind: String,
    pub actor_id: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
