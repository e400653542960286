//! Customers: the core records the CRM grows from. Customers belong to the
//! business, not to a branch: a customer of a chain buys at any of its
//! branches, so every staff member with `customers:read` finds them; the
//! home branch is where they usually shop.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use jewel_domain::contact::{Email, HomeCountry, Password, PersonName, Phone};
use jewel_domain::customer::profile::{check_external_id, check_notes, words};
use jewel_domain::customer::{
    Address, BudgetBand, Customer, CustomerQuery, CustomerSort, NewCustomer, Occasions, Pan,
    Preferences, Profile, SealedPan, Source,
};
use jewel_domain::occasion::{parse_past_date, parse_ring_size};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::customers::{Archived, CustomerFilter, Customers};
use jewel_persistence::repos::staff::Staff;
use jewel_persistence::{ConnectionTrait, RepoError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{
    wire::MetalName, wire::Paged, wire::Pagination, wire::collect, wire::created, wire::if_match,
    wire::merge_patch, wire::with_etag,
};
use crate::auth::caller::{Authorized, needs};
use crate::auth::password;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query, parse_json};
use crate::sealing::Sealer;
use crate::state::AppState;
use jewel_services::crm::events::{CustomerCreated, CustomerUpdated};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_customer)
        .service(list_customers)
        .service(get_customer)
        .service(update_customer)
        .service(archive_customer)
        .service(restore_customer)
        .service(set_customer_login);
}

wire_enum! {
    /// How the customer first came to the business.
    SourceName mirrors Source {
        WalkIn = "walk_in", Referral = "referral", Website = "website",
        Campaign = "campaign", Import = "import",
    }
}

wire_enum! {
    /// What the customer means to spend on a purchase, in rupees
    /// (`2l_to_5l` is 2 to 5 lakh).
    BudgetBandName mirrors BudgetBand {
        UpTo50k = "up_to_50k", From50kTo2l = "50k_to_2l", From2lTo5l = "2l_to_5l",
        From5lTo10l = "5l_to_10l", Over10l = "over_10l",
    }
}

bounded_string!(
    /// A phone number in any common spelling (E.164 in answers).
    PhoneText, 8, 20, Some(r"^\+?[0-9 ()-]{8,19}$")
);
bounded_string!(
    /// A short label (a tag, a category, a style): 1 to 40 characters once
    /// trimmed, on one line, without `,` or `;` (they part labels in CSV).
    Label, 1, 40, Some(super::wire::one_line(40, ",;"))
);

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"label": "home", "line1": "12 Usman Road", "city": "Chennai", "state": "Tamil Nadu", "pinCode": "600017", "country": "IN"}))]
pub struct AddressFields {
    /// `home`, `office`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 40)]
    label: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    line2: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 100)]
    state: Option<String>,
    /// 2 to 12 letters, digits, spaces or `-`; in India 6 digits. Blank is
    /// none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 12,
        pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*([A-Za-z0-9-][A-Za-z0-9 -]{0,10}[A-Za-z0-9-])?[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pin_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Za-z]{2}$")]
    country: String,
}

impl From<AddressFields> for Address {
    fn from(a: AddressFields) -> Self {
        Self {
            label: a.label,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            state: a.state,
            pin_code: a.pin_code,
            country: a.country,
        }
    }
}

impl From<Address> for AddressFields {
    fn from(a: Address) -> Self {
        Self {
            label: a.label,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            state: a.state,
            pin_code: a.pin_code,
            country: a.country,
        }
    }
}

/// What the customer likes; each list at most 20 long.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"metals": ["gold"], "purities": [916], "categories": ["necklace", "bangle"], "styles": ["temple"]}))]
pub struct PreferencesFields {
    #[serde(default)]
    #[schema(max_items = 3)]
    metals: Vec<MetalName>,
    /// Fineness in parts per thousand (916 is 22K, 750 is 18K, 925 sterling).
    #[serde(default)]
    #[schema(max_items = 20, value_type = Vec<super::wire::Fineness>)]
    purities: Vec<u16>,
    #[serde(default)]
    #[schema(max_items = 20, value_type = Vec<Label>)]
    categories: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 20, value_type = Vec<Label>)]
    styles: Vec<String>,
}

