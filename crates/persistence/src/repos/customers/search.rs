//! Finding customers: the list's filters and order (mobile, e-mail, name
//! words, tags, occasions), the page after a cursor, an import's matches
//! and likely duplicates.

use chrono::Utc;
use jewel_domain::customer::{
    Customer, CustomerQuery, CustomerSort, NewCustomer, SortField, names_look_alike, search_terms,
};
use jewel_domain::measure::Money;
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::*;
use crate::entities::{customer_phones, customer_search_terms, customer_tags, customers};
use crate::error::RepoError;

/// Which customers to list.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub query: Option<CustomerQuery>,
    /// Names beginning so (any case).
    pub name_prefix: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// The keyed hash of a PAN ([`SealedPan::lookup`]).
    pub pan_lookup: Option<String>,
    pub tag: Option<String>,
    pub home_branch_id: Option<uuid::Uuid>,
    pub assigned_staff_id: Option<uuid::Uuid>,
    /// 1 to 12.
    pub birthday_month: Option<u32>,
    pub anniversary_month: Option<u32>,
    pub created_from: Option<chrono::DateTime<Utc>>,
    pub created_before: Option<chrono::DateTime<Utc>>,
    pub min_lifetime_value: Option<Money>,
    pub last_purchase_from: Option<chrono::DateTime<Utc>>,
    pub last_purchase_before: Option<chrono::DateTime<Utc>>,
    pub archived: Archived,
}

/// Whether archived customers are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Archived {
    #[default]
    Excluded,
    Only,
    Included,
}

