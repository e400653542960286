//! The wire helpers every resource shares: enums mirrored from the domain
//! (`wire_enum!`), bounded text and decimal-text schemas, cursor paging,
//! versions as ETags and `If-Match`, JSON merge patch, and time zones; and
//! the wire types more than one capability shows (`audit`, `csv`, `price`,
//! `tokens`).

/// An enum of the API mirroring one of `domain`, with the wire names the
/// document shows and conversions both ways. The domain type must be in
/// scope by its bare name.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident mirrors $domain:ident { $($variant:ident = $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => $domain::$variant),+
                }
            }
        }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                match value {
                    $($domain::$variant => $name::$variant),+
                }
            }
        }
    };
}

/// A string schema with bounds, for the items of string lists (utoipa
/// cannot bound those in place).
macro_rules! bounded_string {
    ($(#[$meta:meta])* $name:ident, $min:expr, $max:expr, $pattern:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .min_length(Some($min))
                    .max_length(Some($max))
                    .pattern($pattern)
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

use actix_web::HttpRequest;
use actix_web::http::header;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jewel_domain::invoice::PaymentMethod;
use jewel_domain::metal::Metal;
use jewel_domain::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

wire_enum! {
    /// A precious metal.
    MetalName mirrors Metal { Gold = "gold", Silver = "silver", Platinum = "platinum" }
}

wire_enum! {
    /// How a payment was made. `points` spends the customer's loyalty
    /// points: the amount is a whole number of points at the programme's
    /// point value, within its cap on the bill; `store_credit` spends the
    /// customer's store credit (from goods returned); neither is ever a
    /// refund. `gift_voucher` spends a gift voucher named by its code in
    /// `reference`, in part or whole; wrong codes are counted per caller
    /// (the sixth within 15 minutes is 429). `scheme` redeems the bill's
    /// customer's matured savings scheme, its enrolment's id in
    /// `reference`, against jewellery only (never coins or bullion when the
    /// plan says so); a bill paid so is returned as store credit.
    /// `advance` takes an advance left on a service job, its receipt
    /// number in `reference`, against that job's bill only.
    PaymentMethodName mirrors PaymentMethod {
        Cash = "cash", Card = "card", Upi = "upi", BankTransfer = "bank_transfer",
        Cheque = "cheque", GiftVoucher = "gift_voucher", OldGold = "old_gold", Points = "points",
        StoreCredit = "store_credit", Scheme = "scheme", Advance = "advance",
    }
}

bounded_string!(
    /// An amount of money: a decimal string with at most 2 places (`"12800.00"`).
    MoneyText, 1, 16, Some(r"^[0-9]{1,13}(\.[0-9]{1,2})?$")
);
bounded_string!(
    /// An amount of money that may be negative, with 2 places (`"-0.24"`).
    SignedMoneyText, 4, 17, Some(r"^-?[0-9]{1,13}\.[0-9]{2}$")
);
bounded_string!(
    /// A weight in grams: a decimal string with at most 3 places (`"3.390"`).
    WeightText, 1, 14, Some(r"^[0-9]{1,9}(\.[0-9]{1,3})?$")
);
bounded_string!(
    /// An amount of money above zero (`"12800.00"`; `"0"` is refused).
    PositiveMoneyText, 1, 16, Some(r"^(?!0*(\.0*)?$)[0-9]{1,13}(\.[0-9]{1,2})?$")
);
bounded_string!(
    /// A weight in grams above zero (`"3.390"`; `"0.000"` is refused).
    PositiveWeightText, 1, 14, Some(r"^(?!0*(\.0*)?$)[0-9]{1,9}(\.[0-9]{1,3})?$")
);
bounded_string!(
    /// A weight in carats: a decimal string with at most 3 places (`"0.125"`).
    CaratsText, 1, 12, Some(r"^[0-9]{1,7}(\.[0-9]{1,3})?$")
);
bounded_string!(
    /// A percentage from 0 to 100: a decimal string with at most 2 places
    /// (`"16.00"` is 16%).
    PercentText, 1, 6, Some(r"^0*(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$")
);

/// What `str::trim` takes off either end (Unicode White_Space), as the body
/// of a regex character class.
const SPACE: &str = r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// Control characters (Unicode Cc), as the body of a character class.
const CONTROL: &str = r"\x00-\x1F\x7F-\x9F";

/// The pattern of one line of text as the domain reads it: trimmed, then 1
/// to `max` characters, none a control character or one of `refused`.
pub(crate) fn one_line(max: usize, refused: &str) -> String {
    format!(
        "^[{SPACE}]*[^{SPACE}{CONTROL}{refused}]([^{CONTROL}{refused}]{{0,{}}}[^{SPACE}{CONTROL}{refused}])?[{SPACE}]*$",
        max - 2
    )
}

bounded_string!(
    /// One line naming a kind of thing (a category, a stone's shape, a
    /// charge): 1 to 40 characters once trimmed, no control characters.
    ShortText, 1, 40, Some(one_line(40, ""))
);
bounded_string!(
    /// Where a metal rate came from (`IBJA`, `association`, `manual`): 1 to
    /// 60 characters once trimmed, on one line.
    RateSourceText, 1, 60, Some(one_line(60, ""))
);
bounded_string!(
    /// A name as its owner writes it: 1 to 120 characters once trimmed, on
    /// one line.
    NameText, 1, 120, Some(one_line(120, ""))
);

/// A fineness in parts per thousand that a jeweller sells of some metal
/// (916 is 22K gold, 925 sterling silver, 950 platinum); which grades go
/// with which metal is in domain.md "Purity".
pub struct Fineness;

impl utoipa::PartialSchema for Fineness {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut grades: Vec<u16> = Metal::ALL
            .iter()
            .flat_map(|m| m.grades())
            .copied()
            .collect();
        grades.sort_unstable_by(|a, b| b.cmp(a));
        grades.dedup();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Int32,
            )))
            .enum_values(Some(grades))
            .examples([916])
            .into()
    }
}

