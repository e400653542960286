//! The wire types of `inventory::designs`: what its requests send and its answers show.

use crate::routes::wire::price::MakingFields;
use crate::routes::{wire::PercentText, wire::collect};
use chrono::{DateTime, Utc};
use jewel_domain::design::{Design, NewDesign};
use jewel_domain::measure::Percent;
use jewel_domain::piece::{TagNumber, check_image, check_label};
use jewel_domain::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A design, as sent to add one and as the base of a merge patch.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "code": "NK-TEMPLE-01", "name": "Lakshmi temple necklace", "category": "necklace",
    "collection": "Temple", "description": "Antique finish with Lakshmi motif.",
    "images": ["https://cdn.example-jeweller.in/designs/nk-temple-01.jpg"],
    "making": {"mode": "percent", "value": "16.00"}, "wastagePercent": "4.00"
}))]
pub struct DesignFields {
    /// Letters, digits and dashes; unique.
    #[schema(max_length = 32, pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub(crate) code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) name: String,
    /// ring, chain, necklace, bangle, bracelet, earrings, pendant, nose_pin,
    /// anklet, coin, bar, ... (lower-cased).
    #[schema(value_type = crate::routes::wire::ShortText)]
    pub(crate) category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 80)]
    pub(crate) collection: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub(crate) description: Option<String>,
    /// Image addresses (`https://`), at most 10.
    #[serde(default)]
    #[schema(max_items = 10, value_type = Vec<ImageAddress>)]
    pub(crate) images: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) making: Option<MakingFields>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<PercentText>)]
    pub(crate) wastage_percent: Option<String>,
}

/// Changes to a design: a JSON merge patch of [`DesignFields`]. Fields left
/// out stay; `null` removes an optional one; a list replaces the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"making": {"mode": "per_gram", "value": "450.00"}, "collection": null}))]
#[allow(dead_code)] // read only to check the shape of a patch
pub struct DesignChanges {
    #[schema(value_type = String, required = false, max_length = 32, pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub(crate) code: Option<String>,
    #[schema(
        value_type = String,
        required = false,
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) name: Option<String>,
    #[schema(value_type = crate::routes::wire::ShortText, required = false)]
    pub(crate) category: Option<String>,
    #[schema(max_length = 80)]
    pub(crate) collection: Option<String>,
    #[schema(max_length = 2000)]
    pub(crate) description: Option<String>,
    #[schema(max_items = 10, value_type = Option<Vec<ImageAddress>>)]
    pub(crate) images: Option<Vec<String>>,
    pub(crate) making: Option<MakingFields>,
    #[schema(value_type = Option<PercentText>)]
    pub(crate) wastage_percent: Option<String>,
}

bounded_string!(
    /// The address of an image: `https://...`.
    ImageAddress, 8, 500, Some(r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*https?://[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$")
);

impl DesignFields {
    pub(crate) fn of(d: &Design) -> Self {
        Self {
            code: d.code.clone(),
            name: d.name.clone(),
            category: d.category.clone(),
            collection: d.collection.clone(),
            description: d.description.clone(),
            images: d.images.clone(),
            making: d.making.map(MakingFields::of),
            wastage_percent: d.wastage.map(|w| w.to_string()),
        }
    }

    pub(crate) fn check(self) -> Result<NewDesign, Invalid> {
        let mut errors = Vec::new();
        let code = collect(&mut errors, TagNumber::parse("code", &self.code));
        let name = check_text(&mut errors, "name", Some(&self.name), 120);
        if name.is_none() && !errors.iter().any(|e| e.field == "name") {
            errors.push(FieldError::new("name", "required", "1 to 120 characters"));
        }
        let category = check_label("category", &self.category, 40)
            .map_err(|e| errors.push(e))
            .ok();
        let collection = check_text(&mut errors, "collection", self.collection.as_deref(), 80);
        let description = check_text(
            &mut errors,
            "description",
            self.description.as_deref(),
            2000,
        );
        let images = check_images(&mut errors, &self.images);
        let making = self
            .making
            .as_ref()
            .and_then(|m| collect(&mut errors, m.check("making")));
        let wastage = self
            .wastage_percent
            .as_deref()
            .and_then(|w| collect(&mut errors, Percent::parse_share("wastagePercent", w)));
        match (code, name, category, Invalid::from_errors(errors)) {
            (Some(code), Some(name), Some(category), None) => Ok(NewDesign {
                code: code.as_str().to_owned(),
                name,
                category,
                collection,
                description,
                images,
                making,
                wastage,
            }),
            (.., Some(invalid)) => Err(invalid),
            _ => Err(Invalid::field("body", "invalid", "invalid design")),
        }
    }
}

/// A design.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000d1", "code": "NK-TEMPLE-01",
    "name": "Lakshmi temple necklace", "category": "necklace", "collection": "Temple",
    "description": "Antique finish with Lakshmi motif.",
    "images": ["https://cdn.example-jeweller.in/designs/nk-temple-01.jpg"],
    "making": {"mode": "percent", "value": "16.00"}, "wastagePercent": "4.00", "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct DesignView {
    pub(crate) id: uuid::Uuid,
    #[schema(max_length = 32)]
    pub(crate) code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) name: String,
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) category: String,
    #[schema(max_length = 80)]
    pub(crate) collection: Option<String>,
    #[schema(max_length = 2000)]
    pub(crate) description: Option<String>,
    #[schema(max_items = 10, value_type = Vec<ImageAddress>)]
    pub(crate) images: Vec<String>,
    pub(crate) making: Option<MakingFields>,
    #[schema(value_type = Option<PercentText>)]
    pub(crate) wastage_percent: Option<String>,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl From<Design> for DesignView {
    fn from(d: Design) -> Self {
        Self {
            id: d.id,
            making: d.making.map(MakingFields::of),
            wastage_percent: d.wastage.map(|w| w.to_string()),
            code: d.code,
            name: d.name,
            category: d.category,
            collection: d.collection,
            description: d.description,
            images: d.images,
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// Filters of the design list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DesignQuery {
    #[param(max_length = 40)]
    pub(crate) category: Option<String>,
    #[param(max_length = 80)]
    pub(crate) collection: Option<String>,
}

/// Checks image addresses: at most 10.
pub fn check_images(errors: &mut Vec<FieldError>, images: &[String]) -> Vec<String> {
    if images.len() > 10 {
        errors.push(FieldError::new("images", "too_many", "at most 10"));
    }
    images
        .iter()
        .enumerate()
        .filter_map(|(i, image)| {
            check_image(&format!("images[{i}]"), image)
                .map_err(|e| errors.push(e))
                .ok()
        })
        .collect()
}

/// Checks free text: trimmed, at most `max` characters; empty is none.
pub fn check_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    text: Option<&str>,
    max: usize,
) -> Option<String> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > max {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
        return None;
    }
    Some(text.to_owned())
}
