use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub branch_id: String,
    pub customer_id: Option<String>,
    pub quote_id: Option<String>,
    pub status: String,
    pub number: Option<String>,
    pub financial_year: Option<String>,
    pub sequence: Option<i64>,
    pub place_of_supply: String,
    /// `within_state` or `inter_state`.
    pub supply: String,
    pub currency: String,
    /// Paise.
    pub value: i64,
    pub discount: i64,
    pub taxable_value: i64,
    pub tax_total: i64,
    pub round_off: i64,
    pub total: i64,
    pub paid: i64,
    pub bill_discount: Option<String>,
    pub approval_needed: bool,
    pub waiver_enrolment_id: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTimeUtc>,
    pub sales_people: String,
    pub note: Option<String>,
    pub priced_at: DateTimeUtc,
    pub created_by_kind: String,
    pub created_by: String,
    pub issued_by: Option<String>,
    pub issued_at: Option<DateTimeUtc>,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancel_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