impl Customers {
    /// One page of customers narrowed by `filter`, in `sort` order; with
    /// none, a search by name words in the order of the matching word, by a
    /// mobile's ending in the order of the reversed mobile, anything else in
    /// id order. Every way of searching uses an index: the mobile (exact),
    /// its reversal (ending), e-mail (exact), the name's words (prefix), the
    /// name (prefix), tags, the assigned sales person, creation time and the
    /// occasion month-days.
    #[tracing::instrument(name = "customers.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &CustomerFilter,
        sort: &CustomerSort,
        page: PageRequest,
    ) -> Result<Page<Customer>, RepoError> {
        use customers::Column;
        let mut keys: Vec<(Column, bool)> = sort
            .0
            .iter()
            .map(|(field, descending)| {
                let column = match field {
                    SortField::Name => Column::Name,
                    SortField::CreatedAt => Column::CreatedAt,
                    SortField::UpdatedAt => Column::UpdatedAt,
                };
                (column, *descending)
            })
            .collect();
        // A quick search with no order asked for reads its index in order.
        match (&filter.query, keys.is_empty()) {
            (Some(CustomerQuery::NameWords(words)), true) => {
                return Self::by_name_words(db, words, filter, page).await;
            }
            (Some(CustomerQuery::MobileEnding(_)), true) => {
                keys.push((Column::MobileReversed, false));
            }
            _ => {}
        }
        let mut query = customers::Entity::find().limit(page.limit + 1);
        let last_descending = keys.last().is_some_and(|(_, d)| *d);
        for (column, descending) in &keys {
            query = match descending {
                true => query.order_by_desc(*column),
                false => query.order_by_asc(*column),
            };
        }
        query = match last_descending {
            true => query.order_by_desc(Column::Id),
            false => query.order_by_asc(Column::Id),
        };
        if let Some(after) = page.after {
            let Some(last) = customers::Entity::find_by_id(after.to_string())
                .one(db)
                .await?
            else {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                });
            };
            query = query.filter(after_row(&keys, last_descending, &last));
        }
        query = query.filter(filter_condition(filter));
        let customers = Self::fetch(db, query).await?;
        Ok(Page::from_overfetch(customers, page.limit, |c| c.id))
    }

    /// The customers whose mobile is one of `mobiles` or whose external id
    /// is one of `external_ids`: what an import matches its rows against.
    pub async fn matching(
        db: &impl ConnectionTrait,
        mobiles: &[String],
        external_ids: &[String],
    ) -> Result<Vec<Customer>, RepoError> {
        let mut found = Vec::new();
        for chunk in mobiles.chunks(INSERT_CHUNK) {
            let select = customers::Entity::find()
                .filter(customers::Column::Mobile.is_in(chunk.iter().cloned()));
            found.extend(Self::fetch(db, select).await?);
        }
        for chunk in external_ids.chunks(INSERT_CHUNK) {
            let select = customers::Entity::find()
                .filter(customers::Column::ExternalId.is_in(chunk.iter().cloned()));
            found.extend(Self::fetch(db, select).await?);
        }
        found.sort_by_key(|c| c.id);
        found.dedup_by_key(|c| c.id);
        Ok(found)
    }

    /// Customers who look like the one about to be added or changed: the
    /// same e-mail, a phone of one matching a phone of the other, or, in the
    /// same home branch, a name that looks alike (among customers sharing a
    /// word of the name; at most 200 compared). Archived customers count;
    /// merged and erased ones do not.
    #[tracing::instrument(name = "customers.likely_duplicates", skip_all)]
    pub async fn likely_duplicates(
        db: &impl ConnectionTrait,
        new: &NewCustomer,
        except: Option<uuid::Uuid>,
    ) -> Result<Vec<Customer>, RepoError> {
        use customers::Column;
        let mut phones: Vec<String> = new.profile.other_phones.clone();
        phones.push(new.mobile.as_str().to_owned());
        let mut signals = Condition::any()
            .add(Column::Mobile.is_in(new.profile.other_phones.iter().cloned()))
            .add(
                Column::Id.in_subquery(
                    Query::select()
                        .column(customer_phones::Column::CustomerId)
                        .from(customer_phones::Entity)
                        .and_where(customer_phones::Column::Phone.is_in(phones))
                        .to_owned(),
                ),
            );
        if let Some(email) = &new.email {
            signals = signals.add(Column::Email.eq(email.as_str()));
        }
        let live = Condition::all()
            .add(Column::MergedIntoId.is_null())
            .add(Column::ErasedAt.is_null())
            .add_option(except.map(|id| Column::Id.ne(id.to_string())));
        let mut found = Self::fetch(
            db,
            customers::Entity::find()
                .filter(live.clone().add(signals))
                .limit(20),
        )
        .await?;
        let terms = search_terms(new.name.as_str());
        if let (Some(branch), false) = (new.home_branch_id, terms.is_empty()) {
            let namesakes = customers::Entity::find()
                .filter(live)
                .filter(Column::HomeBranchId.eq(branch.to_string()))
                .filter(
                    Column::Id.in_subquery(
                        Query::select()
                            .column(customer_search_terms::Column::CustomerId)
                            .from(customer_search_terms::Entity)
                            .and_where(customer_search_terms::Column::Term.is_in(terms))
                            .to_owned(),
                    ),
                )
                .limit(200);
            found.extend(
                Self::fetch(db, namesakes)
                    .await?
                    .into_iter()
                    .filter(|c| names_look_alike(&c.name, new.name.as_str())),
            );
        }
        found.sort_by_key(|c| c.id);
        found.dedup_by_key(|c| c.id);
        found.truncate(20);
        Ok(found)
    }
}

/// Rows after `last` in the order of `keys` then id: the keyset condition
/// `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... OR (all equal AND id > last id)`.
pub(super) fn after_row(
    keys: &[(customers::Column, bool)],
    id_descending: bool,
    last: &customers::Model,
) -> Condition {
    use customers::Column;
    let value = |column: Column| -> sea_orm::Value {
        match column {
            Column::Name => last.name.clone().into(),
            Column::CreatedAt => last.created_at.into(),
            Column::UpdatedAt => last.updated_at.into(),
            Column::MobileReversed => last.mobile_reversed.clone().into(),
            _ => last.id.clone().into(),
        }
    };
    let beyond = |column: Column, descending: bool| match descending {
        true => Expr::col(column).lt(value(column)),
        false => Expr::col(column).gt(value(column)),
    };
    let mut any = Condition::any();
    let mut equal_so_far = Condition::all();
    for (column, descending) in keys {
        any = any.add(equal_so_far.clone().add(beyond(*column, *descending)));
        equal_so_far = equal_so_far.add(Expr::col(*column).eq(value(*column)));
    }
    any.add(equal_so_far.add(beyond(Column::Id, id_descending)))
}

