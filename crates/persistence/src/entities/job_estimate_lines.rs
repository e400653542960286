use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_estimate_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub job_id: String,
    pub revision: i32,
    pub position: i32,
    pub kind: String,
    pub description: String,
    pub task_id: Option<String>,
    pub metal: Option<String>,
    pub fineness: Option<i32>,
    pub milligrams: Option<i64>,
    pub rate: Option<i64>,
    pub amount: i64,
    pub tax_rate: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
