//! Campaigns. A worker takes one whose time came by a lease (a conditional
//! update one replica wins) and queues its messages a batch at a time,
//! each batch with the campaign's cursor in one transaction, written only
//! while it holds the lease and the campaign is not cancelled.

use chrono::{DateTime, Utc};
use jewel_domain::engagement::campaign::{Campaign, CampaignStatus};
use jewel_domain::engagement::{Language, MessageChannel};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::campaigns;
use crate::error::{RepoError, uuid_of};
use crate::repos::leases;

pub struct Campaigns;

impl Campaigns {
    pub async fn insert(db: &impl ConnectionTrait, campaign: &Campaign) -> Result<(), RepoError> {
        campaigns::Entity::insert(campaigns::ActiveModel {
            id: Set(campaign.id.to_string()),
            name: Set(campaign.name.clone()),
            branch_id: Set(campaign.branch_id.map(|b| b.to_string())),
            segment_id: Set(campaign.segment_id.to_string()),
            template_id: Set(campaign.template_id.to_string()),
            channel: Set(campaign.channel.as_str().to_owned()),
            language: Set(campaign.language.as_str().to_owned()),
            status: Set(campaign.status.as_str().to_owned()),
            scheduled_at: Set(campaign.scheduled_at),
            per_minute: Set(i32::try_from(campaign.per_minute).unwrap_or(i32::MAX)),
            queued: Set(campaign.queued),
            cursor: Set(None),
            lease_token: Set(None),
            lease_until: Set(None),
            created_by: Set(campaign.created_by.to_string()),
            created_at: Set(campaign.created_at),
            started_at: Set(None),
            finished_at: Set(None),
            cancelled_at: Set(None),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Campaign>, RepoError> {
        campaigns::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_campaign)
            .transpose()
    }

    /// Campaigns of `branches` (`None`: every one), newest first.
    pub async fn list(
        db: &impl ConnectionTrait,
        branches: Option<&[uuid::Uuid]>,
        status: Option<CampaignStatus>,
        page: PageRequest,
    ) -> Result<Page<Campaign>, RepoError> {
        use campaigns::Column;
        let mut query = campaigns::Entity::find()
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(branches) = branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(|b| b.to_string())));
        }
        if let Some(status) = status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let found = query
            .all(db)
            .await?
            .into_iter()
            .map(into_campaign)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(found, page.limit, |c| c.id))
    }

    /// Whether a campaign not yet cancelled sends from segment `id`.
    pub async fn uses_segment(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        use campaigns::Column;
        Ok(campaigns::Entity::find()
            .select_only()
            .column(Column::Id)
            .filter(Column::SegmentId.eq(id.to_string()))
            .filter(Column::Status.is_in([
                CampaignStatus::Scheduled.as_str(),
                CampaignStatus::Queueing.as_str(),
            ]))
            .into_tuple::<String>()
            .one(db)
            .await?
            .is_some())
    }

    /// Ids of up to `limit` campaigns with messages to queue at `now`:
    /// their time come, and no worker's lease on them.
    pub async fn due(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<uuid::Uuid>, RepoError> {
        use campaigns::Column;
        leases::due_ids::<campaigns::Entity>(
            db,
            (Column::Id, Column::ScheduledAt),
            due_now(now),
            limit,
        )
        .await
    }

    /// Takes campaign `id` under `token` until `until` if it is still due,
    /// marking it queueing (and when that began); `false` when another
    /// worker took it first.
    pub async fn lease(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use campaigns::Column;
        let update = campaigns::Entity::update_many()
            .col_expr(
                Column::Status,
                Expr::value(CampaignStatus::Queueing.as_str()),
            )
            .col_expr(Column::LeaseToken, Expr::value(token.to_string()))
            .col_expr(Column::LeaseUntil, Expr::value(until))
            .col_expr(Column::StartedAt, Expr::col(Column::StartedAt).if_null(now));
        leases::take(db, update, (Column::Id, id), due_now(now)).await
    }

    /// Records a batch queued under `token`: the cursor moved to `cursor`,
    /// `count` more queued, the lease held on to `until`, and, when
    /// `last`, the campaign queued and let go. `false` when the lease was lost or the campaign cancelled
    /// meanwhile (the batch must then be rolled back).
    pub async fn advance(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        token: uuid::Uuid,
        cursor: Option<uuid::Uuid>,
        count: i64,
        (last, until): (bool, DateTime<Utc>),
    ) -> Result<bool, RepoError> {
        use campaigns::Column;
        let mut update = campaigns::Entity::update_many()
            .col_expr(Column::Queued, Expr::col(Column::Queued).add(count))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::LeaseToken.eq(token.to_string()))
            .filter(Column::Status.eq(CampaignStatus::Queueing.as_str()));
        if let Some(cursor) = cursor {
            update = update.col_expr(Column::Cursor, Expr::value(cursor.to_string()));
        }
        if last {
            update = update
                .col_expr(Column::Status, Expr::value(CampaignStatus::Queued.as_str()))
                .col_expr(Column::FinishedAt, Expr::value(Utc::now()))
                .col_expr(Column::LeaseToken, Expr::value(Option::<String>::None))
                .col_expr(
                    Column::LeaseUntil,
                    Expr::value(Option::<DateTime<Utc>>::None),
                );
        } else {
            update = update.col_expr(Column::LeaseUntil, Expr::value(until));
        }
        Ok(update.exec(db).await?.rows_affected == 1)
    }

    /// The last customer queued for and when queueing began.
    pub async fn progress(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<(Option<uuid::Uuid>, Option<DateTime<Utc>>)>, RepoError> {
        let Some(row) = campaigns::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let cursor = row.cursor.as_deref().map(uuid_of).transpose()?;
        Ok(Some((cursor, row.started_at)))
    }

    /// Cancels campaign `id` unless it is cancelled already; `false` then.
    pub async fn cancel(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use campaigns::Column;
        let done = campaigns::Entity::update_many()
            .col_expr(
                Column::Status,
                Expr::value(CampaignStatus::Cancelled.as_str()),
            )
            .col_expr(Column::CancelledAt, Expr::value(now))
            .col_expr(Column::LeaseToken, Expr::value(Option::<String>::None))
            .col_expr(
                Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::Status.ne(CampaignStatus::Cancelled.as_str()))
            .exec(db)
            .await?;
        Ok(done.rows_affected == 1)
    }
}