impl utoipa::ToSchema for Fineness {}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Pagination {
    /// Records per page: 1 to 200, 50 when not given.
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u64>,
    /// `nextCursor` of the previous page.
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

impl Pagination {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(PageRequest::DEFAULT_LIMIT);
        if !(1..=PageRequest::MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_field(
                "limit must be between 1 and 200",
                "limit",
                "range",
                "must be between 1 and 200",
            ));
        }
        let after = match &self.cursor {
            None => None,
            Some(cursor) => Some(decode_cursor(cursor).ok_or_else(|| {
                ApiError::bad_field(
                    "the cursor is not one we issued",
                    "cursor",
                    "invalid",
                    "not a cursor from a previous page",
                )
            })?),
        };
        Ok(PageRequest { after, limit })
    }
}

fn decode_cursor(cursor: &str) -> Option<uuid::Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    uuid::Uuid::from_slice(&bytes).ok()
}

fn encode_cursor(id: uuid::Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Paged<T> {
    #[schema(max_items = 200)]
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

impl<T> Paged<T> {
    pub fn from_page<U>(page: Page<U>, view: impl FnMut(U) -> T) -> Self {
        let next_cursor = page.next.map(encode_cursor);
        Self {
            items: page.items.into_iter().map(view).collect(),
            next_cursor,
        }
    }

    /// [`Self::from_page`] with a view that may fail.
    pub fn try_from_page<U, E>(
        page: Page<U>,
        view: impl FnMut(U) -> Result<T, E>,
    ) -> Result<Self, E> {
        let next_cursor = page.next.map(encode_cursor);
        Ok(Self {
            items: page.items.into_iter().map(view).collect::<Result<_, E>>()?,
            next_cursor,
        })
    }
}

/// The `ETag` of a record at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// 201 for a new record: where it lives, its `ETag`, and the record.
pub fn created(location: String, version: i32, body: impl Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// 200 with a record and its `ETag`.
pub fn with_etag(version: i32, body: impl Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// The version an `If-Match` header names, if one was sent.
///
/// An entity-tag in our form whose number is beyond any version (`"99999999999"`)
/// names a version no record has: it is read as -1 (versions start at 1),
/// so the request is a 412 like any other stale one.
pub fn if_match(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let digits = value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/"))
        .and_then(|v| v.strip_prefix('"')?.strip_suffix('"'))
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    match digits {
        Some(digits) => Ok(Some(digits.parse().unwrap_or(-1))),
        None => Err(ApiError::bad_field(
            "If-Match must be an ETag this API sent, such as \"3\"",
            "If-Match",
            "invalid",
            "not an ETag of this API",
        )),
    }
}

/// Tells "absent" (`None`) from "null" (`Some(None)`) in a PATCH body.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Keeps the value of a parse, or adds its errors to `errors`, so a request
/// is answered with every invalid field at once.
pub fn collect<T>(
    errors: &mut Vec<jewel_domain::FieldError>,
    result: Result<T, jewel_domain::Invalid>,
) -> Option<T> {
    result.map_err(|e| errors.extend(e.into_errors())).ok()
}

/// `value` trimmed: 1 to `most` characters, or a refusal naming `field`.
pub fn text(field: &str, value: &str, most: usize) -> Result<String, jewel_domain::Invalid> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > most {
        return Err(jewel_domain::Invalid::field(
            field,
            "length",
            format!("1 to {most} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Where "today" is when a staff member acts in no particular branch.
pub const DEFAULT_TIMEZONE: &str = "Asia/Kolkata";

/// The time zone of a staff member's first branch, or the default.
pub async fn staff_timezone(
    db: &impl jewel_persistence::ConnectionTrait,
    staff: uuid::Uuid,
) -> Result<String, ApiError> {
    use jewel_persistence::repos::{branches::Branches, staff::Staff};
    let first_branch = Staff::get(db, staff)
        .await?
        .and_then(|s| s.branch_ids.first().copied());
    Ok(match first_branch {
        Some(branch) => Branches::get(db, branch)
            .await?
            .map_or_else(|| DEFAULT_TIMEZONE.to_owned(), |b| b.timezone),
        None => DEFAULT_TIMEZONE.to_owned(),
    })
}

/// Reads an IANA time zone from a query parameter.
pub fn parse_timezone(name: &str) -> Result<chrono_tz::Tz, ApiError> {
    name.parse().map_err(|_| {
        ApiError::bad_field(
            "timezone is not an IANA time zone",
            "timezone",
            "invalid",
            "such as Asia/Kolkata",
        )
    })
}

/// Applies an RFC 7396 JSON merge patch: members of `patch` replace those of
/// `target`, `null` removes one, objects merge member by member.
pub fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    let serde_json::Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(serde_json::Map::new());
    }
    if let serde_json::Value::Object(existing) = target {
        for (key, value) in members {
            if value.is_null() {
                existing.remove(key);
            } else {
                merge_patch(
                    existing
                        .entry(key.clone())
                        .or_insert(serde_json::Value::Null),
                    value,
                );
            }
        }
    }
}

pub mod audit;
pub mod changes;
pub mod csv;
pub mod customer;
pub mod language;
pub mod price;
pub mod upsert;

#[cfg(test)]
mod merge_patch_tests {
    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = serde_json::json!({"a": "b", "c": {"d": "e", "f": "g"}, "t": [1, 2]});
        super::merge_patch(
            &mut target,
            &serde_json::json!({"a": "z", "c": {"f": null}, "t": [3]}),
        );
        assert_eq!(
            target,
            serde_json::json!({"a": "z", "c": {"d": "e"}, "t": [3]})
        );
    }
}
