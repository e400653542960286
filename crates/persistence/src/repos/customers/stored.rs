//! A customer to and from rows: the columns a customer's details are
//! written to, and a row with its phones and tags folded in read back into
//! the domain's customer.

use jewel_domain::customer::{
    BudgetBand, Customer, NewCustomer, Occasions, Preferences, Profile, Purchases, SealedPan,
    Source, reversed_mobile,
};
use jewel_domain::measure::Money;
use jewel_domain::occasion::month_day;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ActiveValue::Set, DbErr, EntityTrait, FromQueryResult, QueryResult};

use crate::entities::customers;
use crate::error::{RepoError, uuid_of};

/// Every column a customer's details are written to, for inserts and
/// whole-record updates alike.
pub(super) fn columns_of(new: &NewCustomer) -> customers::ActiveModel {
    let profile = &new.profile;
    let json = |value: String, empty: bool| (!empty).then_some(value);
    customers::ActiveModel {
        name: Set(new.name.as_str().to_owned()),
        mobile: Set(new.mobile.as_str().to_owned()),
        mobile_reversed: Set(Some(reversed_mobile(new.mobile.as_str()))),
        email: Set(new.email.as_ref().map(|e| e.as_str().to_owned())),
        home_branch_id: Set(new.home_branch_id.map(|b| b.to_string())),
        date_of_birth: Set(new.occasions.date_of_birth),
        birthday_md: Set(new.occasions.date_of_birth.map(month_day)),
        anniversary: Set(new.occasions.anniversary),
        anniversary_md: Set(new.occasions.anniversary.map(month_day)),
        spouse_name: Set(new.occasions.spouse_name.clone()),
        spouse_date_of_birth: Set(new.occasions.spouse_date_of_birth),
        spouse_birthday_md: Set(new.occasions.spouse_date_of_birth.map(month_day)),
        ring_size: Set(new.occasions.ring_size.clone()),
        pan: Set(None),
        pan_sealed: Set(new.pan.as_ref().map(|p| p.sealed.clone())),
        pan_lookup: Set(new.pan.as_ref().map(|p| p.lookup.clone())),
        pan_last_four: Set(new.pan.as_ref().map(|p| p.last_four.clone())),
        addresses: Set(json(
            serde_json::to_string(&profile.addresses).unwrap_or_default(),
            profile.addresses.is_empty(),
        )),
        preferences: Set(json(
            serde_json::to_string(&profile.preferences).unwrap_or_default(),
            profile.preferences.is_empty(),
        )),
        budget_band: Set(profile.budget_band.map(|b| b.as_str().to_owned())),
        notes: Set(profile.notes.clone()),
        assigned_staff_id: Set(profile.assigned_staff_id.map(|s| s.to_string())),
        source: Set(profile.source.as_str().to_owned()),
        external_id: Set(profile.external_id.clone()),
        ..Default::default()
    }
}

/// A customer's row with its other phones and tags folded in (see
/// [`Customers::fetch`]).
pub(super) struct WithLists {
    pub(super) model: customers::Model,
    pub(super) other_phones: Option<String>,
    pub(super) tags: Option<String>,
}

impl FromQueryResult for WithLists {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            model: customers::Model::from_query_result(row, pre)?,
            other_phones: row.try_get(pre, "other_phones")?,
            tags: row.try_get(pre, "tag_list")?,
        })
    }
}

/// `(SELECT GROUP_CONCAT(item) FROM table WHERE table.owner = customers.id)`.
pub(super) fn folded<E: EntityTrait + Copy>(table: E, item: E::Column, owner: E::Column) -> Expr {
    let list = Query::select()
        .expr(Func::cust("GROUP_CONCAT").arg(Expr::col((table, item))))
        .from(table)
        .and_where(Expr::col((table, owner)).equals((customers::Entity, customers::Column::Id)))
        .to_owned();
    Expr::SubQuery(None, Box::new(list.into()))
}

pub(super) fn unfold(list: Option<String>) -> Vec<String> {
    let mut items: Vec<String> = list
        .iter()
        .flat_map(|l| l.split(','))
        .map(str::to_owned)
        .collect();
    items.sort();
    items
}

pub(super) fn into_customer(
    model: customers::Model,
    other_phones: Vec<String>,
    tags: Vec<String>,
) -> Result<Customer, RepoError> {
    let stored = |what: &str, e: serde_json::Error| {
        RepoError::Database(sea_orm::DbErr::Type(format!("stored {what}: {e}")))
    };
    let addresses = match model.addresses.as_deref() {
        Some(text) => serde_json::from_str(text).map_err(|e| stored("addresses", e))?,
        None => Vec::new(),
    };
    let preferences = match model.preferences.as_deref() {
        Some(text) => serde_json::from_str(text).map_err(|e| stored("preferences", e))?,
        None => Preferences::default(),
    };
    Ok(Customer {
        occasions: Occasions {
            date_of_birth: model.date_of_birth,
            anniversary: model.anniversary,
            spouse_name: model.spouse_name.clone(),
            spouse_date_of_birth: model.spouse_date_of_birth,
            ring_size: model.ring_size.clone(),
        },
        pan: match (&model.pan_sealed, &model.pan_lookup, &model.pan_last_four) {
            (Some(sealed), Some(lookup), Some(last_four)) => Some(SealedPan {
                sealed: sealed.clone(),
                lookup: lookup.clone(),
                last_four: last_four.clone(),
            }),
            _ => None,
        },
        profile: Profile {
            other_phones,
            addresses,
            preferences,
            budget_band: model.budget_band.as_deref().and_then(BudgetBand::parse),
            tags,
            notes: model.notes.clone(),
            assigned_staff_id: model
                .assigned_staff_id
                .as_deref()
                .map(uuid_of)
                .transpose()?,
            source: Source::parse(&model.source).unwrap_or_default(),
            external_id: model.external_id.clone(),
        },
        archived_at: model.archived_at,
        merged_into: model.merged_into_id.as_deref().map(uuid_of).transpose()?,
        erased_at: model.erased_at,
        purchases: Purchases {
            count: u32::try_from(model.purchase_count).unwrap_or(0),
            lifetime_value: Money::from_units(model.lifetime_value),
            last_purchase_at: model.last_purchase_at,
        },
        id: uuid_of(&model.id)?,
        name: model.name,
        mobile: model.mobile,
        email: model.email,
        home_branch_id: model.home_branch_id.as_deref().map(uuid_of).transpose()?,
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
