//! Metal rates with their whole history; the rate in force for a grade is the
//! latest one effective by then.

use chrono::{DateTime, Utc};
use jewel_domain::measure::Money;
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::metal_rate::{Currency, CurrentRates, MetalRate, NewMetalRate, RateSession};
use jewel_domain::{Page, PageRequest};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::metal_rates::{self, Column, Entity, Model};
use crate::error::{RepoError, uuid_of};

pub struct MetalRates;

/// Which rates to list from the history, newest effective first.
#[derive(Debug, Clone, Default)]
pub struct MetalRateFilter {
    pub metal: Option<Metal>,
    pub fineness: Option<u16>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl MetalRates {
    /// Records `rates` as set by `set_by` (call inside a transaction to set
    /// many at once).
    #[tracing::instrument(name = "metal_rates.set", skip_all, fields(count = rates.len()))]
    pub async fn set(
        db: &impl ConnectionTrait,
        rates: &[NewMetalRate],
        set_by: uuid::Uuid,
    ) -> Result<Vec<MetalRate>, RepoError> {
        let now = Utc::now();
        let stored: Vec<MetalRate> = rates
            .iter()
            .map(|rate| MetalRate {
                id: uuid::Uuid::now_v7(),
                purity: rate.purity,
                per_gram: rate.per_gram,
                currency: rate.currency.clone(),
                effective_at: rate.effective_at,
                session: rate.session,
                source: rate.source.clone(),
                set_by,
                created_at: now,
            })
            .collect();
        if stored.is_empty() {
            return Ok(stored);
        }
        Entity::insert_many(stored.iter().map(|r| metal_rates::ActiveModel {
            id: Set(r.id.to_string()),
            metal: Set(r.purity.metal().as_str().to_owned()),
            fineness: Set(r.purity.fineness() as i16),
            per_gram: Set(r.per_gram.units()),
            currency: Set(r.currency.as_str().to_owned()),
            effective_at: Set(r.effective_at),
            session: Set(r.session.map(|s| s.as_str().to_owned())),
            source: Set(r.source.clone()),
            set_by: Set(r.set_by.to_string()),
            created_at: Set(r.created_at),
        }))
        .exec_without_returning(db)
        .await?;
        Ok(stored)
    }

    /// The rate of each grade in force at `at`, and when the next rate set
    /// ahead of `at` takes over.
    #[tracing::instrument(name = "metal_rates.current", skip(db))]
    pub async fn current(
        db: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> Result<CurrentRates, RepoError> {
        let mut rates = Vec::new();
        // One short backwards index scan per grade a store can sell.
        for metal in Metal::ALL {
            for &fineness in metal.grades() {
                let latest = Entity::find()
                    .filter(Column::Metal.eq(metal.as_str()))
                    .filter(Column::Fineness.eq(fineness as i16))
                    .filter(Column::EffectiveAt.lte(at))
                    .order_by_desc(Column::EffectiveAt)
                    .order_by_desc(Column::Id)
                    .one(db)
                    .await?;
                if let Some(model) = latest {
                    rates.push(into_rate(model)?);
                }
            }
        }
        let next_change_at = Entity::find()
            .filter(Column::EffectiveAt.gt(at))
            .order_by_asc(Column::EffectiveAt)
            .one(db)
            .await?
            .map(|m| m.effective_at);
        Ok(CurrentRates {
            rates,
            next_change_at,
        })
    }

    /// The id of the newest rate ever set (ids grow with time), which
    /// changes whenever a rate is set.
    pub async fn newest_id(db: &impl ConnectionTrait) -> Result<Option<String>, RepoError> {
        Ok(Entity::find()
            .select_only()
            .column(Column::Id)
            .order_by_desc(Column::Id)
            .into_tuple::<String>()
            .one(db)
            .await?)
    }

    /// One page of the history, newest effective first.
    #[tracing::instrument(name = "metal_rates.history", skip(db))]
    pub async fn history(
        db: &impl ConnectionTrait,
        filter: &MetalRateFilter,
        page: PageRequest,
    ) -> Result<Page<MetalRate>, RepoError> {
        let mut query = Entity::find()
            .order_by_desc(Column::EffectiveAt)
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(metal) = filter.metal {
            query = query.filter(Column::Metal.eq(metal.as_str()));
        }
        if let Some(fineness) = filter.fineness {
            query = query.filter(Column::Fineness.eq(fineness as i16));
        }
        if let Some(from) = filter.from {
            query = query.filter(Column::EffectiveAt.gte(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(Column::EffectiveAt.lt(until));
        }
        if let Some(after) = page.after {
            let Some(last) = Entity::find_by_id(after.to_string()).one(db).await? else {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                });
            };
            query = query.filter(super::older_than(
                Column::EffectiveAt,
                Column::Id,
                last.effective_at,
                last.id,
            ));
        }
        let rates = query
            .all(db)
            .await?
            .into_iter()
            .map(into_rate)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(rates, page.limit, |r| r.id))
    }
}

fn into_rate(model: Model) -> Result<MetalRate, RepoError> {
    let corrupt = |what: &str| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "metal rate {}: stored {what}",
            model.id
        )))
    };
    let metal = Metal::parse(&model.metal).ok_or_else(|| corrupt("metal"))?;
    let fineness = u16::try_from(model.fineness).map_err(|_| corrupt("fineness"))?;
    let purity = Purity::parse("fineness", metal, fineness).map_err(|_| corrupt("fineness"))?;
    let currency = Currency::parse("currency", &model.currency).map_err(|_| corrupt("currency"))?;
    let session = match model.session.as_deref() {
        Some(text) => Some(RateSession::parse(text).ok_or_else(|| corrupt("session"))?),
        None => None,
    };
    Ok(MetalRate {
        id: uuid_of(&model.id)?,
        purity,
        per_gram: Money::from_units(model.per_gram),
        currency,
        effective_at: model.effective_at,
        session,
        source: model.source,
        set_by: uuid_of(&model.set_by)?,
        created_at: model.created_at,
    })
}
