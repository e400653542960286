use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "challans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub number: String,
    pub financial_year: String,
    pub branch_id: String,
    pub job_id: String,
    pub artisan_id: String,
    pub metal: String,
    pub fineness: i32,
    pub gross_milligrams: i64,
    pub stone_millicarats: i64,
    /// Hundredths of a percent.
    pub allowed_wastage: i64,
    pub status: String,
    pub flagged: bool,
    pub loss_reason: Option<String>,
    pub issued_by: String,
    pub issued_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
