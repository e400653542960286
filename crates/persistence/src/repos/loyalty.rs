//! Loyalty: the programme's settings, each customer's points account and
//! the points ledger that is its balance. Every change of a customer's
//! points takes the account's row lock first ([`Loyalty::lock`]), so two
//! changes of one customer's points are made one after the other.

use chrono::{DateTime, Utc};
use jewel_domain::loyalty::{Award, Entry, EntryKind, Programme};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{loyalty_accounts, loyalty_draws, loyalty_entries, loyalty_programme};
use crate::error::{OnConstraint, RepoError, uuid_of};

pub struct Loyalty;

/// A customer's points account as kept beside the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub customer_id: uuid::Uuid,
    /// Every entry of the ledger summed.
    pub balance: i64,
    pub tier: Option<String>,
    pub tier_since: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub has_redeemed: bool,
    /// When the tier is judged again (its anniversary).
    pub tier_review_at: Option<DateTime<Utc>>,
}

/// What the daily run looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Accounts whose tier's review came.
    TierReview { now: DateTime<Utc> },
    /// Accounts with points, quiet since then (or never active).
    Quiet { since: DateTime<Utc> },
    /// Customers with an award whose own term ended.
    AwardsEnded { now: DateTime<Utc> },
}

/// The one row of the programme's settings.
const PROGRAMME_ROW: i32 = 1;

impl Loyalty {
    /// The programme and its version (0 while the defaults stand).
    #[tracing::instrument(name = "loyalty.programme", skip(db))]
    pub async fn programme(db: &impl ConnectionTrait) -> Result<(Programme, i32), RepoError> {
        let Some(row) = loyalty_programme::Entity::find_by_id(PROGRAMME_ROW)
            .one(db)
            .await?
        else {
            return Ok((Programme::default(), 0));
        };
        let programme = serde_json::from_str(&row.settings).map_err(|e| {
            RepoError::Database(sea_orm::DbErr::Custom(format!(
                "the loyalty programme's settings do not read: {e}"
            )))
        })?;
        Ok((programme, row.version))
    }

