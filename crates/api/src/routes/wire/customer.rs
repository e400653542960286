//! The customer on the wire: the fields a client sends and the customer as
//! shown. CRM's routes take and show it; identity's logins show who logged
//! in and a customer signing up sends its fields.

use chrono::{DateTime, Utc};
use jewel_domain::contact::{Email, HomeCountry, PersonName, Phone};
use jewel_domain::customer::profile::{check_external_id, check_notes, words};
use jewel_domain::customer::{
    Address, BudgetBand, Customer, NewCustomer, Occasions, Pan, Preferences, Profile, SealedPan,
    Source,
};
use jewel_domain::occasion::{parse_past_date, parse_ring_size};
use jewel_domain::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::customers::Customers;

use crate::error::ApiError;
use crate::routes::{wire::MetalName, wire::collect};
use crate::sealing::Sealer;

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
    Label, 1, 40, Some(crate::routes::wire::one_line(40, ",;"))
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
#[schema(example = json!({"metals": ["gold"], "purities": [916], "categories": ["necklace", "bangle"], "styles": ["temple"], "language": "ta"}))]
pub struct PreferencesFields {
    #[serde(default)]
    #[schema(max_items = 3)]
    metals: Vec<MetalName>,
    /// Fineness in parts per thousand (916 is 22K, 750 is 18K, 925 sterling).
    #[serde(default)]
    #[schema(max_items = 20, value_type = Vec<crate::routes::wire::Fineness>)]
    purities: Vec<u16>,
    #[serde(default)]
    #[schema(max_items = 20, value_type = Vec<Label>)]
    categories: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 20, value_type = Vec<Label>)]
    styles: Vec<String>,
    /// The language messages to the customer are written in; the
    /// business's default (`notify.default_language`) when not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<crate::routes::wire::language::MessageLanguageName>,
}

impl From<Preferences> for PreferencesFields {
    fn from(p: Preferences) -> Self {
        Self {
            metals: p.metals.into_iter().map(Into::into).collect(),
            purities: p.purities,
            categories: p.categories,
            styles: p.styles,
            language: p.language.map(Into::into),
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
    #[schema(value_type = crate::routes::wire::NameText)]
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
    #[schema(value_type = Option<crate::routes::wire::NameText>)]
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
            language: body.preferences.language.map(Into::into),
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
    #[schema(value_type = crate::routes::wire::MoneyText)]
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
    pub(crate) id: uuid::Uuid,
    #[schema(value_type = crate::routes::wire::NameText)]
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
    #[schema(value_type = Option<crate::routes::wire::NameText>)]
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
    /// The view with the PAN masked: what most callers see.
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

/// The 409 for a mobile that belongs to someone: staff learn who it is
/// (the survivor, when that customer was merged); a stranger signing up
/// learns only that it is taken.
pub async fn mobile_taken(db: &impl ConnectionTrait, mobile: &str, name_them: bool) -> ApiError {
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
