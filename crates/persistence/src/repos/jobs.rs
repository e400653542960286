//! Job cards and the history of their status. A move is written only over
//! the version it was checked against (two racing moves: one wins), with
//! its line of history in the same transaction.

use chrono::NaiveDate;
use jewel_domain::job::{
    ChallanStatus, EstimateLine, EstimateLineKind, Intake, JobCard, JobKind, JobPriority,
    JobStatus, StatusChange,
};
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{job_cards, job_estimate_lines, job_status_changes};
use crate::error::{RepoError, uuid_of};
use crate::repos::pieces::Actor;

/// Which job cards a list reads; `None` reads any.
#[derive(Debug, Clone, Copy, Default)]
pub struct JobFilter<'a> {
    pub customer: Option<uuid::Uuid>,
    pub branches: Option<&'a [uuid::Uuid]>,
    pub status: Option<JobStatus>,
    pub kind: Option<JobKind>,
    /// Promised before this day and not ready yet (the overdue).
    pub overdue_on: Option<NaiveDate>,
    /// Promised on or before this day.
    pub promised_by: Option<NaiveDate>,
    /// With a challan at this artisan not yet back in full.
    pub artisan: Option<uuid::Uuid>,
}

pub struct Jobs;

impl Jobs {
    /// Writes a new card and its first line of history.
    pub async fn insert(
        db: &impl ConnectionTrait,
        job: &JobCard,
        change: &StatusChange,
        actor: Actor,
    ) -> Result<(), RepoError> {
        let i = &job.intake;
        job_cards::Entity::insert(job_cards::ActiveModel {
            id: Set(job.id.to_string()),
            number: Set(job.number.clone()),
            financial_year: Set(job.financial_year.clone()),
            branch_id: Set(job.branch_id.to_string()),
            customer_id: Set(job.customer_id.to_string()),
            kind: Set(job.kind.as_str().to_owned()),
            priority: Set(job.priority.as_str().to_owned()),
            status: Set(job.status.as_str().to_owned()),
            held_from: Set(job.held_from.map(|s| s.as_str().to_owned())),
            hold_reason: Set(job.hold_reason.clone()),
            customer_words: Set(i.customer_words.clone()),
            description: Set(i.description.clone()),
            condition_notes: Set(i.condition_notes.clone()),
            metal: Set(i.metal.map(|m| m.as_str().to_owned())),
            fineness: Set(i.fineness.map(i32::from)),
            gross_milligrams_in: Set(i.gross_weight_in.map(Weight::units)),
            stones_in: Set(i32::try_from(i.stones_in).unwrap_or(i32::MAX)),
            declared_value: Set(i.declared_value.map(Money::units)),
            piece_id: Set(i.piece_id.map(|p| p.to_string())),
            promised_on: Set(i.promised_on),
            estimate_only: Set(i.estimate_only),
            estimate_revision: Set(whole(job.estimate_revision)),
            approved_revision: Set(whole(job.approved_revision)),
            approved_by_kind: Set(job.approved_by.as_ref().map(|a| a.0.clone())),
            approved_by: Set(job.approved_by.as_ref().map(|a| a.1.to_string())),
            approved_at: Set(job.approved_at),
            flagged: Set(job.flagged),
            collected_by: Set(job.collected_by.clone()),
            delivered_at: Set(job.delivered_at),
            invoice_id: Set(job.invoice_id.map(|i| i.to_string())),
            delivery_override: Set(job.delivery_override.clone()),
            created_by_kind: Set(actor.0.to_owned()),
            created_by: Set(job.created_by.to_string()),
            created_at: Set(job.created_at),
            updated_at: Set(job.updated_at),
            version: Set(job.version),
        })
        .exec_without_returning(db)
        .await?;
        Self::record(db, change).await
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<JobCard>, RepoError> {
        job_cards::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_job)
            .transpose()
    }