impl From<Preferences> for PreferencesFields {
    fn from(p: Preferences) -> Self {
        Self {
            metals: p.metals.into_iter().map(Into::into).collect(),
            purities: p.purities,
            categories: p.categories,
            styles: p.styles,
        }
    }
}

/// Everything about a customer that staff write: the body of a create, and
/// what a PATCH is merged into.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "name": "Lakshmi Narayanan", "mobile": "98765 43210", "email": "lakshmi@example.com",
    "homeBranchId": "01936f0e-0000-7000-8000-000000000001",
    "dateOfBirth": "1988-03-14", "tags": ["bridal"], "source": "referral",
    "preferences": {"metals": ["gold"], "purities": [916]}
}))]
pub struct CustomerFields {
    #[schema(value_type = super::wire::NameText)]
    pub(crate) name: String,
    /// Any common spelling; without `+` it is a number of the shop's country
    /// (setting `phones.default_country`, India by default: `98765 43210`).
    #[schema(max_length = 20, pattern = r"^\+?[0-9 ()-]{8,19}$")]
    pub(crate) mobile: String,
    /// Landlines, a spouse's phone...; at most 5.
    #[serde(default)]
    #[schema(max_items = 5, value_type = Vec<PhoneText>)]
    pub(crate) other_phones: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 254, format = "email")]
    pub(crate) email: Option<String>,
    #[serde(default)]
    #[schema(max_items = 5)]
    pub(crate) addresses: Vec<AddressFields>,
    #[serde(default)]
    pub(crate) home_branch_id: Option<uuid::Uuid>,
    /// The sales person who looks after the customer.
    #[serde(default)]
    pub(crate) assigned_staff_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub(crate) date_of_birth: Option<chrono::NaiveDate>,
    /// Wedding anniversary.
    #[serde(default)]
    pub(crate) anniversary: Option<chrono::NaiveDate>,
    #[serde(default)]
    #[schema(value_type = Option<super::wire::NameText>)]
    pub(crate) spouse_name: Option<String>,
    #[serde(default)]
    pub(crate) spouse_date_of_birth: Option<chrono::NaiveDate>,
    #[serde(default)]
    #[schema(
        max_length = 8,
        pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[A-Za-z0-9.]{1,8}[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    pub(crate) ring_size: Option<String>,
    #[serde(default)]
    pub(crate) preferences: PreferencesFields,
    #[serde(default)]
    pub(crate) budget_band: Option<BudgetBandName>,
    /// Short labels (`bridal`, `vip`); lower-cased; at most 20.
    #[serde(default)]
    #[schema(max_items = 20, value_type = Vec<Label>)]
    pub(crate) tags: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub(crate) notes: Option<String>,
    /// `walk_in` when not given.
    #[serde(default)]
    pub(crate) source: Option<SourceName>,
    /// The customer's id in an ERP or e-commerce system; unique.
    #[serde(default)]
    #[schema(max_length = 64, pattern = "^[!-~]{1,64}$")]
    pub(crate) external_id: Option<String>,
    /// Checked for its shape (`ABCDE1234F`).
    #[serde(default)]
    #[schema(max_length = 10, pattern = "^[A-Za-z]{5}[0-9]{4}[A-Za-z]$")]
    pub(crate) pan: Option<String>,
}

