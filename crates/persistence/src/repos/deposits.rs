//! Advances left on service jobs. What a bill takes of one is written
//! only while enough is left: two bills racing for the last of it have
//! one winner.

use jewel_domain::invoice::PaymentMethod;
use jewel_domain::job::{Deposit, Refund};
use jewel_domain::measure::Money;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::job_deposits;
use crate::error::{RepoError, uuid_of};

pub struct Deposits;

impl Deposits {
    pub async fn insert(db: &impl ConnectionTrait, deposit: &Deposit) -> Result<(), RepoError> {
        job_deposits::Entity::insert(job_deposits::ActiveModel {
            id: Set(deposit.id.to_string()),
            number: Set(deposit.number.clone()),
            financial_year: Set(deposit.financial_year.clone()),
            branch_id: Set(deposit.branch_id.to_string()),
            job_id: Set(deposit.job_id.to_string()),
            customer_id: Set(deposit.customer_id.to_string()),
            amount: Set(deposit.amount.units()),
            method: Set(deposit.method.as_str().to_owned()),
            reference: Set(deposit.reference.clone()),
            applied: Set(deposit.applied.units()),
            refunded: Set(0),
            refund_method: Set(None),
            refund_reference: Set(None),
            refund_reason: Set(None),
            refunded_by: Set(None),
            refunded_at: Set(None),
            received_by: Set(deposit.received_by.to_string()),
            received_at: Set(deposit.received_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// The advances of `job`, oldest first; `locking` reads the latest
    /// committed rows and holds them (under the job's lock).
    pub async fn of_job(
        db: &impl ConnectionTrait,
        job: uuid::Uuid,
        locking: bool,
    ) -> Result<Vec<Deposit>, RepoError> {
        let mut query = job_deposits::Entity::find()
            .filter(job_deposits::Column::JobId.eq(job.to_string()))
            .order_by_asc(job_deposits::Column::Id);
        if locking {
            query = query.lock_exclusive();
        }
        query.all(db).await?.into_iter().map(into_deposit).collect()
    }

    /// The advance of receipt `number`.
    pub async fn by_number(
        db: &impl ConnectionTrait,
        number: &str,
    ) -> Result<Option<Deposit>, RepoError> {
        job_deposits::Entity::find()
            .filter(job_deposits::Column::Number.eq(number))
            .one(db)
            .await?
            .map(into_deposit)
            .transpose()
    }

    /// Takes `amount` of advance `id` for a bill if that much is left;
    /// `false` when not (another bill took it meanwhile).
    pub async fn apply(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        amount: Money,
    ) -> Result<bool, RepoError> {
        use job_deposits::Column;
        let units = amount.units();
        let updated = job_deposits::Entity::update_many()
            .col_expr(Column::Applied, Expr::col(Column::Applied).add(units))
            .filter(Column::Id.eq(id.to_string()))
            .filter(
                Expr::col(Column::Applied)
                    .add(Expr::col(Column::Refunded))
                    .add(units)
                    .lte(Expr::col(Column::Amount)),
            )
            .exec(db)
            .await?;
        Ok(updated.rows_affected == 1)
    }

    /// Gives `refund` of advance `id` back if it was not given back
    /// before and no bill took that much of it meanwhile; `false` when not.
    pub async fn refund(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        refund: &Refund,
    ) -> Result<bool, RepoError> {
        use job_deposits::Column;
        let units = refund.amount.units();
        let updated = job_deposits::Entity::update_many()
            .col_expr(Column::Refunded, Expr::value(units))
            .col_expr(Column::RefundMethod, Expr::value(refund.method.as_str()))
            .col_expr(
                Column::RefundReference,
                Expr::value(refund.reference.clone()),
            )
            .col_expr(Column::RefundReason, Expr::value(refund.reason.clone()))
            .col_expr(Column::RefundedBy, Expr::value(refund.by.to_string()))
            .col_expr(Column::RefundedAt, Expr::value(refund.at))
            .filter(Column::Id.eq(id.to_string()))
            .filter(Column::RefundedAt.is_null())
            .filter(
                Expr::col(Column::Applied)
                    .add(units)
                    .lte(Expr::col(Column::Amount)),
            )
            .exec(db)
            .await?;
        Ok(updated.rows_affected == 1)
    }

    /// Gives `amount` of advance `number` back to it (its bill was
    /// cancelled).
    pub async fn give_back(
        db: &impl ConnectionTrait,
        number: &str,
        amount: Money,
    ) -> Result<(), RepoError> {
        use job_deposits::Column;
        job_deposits::Entity::update_many()
            .col_expr(
                Column::Applied,
                Expr::col(Column::Applied).sub(amount.units()),
            )
            .filter(Column::Number.eq(number))
            .exec(db)
            .await?;
        Ok(())
    }
}

fn into_deposit(m: job_deposits::Model) -> Result<Deposit, RepoError> {
    let method = |text: &str| {
        PaymentMethod::parse(text).ok_or_else(|| {
            RepoError::Database(sea_orm::DbErr::Custom(format!(
                "stored advance method {text}"
            )))
        })
    };
    let refund = match (&m.refunded_at, &m.refund_method, &m.refunded_by) {
        (Some(at), Some(how), Some(by)) => Some(Refund {
            amount: Money::from_units(m.refunded),
            method: method(how)?,
            reference: m.refund_reference.clone(),
            reason: m.refund_reason.clone().unwrap_or_default(),
            by: uuid_of(by)?,
            at: *at,
        }),
        _ => None,
    };
    Ok(Deposit {
        id: uuid_of(&m.id)?,
        number: m.number,
        financial_year: m.financial_year,
        branch_id: uuid_of(&m.branch_id)?,
        job_id: uuid_of(&m.job_id)?,
        customer_id: uuid_of(&m.customer_id)?,
        amount: Money::from_units(m.amount),
        method: method(&m.method)?,
        reference: m.reference,
        applied: Money::from_units(m.applied),
        refund,
        received_by: uuid_of(&m.received_by)?,
        received_at: m.received_at,
    })
}
