//! Savings schemes: plans, enrolments and the instalments received. An
//! instalment is written under its enrolment's row lock
//! ([`Schemes::lock_enrolment`]), and one per enrolment and period by the
//! key, so two instalments of one period have one winner.

use chrono::{DateTime, Utc};
use jewel_domain::invoice::PaymentMethod;
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::scheme::{
    Enrolment, EnrolmentStatus, Instalment, MissedRule, Plan, PlanKind, Settlement, SettlementKind,
    Terms,
};
use jewel_domain::{Page, PageRequest};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::entities::{scheme_enrolments, scheme_instalments, scheme_plans, scheme_redemptions};
use crate::error::{OnUniqueColumn, RepoError, uuid_of};

/// Terms as kept in JSON: amounts in paise, the share in hundredths.
#[derive(Debug, Serialize, Deserialize)]
struct StoredTerms {
    kind: String,
    instalments: u32,
    amount: i64,
    step: i64,
    bonus_share: i64,
    missed: String,
    grace_days: u32,
    redemption_days: u32,
    preclosure_after: u32,
    metal: Option<String>,
    fineness: Option<u16>,
    jewellery_only: bool,
    #[serde(default)]
    making_waiver: i64,
    /// Plans kept before the threshold was a term have the law's.
    #[serde(default = "two_lakh")]
    pan_from: i64,
}

fn two_lakh() -> i64 {
    20_000_000
}

fn stored(terms: &Terms) -> String {
    let kept = StoredTerms {
        kind: terms.kind.as_str().to_owned(),
        instalments: terms.instalments,
        amount: terms.amount.units(),
        step: terms.step.units(),
        bonus_share: terms.bonus_share.units(),
        missed: terms.missed.as_str().to_owned(),
        grace_days: terms.grace_days,
        redemption_days: terms.redemption_days,
        preclosure_after: terms.preclosure_after,
        metal: terms.purity.map(|p| p.metal().as_str().to_owned()),
        fineness: terms.purity.map(Purity::fineness),
        jewellery_only: terms.jewellery_only,
        making_waiver: terms.making_waiver.units(),
        pan_from: terms.pan_from.units(),
    };
    serde_json::to_string(&kept).unwrap_or_default()
}

fn bad(what: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Custom(format!("stored scheme {what}")))
}

fn terms_of(text: &str) -> Result<Terms, RepoError> {
    let kept: StoredTerms = serde_json::from_str(text).map_err(|_| bad("terms"))?;
    let purity = match (kept.metal.as_deref().and_then(Metal::parse), kept.fineness) {
        (Some(metal), Some(fineness)) => {
            Some(Purity::parse("fineness", metal, fineness).map_err(|_| bad("purity"))?)
        }
        _ => None,
    };
    Ok(Terms {
        kind: PlanKind::parse(&kept.kind).ok_or_else(|| bad("kind"))?,
        instalments: kept.instalments,
        amount: Money::from_units(kept.amount),
        step: Money::from_units(kept.step),
        bonus_share: Percent::from_units(kept.bonus_share),
        missed: MissedRule::parse(&kept.missed).ok_or_else(|| bad("missed rule"))?,
        grace_days: kept.grace_days,
        redemption_days: kept.redemption_days,
        preclosure_after: kept.preclosure_after,
        purity,
        jewellery_only: kept.jewellery_only,
        making_waiver: Percent::from_units(kept.making_waiver),
        pan_from: Money::from_units(kept.pan_from),
    })
}

pub struct Schemes;

/// Which enrolments a list reads; `None` reads any.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnrolmentFilter<'a> {
    pub customer: Option<uuid::Uuid>,
    pub branches: Option<&'a [uuid::Uuid]>,
    pub status: Option<EnrolmentStatus>,
}

