//! Designs (styles): what a piece is an instance of, with the charges a new
//! piece of the design starts from.

use chrono::{DateTime, Utc};

use crate::measure::Percent;
use crate::pricing::MakingCharge;

/// A design to add, or a design's whole new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDesign {
    /// Upper-case letters, digits and dashes; unique.
    pub code: String,
    pub name: String,
    /// ring, chain, necklace, bangle, bracelet, earrings, pendant...
    pub category: String,
    pub collection: Option<String>,
    pub description: Option<String>,
    pub images: Vec<String>,
    /// What a piece of this design is charged unless it says otherwise.
    pub making: Option<MakingCharge>,
    pub wastage: Option<Percent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Design {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
    pub category: String,
    pub collection: Option<String>,
    pub description: Option<String>,
    pub images: Vec<String>,
    pub making: Option<MakingCharge>,
    pub wastage: Option<Percent>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Design {
    /// Whether the design already holds every field of `new`: writing it
    /// would change nothing.
    pub fn holds(&self, new: &NewDesign) -> bool {
        self.code == new.code
            && self.name == new.name
            && self.category == new.category
            && self.collection == new.collection
            && self.description == new.description
            && self.images == new.images
            && self.making == new.making
            && self.wastage == new.wastage
    }
}