/// The `WHERE` of a customer list.
pub(super) fn filter_condition(filter: &CustomerFilter) -> Condition {
    use customers::Column;
    let mut all = Condition::all()
        .add(Column::MergedIntoId.is_null())
        .add_option(
            filter
                .home_branch_id
                .map(|b| Column::HomeBranchId.eq(b.to_string())),
        )
        .add_option(
            filter
                .assigned_staff_id
                .map(|s| Column::AssignedStaffId.eq(s.to_string())),
        )
        .add_option(filter.mobile.as_deref().map(|m| Column::Mobile.eq(m)))
        .add_option(filter.email.as_deref().map(|e| Column::Email.eq(e)))
        .add_option(
            filter
                .pan_lookup
                .as_deref()
                .map(|l| Column::PanLookup.eq(l)),
        )
        .add_option(
            filter
                .name_prefix
                .as_deref()
                .map(|n| crate::repos::begins_with(Column::Name, n)),
        )
        .add_option(filter.created_from.map(|t| Column::CreatedAt.gte(t)))
        .add_option(filter.created_before.map(|t| Column::CreatedAt.lt(t)))
        .add_option(
            filter
                .min_lifetime_value
                .map(|v| Column::LifetimeValue.gte(v.units())),
        )
        .add_option(
            filter
                .last_purchase_from
                .map(|t| Column::LastPurchaseAt.gte(t)),
        )
        .add_option(
            filter
                .last_purchase_before
                .map(|t| Column::LastPurchaseAt.lt(t)),
        );
    all = match filter.archived {
        Archived::Excluded => all.add(Column::ArchivedAt.is_null()),
        Archived::Only => all.add(Column::ArchivedAt.is_not_null()),
        Archived::Included => all,
    };
    let in_month = |month: u32| {
        let month = i32::try_from(month).unwrap_or_default();
        (month * 100 + 1, month * 100 + 31)
    };
    if let Some(month) = filter.birthday_month {
        let (from, to) = in_month(month);
        all = all.add(Column::BirthdayMd.between(from, to));
    }
    if let Some(month) = filter.anniversary_month {
        let (from, to) = in_month(month);
        all = all.add(Column::AnniversaryMd.between(from, to));
    }
    if let Some(tag) = &filter.tag {
        all = all.add(
            Column::Id.in_subquery(
                Query::select()
                    .column(customer_tags::Column::CustomerId)
                    .from(customer_tags::Entity)
                    .and_where(customer_tags::Column::Tag.eq(tag.as_str()))
                    .to_owned(),
            ),
        );
    }
    match &filter.query {
        None => all,
        Some(CustomerQuery::Mobile(phone)) => all.add(Column::Mobile.eq(phone.as_str())),
        Some(CustomerQuery::MobileEnding(reversed)) => {
            all.add(crate::repos::begins_with(Column::MobileReversed, reversed))
        }
        Some(CustomerQuery::Email(email)) => all.add(Column::Email.eq(email.as_str())),
        Some(CustomerQuery::NameWords(words)) => {
            // Every word must begin some word of the name.
            for word in words {
                all = all.add(
                    Column::Id.in_subquery(
                        Query::select()
                            .column(customer_search_terms::Column::CustomerId)
                            .from(customer_search_terms::Entity)
                            .and_where(crate::repos::begins_with(
                                customer_search_terms::Column::Term,
                                word,
                            ))
                            .to_owned(),
                    ),
                );
            }
            all
        }
    }
}
