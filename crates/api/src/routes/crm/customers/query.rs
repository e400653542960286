//! The customer list's filters and order, checked into a repository filter.

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::contact::{HomeCountry, Phone};
use jewel_domain::customer::{CustomerQuery, CustomerSort, Pan};
use jewel_persistence::repos::customers::{Archived, CustomerFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::sealing::Sealer;

/// Filters and order of the customer list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct CustomerListQuery {
    /// The quick-search box: 4 to 9 digits find mobiles ending with them, a
    /// whole number finds that mobile, an `@` finds an e-mail, words find
    /// names with words beginning so (`lak nara`). Without `sort`, a name
    /// search lists customers in the order of the word that matched (then
    /// by id), a mobile ending in the order of the number read backwards:
    /// each reads its index in that order and stops at the page, so a
    /// search costs the same at a million customers as at a thousand.
    #[param(max_length = 120, example = "3210")]
    pub(crate) q: Option<String>,
    /// Names beginning so (any case).
    #[param(max_length = 120, example = "Lak")]
    pub(crate) name: Option<String>,
    /// One mobile number, any common spelling.
    #[param(max_length = 20, example = "9876543210")]
    pub(crate) mobile: Option<String>,
    #[param(max_length = 254, example = "lakshmi@example.com")]
    pub(crate) email: Option<String>,
    /// The customer with this PAN (needs `customers:kyc`; 403 without it).
    /// PANs are sealed at rest and found by a keyed hash, never by their text.
    #[param(
        max_length = 10,
        pattern = "^[A-Za-z]{5}[0-9]{4}[A-Za-z]$",
        example = "ABCDE1234F"
    )]
    pub(crate) pan: Option<String>,
    #[param(max_length = 40, example = "bridal")]
    pub(crate) tag: Option<String>,
    pub(crate) home_branch_id: Option<uuid::Uuid>,
    pub(crate) assigned_staff_id: Option<uuid::Uuid>,
    /// Birthdays in this month (1 to 12).
    #[param(minimum = 1, maximum = 12)]
    pub(crate) birthday_month: Option<u32>,
    /// Wedding anniversaries in this month (1 to 12).
    #[param(minimum = 1, maximum = 12)]
    pub(crate) anniversary_month: Option<u32>,
    /// Added at or after this time.
    pub(crate) created_from: Option<DateTime<Utc>>,
    /// Added before this time.
    pub(crate) created_before: Option<DateTime<Utc>>,
    /// Lifetime value (their bills) at least this much (`"100000.00"`).
    #[param(value_type = Option<crate::routes::wire::MoneyText>)]
    pub(crate) min_lifetime_value: Option<String>,
    /// Last purchase at or after this time.
    pub(crate) last_purchase_from: Option<DateTime<Utc>>,
    /// Last purchase before this time (customers who never bought are left out).
    pub(crate) last_purchase_before: Option<DateTime<Utc>>,
    /// `true`: archived customers only; `false` (the default): live ones only.
    pub(crate) archived: Option<bool>,
    /// Fields to sort by, comma-separated, `-` for descending: `name`,
    /// `createdAt`, `updatedAt` (`-createdAt,name`). Id order when absent.
    #[param(
        max_length = 40,
        pattern = "^-?(name|createdAt|updatedAt)(,-?(name|createdAt|updatedAt)){0,2}$",
        example = "name"
    )]
    pub(crate) sort: Option<String>,
    /// Records per page: 1 to 200, 50 when not given.
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub(crate) limit: Option<u64>,
    /// `nextCursor` of the previous page.
    #[param(max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub(crate) cursor: Option<String>,
}

/// A 400 naming one query parameter, from a domain check.
impl CustomerListQuery {
    /// The keyed hash of the `pan` asked for, for callers who may see PANs.
    pub(crate) fn pan_lookup(
        &self,
        caller: &crate::auth::Caller,
        sealer: &Sealer,
    ) -> Result<Option<String>, ApiError> {
        let Some(pan) = self.pan.as_deref() else {
            return Ok(None);
        };
        caller.require(jewel_domain::Permission::CustomersKyc)?;
        let pan = Pan::parse("pan", pan).map_err(bad_parameter)?;
        Ok(Some(sealer.lookup(&pan)))
    }
}

fn bad_parameter(invalid: Invalid) -> ApiError {
    let error = invalid.into_errors().remove(0);
    ApiError::bad_field(
        format!("{}: {}", error.field, error.message),
        error.field,
        error.code,
        error.message,
    )
}

impl CustomerListQuery {
    /// The filter and order asked for; 400 naming the parameter otherwise.
    pub(crate) fn parse(
        &self,
        home: HomeCountry,
    ) -> Result<(CustomerFilter, CustomerSort), ApiError> {
        let query = self
            .q
            .as_deref()
            .map(|q| CustomerQuery::parse("q", q, home))
            .transpose()
            .map_err(bad_parameter)?;
        let mobile = self
            .mobile
            .as_deref()
            .map(|m| Phone::parse("mobile", m, home))
            .transpose()
            .map_err(bad_parameter)?;
        let month = |field: &str, month: Option<u32>| match month {
            Some(m) if !(1..=12).contains(&m) => Err(ApiError::bad_field(
                format!("{field} must be 1 to 12"),
                field,
                "out_of_range",
                "a month, 1 to 12",
            )),
            other => Ok(other),
        };
        let filter = CustomerFilter {
            query,
            name_prefix: self.name.as_deref().map(str::trim).map(str::to_owned),
            mobile: mobile.map(|m| m.as_str().to_owned()),
            email: self.email.as_deref().map(|e| e.trim().to_lowercase()),
            pan_lookup: None,
            tag: self.tag.as_deref().map(|t| t.trim().to_lowercase()),
            home_branch_id: self.home_branch_id,
            assigned_staff_id: self.assigned_staff_id,
            birthday_month: month("birthdayMonth", self.birthday_month)?,
            anniversary_month: month("anniversaryMonth", self.anniversary_month)?,
            created_from: self.created_from,
            created_before: self.created_before,
            min_lifetime_value: self
                .min_lifetime_value
                .as_deref()
                .map(|v| jewel_domain::measure::Money::parse("minLifetimeValue", v))
                .transpose()
                .map_err(bad_parameter)?,
            last_purchase_from: self.last_purchase_from,
            last_purchase_before: self.last_purchase_before,
            archived: match self.archived {
                Some(true) => Archived::Only,
                _ => Archived::Excluded,
            },
        };
        let sort = self
            .sort
            .as_deref()
            .map(|s| CustomerSort::parse("sort", s))
            .transpose()
            .map_err(bad_parameter)?
            .unwrap_or_default();
        Ok((filter, sort))
    }
}
