//! A change of a customer: the fields a merge patch may set, applied to
//! the customer as stored.

use jewel_domain::Invalid;
use jewel_domain::contact::HomeCountry;
use jewel_domain::customer::{Customer, NewCustomer};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::parse_json;
use crate::routes::wire::customer::*;
use crate::routes::{wire::MetalName, wire::merge_patch};
use crate::sealing::Sealer;

/// Changes to a customer, as a JSON merge patch (RFC 7396): fields left out
/// stay, `null` clears one, a list replaces the whole list, `preferences`
/// merges field by field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Lakshmi N.", "email": null, "tags": ["bridal", "vip"]}))]
#[allow(dead_code)] // read only to check the shape of a patch
pub struct CustomerChanges {
    #[schema(value_type = crate::routes::wire::NameText, required = false)]
    name: Option<String>,
    #[schema(value_type = PhoneText, required = false)]
    mobile: Option<String>,
    #[schema(max_items = 5, value_type = Option<Vec<PhoneText>>)]
    other_phones: Option<Vec<String>>,
    #[schema(max_length = 254, format = "email")]
    email: Option<String>,
    #[schema(max_items = 5)]
    addresses: Option<Vec<AddressFields>>,
    home_branch_id: Option<uuid::Uuid>,
    assigned_staff_id: Option<uuid::Uuid>,
    date_of_birth: Option<chrono::NaiveDate>,
    anniversary: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<crate::routes::wire::NameText>)]
    spouse_name: Option<String>,
    spouse_date_of_birth: Option<chrono::NaiveDate>,
    #[schema(
        max_length = 8,
        pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[A-Za-z0-9.]{1,8}[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    ring_size: Option<String>,
    preferences: Option<PreferencesChanges>,
    budget_band: Option<BudgetBandName>,
    #[schema(max_items = 20, value_type = Option<Vec<Label>>)]
    tags: Option<Vec<String>>,
    #[schema(max_length = 4000)]
    notes: Option<String>,
    source: Option<SourceName>,
    #[schema(max_length = 64, pattern = "^[!-~]{1,64}$")]
    external_id: Option<String>,
    #[schema(max_length = 10, pattern = "^[A-Za-z]{5}[0-9]{4}[A-Za-z]$")]
    pan: Option<String>,
}

/// Changes to the preferences; each list given replaces the old one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)] // read only to check the shape of a patch
pub struct PreferencesChanges {
    #[schema(max_items = 3)]
    metals: Option<Vec<MetalName>>,
    #[schema(max_items = 20, value_type = Option<Vec<crate::routes::wire::Fineness>>)]
    purities: Option<Vec<u16>>,
    #[schema(max_items = 20, value_type = Option<Vec<Label>>)]
    categories: Option<Vec<String>>,
    #[schema(max_items = 20, value_type = Option<Vec<Label>>)]
    styles: Option<Vec<String>>,
    /// The language messages to the customer are written in (`null`: the
    /// business's default).
    language: Option<crate::routes::wire::language::MessageLanguageName>,
}

/// `current` with `patch` (a JSON merge patch of [`CustomerChanges`])
/// applied, checked whole as a create would be.
pub(crate) fn patched(
    current: &Customer,
    patch: &serde_json::Value,
    home: HomeCountry,
    sealer: &Sealer,
) -> Result<NewCustomer, ApiError> {
    let bytes = serde_json::to_vec(patch).map_err(anyhow::Error::from)?;
    let _: CustomerChanges = parse_json(&bytes)?;
    for required in ["name", "mobile"] {
        if patch.get(required).is_some_and(serde_json::Value::is_null) {
            return Err(Invalid::field(required, "required", "cannot be removed").into());
        }
    }
    let mut merged =
        serde_json::to_value(CustomerFields::of(current, sealer)?).map_err(anyhow::Error::from)?;
    merge_patch(&mut merged, patch);
    let bytes = serde_json::to_vec(&merged).map_err(anyhow::Error::from)?;
    let fields: CustomerFields = parse_json(&bytes)?;
    Ok(fields.check(home, sealer)?)
}
