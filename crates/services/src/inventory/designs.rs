//! Designs: the catalogue's models a piece is made to, each change
//! audited as a record of inventory.

use jewel_domain::design::{Design, NewDesign};
use jewel_persistence::repos::designs::Designs;
use serde::Serialize;

use super::InventoryError;
use super::record::MakingRecord;
use crate::Unit;

/// A design as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DesignRecord {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
    pub category: String,
    pub collection: Option<String>,
    pub description: Option<String>,
    pub images: Vec<String>,
    pub making: Option<MakingRecord>,
    pub wastage_percent: Option<String>,
    pub version: i32,
}

impl From<&Design> for DesignRecord {
    fn from(d: &Design) -> Self {
        Self {
            id: d.id,
            code: d.code.clone(),
            name: d.name.clone(),
            category: d.category.clone(),
            collection: d.collection.clone(),
            description: d.description.clone(),
            images: d.images.clone(),
            making: d.making.map(|m| MakingRecord {
                mode: m.mode(),
                value: m.value_text(),
            }),
            wastage_percent: d.wastage.map(|w| w.to_string()),
            version: d.version,
        }
    }
}

/// Adds a design (checked); a code that is taken is the store's 409.
pub async fn create_design(unit: &mut Unit, new: &NewDesign) -> Result<Design, InventoryError> {
    let design = Designs::create(unit.txn().await?, new).await?;
    let record = DesignRecord::from(&design);
    unit.audit("create", "design", design.id, None, Some(&record))?;
    Ok(design)
}

/// Replaces what is known of `before` (as read) by `new`, if still at
/// `expected_version` (when given).
pub async fn change_design(
    unit: &mut Unit,
    before: &Design,
    expected_version: Option<i32>,
    new: &NewDesign,
) -> Result<Design, InventoryError> {
    let after = Designs::replace(unit.txn().await?, before.id, expected_version, new).await?;
    let (was, is) = (DesignRecord::from(before), DesignRecord::from(&after));
    unit.audit("update", "design", after.id, Some(&was), Some(&is))?;
    Ok(after)
}
