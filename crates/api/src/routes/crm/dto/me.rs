//! The wire types of `crm::me`: what its requests send and its answers show.

use crate::routes::crm::customers::{AddressFields, PhoneText, PreferencesChanges};
use serde::Deserialize;
use utoipa::ToSchema;

/// What a customer may correct about themselves, as a JSON merge patch.
/// The mobile number (their login and identity), PAN, tags, notes and who
/// looks after them are changed at the store.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"email": "lakshmi.n@example.com", "ringSize": "15", "preferences": {"metals": ["gold", "platinum"]}}))]
#[allow(dead_code)] // read only to check the shape of a patch
pub struct MyProfileChanges {
    #[schema(value_type = crate::routes::wire::NameText, required = false)]
    pub(crate) name: Option<String>,
    #[schema(max_items = 5, value_type = Option<Vec<PhoneText>>)]
    pub(crate) other_phones: Option<Vec<String>>,
    #[schema(max_length = 254, format = "email")]
    pub(crate) email: Option<String>,
    #[schema(max_items = 5)]
    pub(crate) addresses: Option<Vec<AddressFields>>,
    pub(crate) date_of_birth: Option<chrono::NaiveDate>,
    pub(crate) anniversary: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<crate::routes::wire::NameText>)]
    pub(crate) spouse_name: Option<String>,
    pub(crate) spouse_date_of_birth: Option<chrono::NaiveDate>,
    #[schema(
        max_length = 8,
        pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[A-Za-z0-9.]{1,8}[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub(crate) ring_size: Option<String>,
    pub(crate) preferences: Option<PreferencesChanges>,
}
