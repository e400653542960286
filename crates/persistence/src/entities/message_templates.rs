use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub trigger: String,
    pub channel: String,
    pub language: String,
    pub version: i32,
    pub subject: Option<String>,
    pub body: String,
    pub dlt_template_id: Option<String>,
    pub whatsapp_name: Option<String>,
    pub whatsapp_parameters: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
