//! The wire types of `crm::wish_list`: what its requests send and its answers show.

use chrono::{DateTime, Utc};
use jewel_domain::customer::Wish;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Something the customer liked.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-9999-7000-8000-000000000009",
    "customerId": "01936f0e-5555-7000-8000-000000000005",
    "description": "Temple necklace with ruby drops, about 40 g",
    "photoUrl": "https://photos.example.com/wish/123.jpg",
    "addedByKind": "staff", "addedById": "01936f0e-2222-7000-8000-000000000002",
    "createdAt": "2026-11-21T09:30:00Z"
}))]
pub struct WishView {
    pub(crate) id: uuid::Uuid,
    pub(crate) customer_id: uuid::Uuid,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) description: String,
    #[schema(max_length = 2000, format = "uri")]
    pub(crate) photo_url: Option<String>,
    /// `staff` or `client`.
    #[schema(max_length = 16)]
    pub(crate) added_by_kind: String,
    pub(crate) added_by_id: uuid::Uuid,
    pub(crate) created_at: DateTime<Utc>,
}

impl From<Wish> for WishView {
    fn from(w: Wish) -> Self {
        Self {
            id: w.id,
            customer_id: w.customer_id,
            description: w.description,
            photo_url: w.photo_url,
            added_by_kind: w.actor_kind,
            added_by_id: w.actor_id,
            created_at: w.created_at,
        }
    }
}

/// A customer's wish list, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "id": "01936f0e-6666-7000-8000-000000000006",
    "customerId": "01936f0e-5555-7000-8000-000000000005",
    "description": "Temple necklace with ruby drops, about 40 g",
    "photoUrl": "https://photos.example.com/wish/123.jpg",
    "addedByKind": "staff", "addedById": "01936f0e-2222-7000-8000-000000000002",
    "createdAt": "2026-11-21T09:30:00Z"
}]}))]
pub struct WishListView {
    #[schema(max_items = 10000)]
    pub(crate) items: Vec<WishView>,
}

/// Something the customer liked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"description": "Temple necklace with ruby drops, about 40 g", "photoUrl": "https://photos.example.com/wish/123.jpg"}))]
pub struct NewWishRequest {
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) description: String,
    #[serde(default)]
    #[schema(max_length = 2000, format = "uri")]
    pub(crate) photo_url: Option<String>,
}
