use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    pub mobile: String,
    pub email: Option<String>,
    pub home_branch_id: Option<String>,
    pub mobile_reversed: Option<String>,
    pub date_of_birth: Option<Date>,
    pub birthday_md: Option<i32>,
    pub anniversary: Option<Date>,
    pub anniversary_md: Option<i32>,
    pub spouse_name: Option<String>,
    pub spouse_date_of_birth: Option<Date>,
    pub spouse_birthday_md: Option<i32>,
    pub ring_size: Option<String>,
    pub pan: Option<String>,
    pub pan_sealed: Option<String>,
    pub pan_lookup: Option<String>,
    pub pan_last_four: Option<String>,
    pub addresses: Option<String>,
    pub preferences: Option<String>,
    pub budget_band: Option<String>,
    pub notes: Option<String>,
    pub assigned_staff_id: Option<String>,
    pub source: String,
    pub external_id: Option<String>,
    pub archived_at: Option<DateTimeUtc>,
    pub merged_into_id: Option<String>,
    pub erased_at: Option<DateTimeUtc>,
    pub purchase_count: i32,
    /// Paise.
    pub lifetime_value: i64,
    pub last_purchase_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