impl CustomerFields {
    /// What the stored customer says, PAN whole: the base a PATCH merges into.
    /// The body that would describe `c` as it is (its PAN opened).
    pub fn of(c: &Customer, sealer: &Sealer) -> Result<Self, ApiError> {
        Ok(Self {
            name: c.name.clone(),
            mobile: c.mobile.clone(),
            other_phones: c.profile.other_phones.clone(),
            email: c.email.clone(),
            addresses: c
                .profile
                .addresses
                .iter()
                .cloned()
                .map(Into::into)
                .collect(),
            home_branch_id: c.home_branch_id,
            assigned_staff_id: c.profile.assigned_staff_id,
            date_of_birth: c.occasions.date_of_birth,
            anniversary: c.occasions.anniversary,
            spouse_name: c.occasions.spouse_name.clone(),
            spouse_date_of_birth: c.occasions.spouse_date_of_birth,
            ring_size: c.occasions.ring_size.clone(),
            preferences: c.profile.preferences.clone().into(),
            budget_band: c.profile.budget_band.map(Into::into),
            tags: c.profile.tags.clone(),
            notes: c.profile.notes.clone(),
            source: Some(c.profile.source.into()),
            external_id: c.profile.external_id.clone(),
            pan: c.pan.as_ref().map(|p| sealer.open(p)).transpose()?,
        })
    }
}

impl CustomerFields {
    /// The customer this body describes, checked whole; phones written
    /// without a country code are `home`'s.
    /// A PAN in the body is sealed at once.
    pub(crate) fn check(self, home: HomeCountry, sealer: &Sealer) -> Result<NewCustomer, Invalid> {
        let body = self;
        let mut errors: Vec<FieldError> = Vec::new();
        let name = collect(&mut errors, PersonName::parse("name", &body.name));
        let mobile = collect(&mut errors, Phone::parse("mobile", &body.mobile, home));
        let email = body
            .email
            .as_deref()
            .and_then(|e| collect(&mut errors, Email::parse("email", e)));
        let today = Utc::now().date_naive();
        let past = |errors: &mut Vec<FieldError>, field: &str, date: Option<chrono::NaiveDate>| {
            date.and_then(|d| collect(errors, parse_past_date(field, d, today)))
        };
        let occasions = Occasions {
            date_of_birth: past(&mut errors, "dateOfBirth", body.date_of_birth),
            anniversary: past(&mut errors, "anniversary", body.anniversary),
            spouse_name: body
                .spouse_name
                .as_deref()
                .and_then(|n| collect(&mut errors, PersonName::parse("spouseName", n)))
                .map(|n| n.as_str().to_owned()),
            spouse_date_of_birth: past(&mut errors, "spouseDateOfBirth", body.spouse_date_of_birth),
            ring_size: body
                .ring_size
                .as_deref()
                .and_then(|r| collect(&mut errors, parse_ring_size("ringSize", r))),
        };
        let pan = body
            .pan
            .as_deref()
            .and_then(|p| collect(&mut errors, Pan::parse("pan", p)))
            .map(|p| sealer.seal(&p));
        if body.other_phones.len() > 5 {
            errors.push(FieldError::new("otherPhones", "too_many", "at most 5"));
        }
        let mut other_phones: Vec<String> = body
            .other_phones
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                collect(
                    &mut errors,
                    Phone::parse(&format!("otherPhones[{i}]"), p, home),
                )
            })
            .map(|p| p.as_str().to_owned())
            .filter(|p| mobile.as_ref().is_none_or(|m| m.as_str() != p))
            .collect();
        other_phones.sort();
        other_phones.dedup();
        if body.addresses.len() > 5 {
            errors.push(FieldError::new("addresses", "too_many", "at most 5"));
        }
        let addresses = body
            .addresses
            .into_iter()
            .enumerate()
            .map(|(i, a)| Address::from(a).check(&format!("addresses[{i}]"), &mut errors))
            .collect();
        let preferences = Preferences {
            metals: body
                .preferences
                .metals
                .into_iter()
                .map(Into::into)
                .collect(),
            purities: body.preferences.purities,
            categories: body.preferences.categories,
            styles: body.preferences.styles,
        }
        .check("preferences", &mut errors);
        let profile = Profile {
            other_phones,
            addresses,
            preferences,
            budget_band: body.budget_band.map(Into::into),
            tags: words("tags", body.tags, &mut errors),
            notes: body
                .notes
                .as_deref()
                .and_then(|n| check_notes("notes", n, &mut errors)),
            assigned_staff_id: body.assigned_staff_id,
            source: body.source.map(Into::into).unwrap_or_default(),
            external_id: body
                .external_id
                .as_deref()
                .map(|e| check_external_id("externalId", e, &mut errors)),
        };
        match (name, mobile, Invalid::from_errors(errors)) {
            (Some(name), Some(mobile), None) => Ok(NewCustomer {
                name,
                mobile,
                email,
                home_branch_id: body.home_branch_id,
                occasions,
                pan,
                profile,
            }),
            (.., Some(invalid)) => Err(invalid),
            _ => Err(Invalid::field("body", "invalid", "invalid customer")),
        }
    }
}

