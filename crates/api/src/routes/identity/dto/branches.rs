//! The wire types of `identity::branches`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::branch::Branch;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A branch (store).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-000000000001", "code": "CHN1", "name": "T. Nagar",
    "address": "12 Usman Road, T. Nagar, Chennai 600017", "stateCode": "33",
    "gstin": "33AABCU9603R1ZM", "timezone": "Asia/Kolkata", "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct BranchView {
    pub(crate) id: uuid::Uuid,
    /// Printed in invoice numbers; never changes.
    #[schema(max_length = 8, pattern = "^[A-Z0-9]{2,8}$")]
    pub(crate) code: String,
    #[schema(value_type = crate::routes::wire::NameText)]
    pub(crate) name: String,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) address: String,
    /// GST state code: decides the place of supply.
    #[schema(max_length = 2, pattern = "^(0[1-9]|[12][0-9]|3[0-8]|97|99)$")]
    pub(crate) state_code: String,
    #[schema(
        max_length = 15,
        pattern = "^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$"
    )]
    pub(crate) gstin: Option<String>,
    #[schema(max_length = 64, pattern = r"^[A-Za-z0-9_+\-/]+$")]
    pub(crate) timezone: String,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl From<Branch> for BranchView {
    fn from(b: Branch) -> Self {
        Self {
            id: b.id,
            code: b.code,
            name: b.name,
            address: b.address,
            state_code: b.state_code,
            gstin: b.gstin,
            timezone: b.timezone,
            version: b.version,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

/// A branch to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "code": "CHN1", "name": "T. Nagar", "address": "12 Usman Road, T. Nagar, Chennai 600017",
    "stateCode": "33", "gstin": "33AABCU9603R1ZM", "timezone": "Asia/Kolkata"
}))]
pub struct NewBranchRequest {
    #[schema(max_length = 8, pattern = "^[A-Z0-9]{2,8}$")]
    pub(crate) code: String,
    #[schema(value_type = crate::routes::wire::NameText)]
    pub(crate) name: String,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) address: String,
    #[schema(max_length = 2, pattern = "^(0[1-9]|[12][0-9]|3[0-8]|97|99)$")]
    pub(crate) state_code: String,
    #[schema(
        max_length = 40,
        pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[0-9]{2}[A-Za-z]{5}[0-9]{4}[A-Za-z][1-9A-Za-z][Zz][0-9A-Za-z][\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub(crate) gstin: Option<String>,
    /// Defaults to `Asia/Kolkata`.
    #[schema(max_length = 64, pattern = r"^[A-Za-z0-9_+\-/]+$")]
    pub(crate) timezone: Option<String>,
}

/// Changes to a branch; absent fields stay. `gstin: null` removes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "T. Nagar flagship", "gstin": "33AABCU9603R1ZM"}))]
pub struct BranchChanges {
    #[schema(value_type = Option<crate::routes::wire::NameText>)]
    pub(crate) name: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) address: Option<String>,
    #[schema(max_length = 2, pattern = "^(0[1-9]|[12][0-9]|3[0-8]|97|99)$")]
    pub(crate) state_code: Option<String>,
    #[serde(default, deserialize_with = "crate::routes::wire::double_option")]
    #[schema(max_length = 40, pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[0-9]{2}[A-Za-z]{5}[0-9]{4}[A-Za-z][1-9A-Za-z][Zz][0-9A-Za-z][\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$", value_type = Option<String>)]
    pub(crate) gstin: Option<Option<String>>,
    #[schema(max_length = 64, pattern = r"^[A-Za-z0-9_+\-/]+$")]
    pub(crate) timezone: Option<String>,
}
