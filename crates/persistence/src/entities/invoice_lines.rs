use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub invoice_id: String,
    pub position: i32,
    pub kind: String,
    pub piece_id: Option<String>,
    pub lot_id: Option<String>,
    /// A count, or milligrams.
    pub quantity: Option<i64>,
    pub description: String,
    pub hsn: String,
    /// JSON: what the line was priced from.
    pub detail: String,
    /// Paise.
    pub discount: i64,
    pub taxable_value: i64,
    pub tax_total: i64,
    pub credit_note_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
