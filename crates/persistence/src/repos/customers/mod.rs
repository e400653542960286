//! Customers: one per mobile number, with their other phones, tags and
//! search terms kept in tables of their own, merged and erased records kept
//! as tombstones, and a customer's self-service login.

mod search;
mod stored;
mod walk;

pub use search::*;
use stored::*;

use chrono::Utc;
use jewel_domain::customer::{Customer, NewCustomer, search_terms};
use jewel_domain::occasion::OccasionKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::entities::{
    customer_consents, customer_logins, customer_phones, customer_search_terms, customer_tags,
    customers,
};
use crate::error::{OnConstraint, OnUniqueColumn, RepoError, unchanged_because, versioned};

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
                let terms = search_terms(new.name.as_str());
                let words: String = terms.iter().map(|t| format!(" {t}")).collect();
                terms
                    .into_iter()
                    .map(move |term| customer_search_terms::ActiveModel {
                        term: Set(term),
                        customer_id: Set(id.to_string()),
                        words: Set(words.clone()),
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

impl Customers {
    /// Up to `limit` customers, by id after `after`, whose occasion of
    /// `kind` falls on one of `keys` (`MMDD`), with the key: live ones
    /// only (not archived, merged or erased).
    #[tracing::instrument(name = "customers.celebrating", skip(db, keys))]
    pub async fn celebrating(
        db: &impl ConnectionTrait,
        kind: OccasionKind,
        keys: &[i32],
        after: Option<uuid::Uuid>,
        limit: u64,
    ) -> Result<Vec<(uuid::Uuid, i32)>, RepoError> {
        use customers::Column;
        let key = match kind {
            OccasionKind::Birthday => Column::BirthdayMd,
            OccasionKind::Anniversary => Column::AnniversaryMd,
            OccasionKind::SpouseBirthday => Column::SpouseBirthdayMd,
        };
        let rows: Vec<(String, Option<i32>)> = customers::Entity::find()
            .select_only()
            .column(Column::Id)
            .column(key)
            .filter(key.is_in(keys.iter().copied()))
            .filter(Column::ArchivedAt.is_null())
            .filter(Column::MergedIntoId.is_null())
            .filter(Column::ErasedAt.is_null())
            .filter(Column::Id.gt(after.map(|id| id.to_string()).unwrap_or_default()))
            .order_by_asc(Column::Id)
            .limit(limit)
            .into_tuple()
            .all(db)
            .await?;
        rows.into_iter()
            .filter_map(|(id, key)| key.map(|k| (id, k)))
            .map(|(id, key)| Ok((crate::error::uuid_of(&id)?, key)))
            .collect()
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
