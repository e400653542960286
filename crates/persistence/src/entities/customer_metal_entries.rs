use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_metal_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub customer_id: String,
    pub branch_id: String,
    pub metal: String,
    pub kind: String,
    /// More than zero; the kind tells the sign.
    pub fine_milligrams: i64,
    pub gross_milligrams: Option<i64>,
    pub fineness: Option<i32>,
    pub job_id: Option<String>,
    /// Paise a fine gram, for metal bought.
    pub rate: Option<i64>,
    pub value: Option<i64>,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
