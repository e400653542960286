//! Customers' consent to be contacted: where each (channel, purpose) stands,
//! and every change with its time, source and who recorded it.

use jewel_domain::customer::consent::{Channel, Consent, ConsentChange, ConsentSource, Purpose};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{consent_changes, customer_consents, customers};
use crate::error::{OnConstraint, RepoError, uuid_of};

pub struct Consents;

/// Who recorded a change: `staff`, `client` or `customer`, and their id.
#[derive(Debug, Clone, Copy)]
pub struct RecordedBy<'a> {
    pub kind: &'a str,
    pub id: uuid::Uuid,
}

impl Consents {
    /// Takes the customer's row lock for the rest of the transaction, so that
    /// two changes of one customer's consents are made one after the other:
    /// each reads where the consents stand, then writes. (MariaDB locks the
    /// row; SQLite's write transaction already holds the database.)
    pub async fn lock_customer(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<(), RepoError> {
        customers::Entity::find_by_id(customer.to_string())
            .select_only()
            .column(customers::Column::Id)
            .lock_exclusive()
            .into_tuple::<String>()
            .one(db)
            .await?;
        Ok(())
    }

    /// Where the customer's consents stand, by channel then purpose.
    pub async fn current(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Vec<Consent>, RepoError> {
        customer_consents::Entity::find()
            .filter(customer_consents::Column::CustomerId.eq(customer.to_string()))
            .order_by_asc(customer_consents::Column::Channel)
            .order_by_asc(customer_consents::Column::Purpose)
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                consent(
                    &m.channel,
                    &m.purpose,
                    m.granted,
                    &m.source,
                    m.changed_at,
                    m.actor_kind,
                    &m.actor_id,
                )
            })
            .collect()
    }

    /// Every change, newest first.
    pub async fn history(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Vec<Consent>, RepoError> {
        consent_changes::Entity::find()
            .filter(consent_changes::Column::CustomerId.eq(customer.to_string()))
            .order_by_desc(consent_changes::Column::ChangedAt)
            .order_by_desc(consent_changes::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                consent(
                    &m.channel,
                    &m.purpose,
                    m.granted,
                    &m.source,
                    m.changed_at,
                    m.actor_kind,
                    &m.actor_id,
                )
            })
            .collect()
    }

    /// Records `changes` (already reduced to real changes) as standing now
    /// and in the history; the caller holds the transaction.
    #[tracing::instrument(name = "consents.record", skip(db, changes))]
    pub async fn record(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        changes: &[ConsentChange],
        source: ConsentSource,
        by: RecordedBy<'_>,
    ) -> Result<(), RepoError> {
        let now = chrono::Utc::now();
        for change in changes {
            let standing = customer_consents::ActiveModel {
                customer_id: Set(customer.to_string()),
                channel: Set(change.channel.as_str().to_owned()),
                purpose: Set(change.purpose.as_str().to_owned()),
                granted: Set(change.granted),
                source: Set(source.as_str().to_owned()),
                actor_kind: Set(by.kind.to_owned()),
                actor_id: Set(by.id.to_string()),
                changed_at: Set(now),
            };
            let existing = customer_consents::Entity::find_by_id((
                customer.to_string(),
                change.channel.as_str().to_owned(),
                change.purpose.as_str().to_owned(),
            ))
            .one(db)
            .await?;
            if existing.is_some() {
                customer_consents::Entity::update(standing).exec(db).await?;
            } else {
                customer_consents::Entity::insert(standing)
                    .exec_without_returning(db)
                    .await
                    .on_foreign_key("customerId")?;
            }
            consent_changes::Entity::insert(consent_changes::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                customer_id: Set(customer.to_string()),
                channel: Set(change.channel.as_str().to_owned()),
                purpose: Set(change.purpose.as_str().to_owned()),
                granted: Set(change.granted),
                source: Set(source.as_str().to_owned()),
                actor_kind: Set(by.kind.to_owned()),
                actor_id: Set(by.id.to_string()),
                changed_at: Set(now),
            })
            .exec_without_returning(db)
            .await?;
        }
        Ok(())
    }
}

impl Consents {
    /// Gives `survivor` the standing consents of `duplicate` for every
    /// (channel, purpose) the survivor has not decided, and removes the
    /// duplicate's. Part of a merge; the caller holds the transaction.
    pub async fn adopt(
        db: &impl ConnectionTrait,
        duplicate: uuid::Uuid,
        survivor: uuid::Uuid,
    ) -> Result<u64, RepoError> {
        let decided = Self::current(db, survivor).await?;
        let mut adopted = 0;
        for model in customer_consents::Entity::find()
            .filter(customer_consents::Column::CustomerId.eq(duplicate.to_string()))
            .all(db)
            .await?
        {
            let known = decided.iter().any(|c| {
                c.channel.as_str() == model.channel && c.purpose.as_str() == model.purpose
            });
            if !known {
                let mut moved: customer_consents::ActiveModel = model.into();
                moved.customer_id = Set(survivor.to_string());
                customer_consents::Entity::insert(moved)
                    .exec_without_returning(db)
                    .await?;
                adopted += 1;
            }
        }
        customer_consents::Entity::delete_many()
            .filter(customer_consents::Column::CustomerId.eq(duplicate.to_string()))
            .exec(db)
            .await?;
        Ok(adopted)
    }
}

fn consent(
    channel: &str,
    purpose: &str,
    granted: bool,
    source: &str,
    changed_at: chrono::DateTime<chrono::Utc>,
    actor_kind: String,
    actor_id: &str,
) -> Result<Consent, RepoError> {
    let bad = |what: &str, value: &str| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "stored consent {what} {value:?}"
        )))
    };
    Ok(Consent {
        channel: Channel::parse(channel).ok_or_else(|| bad("channel", channel))?,
        purpose: Purpose::parse(purpose).ok_or_else(|| bad("purpose", purpose))?,
        granted,
        source: ConsentSource::parse(source).ok_or_else(|| bad("source", source))?,
        changed_at,
        actor_kind,
        actor_id: uuid_of(actor_id)?,
    })
}