/// A customer's purchases: issued bills that were not cancelled.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PurchasesView {
    #[schema(minimum = 0)]
    count: u32,
    /// What their bills came to.
    #[schema(value_type = super::wire::MoneyText)]
    lifetime_value: String,
    last_purchase_at: Option<DateTime<Utc>>,
}

/// A customer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-5555-7000-8000-000000000005", "name": "Lakshmi Narayanan",
    "mobile": "+919876543210", "otherPhones": [], "email": "lakshmi@example.com",
    "addresses": [], "homeBranchId": "01936f0e-0000-7000-8000-000000000001",
    "preferences": {"metals": ["gold"], "purities": [916], "categories": [], "styles": []},
    "tags": ["bridal"], "source": "referral",
    "purchases": {"count": 3, "lifetimeValue": "184250.00", "lastPurchaseAt": "2026-11-02T11:20:00Z"},
    "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct CustomerView {
    id: uuid::Uuid,
    #[schema(value_type = super::wire::NameText)]
    name: String,
    /// E.164; one customer per mobile number. An erased customer's is a
    /// placeholder no number can equal: `+0` and 14 hexadecimal digits.
    #[schema(max_length = 16, pattern = r"^\+([0-9]{8,15}|0[0-9a-f]{14})$")]
    mobile: String,
    #[schema(max_items = 5, value_type = Vec<PhoneText>)]
    other_phones: Vec<String>,
    #[schema(max_length = 254, format = "email")]
    email: Option<String>,
    #[schema(max_items = 5)]
    addresses: Vec<AddressFields>,
    home_branch_id: Option<uuid::Uuid>,
    assigned_staff_id: Option<uuid::Uuid>,
    date_of_birth: Option<chrono::NaiveDate>,
    /// Wedding anniversary.
    anniversary: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<super::wire::NameText>)]
    spouse_name: Option<String>,
    spouse_date_of_birth: Option<chrono::NaiveDate>,
    #[schema(
        max_length = 8,
        pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[A-Za-z0-9.]{1,8}[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    ring_size: Option<String>,
    preferences: PreferencesFields,
    budget_band: Option<BudgetBandName>,
    #[schema(max_items = 20, value_type = Vec<Label>)]
    tags: Vec<String>,
    #[schema(max_length = 4000)]
    notes: Option<String>,
    source: SourceName,
    #[schema(max_length = 64)]
    external_id: Option<String>,
    /// Whole for owners, managers and accountants (`customers:kyc`) and for
    /// the customer themselves; otherwise only its last 4 characters.
    #[schema(max_length = 10, pattern = "^[A-Z0-9X]{10}$")]
    pan: Option<String>,
    /// Set while the customer is archived (left out of lists).
    archived_at: Option<DateTime<Utc>>,
    /// Set when this record was merged into another: the survivor.
    merged_into_id: Option<uuid::Uuid>,
    /// Set when the person's data was erased.
    erased_at: Option<DateTime<Utc>>,
    /// Their bills at a glance.
    purchases: PurchasesView,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Customer> for CustomerView {
    /// The view with the PAN masked: what the audit trail and most callers see.
    fn from(c: Customer) -> Self {
        let pan = c.pan.as_ref().map(SealedPan::masked);
        Self::with_pan(c, pan)
    }
}

impl CustomerView {
    pub fn id(&self) -> uuid::Uuid {
        self.id
    }

    /// The view with the PAN whole (opened).
    pub fn revealing_pan(c: Customer, sealer: &Sealer) -> Result<Self, ApiError> {
        let pan = c.pan.as_ref().map(|p| sealer.open(p)).transpose()?;
        Ok(Self::with_pan(c, pan))
    }

    /// What `caller` may see of the customer.
    pub fn for_caller(
        caller: &crate::auth::Caller,
        c: Customer,
        sealer: &Sealer,
    ) -> Result<Self, ApiError> {
        match caller.require(jewel_domain::Permission::CustomersKyc) {
            Ok(()) => Self::revealing_pan(c, sealer),
            Err(_) => Ok(Self::from(c)),
        }
    }

    fn with_pan(c: Customer, pan: Option<String>) -> Self {
        Self {
            id: c.id,
            name: c.name,
            mobile: c.mobile,
            other_phones: c.profile.other_phones,
            email: c.email,
            addresses: c.profile.addresses.into_iter().map(Into::into).collect(),
            home_branch_id: c.home_branch_id,
            assigned_staff_id: c.profile.assigned_staff_id,
            date_of_birth: c.occasions.date_of_birth,
            anniversary: c.occasions.anniversary,
            spouse_name: c.occasions.spouse_name,
            spouse_date_of_birth: c.occasions.spouse_date_of_birth,
            ring_size: c.occasions.ring_size,
            preferences: c.profile.preferences.into(),
            budget_band: c.profile.budget_band.map(Into::into),
            tags: c.profile.tags,
            notes: c.profile.notes,
            source: c.profile.source.into(),
            external_id: c.profile.external_id,
            pan,
            archived_at: c.archived_at,
            merged_into_id: c.merged_into,
            erased_at: c.erased_at,
            purchases: PurchasesView {
                count: c.purchases.count,
                lifetime_value: c.purchases.lifetime_value.to_string(),
                last_purchase_at: c.purchases.last_purchase_at,
            },
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A 409 for a likely duplicate: the problem and the customers it resembles.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateProblem {
    #[serde(flatten)]
    problem: Problem,
    /// The customers the new one looks like (PAN masked as for the caller);
    /// only in a `likely-duplicate` problem, not when a mobile or external id
    /// is taken (`errors[0]` names the customer who has it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 20, required = false)]
    candidates: Vec<CustomerView>,
}

/// A 410 for a customer merged into another; `Location` points at the survivor.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MergedProblem {
    #[serde(flatten)]
    problem: Problem,
    /// The customer this one was merged into.
    merged_into: uuid::Uuid,
}

/// The customer `id`, unless it is unknown (404) or was merged into
/// another (410 pointing at the survivor).
pub(crate) async fn live_customer(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Customer, ApiError> {
    Ok(jewel_services::crm::live_customer(db, id).await?)
}

/// A live customer that may still be changed: not erased (409).
pub(crate) async fn changeable_customer(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Customer, ApiError> {
    Ok(jewel_services::crm::changeable_customer(db, id).await?)
}

/// 422 when the assigned sales person is not a staff member.
pub(crate) async fn check_assigned_staff(
    db: &impl ConnectionTrait,
    new: &NewCustomer,
) -> Result<(), ApiError> {
    if let Some(staff) = new.profile.assigned_staff_id
        && Staff::get(db, staff).await?.is_none()
    {
        return Err(Invalid::field(
            "assignedStaffId",
            "not_found",
            "no staff member has this id",
        )
        .into());
    }
    Ok(())
}

/// The 409 for a taken unique value of a customer: for the mobile, staff
/// learn who has it; a stranger signing up learns only that it is taken.
pub(crate) async fn taken(
    db: &impl ConnectionTrait,
    error: RepoError,
    new: &NewCustomer,
    name_them: bool,
) -> ApiError {
    match error {
        RepoError::Taken { field: "mobile" } => {
            mobile_taken(db, new.mobile.as_str(), name_them).await
        }
        other => other.into(),
    }
}

/// Query parameters of `createCustomer`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct CreateCustomerParams {
    /// `true` adds the customer even though others look like them (the
    /// 409 `likely-duplicate` answer lists them); a taken mobile is 409 all the same.
    #[param(example = false)]
    confirm_not_duplicate: Option<bool>,
}

/// Add a customer. Needs `customers:write`.
///
/// The mobile number is the customer's identity: a second customer with the
/// same number (however it is spelled) is 409, naming the existing one.
/// A customer who only looks like another (the same e-mail, a phone shared
/// with another customer, or a name very like another's in the same home
/// branch) is 409 `likely-duplicate` with the `candidates`; send the request
/// again with `confirmNotDuplicate=true` to add them anyway.
#[utoipa::path(
    tag = "customers",
    operation_id = "createCustomer",
    security(("bearer" = [])),
    params(CreateCustomerParams),
    request_body = CustomerFields,
    responses(
        (status = 201, description = "Added.", body = CustomerView),
        (status = 409, description = "A customer with this mobile or external id exists (`errors[0]` names them), or customers look alike (`type` ends `likely-duplicate`, `candidates` lists them).", body = DuplicateProblem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    Query(params): Query<CreateCustomerParams>,
    Json(body): Json<CustomerFields>,
) -> Result<HttpResponse, ApiError> {
    let new = body.check(state.home_country, &state.sealer)?;
    let db = state.database.connection();
    check_assigned_staff(db, &new).await?;
    if Customers::by_mobile(db, new.mobile.as_str())
        .await?
        .is_some()
    {
        return Err(mobile_taken(db, new.mobile.as_str(), true).await);
    }
    if params.confirm_not_duplicate != Some(true) {
        let candidates = Customers::likely_duplicates(db, &new, None).await?;
        if !candidates.is_empty() {
            let views = candidates
                .into_iter()
                .map(|c| CustomerView::for_caller(&caller, c, &state.sealer))
                .collect::<Result<Vec<_>, _>>()?;
            return Err(ApiError::LikelyDuplicates {
                detail: format!(
                    "{} existing customer(s) look like this one; check them, or send again with confirmNotDuplicate=true",
                    views.len()
                ),
                candidates: serde_json::to_value(views).map_err(anyhow::Error::from)?,
            });
        }
    }
    let mut unit = state.unit(&caller);
    let customer = match Customers::create(unit.txn().await?, &new).await {
        Err(error @ RepoError::Taken { .. }) => {
            unit.rollback().await?;
            return Err(taken(db, error, &new, true).await);
        }
        other => other?,
    };
    let recorded = CustomerView::from(customer.clone());
    unit.audit("create", "customer", customer.id, None, Some(&recorded))?;
    unit.emit(&CustomerCreated {
        customer_id: customer.id,
        source: "api".to_owned(),
    })?;
    unit.commit().await?;
    let view = CustomerView::for_caller(&caller, customer, &state.sealer)?;
    Ok(created(
        format!("/api/v1/customers/{}", view.id),
        view.version,
        view,
    ))
}

/// The 409 for a mobile that belongs to someone: staff learn who it is
/// (the survivor, when that customer was merged); a stranger signing up
/// learns only that it is taken.
pub(crate) async fn mobile_taken(
    db: &impl ConnectionTrait,
    mobile: &str,
    name_them: bool,
) -> ApiError {
    let existing = match name_them {
        true => Customers::by_mobile(db, mobile).await.ok().flatten(),
        false => None,
    };
    let who = existing
        .map(|c| format!(": {}", c.merged_into.unwrap_or(c.id)))
        .unwrap_or_default();
    ApiError::Conflict {
        detail: format!("a customer with mobile {mobile} already exists{who}"),
        errors: vec![FieldError::new(
            "mobile",
            "taken",
            format!("already belongs to a customer{who}"),
        )],
    }
}

/// Filters and order of the customer list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct CustomerListQuery {
    /// The quick-search box: 4 to 9 digits find mobiles ending with them, a
    /// whole number finds that mobile, an `@` finds an e-mail, words find
    /// names with words beginning so (`lak nara`).
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
    #[param(value_type = Option<super::wire::MoneyText>)]
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

/// List and search customers. Needs `customers:read`.
///
/// Customers are shared by every branch of the business; `homeBranchId`
/// narrows to those who usually shop at one branch. Filters combine (all
/// must hold). Merged-away customers never appear; archived ones only with
/// `archived=true`.
#[utoipa::path(
    tag = "customers",
    operation_id = "listCustomers",
    security(("bearer" = [])),
    params(CustomerListQuery),
    responses((status = 200, description = "One page of customers, in `sort` order (oldest first when none).", body = Paged<CustomerView>))
)]
#[get("/api/v1/customers")]
pub async fn list_customers(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersRead>,
    Query(query): Query<CustomerListQuery>,
) -> Result<web::Json<Paged<CustomerView>>, ApiError> {
    let (mut filter, sort) = query.parse(state.home_country)?;
    filter.pan_lookup = query.pan_lookup(&caller, &state.sealer)?;
    let pagination = Pagination {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let page = Customers::list(
        state.database.connection(),
        &filter,
        &sort,
        pagination.page()?,
    )
    .await?;
    Ok(web::Json(Paged::try_from_page(page, |c| {
        CustomerView::for_caller(&caller, c, &state.sealer)
    })?))
}

/// Get one customer. Needs `customers:read`.
///
/// A customer merged into another answers 410 with `mergedInto` and a
/// `Location` pointing at the survivor.
#[utoipa::path(
    tag = "customers",
    operation_id = "getCustomer",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "The customer; `ETag` carries the version.", body = CustomerView),
        (status = 410, description = "Merged into another customer: `mergedInto` and `Location` name the survivor.", body = MergedProblem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let customer = live_customer(state.database.connection(), id.into_inner()).await?;
    let view = CustomerView::for_caller(&caller, customer, &state.sealer)?;
    Ok(with_etag(view.version, view))
}

/// Changes to a customer, as a JSON merge patch (RFC 7396): fields left out
/// stay, `null` clears one, a list replaces the whole list, `preferences`
/// merges field by field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Lakshmi N.", "email": null, "tags": ["bridal", "vip"]}))]
#[allow(dead_code)] // read only to check the shape of a patch
pub struct CustomerChanges {
    #[schema(value_type = super::wire::NameText, required = false)]
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
    #[schema(value_type = Option<super::wire::NameText>)]
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
    #[schema(max_items = 20, value_type = Option<Vec<super::wire::Fineness>>)]
    purities: Option<Vec<u16>>,
    #[schema(max_items = 20, value_type = Option<Vec<Label>>)]
    categories: Option<Vec<String>>,
    #[schema(max_items = 20, value_type = Option<Vec<Label>>)]
    styles: Option<Vec<String>>,
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

/// Change a customer. Needs `customers:write`; honours `If-Match`.
///
/// The body is a JSON merge patch (`application/merge-patch+json` or
/// `application/json`): fields left out stay as they are, `null` clears a
/// field, a list replaces the whole list. A new mobile number or external
/// id that belongs to another customer is 409.
#[utoipa::path(
    tag = "customers",
    operation_id = "updateCustomer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    request_body = CustomerChanges,
    responses(
        (status = 200, description = "Changed.", body = CustomerView),
        (status = 409, description = "The mobile number or external id belongs to another customer, or the customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api/v1/customers/{id}")]
pub async fn update_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(&req)?;
    let db = state.database.connection();
    let before = changeable_customer(db, id.into_inner()).await?;
    let new = patched(&before, &body, state.home_country, &state.sealer)?;
    check_assigned_staff(db, &new).await?;
    let mut unit = state.unit(&caller);
    let replaced = Customers::replace(unit.txn().await?, before.id, expected_version, &new).await;
    let after = match replaced {
        Err(error @ RepoError::Taken { .. }) => {
            unit.rollback().await?;
            return Err(taken(db, error, &new, true).await);
        }
        other => other?,
    };
    let recorded = (
        CustomerView::from(before),
        CustomerView::from(after.clone()),
    );
    unit.audit(
        "update",
        "customer",
        after.id,
        Some(&recorded.0),
        Some(&recorded.1),
    )?;
    unit.emit(&CustomerUpdated {
        customer_id: after.id,
        change: "profile".to_owned(),
        version: after.version,
    })?;
    unit.commit().await?;
    let view = CustomerView::for_caller(&caller, after, &state.sealer)?;
    Ok(with_etag(view.version, view))
}

/// Archive a customer: left out of lists, searches and occasions, kept
/// whole. Needs `customers:write`; honours `If-Match`.
#[utoipa::path(
    tag = "customers",
    operation_id = "archiveCustomer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    responses(
        (status = 200, description = "Archived (again, if it already was).", body = CustomerView),
        (status = 409, description = "The customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/archive")]
pub async fn archive_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_archived(&state, &caller, &req, id.into_inner(), true).await
}

/// Bring an archived customer back into lists. Needs `customers:write`;
/// honours `If-Match`.
#[utoipa::path(
    tag = "customers",
    operation_id = "restoreCustomer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    responses(
        (status = 200, description = "Restored.", body = CustomerView),
        (status = 409, description = "The customer's data was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/restore")]
