use chrono::Utc;
use jewel_domain::customer::{Customer, NewCustomer};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::{customer_logins, customers};
use crate::error::{OnConstraint, RepoError, uuid_of};

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
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await
        .on_unique("mobile")
        .on_foreign_key("homeBranchId")?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
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

fn into_customer(model: customers::Model) -> Result<Customer, RepoError> {
    Ok(Customer {
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