/// Scheduled with its time come, or queueing under a lease that ran out.
fn due_now(now: DateTime<Utc>) -> Condition {
    use campaigns::Column;
    Condition::any()
        .add(
            Condition::all()
                .add(Column::Status.eq(CampaignStatus::Scheduled.as_str()))
                .add(Column::ScheduledAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(Column::Status.eq(CampaignStatus::Queueing.as_str()))
                .add(
                    Condition::any()
                        .add(Column::LeaseUntil.is_null())
                        .add(Column::LeaseUntil.lt(now)),
                ),
        )
}

fn bad(what: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Custom(format!("stored campaign {what}")))
}

fn into_campaign(m: campaigns::Model) -> Result<Campaign, RepoError> {
    Ok(Campaign {
        id: uuid_of(&m.id)?,
        name: m.name,
        branch_id: m.branch_id.as_deref().map(uuid_of).transpose()?,
        segment_id: uuid_of(&m.segment_id)?,
        template_id: uuid_of(&m.template_id)?,
        channel: MessageChannel::parse(&m.channel).ok_or_else(|| bad("channel"))?,
        language: Language::parse(&m.language).ok_or_else(|| bad("language"))?,
        status: CampaignStatus::parse(&m.status).ok_or_else(|| bad("status"))?,
        scheduled_at: m.scheduled_at,
        per_minute: u32::try_from(m.per_minute).map_err(|_| bad("pace"))?,
        queued: m.queued,
        created_by: uuid_of(&m.created_by)?,
        created_at: m.created_at,
        started_at: m.started_at,
        finished_at: m.finished_at,
        cancelled_at: m.cancelled_at,
    })
}