pub async fn restore_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_archived(&state, &caller, &req, id.into_inner(), false).await
}

async fn set_archived(
    state: &AppState,
    caller: &crate::auth::Caller,
    req: &HttpRequest,
    id: uuid::Uuid,
    archived: bool,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(req)?;
    let db = state.database.connection();
    changeable_customer(db, id).await?;
    let mut unit = state.unit(caller);
    let customer =
        Customers::set_archived(unit.txn().await?, id, expected_version, archived).await?;
    let change = if archived { "archived" } else { "restored" };
    unit.audit::<()>(
        if archived { "archive" } else { "restore" },
        "customer",
        id,
        None,
        None,
    )?;
    unit.emit(&CustomerUpdated {
        customer_id: id,
        change: change.to_owned(),
        version: customer.version,
    })?;
    unit.commit().await?;
    let view = CustomerView::for_caller(caller, customer, &state.sealer)?;
    Ok(with_etag(view.version, view))
}

/// A password for a customer's self-service login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"password": "my jewellery passbook"}))]
pub struct CustomerLoginRequest {
    #[schema(min_length = 10, max_length = 128, format = Password)]
    password: String,
}

/// Give a customer a self-service login, or a new password. Needs `customers:write`.
///
/// The customer then logs in at `POST /api/v1/auth/customer-login` with
/// their mobile number or e-mail.
#[utoipa::path(
    tag = "customers",
    operation_id = "setCustomerLogin",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    request_body = CustomerLoginRequest,
    responses((status = 204, description = "The customer can log in with this password."))
)]
#[put("/api/v1/customers/{id}/login")]
pub async fn set_customer_login(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersWrite>,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<CustomerLoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let password_text = Password::parse("password", &body.password)?;
    let db = state.database.connection();
    let customer = Customers::get(db, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let hash = password::hash(&password_text).await?;
    let transaction = jewel_persistence::begin_writing(db).await?;
    Customers::set_login(&transaction, customer.id, &hash).await?;
    crate::audit::record::<()>(
        &transaction,
        &caller,
        "set_login",
        "customer",
        customer.id,
        None,
        None,
    )
    .await?;
    transaction.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
