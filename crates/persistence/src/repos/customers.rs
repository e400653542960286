use chrono::Utc;

use jewel_domain::customer::{
    BudgetBand, Customer, CustomerQuery, CustomerSort, NewCustomer, Occasions, Preferences,
    Profile, Purchases, SealedPan, SortField, Source, names_look_alike, reversed_mobile,
    search_terms,
};
use jewel_domain::measure::Money;
use jewel_domain::occasion::{OccasionKind, month_day};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QueryResult, QuerySelect, Select,
};

use crate::entities::{
    customer_consents, customer_logins, customer_phones, customer_search_terms, customer_tags,
    customers,
};
use crate::error::{
    OnConstraint, OnUniqueColumn, RepoError, unchanged_because, uuid_of, versioned,
};

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

pub struct Customers;

/// What a customer's login needs: the customer and their password hash.
#[derive(Debug, Clone)]
pub struct CustomerCredentials {
    pub customer: Customer,
    pub password_hash: String,
    pub active: bool,
}

impl Customers {
    #[tracing::instrument(name = "customers.create", skip_all)]
    pub async fn create(
        db: &impl ConnectionTrait,
        new: &NewCustomer,
    ) -> Result<Customer, RepoError> {
        let id = uuid::Uuid::now_v7();
        Self::insert_many(db, &[(id, new)]).await?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// Adds many customers in a few statements (chunks of rows per insert),
    /// as an import needs; the caller holds the transaction.
    #[tracing::instrument(name = "customers.insert_many", skip_all, fields(count = news.len()))]
    pub async fn insert_many(
        db: &impl ConnectionTrait,
        news: &[(uuid::Uuid, &NewCustomer)],
    ) -> Result<(), RepoError> {
        let now = Utc::now();
        for chunk in news.chunks(INSERT_CHUNK) {
            customers::Entity::insert_many(chunk.iter().map(|(id, new)| {
                let mut model = columns_of(new);
                model.id = Set(id.to_string());
                model.version = Set(1);
                model.created_at = Set(now);
                model.updated_at = Set(now);
                model.archived_at = Set(None);
                model.merged_into_id = Set(None);
                model.erased_at = Set(None);
                model
            }))
            .exec_without_returning(db)
            .await
            .on_unique_column(&[("external_id", "externalId"), ("mobile", "mobile")])
            .on_foreign_key("homeBranchId")?;
        }
        Self::index(db, news.iter().map(|(id, new)| (*id, *new)), false).await
    }

    /// Keeps the searchable words of each name, the other phones and the
    /// tags in step with the customer rows.
    async fn index<'a>(
        db: &impl ConnectionTrait,
        customers: impl Iterator<Item = (uuid::Uuid, &'a NewCustomer)> + Clone,
        replace: bool,
    ) -> Result<(), RepoError> {
        if replace {
            let ids: Vec<String> = customers.clone().map(|(id, _)| id.to_string()).collect();
            for chunk in ids.chunks(INSERT_CHUNK) {
                customer_search_terms::Entity::delete_many()
                    .filter(customer_search_terms::Column::CustomerId.is_in(chunk.iter().cloned()))
                    .exec(db)
                    .await?;
                customer_phones::Entity::delete_many()
                    .filter(customer_phones::Column::CustomerId.is_in(chunk.iter().cloned()))
                    .exec(db)
                    .await?;
                customer_tags::Entity::delete_many()
                    .filter(customer_tags::Column::CustomerId.is_in(chunk.iter().cloned()))
                    .exec(db)
                    .await?;
            }
        }
        let terms: Vec<_> = customers
            .clone()
            .flat_map(|(id, new)| {
                search_terms(new.name.as_str())
                    .into_iter()
                    .map(move |term| customer_search_terms::ActiveModel {
                        term: Set(term),
                        customer_id: Set(id.to_string()),
                    })
            })
            .collect();
        let phones: Vec<_> = customers
            .clone()
            .flat_map(|(id, new)| {
                new.profile
                    .other_phones
                    .iter()
                    .map(move |phone| customer_phones::ActiveModel {
                        customer_id: Set(id.to_string()),
                        phone: Set(phone.clone()),
                    })
            })
            .collect();
        let tags: Vec<_> = customers
            .flat_map(|(id, new)| {
                new.profile
                    .tags
                    .iter()
                    .map(move |tag| customer_tags::ActiveModel {
                        customer_id: Set(id.to_string()),
                        tag: Set(tag.clone()),
                    })
            })
            .collect();
        for chunk in terms.chunks(INSERT_CHUNK) {
            customer_search_terms::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        for chunk in phones.chunks(INSERT_CHUNK) {
            customer_phones::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        for chunk in tags.chunks(INSERT_CHUNK) {
            customer_tags::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }

    /// Replaces everything a customer's record says with `new` if it is
    /// still at `expected_version` (when given): how a PATCH, once merged
    /// with the stored record and checked whole, is written.
    #[tracing::instrument(name = "customers.replace", skip(db, new))]
    pub async fn replace(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
        new: &NewCustomer,
    ) -> Result<Customer, RepoError> {
        use customers::Column;
        let update = customers::Entity::update_many()
            .set(columns_of(new))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::MergedIntoId.is_null())
            .filter(Column::ErasedAt.is_null());
        let result = versioned(update, Column::Version, Column::UpdatedAt, expected_version)
            .exec(db)
            .await
            .on_unique_column(&[("external_id", "externalId"), ("mobile", "mobile")])
            .on_foreign_key("homeBranchId")?;
        if result.rows_affected == 0 {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        Self::index(db, std::iter::once((id, new)), true).await?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// Archives or restores a customer if still at `expected_version`.
    #[tracing::instrument(name = "customers.archive", skip(db))]
    pub async fn set_archived(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
        archived: bool,
    ) -> Result<Customer, RepoError> {
        use customers::Column;
        let update = customers::Entity::update_many()
            .col_expr(Column::ArchivedAt, Expr::value(archived.then(Utc::now)))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::MergedIntoId.is_null())
            .filter(Column::ErasedAt.is_null());
        let result = versioned(update, Column::Version, Column::UpdatedAt, expected_version)
            .exec(db)
            .await?;
        if result.rows_affected == 0 {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// One page of customers narrowed by `filter`, in `sort` order (id order
    /// when none). Every way of searching uses an index: the mobile (exact),
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
        let mut query = customers::Entity::find().limit(page.limit + 1);
        let keys: Vec<(Column, bool)> = sort
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

    #[tracing::instrument(name = "customers.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Customer>, RepoError> {
        Ok(
            Self::fetch(db, customers::Entity::find_by_id(id.to_string()))
                .await?
                .pop(),
        )
    }

    /// Runs a select of customers, their other phones and tags read by
    /// the same statement: each list folded into one column by
    /// `GROUP_CONCAT` (MariaDB and SQLite alike), split on its commas (a
    /// phone is digits, a label has no comma) and sorted.
    async fn fetch(
        db: &impl ConnectionTrait,
        select: Select<customers::Entity>,
    ) -> Result<Vec<Customer>, RepoError> {
        use customer_phones::Column as Phones;
        use customer_tags::Column as Tags;
        let rows = select
            .column_as(
                folded(customer_phones::Entity, Phones::Phone, Phones::CustomerId),
                "other_phones",
            )
            .column_as(
                folded(customer_tags::Entity, Tags::Tag, Tags::CustomerId),
                "tag_list",
            )
            .into_model::<WithLists>()
            .all(db)
            .await?;
        rows.into_iter()
            .map(|row| into_customer(row.model, unfold(row.other_phones), unfold(row.tags)))
            .collect()
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

    /// Marks `duplicate` merged into `survivor`: archived, its external id
    /// released (the survivor may take it), its login switched off. False
    /// when it was merged or erased first by someone else.
    #[tracing::instrument(name = "customers.mark_merged", skip(db))]
    pub async fn mark_merged(
        db: &impl ConnectionTrait,
        duplicate: uuid::Uuid,
        survivor: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        use customers::Column;
        let now = Utc::now();
        let update = customers::Entity::update_many()
            .col_expr(Column::MergedIntoId, Expr::value(survivor.to_string()))
            .col_expr(Column::ArchivedAt, Expr::value(now))
            .col_expr(Column::ExternalId, Expr::value(None::<String>))
            .filter(Column::Id.eq(duplicate.to_string()))
            .filter(Column::MergedIntoId.is_null())
            .filter(Column::ErasedAt.is_null());
        let result = versioned(update, Column::Version, Column::UpdatedAt, None)
            .exec(db)
            .await?;
        if result.rows_affected == 0 {
            return Ok(false);
        }
        customer_logins::Entity::update_many()
            .col_expr(customer_logins::Column::Active, Expr::value(false))
            .filter(customer_logins::Column::CustomerId.eq(duplicate.to_string()))
            .exec(db)
            .await?;
        Ok(true)
    }

    /// Removes the person's identity from the record: name, mobile (replaced
    /// by a placeholder no real number can equal), every personal field,
    /// search words, phones, tags, consents standing and the login. The row
    /// and its id stay for the records the law keeps. The caller holds the
    /// transaction and erases the related records.
    #[tracing::instrument(name = "customers.erase", skip(db))]
    pub async fn erase(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
    ) -> Result<Customer, RepoError> {
        use customers::Column;
        let now = Utc::now();
        let none = || Expr::value(None::<String>);
        let update = customers::Entity::update_many()
            .col_expr(Column::Name, Expr::value(ERASED_NAME))
            .col_expr(Column::Mobile, Expr::value(erased_mobile(id)))
            .col_expr(Column::MobileReversed, none())
            .col_expr(Column::Email, none())
            .col_expr(Column::DateOfBirth, Expr::value(None::<chrono::NaiveDate>))
            .col_expr(Column::BirthdayMd, Expr::value(None::<i32>))
            .col_expr(Column::Anniversary, Expr::value(None::<chrono::NaiveDate>))
            .col_expr(Column::AnniversaryMd, Expr::value(None::<i32>))
            .col_expr(Column::SpouseName, none())
            .col_expr(
                Column::SpouseDateOfBirth,
                Expr::value(None::<chrono::NaiveDate>),
            )
            .col_expr(Column::SpouseBirthdayMd, Expr::value(None::<i32>))
            .col_expr(Column::RingSize, none())
            .col_expr(Column::Pan, none())
            .col_expr(Column::PanSealed, none())
            .col_expr(Column::PanLookup, none())
            .col_expr(Column::PanLastFour, none())
            .col_expr(Column::Addresses, none())
            .col_expr(Column::Preferences, none())
            .col_expr(Column::BudgetBand, none())
            .col_expr(Column::Notes, none())
            .col_expr(Column::ExternalId, none())
            .col_expr(Column::ArchivedAt, Expr::value(now))
            .col_expr(Column::ErasedAt, Expr::value(now))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::ErasedAt.is_null());
        let result = versioned(update, Column::Version, Column::UpdatedAt, expected_version)
            .exec(db)
            .await?;
        if result.rows_affected == 0 {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        let key = id.to_string();
        customer_search_terms::Entity::delete_many()
            .filter(customer_search_terms::Column::CustomerId.eq(key.clone()))
            .exec(db)
            .await?;
        customer_phones::Entity::delete_many()
            .filter(customer_phones::Column::CustomerId.eq(key.clone()))
            .exec(db)
            .await?;
        customer_tags::Entity::delete_many()
            .filter(customer_tags::Column::CustomerId.eq(key.clone()))
            .exec(db)
            .await?;
        customer_consents::Entity::delete_many()
            .filter(customer_consents::Column::CustomerId.eq(key.clone()))
            .exec(db)
            .await?;
        customer_logins::Entity::delete_many()
            .filter(customer_logins::Column::CustomerId.eq(key))
            .exec(db)
            .await?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    pub async fn by_mobile(
        db: &impl ConnectionTrait,
        mobile: &str,
    ) -> Result<Option<Customer>, RepoError> {
        let select = customers::Entity::find().filter(customers::Column::Mobile.eq(mobile));
        Ok(Self::fetch(db, select).await?.pop())
    }

    /// The customer whose mobile (E.164) or e-mail is `login`, with their
    /// password hash, if they have a login.
    #[tracing::instrument(name = "customers.credentials", skip_all)]
    pub async fn credentials(
        db: &impl ConnectionTrait,
        mobile: Option<&str>,
        email: Option<&str>,
    ) -> Result<Option<CustomerCredentials>, RepoError> {
        // Merged-away and erased records log nobody in.
        let mut query = customers::Entity::find()
            .filter(customers::Column::MergedIntoId.is_null())
            .filter(customers::Column::ErasedAt.is_null());
        query = match (mobile, email) {
            (Some(mobile), _) => query.filter(customers::Column::Mobile.eq(mobile)),
            (None, Some(email)) => query.filter(customers::Column::Email.eq(email)),
            (None, None) => return Ok(None),
        };
        // An e-mail shared by two customers logs in neither: it names nobody.
        let mut found = Self::fetch(db, query).await?;
        if found.len() != 1 {
            return Ok(None);
        }
        let customer = found.remove(0);
        let Some(login) = customer_logins::Entity::find_by_id(customer.id.to_string())
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(CustomerCredentials {
            customer,
            password_hash: login.password_hash,
            active: login.active,
        }))
    }

    /// Whether the customer has a login that may be used.
    pub async fn login_active(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        Ok(customer_logins::Entity::find_by_id(customer.to_string())
            .one(db)
            .await?
            .is_some_and(|login| login.active))
    }

    /// Gives a customer a login, or a new password for the one they have.
    pub async fn set_login(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        password_hash: &str,
    ) -> Result<(), RepoError> {
        let now = Utc::now();
        let existing = customer_logins::Entity::find_by_id(customer.to_string())
            .one(db)
            .await?;
        let model = customer_logins::ActiveModel {
            customer_id: Set(customer.to_string()),
            password_hash: Set(password_hash.to_owned()),
            active: Set(true),
            created_at: Set(existing.as_ref().map_or(now, |e| e.created_at)),
            updated_at: Set(now),
        };
        if existing.is_some() {
            customer_logins::Entity::update(model).exec(db).await?;
        } else {
            customer_logins::Entity::insert(model)
                .exec_without_returning(db)
                .await
                .on_foreign_key("customerId")?;
        }
        Ok(())
    }
}

impl Customers {
    /// Customers with an occasion of `kind` whose month and day fall in
    /// `ranges` (inclusive `MMDD` pairs), optionally of one home branch; at
    /// most `limit`.
    #[tracing::instrument(name = "customers.occasions", skip(db))]
    pub async fn with_occasion(
        db: &impl ConnectionTrait,
        kind: OccasionKind,
        ranges: &[(i32, i32)],
        home_branch_id: Option<uuid::Uuid>,
        limit: u64,
    ) -> Result<Vec<Customer>, RepoError> {
        use customers::Column;
        let key = match kind {
            OccasionKind::Birthday => Column::BirthdayMd,
            OccasionKind::Anniversary => Column::AnniversaryMd,
            OccasionKind::SpouseBirthday => Column::SpouseBirthdayMd,
        };
        let mut within = Condition::any();
        for (from, to) in ranges {
            within = within.add(key.between(*from, *to));
        }
        let mut query = customers::Entity::find()
            .filter(within)
            .filter(Column::ArchivedAt.is_null())
            .order_by_asc(key)
            .limit(limit);
        if let Some(branch) = home_branch_id {
            query = query.filter(Column::HomeBranchId.eq(branch.to_string()));
        }
        Self::fetch(db, query).await
    }
}

/// What an erased customer is called.
pub const ERASED_NAME: &str = "Erased customer";

/// A unique stand-in for an erased mobile: `+0` and 14 hex digits of the
/// id. No phone number starts with 0 after the `+`, so it can never equal one.
fn erased_mobile(id: uuid::Uuid) -> String {
    let hex = id.simple().to_string();
    format!("+0{}", &hex[hex.len() - 14..])
}

/// How many rows go in one multi-row insert (well under SQLite's limit of
/// bound parameters).
const INSERT_CHUNK: usize = 500;

/// Every column a customer's details are written to, for inserts and
/// whole-record updates alike.
fn columns_of(new: &NewCustomer) -> customers::ActiveModel {
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

/// Rows after `last` in the order of `keys` then id: the keyset condition
/// `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... OR (all equal AND id > last id)`.
fn after_row(
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
fn filter_condition(filter: &CustomerFilter) -> Condition {
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
                .map(|n| super::begins_with(Column::Name, n)),
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
            all.add(super::begins_with(Column::MobileReversed, reversed))
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
                            .and_where(super::begins_with(
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

/// A customer's row with its other phones and tags folded in (see
/// [`Customers::fetch`]).
struct WithLists {
    model: customers::Model,
    other_phones: Option<String>,
    tags: Option<String>,
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
fn folded<E: EntityTrait + Copy>(table: E, item: E::Column, owner: E::Column) -> Expr {
    let list = Query::select()
        .expr(Func::cust("GROUP_CONCAT").arg(Expr::col((table, item))))
        .from(table)
        .and_where(Expr::col((table, owner)).equals((customers::Entity, customers::Column::Id)))
        .to_owned();
    Expr::SubQuery(None, Box::new(list.into()))
}

fn unfold(list: Option<String>) -> Vec<String> {
    let mut items: Vec<String> = list
        .iter()
        .flat_map(|l| l.split(','))
        .map(str::to_owned)
        .collect();
    items.sort();
    items
}

fn into_customer(
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