    /// The card with its row lock held to the end of the transaction (a
    /// locking read: it sees the latest committed card).
    pub async fn lock(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<JobCard>, RepoError> {
        job_cards::Entity::find_by_id(id.to_string())
            .lock_exclusive()
            .one(db)
            .await?
            .map(into_job)
            .transpose()
    }

    /// The job whose bill is `invoice`, if any.
    pub async fn of_invoice(
        db: &impl ConnectionTrait,
        invoice: uuid::Uuid,
    ) -> Result<Option<JobCard>, RepoError> {
        job_cards::Entity::find()
            .filter(job_cards::Column::InvoiceId.eq(invoice.to_string()))
            .one(db)
            .await?
            .map(into_job)
            .transpose()
    }

    /// Writes `after` over `before` if the card is still at `before`'s
    /// version, with `change` (if its status moved) in its history;
    /// `false` when someone changed it meanwhile.
    pub async fn moved(
        db: &impl ConnectionTrait,
        before: &JobCard,
        after: &JobCard,
        change: Option<&StatusChange>,
    ) -> Result<bool, RepoError> {
        use job_cards::Column;
        let approved_by = after.approved_by.as_ref();
        let updated = job_cards::Entity::update_many()
            .col_expr(
                Column::EstimateRevision,
                Expr::value(whole(after.estimate_revision)),
            )
            .col_expr(
                Column::ApprovedRevision,
                Expr::value(whole(after.approved_revision)),
            )
            .col_expr(
                Column::ApprovedByKind,
                Expr::value(approved_by.map(|a| a.0.clone())),
            )
            .col_expr(
                Column::ApprovedBy,
                Expr::value(approved_by.map(|a| a.1.to_string())),
            )
            .col_expr(Column::ApprovedAt, Expr::value(after.approved_at))
            .col_expr(Column::Flagged, Expr::value(after.flagged))
            .col_expr(Column::Status, Expr::value(after.status.as_str()))
            .col_expr(
                Column::HeldFrom,
                Expr::value(after.held_from.map(|s| s.as_str().to_owned())),
            )
            .col_expr(Column::HoldReason, Expr::value(after.hold_reason.clone()))
            .col_expr(Column::CollectedBy, Expr::value(after.collected_by.clone()))
            .col_expr(Column::DeliveredAt, Expr::value(after.delivered_at))
            .col_expr(
                Column::InvoiceId,
                Expr::value(after.invoice_id.map(|i| i.to_string())),
            )
            .col_expr(
                Column::DeliveryOverride,
                Expr::value(after.delivery_override.clone()),
            )
            .col_expr(Column::UpdatedAt, Expr::value(after.updated_at))
            .col_expr(Column::Version, Expr::value(after.version))
            .filter(Column::Id.eq(before.id.to_string()))
            .filter(Column::Version.eq(before.version))
            .exec(db)
            .await?;
        if updated.rows_affected != 1 {
            return Ok(false);
        }
        if let Some(change) = change {
            Self::record(db, change).await?;
        }
        Ok(true)
    }

    /// Writes revision `revision` of the job's estimate, line by line.
    pub async fn add_estimate(
        db: &impl ConnectionTrait,
        job: uuid::Uuid,
        revision: u32,
        lines: &[EstimateLine],
    ) -> Result<(), RepoError> {
        let rows: Vec<job_estimate_lines::ActiveModel> = lines
            .iter()
            .enumerate()
            .map(|(position, line)| job_estimate_lines::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                job_id: Set(job.to_string()),
                revision: Set(whole(revision)),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                kind: Set(line.kind.as_str().to_owned()),
                description: Set(line.description.clone()),
                task_id: Set(line.task_id.map(|t| t.to_string())),
                metal: Set(line.purity.map(|p| p.metal().as_str().to_owned())),
                fineness: Set(line.purity.map(|p| i32::from(p.fineness()))),
                milligrams: Set(line.weight.map(Weight::units)),
                rate: Set(line.rate.map(Money::units)),
                amount: Set(line.amount.units()),
                tax_rate: Set(line.tax_rate.units()),
            })
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        job_estimate_lines::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    /// Revision `revision` of the job's estimate, in order.
    pub async fn estimate(
        db: &impl ConnectionTrait,
        job: uuid::Uuid,
        revision: u32,
    ) -> Result<Vec<EstimateLine>, RepoError> {
        use job_estimate_lines::Column;
        job_estimate_lines::Entity::find()
            .filter(Column::JobId.eq(job.to_string()))
            .filter(Column::Revision.eq(whole(revision)))
            .order_by_asc(Column::Position)
            .all(db)
            .await?
            .into_iter()
            .map(into_line)
            .collect()
    }

    async fn record(db: &impl ConnectionTrait, change: &StatusChange) -> Result<(), RepoError> {
        job_status_changes::Entity::insert(job_status_changes::ActiveModel {
            id: Set(change.id.to_string()),
            job_id: Set(change.job_id.to_string()),
            from_status: Set(change.from.map(|s| s.as_str().to_owned())),
            to_status: Set(change.to.as_str().to_owned()),
            reason: Set(change.reason.clone()),
            actor_kind: Set(change.actor_kind.clone()),
            actor_id: Set(change.actor_id.to_string()),
            at: Set(change.at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// The card's history, oldest first.
    pub async fn history(
        db: &impl ConnectionTrait,
        job: uuid::Uuid,
    ) -> Result<Vec<StatusChange>, RepoError> {
        job_status_changes::Entity::find()
            .filter(job_status_changes::Column::JobId.eq(job.to_string()))
            .order_by_asc(job_status_changes::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_change)
            .collect()
    }

    /// Cards `filter` reads, newest first.
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: JobFilter<'_>,
        page: PageRequest,
    ) -> Result<Page<JobCard>, RepoError> {
        use job_cards::Column;
        let mut query = job_cards::Entity::find()
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(customer) = filter.customer {
            query = query.filter(Column::CustomerId.eq(customer.to_string()));
        }
        if let Some(branches) = filter.branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(|b| b.to_string())));
        }
        if let Some(status) = filter.status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(Column::Kind.eq(kind.as_str()));
        }
        if let Some(day) = filter.overdue_on {
            let done = [JobStatus::Ready, JobStatus::Delivered, JobStatus::Cancelled];
            query = query
                .filter(Column::PromisedOn.lt(day))
                .filter(Column::Status.is_not_in(done.iter().map(|s| s.as_str())));
        }
        if let Some(day) = filter.promised_by {
            query = query.filter(Column::PromisedOn.lte(day));
        }
        if let Some(artisan) = filter.artisan {
            use crate::entities::challans;
            let out = sea_orm::sea_query::Query::select()
                .column(challans::Column::JobId)
                .from(challans::Entity)
                .and_where(challans::Column::ArtisanId.eq(artisan.to_string()))
                .and_where(challans::Column::Status.ne(ChallanStatus::Closed.as_str()))
                .to_owned();
            query = query.filter(Column::Id.in_subquery(out));
        }
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let jobs = query
            .all(db)
            .await?
            .into_iter()
            .map(into_job)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(jobs, page.limit, |j| j.id))
    }
}

