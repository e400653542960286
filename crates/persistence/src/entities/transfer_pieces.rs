use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transfer_pieces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub transfer_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub piece_id: String,
    pub state: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
