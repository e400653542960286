use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub branch_id: Option<String>,
    pub customer_id: String,
    pub trigger: String,
    pub purpose: String,
    pub channel: String,
    pub language: String,
    pub dedupe_key: String,
    pub template_id: Option<String>,
    pub template_version: Option<i32>,
    pub subject: Option<String>,
    pub body: String,
    pub parameters: Option<String>,
    pub about_kind: Option<String>,
    pub about_id: Option<String>,
    pub address: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub lease_token: Option<String>,
    pub transport: Option<String>,
    pub provider_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
