use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lot_stock")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub lot_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub branch_id: String,
    /// A count, or milligrams.
    pub quantity: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