impl Schemes {
    pub async fn add_plan(
        db: &impl ConnectionTrait,
        plan: &Plan,
        by: uuid::Uuid,
    ) -> Result<(), RepoError> {
        scheme_plans::Entity::insert(scheme_plans::ActiveModel {
            id: Set(plan.id.to_string()),
            name: Set(plan.name.clone()),
            terms: Set(stored(&plan.terms)),
            active: Set(plan.active),
            created_by: Set(by.to_string()),
            created_at: Set(plan.created_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn plan(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Plan>, RepoError> {
        scheme_plans::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_plan)
            .transpose()
    }

    /// Every plan, newest first (a jeweller has a handful).
    pub async fn plans(db: &impl ConnectionTrait) -> Result<Vec<Plan>, RepoError> {
        scheme_plans::Entity::find()
            .order_by_desc(scheme_plans::Column::Id)
            .limit(200)
            .all(db)
            .await?
            .into_iter()
            .map(into_plan)
            .collect()
    }

    pub async fn enrol(db: &impl ConnectionTrait, enrolment: &Enrolment) -> Result<(), RepoError> {
        scheme_enrolments::Entity::insert(scheme_enrolments::ActiveModel {
            id: Set(enrolment.id.to_string()),
            plan_id: Set(enrolment.plan_id.to_string()),
            plan_name: Set(enrolment.plan_name.clone()),
            customer_id: Set(enrolment.customer_id.to_string()),
            branch_id: Set(enrolment.branch_id.to_string()),
            terms: Set(stored(&enrolment.terms)),
            nominee_name: Set(enrolment.nominee_name.clone()),
            nominee_relation: Set(enrolment.nominee_relation.clone()),
            started_at: Set(enrolment.started_at),
            status: Set(enrolment.status.as_str().to_owned()),
            created_by: Set(enrolment.created_by.to_string()),
            updated_at: Set(enrolment.started_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn enrolment(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Enrolment>, RepoError> {
        scheme_enrolments::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_enrolment)
            .transpose()
    }

    /// The enrolment with its row lock held to the end of the transaction.
    pub async fn lock_enrolment(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Enrolment>, RepoError> {
        scheme_enrolments::Entity::find_by_id(id.to_string())
            .lock_exclusive()
            .one(db)
            .await?
            .map(into_enrolment)
            .transpose()
    }

    /// Enrolments of a customer, or at some branches, or in a status,
    /// newest first.
    pub async fn enrolments(
        db: &impl ConnectionTrait,
        filter: EnrolmentFilter<'_>,
        page: PageRequest,
    ) -> Result<Page<Enrolment>, RepoError> {
        use scheme_enrolments::Column;
        let mut query = scheme_enrolments::Entity::find()
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
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let enrolments = query
            .all(db)
            .await?
            .into_iter()
            .map(into_enrolment)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(enrolments, page.limit, |e| e.id))
    }

    /// The instalments of each of `enrolments`, by enrolment and period.
    pub async fn instalments_of(
        db: &impl ConnectionTrait,
        enrolments: &[uuid::Uuid],
    ) -> Result<Vec<Instalment>, RepoError> {
        use scheme_instalments::Column;
        scheme_instalments::Entity::find()
            .filter(Column::EnrolmentId.is_in(enrolments.iter().map(|e| e.to_string())))
            .order_by_asc(Column::EnrolmentId)
            .order_by_asc(Column::Period)
            .all(db)
            .await?
            .into_iter()
            .map(into_instalment)
            .collect()
    }

    /// The enrolment's instalments, by period.
    pub async fn instalments(
        db: &impl ConnectionTrait,
        enrolment: uuid::Uuid,
    ) -> Result<Vec<Instalment>, RepoError> {
        scheme_instalments::Entity::find()
            .filter(scheme_instalments::Column::EnrolmentId.eq(enrolment.to_string()))
            .order_by_asc(scheme_instalments::Column::Period)
            .all(db)
            .await?
            .into_iter()
            .map(into_instalment)
            .collect()
    }

    /// Writes `instalment` of `branch`: `Taken { field: "period" }` when its
    /// period was paid meanwhile.
    pub async fn add_instalment(
        db: &impl ConnectionTrait,
        instalment: &Instalment,
        branch: uuid::Uuid,
        by_kind: &str,
    ) -> Result<(), RepoError> {
        scheme_instalments::Entity::insert(scheme_instalments::ActiveModel {
            id: Set(instalment.id.to_string()),
            enrolment_id: Set(instalment.enrolment_id.to_string()),
            period: Set(i32::try_from(instalment.period).unwrap_or(i32::MAX)),
            amount: Set(instalment.amount.units()),
            milligrams: Set(instalment.weight.map(Weight::units)),
            rate: Set(instalment.rate.map(Money::units)),
            method: Set(instalment.method.as_str().to_owned()),
            reference: Set(instalment.reference.clone()),
            branch_id: Set(branch.to_string()),
            receipt_number: Set(instalment.receipt_number.clone()),
            accepted_at: Set(instalment.accepted_at),
            accepted_by_kind: Set(by_kind.to_owned()),
            accepted_by: Set(instalment.accepted_by.to_string()),
        })
        .exec_without_returning(db)
        .await
        .on_unique_column(&[("period", "period"), ("receipt", "receiptNumber")])?;
        Ok(())
    }
}

/// Who took value out, and how a refund was paid.
#[derive(Debug, Clone)]
pub struct SettledBy<'a> {
    pub source: &'a str,
    pub method: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub actor: (&'a str, uuid::Uuid),
}

/// An enrolment's advance outstanding at a moment.
#[derive(Debug, Clone)]
pub struct Advance {
    pub branch_id: uuid::Uuid,
    pub started_at: DateTime<Utc>,
    pub terms: Terms,
    /// Paise.
    pub outstanding: i64,
}

impl Schemes {
    /// Writes `settlement` once per `by.source` (`Taken { field: "source" }`).
    pub async fn settle(
        db: &impl ConnectionTrait,
        settlement: &Settlement,
        by: &SettledBy<'_>,
    ) -> Result<(), RepoError> {
        scheme_redemptions::Entity::insert(scheme_redemptions::ActiveModel {
            id: Set(settlement.id.to_string()),
            enrolment_id: Set(settlement.enrolment_id.to_string()),
            kind: Set(settlement.kind.as_str().to_owned()),
            value: Set(settlement.value.units()),
            advance: Set(settlement.advance.units()),
            milligrams: Set(settlement.weight.map(Weight::units)),
            invoice_id: Set(settlement.invoice_id.map(|id| id.to_string())),
            method: Set(by.method.map(str::to_owned)),
            reference: Set(by.reference.map(str::to_owned)),
            source: Set(by.source.to_owned()),
            actor_kind: Set(by.actor.0.to_owned()),
            actor_id: Set(by.actor.1.to_string()),
            created_at: Set(settlement.created_at),
        })
        .exec_without_returning(db)
        .await
        .on_unique_column(&[("source", "source")])?;
        Ok(())
    }

    /// The enrolment's instalments and what was taken out of it, as
    /// committed: locking reads, for a transaction holding the enrolment's
    /// lock (MariaDB's plain reads would see the transaction's snapshot,
    /// which may be older than the lock it waited for).
    pub async fn held(
        db: &impl ConnectionTrait,
        enrolment: uuid::Uuid,
    ) -> Result<(Vec<Instalment>, Vec<Settlement>), RepoError> {
        let instalments = scheme_instalments::Entity::find()
            .filter(scheme_instalments::Column::EnrolmentId.eq(enrolment.to_string()))
            .order_by_asc(scheme_instalments::Column::Period)
            .lock_exclusive()
            .all(db)
            .await?
            .into_iter()
            .map(into_instalment)
            .collect::<Result<Vec<_>, _>>()?;
        let settlements = scheme_redemptions::Entity::find()
            .filter(scheme_redemptions::Column::EnrolmentId.eq(enrolment.to_string()))
            .order_by_asc(scheme_redemptions::Column::Id)
            .lock_exclusive()
            .all(db)
            .await?
            .into_iter()
            .map(into_settlement)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((instalments, settlements))
    }

    /// What was taken out of the enrolment, oldest first.
    pub async fn settlements(
        db: &impl ConnectionTrait,
        enrolment: uuid::Uuid,
    ) -> Result<Vec<Settlement>, RepoError> {
        Self::settlements_where(
            db,
            scheme_redemptions::Column::EnrolmentId.eq(enrolment.to_string()),
        )
        .await
    }

    /// What was redeemed on, or given back for, the bill `invoice`.
    pub async fn settlements_on(
        db: &impl ConnectionTrait,
        invoice: uuid::Uuid,
    ) -> Result<Vec<Settlement>, RepoError> {
        Self::settlements_where(
            db,
            scheme_redemptions::Column::InvoiceId.eq(invoice.to_string()),
        )
        .await
    }

    async fn settlements_where(
        db: &impl ConnectionTrait,
        condition: sea_orm::sea_query::SimpleExpr,
    ) -> Result<Vec<Settlement>, RepoError> {
        scheme_redemptions::Entity::find()
            .filter(condition)
            .order_by_asc(scheme_redemptions::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_settlement)
            .collect()
    }

    pub async fn set_status(
        db: &impl ConnectionTrait,
        enrolment: uuid::Uuid,
        status: EnrolmentStatus,
    ) -> Result<(), RepoError> {
        use sea_orm::sea_query::Expr;
        scheme_enrolments::Entity::update_many()
            .col_expr(
                scheme_enrolments::Column::Status,
                Expr::value(status.as_str()),
            )
            .col_expr(
                scheme_enrolments::Column::UpdatedAt,
                Expr::value(Utc::now()),
            )
            .filter(scheme_enrolments::Column::Id.eq(enrolment.to_string()))
            .exec(db)
            .await?;
        Ok(())
    }

    /// Every enrolment's advance outstanding at `at` (instalments accepted
    /// by then less the advance taken out by then), those not zero.
    pub async fn advances(
        db: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> Result<Vec<Advance>, RepoError> {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT e.branch_id, e.started_at, e.terms, \
                        CAST(COALESCE(i.paid, 0) - COALESCE(r.taken, 0) AS SIGNED) AS outstanding \
                 FROM scheme_enrolments e \
                 LEFT JOIN (SELECT enrolment_id, SUM(amount) AS paid FROM scheme_instalments \
                            WHERE accepted_at <= ? GROUP BY enrolment_id) i ON i.enrolment_id = e.id \
                 LEFT JOIN (SELECT enrolment_id, SUM(advance) AS taken FROM scheme_redemptions \
                            WHERE created_at <= ? GROUP BY enrolment_id) r ON r.enrolment_id = e.id \
                 WHERE e.started_at <= ?",
                [at.into(), at.into(), at.into()],
            ))
            .await?;
        let mut advances = Vec::new();
        for row in rows {
            let outstanding = row.try_get::<Option<i64>>("", "outstanding")?.unwrap_or(0);
            if outstanding == 0 {
                continue;
            }
            advances.push(Advance {
                branch_id: uuid_of(&row.try_get::<String>("", "branch_id")?)?,
                started_at: row.try_get("", "started_at")?,
                terms: terms_of(&row.try_get::<String>("", "terms")?)?,
                outstanding,
            });
        }
        Ok(advances)
    }
}

fn into_settlement(m: scheme_redemptions::Model) -> Result<Settlement, RepoError> {
    Ok(Settlement {
        id: uuid_of(&m.id)?,
        enrolment_id: uuid_of(&m.enrolment_id)?,
        kind: SettlementKind::parse(&m.kind).ok_or_else(|| bad("settlement kind"))?,
        value: Money::from_units(m.value),
        advance: Money::from_units(m.advance),
        weight: m.milligrams.map(Weight::from_units),
        invoice_id: m.invoice_id.as_deref().map(uuid_of).transpose()?,
        created_at: m.created_at,
    })
}

fn into_plan(m: scheme_plans::Model) -> Result<Plan, RepoError> {
    Ok(Plan {
        id: uuid_of(&m.id)?,
        name: m.name,
        terms: terms_of(&m.terms)?,
        active: m.active,
        created_at: m.created_at,
    })
}

fn into_enrolment(m: scheme_enrolments::Model) -> Result<Enrolment, RepoError> {
    Ok(Enrolment {
        id: uuid_of(&m.id)?,
        plan_id: uuid_of(&m.plan_id)?,
        plan_name: m.plan_name,
        customer_id: uuid_of(&m.customer_id)?,
        branch_id: uuid_of(&m.branch_id)?,
        terms: terms_of(&m.terms)?,
        nominee_name: m.nominee_name,
        nominee_relation: m.nominee_relation,
        started_at: m.started_at,
        status: EnrolmentStatus::parse(&m.status).ok_or_else(|| bad("status"))?,
        created_by: uuid_of(&m.created_by)?,
    })
}

fn into_instalment(m: scheme_instalments::Model) -> Result<Instalment, RepoError> {
    Ok(Instalment {
        id: uuid_of(&m.id)?,
        enrolment_id: uuid_of(&m.enrolment_id)?,
        period: u32::try_from(m.period).map_err(|_| bad("period"))?,
        amount: Money::from_units(m.amount),
        weight: m.milligrams.map(Weight::from_units),
        rate: m.rate.map(Money::from_units),
        method: PaymentMethod::parse(&m.method).ok_or_else(|| bad("method"))?,
        reference: m.reference,
        receipt_number: m.receipt_number,
        accepted_at: m.accepted_at,
        accepted_by: uuid_of(&m.accepted_by)?,
    })
}

/// When `at` is stored with whole seconds (MariaDB), as it will read back.
pub fn to_second(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}
