use chrono::Utc;
use jewel_domain::customer::{
    Customer, CustomerQuery, NewCustomer, Occasions, reversed_mobile, search_terms,
};
use jewel_domain::occasion::{OccasionKind, month_day};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{customer_logins, customer_search_terms, customers};
use crate::error::{OnConstraint, RepoError, unchanged_because, uuid_of, versioned};

/// Changes to a customer; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CustomerPatch {
    pub name: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<Option<String>>,
    pub home_branch_id: Option<Option<uuid::Uuid>>,
    pub date_of_birth: Option<Option<chrono::NaiveDate>>,
    pub anniversary: Option<Option<chrono::NaiveDate>>,
    pub spouse_name: Option<Option<String>>,
    pub spouse_date_of_birth: Option<Option<chrono::NaiveDate>>,
    pub ring_size: Option<Option<String>>,
    pub pan: Option<Option<String>>,
}

/// Which customers to list.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub query: Option<CustomerQuery>,
    pub home_branch_id: Option<uuid::Uuid>,
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
        let now = Utc::now();
        let id = uuid::Uuid::now_v7();
        customers::Entity::insert(customers::ActiveModel {
            id: Set(id.to_string()),
            name: Set(new.name.as_str().to_owned()),
            mobile: Set(new.mobile.as_str().to_owned()),
            email: Set(new.email.as_ref().map(|e| e.as_str().to_owned())),
            home_branch_id: Set(new.home_branch_id.map(|b| b.to_string())),
            mobile_reversed: Set(Some(reversed_mobile(new.mobile.as_str()))),
            date_of_birth: Set(new.occasions.date_of_birth),
            birthday_md: Set(new.occasions.date_of_birth.map(month_day)),
            anniversary: Set(new.occasions.anniversary),
            anniversary_md: Set(new.occasions.anniversary.map(month_day)),
            spouse_name: Set(new.occasions.spouse_name.clone()),
            spouse_date_of_birth: Set(new.occasions.spouse_date_of_birth),
            spouse_birthday_md: Set(new.occasions.spouse_date_of_birth.map(month_day)),
            ring_size: Set(new.occasions.ring_size.clone()),
            pan: Set(new.pan.as_ref().map(|p| p.as_str().to_owned())),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await
        .on_unique("mobile")
        .on_foreign_key("homeBranchId")?;
        Self::index_name(db, id, new.name.as_str()).await?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// Keeps the searchable words of a customer's name in step with the name.
    async fn index_name(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        name: &str,
    ) -> Result<(), RepoError> {
        customer_search_terms::Entity::delete_many()
            .filter(customer_search_terms::Column::CustomerId.eq(id.to_string()))
            .exec(db)
            .await?;
        let terms = search_terms(name);
        if terms.is_empty() {
            return Ok(());
        }
        customer_search_terms::Entity::insert_many(terms.into_iter().map(|term| {
            customer_search_terms::ActiveModel {
                term: Set(term),
                customer_id: Set(id.to_string()),
            }
        }))
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// Applies `patch` if the customer is still at `expected_version` (when given).
    #[tracing::instrument(name = "customers.update", skip(db, patch))]
    pub async fn update(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
        patch: &CustomerPatch,
    ) -> Result<Customer, RepoError> {
        use customers::Column;
        let mut update = customers::Entity::update_many().filter(Column::Id.eq(id.to_string()));
        if let Some(name) = &patch.name {
            update = update.col_expr(Column::Name, Expr::value(name.clone()));
        }
        if let Some(mobile) = &patch.mobile {
            update = update
                .col_expr(Column::Mobile, Expr::value(mobile.clone()))
                .col_expr(Column::MobileReversed, Expr::value(reversed_mobile(mobile)));
        }
        if let Some(email) = &patch.email {
            update = update.col_expr(Column::Email, Expr::value(email.clone()));
        }
        if let Some(branch) = &patch.home_branch_id {
            update = update.col_expr(
                Column::HomeBranchId,
                Expr::value(branch.map(|b| b.to_string())),
            );
        }
        let update = versioned(update, Column::Version, Column::UpdatedAt, expected_version);
        let result = update
            .exec(db)
            .await
            .on_unique("mobile")
            .on_foreign_key("homeBranchId")?;
        if result.rows_affected == 0 {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        if let Some(name) = &patch.name {
            Self::index_name(db, id, name).await?;
        }
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// One page of customers, in id order, narrowed by `filter`. Every way
    /// of searching uses an index: the mobile (exact), its reversal (ending),
    /// e-mail (exact), or the name's words (prefix).
    #[tracing::instrument(name = "customers.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &CustomerFilter,
        page: PageRequest,
    ) -> Result<Page<Customer>, RepoError> {
        use customers::Column;
        let mut query = customers::Entity::find()
            .order_by_asc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.gt(after.to_string()));
        }
        if let Some(branch) = filter.home_branch_id {
            query = query.filter(Column::HomeBranchId.eq(branch.to_string()));
        }
        query = match &filter.query {
            None => query,
            Some(CustomerQuery::Mobile(phone)) => query.filter(Column::Mobile.eq(phone.as_str())),
            Some(CustomerQuery::MobileEnding(reversed)) => {
                query.filter(Column::MobileReversed.starts_with(reversed.as_str()))
            }
            Some(CustomerQuery::Email(email)) => query.filter(Column::Email.eq(email.as_str())),
            Some(CustomerQuery::NameWords(words)) => {
                // Every word must begin some word of the name.
                let mut all = Condition::all();
                for word in words {
                    all = all.add(
                        Column::Id.in_subquery(
                            Query::select()
                                .column(customer_search_terms::Column::CustomerId)
                                .from(customer_search_terms::Entity)
                                .and_where(
                                    customer_search_terms::Column::Term.starts_with(word.as_str()),
                                )
                                .to_owned(),
                        ),
                    );
                }
                query.filter(all)
            }
        };
        let customers = query
            .all(db)
            .await?
            .into_iter()
            .map(into_customer)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(customers, page.limit, |c| c.id))
    }

    #[tracing::instrument(name = "customers.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Customer>, RepoError> {
        customers::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_customer)
            .transpose()
    }

    pub async fn by_mobile(
        db: &impl ConnectionTrait,
        mobile: &str,
    ) -> Result<Option<Customer>, RepoError> {
        customers::Entity::find()
            .filter(customers::Column::Mobile.eq(mobile))
            .one(db)
            .await?
            .map(into_customer)
            .transpose()
    }

    /// The customer whose mobile (E.164) or e-mail is `login`, with their
    /// password hash, if they have a login.
    #[tracing::instrument(name = "customers.credentials", skip_all)]
    pub async fn credentials(
        db: &impl ConnectionTrait,
        mobile: Option<&str>,
        email: Option<&str>,
    ) -> Result<Option<CustomerCredentials>, RepoError> {
        let mut query = customers::Entity::find();
        query = match (mobile, email) {
            (Some(mobile), _) => query.filter(customers::Column::Mobile.eq(mobile)),
            (None, Some(email)) => query.filter(customers::Column::Email.eq(email)),
            (None, None) => return Ok(None),
        };
        // An e-mail shared by two customers logs in neither: it names nobody.
        let mut found = query.all(db).await?;
        if found.len() != 1 {
            return Ok(None);
        }
        let customer = found.remove(0);
        let Some(login) = customer_logins::Entity::find_by_id(customer.id.clone())
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(CustomerCredentials {
            customer: into_customer(customer)?,
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
            .order_by_asc(key)
            .limit(limit);
        if let Some(branch) = home_branch_id {
            query = query.filter(Column::HomeBranchId.eq(branch.to_string()));
        }
        query
            .all(db)
            .await?
            .into_iter()
            .map(into_customer)
            .collect()
    }
}

fn into_customer(model: customers::Model) -> Result<Customer, RepoError> {
    Ok(Customer {
        occasions: Occasions {
            date_of_birth: model.date_of_birth,
            anniversary: model.anniversary,
            spouse_name: model.spouse_name.clone(),
            spouse_date_of_birth: model.spouse_date_of_birth,
            ring_size: model.ring_size.clone(),
        },
        pan: model.pan.clone(),
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