fn whole(count: u32) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

fn into_line(m: job_estimate_lines::Model) -> Result<EstimateLine, RepoError> {
    let purity = match (m.metal.as_deref().and_then(Metal::parse), m.fineness) {
        (Some(metal), Some(fineness)) => {
            let fineness = u16::try_from(fineness).map_err(|_| bad("fineness"))?;
            Some(Purity::parse("fineness", metal, fineness).map_err(|_| bad("purity"))?)
        }
        _ => None,
    };
    Ok(EstimateLine {
        kind: EstimateLineKind::parse(&m.kind).ok_or_else(|| bad("estimate line"))?,
        description: m.description,
        task_id: m.task_id.as_deref().map(uuid_of).transpose()?,
        purity,
        weight: m.milligrams.map(Weight::from_units),
        rate: m.rate.map(Money::from_units),
        amount: Money::from_units(m.amount),
        tax_rate: Percent::from_units(m.tax_rate),
    })
}

fn bad(what: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Custom(format!("stored job {what}")))
}

fn status(text: &str) -> Result<JobStatus, RepoError> {
    JobStatus::parse(text).ok_or_else(|| bad("status"))
}

fn into_job(m: job_cards::Model) -> Result<JobCard, RepoError> {
    let optional_uuid = |text: &Option<String>| text.as_deref().map(uuid_of).transpose();
    Ok(JobCard {
        id: uuid_of(&m.id)?,
        number: m.number,
        financial_year: m.financial_year,
        branch_id: uuid_of(&m.branch_id)?,
        customer_id: uuid_of(&m.customer_id)?,
        kind: JobKind::parse(&m.kind).ok_or_else(|| bad("kind"))?,
        priority: JobPriority::parse(&m.priority).ok_or_else(|| bad("priority"))?,
        status: status(&m.status)?,
        held_from: m.held_from.as_deref().map(status).transpose()?,
        hold_reason: m.hold_reason,
        intake: Intake {
            customer_words: m.customer_words,
            description: m.description,
            condition_notes: m.condition_notes,
            metal: m
                .metal
                .as_deref()
                .map(|t| Metal::parse(t).ok_or_else(|| bad("metal")))
                .transpose()?,
            fineness: m
                .fineness
                .map(|f| u16::try_from(f).map_err(|_| bad("fineness")))
                .transpose()?,
            gross_weight_in: m.gross_milligrams_in.map(Weight::from_units),
            stones_in: u32::try_from(m.stones_in).map_err(|_| bad("stones"))?,
            declared_value: m.declared_value.map(Money::from_units),
            piece_id: optional_uuid(&m.piece_id)?,
            promised_on: m.promised_on,
            estimate_only: m.estimate_only,
        },
        estimate_revision: u32::try_from(m.estimate_revision).map_err(|_| bad("revision"))?,
        approved_revision: u32::try_from(m.approved_revision).map_err(|_| bad("revision"))?,
        approved_by: match (m.approved_by_kind, m.approved_by.as_deref()) {
            (Some(kind), Some(id)) => Some((kind, uuid_of(id)?)),
            _ => None,
        },
        approved_at: m.approved_at,
        flagged: m.flagged,
        collected_by: m.collected_by,
        delivered_at: m.delivered_at,
        invoice_id: optional_uuid(&m.invoice_id)?,
        delivery_override: m.delivery_override,
        created_by: uuid_of(&m.created_by)?,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

fn into_change(m: job_status_changes::Model) -> Result<StatusChange, RepoError> {
    Ok(StatusChange {
        id: uuid_of(&m.id)?,
        job_id: uuid_of(&m.job_id)?,
        from: m.from_status.as_deref().map(status).transpose()?,
        to: status(&m.to_status)?,
        reason: m.reason,
        actor_kind: m.actor_kind,
        actor_id: uuid_of(&m.actor_id)?,
        at: m.at,
    })
}