    /// Replaces the programme if it is still at `version`; its new version.
    #[tracing::instrument(name = "loyalty.set_programme", skip(db, programme))]
    pub async fn set_programme(
        db: &impl ConnectionTrait,
        programme: &Programme,
        version: i32,
        by: uuid::Uuid,
    ) -> Result<i32, RepoError> {
        let settings = serde_json::to_string(programme)
            .map_err(|e| RepoError::Database(sea_orm::DbErr::Custom(e.to_string())))?;
        let now = Utc::now();
        if version == 0 {
            loyalty_programme::Entity::insert(loyalty_programme::ActiveModel {
                id: Set(PROGRAMME_ROW),
                settings: Set(settings),
                version: Set(1),
                updated_by: Set(Some(by.to_string())),
                updated_at: Set(now),
            })
            .exec_without_returning(db)
            .await
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => RepoError::StaleVersion,
                _ => RepoError::Database(e),
            })?;
            return Ok(1);
        }
        let result = loyalty_programme::Entity::update_many()
            .col_expr(loyalty_programme::Column::Settings, Expr::value(settings))
            .col_expr(loyalty_programme::Column::Version, Expr::value(version + 1))
            .col_expr(
                loyalty_programme::Column::UpdatedBy,
                Expr::value(by.to_string()),
            )
            .col_expr(loyalty_programme::Column::UpdatedAt, Expr::value(now))
            .filter(loyalty_programme::Column::Id.eq(PROGRAMME_ROW))
            .filter(loyalty_programme::Column::Version.eq(version))
            .exec(db)
            .await?;
        if result.rows_affected == 0 {
            return Err(RepoError::StaleVersion);
        }
        Ok(version + 1)
    }

    /// The customer's account, opened empty if they have none, with its
    /// row lock held to the end of the transaction. (MariaDB locks the row;
    /// SQLite's write transaction already holds the database.)
    #[tracing::instrument(name = "loyalty.lock", skip(db))]
    pub async fn lock(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Account, RepoError> {
        loyalty_accounts::Entity::insert(loyalty_accounts::ActiveModel {
            customer_id: Set(customer.to_string()),
            balance: Set(0),
            tier: Set(None),
            tier_since: Set(None),
            last_activity_at: Set(None),
            has_redeemed: Set(false),
            tier_review_at: Set(None),
            version: Set(1),
            updated_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing_on([loyalty_accounts::Column::CustomerId])
        .exec_without_returning(db)
        .await
        .on_foreign_key("customerId")?;
        loyalty_accounts::Entity::find_by_id(customer.to_string())
            .lock_exclusive()
            .one(db)
            .await?
            .map(into_account)
            .transpose()?
            .ok_or(RepoError::NotFound)
    }

    /// The customer's account; `None` before their first points.
    pub async fn account(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Option<Account>, RepoError> {
        loyalty_accounts::Entity::find_by_id(customer.to_string())
            .one(db)
            .await?
            .map(into_account)
            .transpose()
    }

    /// The customer's awards with points left to spend.
    pub async fn awards(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<Vec<Award>, RepoError> {
        loyalty_entries::Entity::find()
            .filter(loyalty_entries::Column::CustomerId.eq(customer.to_string()))
            .filter(loyalty_entries::Column::Remaining.gt(0))
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(Award {
                    entry_id: uuid_of(&m.id)?,
                    remaining: m.remaining,
                    active_at: m.active_at,
                    expires_at: m.expires_at,
                    created_at: m.created_at,
                })
            })
            .collect()
    }

    /// Qualifying points the customer earned since `since` (returns taken
    /// off).
    pub async fn qualifying_since(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        since: DateTime<Utc>,
    ) -> Result<i64, RepoError> {
        let sum: Option<Option<i64>> = loyalty_entries::Entity::find()
            .select_only()
            // SUM is DECIMAL on MySQL: cast back to a whole number.
            .column_as(Expr::cust("CAST(SUM(qualifying) AS SIGNED)"), "qualifying")
            .filter(loyalty_entries::Column::CustomerId.eq(customer.to_string()))
            .filter(loyalty_entries::Column::CreatedAt.gte(since))
            .into_tuple()
            .one(db)
            .await?;
        Ok(sum.flatten().unwrap_or(0))
    }

    /// Writes `entry`, takes its `draws` from the awards they name, and
    /// moves the account's balance by its points. `Taken { field: "source" }`
    /// when an entry of the same source exists.
    #[tracing::instrument(name = "loyalty.record", skip_all, fields(kind = entry.kind.as_str()))]
    pub async fn record(
        db: &impl ConnectionTrait,
        entry: &Entry,
        draws: &[(uuid::Uuid, i64)],
    ) -> Result<(), RepoError> {
        loyalty_entries::Entity::insert(loyalty_entries::ActiveModel {
            id: Set(entry.id.to_string()),
            customer_id: Set(entry.customer_id.to_string()),
            kind: Set(entry.kind.as_str().to_owned()),
            points: Set(entry.points),
            remaining: Set(entry.remaining),
            qualifying: Set(entry.qualifying),
            active_at: Set(entry.active_at),
            expires_at: Set(entry.expires_at),
            invoice_id: Set(entry.invoice_id.map(|id| id.to_string())),
            credit_note_id: Set(entry.credit_note_id.map(|id| id.to_string())),
            source: Set(entry.source.clone()),
            reason: Set(entry.reason.clone()),
            actor_kind: Set(entry.actor_kind.clone()),
            actor_id: Set(entry.actor_id.to_string()),
            created_at: Set(entry.created_at),
        })
        .exec_without_returning(db)
        .await
        .on_unique("source")?;
        for (award, points) in draws {
            let taken = loyalty_entries::Entity::update_many()
                .col_expr(
                    loyalty_entries::Column::Remaining,
                    Expr::col(loyalty_entries::Column::Remaining).sub(*points),
                )
                .filter(loyalty_entries::Column::Id.eq(award.to_string()))
                .filter(loyalty_entries::Column::Remaining.gte(*points))
                .exec(db)
                .await?;
            if taken.rows_affected != 1 {
                return Err(RepoError::StaleVersion);
            }
            loyalty_draws::Entity::insert(loyalty_draws::ActiveModel {
                entry_id: Set(entry.id.to_string()),
                award_id: Set(award.to_string()),
                points: Set(*points),
            })
            .exec_without_returning(db)
            .await?;
        }
        let mut update = loyalty_accounts::Entity::update_many()
            .col_expr(
                loyalty_accounts::Column::Balance,
                Expr::col(loyalty_accounts::Column::Balance).add(entry.points),
            )
            .col_expr(
                loyalty_accounts::Column::Version,
                Expr::col(loyalty_accounts::Column::Version).add(1),
            )
            .col_expr(loyalty_accounts::Column::UpdatedAt, Expr::value(Utc::now()));
        // Earning on a bill and spending are what keep points alive; any
        // first entry that adds points starts the clock.
        let active = entry.kind == EntryKind::Redeemed
            || (entry.kind == EntryKind::Earned && entry.invoice_id.is_some());
        if active {
            update = update.col_expr(
                loyalty_accounts::Column::LastActivityAt,
                Expr::value(entry.created_at),
            );
        } else if entry.points > 0 {
            update = update.col_expr(
                loyalty_accounts::Column::LastActivityAt,
                Expr::col(loyalty_accounts::Column::LastActivityAt).if_null(entry.created_at),
            );
        }
        if entry.kind == EntryKind::Redeemed {
            update = update.col_expr(loyalty_accounts::Column::HasRedeemed, Expr::value(true));
        }
        update
            .filter(loyalty_accounts::Column::CustomerId.eq(entry.customer_id.to_string()))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Puts the customer in `tier` from `since`, to be judged again at
    /// `review_at`.
    pub async fn set_tier(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        tier: &str,
        since: DateTime<Utc>,
        review_at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        loyalty_accounts::Entity::update_many()
            .col_expr(loyalty_accounts::Column::Tier, Expr::value(tier))
            .col_expr(loyalty_accounts::Column::TierSince, Expr::value(since))
            .col_expr(
                loyalty_accounts::Column::TierReviewAt,
                Expr::value(review_at),
            )
            .filter(loyalty_accounts::Column::CustomerId.eq(customer.to_string()))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Keeps the customer's tier, to be judged again at `review_at`.
    pub async fn set_tier_review(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        review_at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        loyalty_accounts::Entity::update_many()
            .col_expr(
                loyalty_accounts::Column::TierReviewAt,
                Expr::value(review_at),
            )
            .filter(loyalty_accounts::Column::CustomerId.eq(customer.to_string()))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Up to `limit` customers, by id after `after`, that the daily run
    /// looks at on `now`: whose tier is due for review, or whose points may
    /// lapse (an award whose own term ended, or an account with points that
    /// has been quiet since `quiet_since`).
    #[tracing::instrument(name = "loyalty.due", skip(db))]
    pub async fn due(
        db: &impl ConnectionTrait,
        due: Due,
        after: Option<uuid::Uuid>,
        limit: u64,
    ) -> Result<Vec<uuid::Uuid>, RepoError> {
        let after = after.map(|id| id.to_string()).unwrap_or_default();
        let accounts = |condition: sea_orm::Condition| {
            use loyalty_accounts::Column;
            loyalty_accounts::Entity::find()
                .select_only()
                .column(Column::CustomerId)
                .filter(condition)
                .filter(Column::CustomerId.gt(after.clone()))
                .order_by_asc(Column::CustomerId)
                .limit(limit)
                .into_tuple::<String>()
        };
        let ids: Vec<String> = match due {
            Due::TierReview { now } => {
                accounts(
                    sea_orm::Condition::all().add(loyalty_accounts::Column::TierReviewAt.lte(now)),
                )
                .all(db)
                .await?
            }
            Due::Quiet { since } => {
                use loyalty_accounts::Column;
                accounts(
                    sea_orm::Condition::all().add(Column::Balance.gt(0)).add(
                        sea_orm::Condition::any()
                            .add(Column::LastActivityAt.lte(since))
                            .add(Column::LastActivityAt.is_null()),
                    ),
                )
                .all(db)
                .await?
            }
            Due::AwardsEnded { now } => {
                use loyalty_entries::Column;
                loyalty_entries::Entity::find()
                    .select_only()
                    .column(Column::CustomerId)
                    .distinct()
                    .filter(Column::ExpiresAt.lte(now))
                    .filter(Column::Remaining.gt(0))
                    .filter(Column::CustomerId.gt(after))
                    .order_by_asc(Column::CustomerId)
                    .limit(limit)
                    .into_tuple()
                    .all(db)
                    .await?
            }
        };
        ids.iter().map(|id| uuid_of(id)).collect()
    }

    /// Every entry a bill made: earned on it, spent on it, taken or given
    /// back for it.
    pub async fn of_invoice(
        db: &impl ConnectionTrait,
        invoice: uuid::Uuid,
    ) -> Result<Vec<Entry>, RepoError> {
        loyalty_entries::Entity::find()
            .filter(loyalty_entries::Column::InvoiceId.eq(invoice.to_string()))
            .order_by_asc(loyalty_entries::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_entry)
            .collect()
    }

    /// The entry made once only by `source`.
    pub async fn by_source(
        db: &impl ConnectionTrait,
        source: &str,
    ) -> Result<Option<Entry>, RepoError> {
        loyalty_entries::Entity::find()
            .filter(loyalty_entries::Column::Source.eq(source))
            .one(db)
            .await?
            .map(into_entry)
            .transpose()
    }

    /// The customer's ledger, newest first (ids are time-ordered), a page
    /// at a time.
    pub async fn entries(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        page: PageRequest,
    ) -> Result<Page<Entry>, RepoError> {
        use loyalty_entries::Column;
        let mut query = loyalty_entries::Entity::find()
            .filter(Column::CustomerId.eq(customer.to_string()))
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let entries = query
            .all(db)
            .await?
            .into_iter()
            .map(into_entry)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(entries, page.limit, |e| e.id))
    }

    /// Every entry of the customer's ledger summed, and the points of
    /// their awards not yet spendable at `now`.
    pub async fn sums(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<(i64, i64), RepoError> {
        let (ledger, pending): (Option<i64>, Option<i64>) = loyalty_entries::Entity::find()
            .select_only()
            // SUM is DECIMAL on MySQL: cast back to a whole number.
            .column_as(Expr::cust("CAST(SUM(points) AS SIGNED)"), "points")
            .column_as(
                Expr::cust_with_values(
                    "CAST(SUM(CASE WHEN active_at > ? THEN remaining ELSE 0 END) AS SIGNED)",
                    [now],
                ),
                "pending",
            )
            .filter(loyalty_entries::Column::CustomerId.eq(customer.to_string()))
            .into_tuple()
            .one(db)
            .await?
            .unwrap_or((None, None));
        let (ledger, pending) = (ledger.unwrap_or(0), pending.unwrap_or(0));
        Ok((ledger, pending))
    }
}

fn into_account(m: loyalty_accounts::Model) -> Result<Account, RepoError> {
    Ok(Account {
        customer_id: uuid_of(&m.customer_id)?,
        balance: m.balance,
        tier: m.tier,
        tier_since: m.tier_since,
        last_activity_at: m.last_activity_at,
        has_redeemed: m.has_redeemed,
        tier_review_at: m.tier_review_at,
    })
}

fn into_entry(m: loyalty_entries::Model) -> Result<Entry, RepoError> {
    let optional = |id: Option<String>| id.as_deref().map(uuid_of).transpose();
    Ok(Entry {
        id: uuid_of(&m.id)?,
        customer_id: uuid_of(&m.customer_id)?,
        kind: EntryKind::parse(&m.kind).ok_or_else(|| {
            RepoError::Database(sea_orm::DbErr::Custom(format!(
                "unknown loyalty entry kind {}",
                m.kind
            )))
        })?,
        points: m.points,
        remaining: m.remaining,
        qualifying: m.qualifying,
        active_at: m.active_at,
        expires_at: m.expires_at,
        invoice_id: optional(m.invoice_id)?,
        credit_note_id: optional(m.credit_note_id)?,
        source: m.source,
        reason: m.reason,
        actor_kind: m.actor_kind,
        actor_id: uuid_of(&m.actor_id)?,
        created_at: m.created_at,
    })
}
