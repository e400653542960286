//! Segments: saved filters over customers, and the customers each holds
//! today, counted or read in id order a batch at a time.

use chrono::NaiveDate;
use jewel_domain::customer::consent::Purpose;
use jewel_domain::engagement::segment::{Segment, SegmentFilter};
use jewel_domain::occasion::{OccasionKind, month_day_ranges};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{customer_consents, customer_tags, customers, loyalty_accounts, segments};
use crate::error::{RepoError, uuid_of};

pub struct Segments;

impl Segments {
    pub async fn insert(db: &impl ConnectionTrait, segment: &Segment) -> Result<(), RepoError> {
        segments::Entity::insert(segments::ActiveModel {
            id: Set(segment.id.to_string()),
            name: Set(segment.name.clone()),
            branch_id: Set(segment.branch_id.map(|b| b.to_string())),
            filter: Set(stored_filter(&segment.filter)?),
            created_by: Set(segment.created_by.to_string()),
            created_at: Set(segment.created_at),
            updated_at: Set(segment.updated_at),
            version: Set(segment.version),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    /// Writes `segment`'s name and filter over version `segment.version -
    /// 1`; [`RepoError::StaleVersion`] when it changed meanwhile.
    pub async fn update(db: &impl ConnectionTrait, segment: &Segment) -> Result<(), RepoError> {
        use segments::Column;
        let updated = segments::Entity::update_many()
            .col_expr(Column::Name, Expr::value(segment.name.clone()))
            .col_expr(Column::Filter, Expr::value(stored_filter(&segment.filter)?))
            .col_expr(Column::UpdatedAt, Expr::value(segment.updated_at))
            .col_expr(Column::Version, Expr::value(segment.version))
            .filter(Column::Id.eq(segment.id.to_string()))
            .filter(Column::Version.eq(segment.version - 1))
            .exec(db)
            .await?;
        match updated.rows_affected {
            1 => Ok(()),
            _ => Err(RepoError::StaleVersion),
        }
    }

    pub async fn delete(db: &impl ConnectionTrait, id: uuid::Uuid) -> Result<(), RepoError> {
        segments::Entity::delete_by_id(id.to_string())
            .exec(db)
            .await?;
        Ok(())
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Segment>, RepoError> {
        segments::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_segment)
            .transpose()
    }

    /// Every segment of `branches` (`None`: every segment), by name.
    pub async fn list(
        db: &impl ConnectionTrait,
        branches: Option<&[uuid::Uuid]>,
    ) -> Result<Vec<Segment>, RepoError> {
        use segments::Column;
        let mut query = segments::Entity::find()
            .order_by_asc(Column::Name)
            .order_by_asc(Column::Id)
            .limit(1_000);
        if let Some(branches) = branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(|b| b.to_string())));
        }
        query.all(db).await?.into_iter().map(into_segment).collect()
    }

    /// How many customers `branch`'s `filter` holds on `today`.
    pub async fn count(
        db: &impl ConnectionTrait,
        branch: Option<uuid::Uuid>,
        filter: &SegmentFilter,
        today: NaiveDate,
    ) -> Result<u64, RepoError> {
        Ok(customers::Entity::find()
            .filter(members(branch, filter, today))
            .count(db)
            .await?)
    }

    /// Up to `limit` of the customers `branch`'s `filter` holds on
    /// `today`, by id after `after`, each with their home branch.
    pub async fn members(
        db: &impl ConnectionTrait,
        branch: Option<uuid::Uuid>,
        filter: &SegmentFilter,
        today: NaiveDate,
        after: Option<uuid::Uuid>,
        limit: u64,
    ) -> Result<Vec<(uuid::Uuid, Option<uuid::Uuid>)>, RepoError> {
        use customers::Column;
        let mut query = customers::Entity::find()
            .select_only()
            .column(Column::Id)
            .column(Column::HomeBranchId)
            .filter(members(branch, filter, today))
            .order_by_asc(Column::Id)
            .limit(limit);
        if let Some(after) = after {
            query = query.filter(Column::Id.gt(after.to_string()));
        }
        let rows: Vec<(String, Option<String>)> = query.into_tuple().all(db).await?;
        rows.iter()
            .map(|(id, home)| Ok((uuid_of(id)?, home.as_deref().map(uuid_of).transpose()?)))
            .collect()
    }
}

/// The `WHERE` of a segment's customers: live ones (not archived, merged
/// or erased) of `branch` (by home branch) meeting every condition.
fn members(branch: Option<uuid::Uuid>, filter: &SegmentFilter, today: NaiveDate) -> Condition {
    use customers::Column;
    let of = |select: &mut sea_orm::sea_query::SelectStatement| {
        Column::Id.in_subquery(select.to_owned())
    };
    let mut all = Condition::all()
        .add(Column::ArchivedAt.is_null())
        .add(Column::MergedIntoId.is_null())
        .add(Column::ErasedAt.is_null())
        .add_option(branch.map(|b| Column::HomeBranchId.eq(b.to_string())))
        .add_option(
            filter
                .min_lifetime_value
                .map(|v| Column::LifetimeValue.gte(v.units())),
        )
        .add_option(
            filter
                .max_lifetime_value
                .map(|v| Column::LifetimeValue.lte(v.units())),
        )
        .add_option(
            filter
                .last_purchase_from
                .map(|d| Column::LastPurchaseAt.gte(d.and_time(chrono::NaiveTime::MIN).and_utc())),
        )
        .add_option(
            filter
                .last_purchase_before
                .map(|d| Column::LastPurchaseAt.lt(d.and_time(chrono::NaiveTime::MIN).and_utc())),
        )
        .add_option(filter.ring_size.as_deref().map(|s| Column::RingSize.eq(s)));
    if !filter.tags.is_empty() {
        all = all.add(of(Query::select()
            .column(customer_tags::Column::CustomerId)
            .from(customer_tags::Entity)
            .and_where(
                customer_tags::Column::Tag.is_in(filter.tags.iter().cloned()),
            )));
    }
    if let Some(tier) = &filter.tier {
        all = all.add(of(Query::select()
            .column(loyalty_accounts::Column::CustomerId)
            .from(loyalty_accounts::Entity)
            .and_where(loyalty_accounts::Column::Tier.eq(tier.as_str()))));
    }
    if let Some(channel) = filter.marketing_consent {
        use customer_consents::Column as Consent;
        all = all.add(of(Query::select()
            .column(Consent::CustomerId)
            .from(customer_consents::Entity)
            .and_where(Consent::Channel.eq(channel.consent().as_str()))
            .and_where(Consent::Purpose.eq(Purpose::Marketing.as_str()))
            .and_where(Consent::Granted.eq(true))));
    }
    if let Some(occasion) = filter.occasion {
        let key = match occasion.kind.kind() {
            OccasionKind::Birthday => Column::BirthdayMd,
            OccasionKind::Anniversary => Column::AnniversaryMd,
            OccasionKind::SpouseBirthday => Column::SpouseBirthdayMd,
        };
        let mut within = Condition::any();
        for (from, to) in month_day_ranges(today, occasion.within_days) {
            within = within.add(key.between(from, to));
        }
        all = all.add(within);
    }
    all
}

fn stored_filter(filter: &SegmentFilter) -> Result<String, RepoError> {
    serde_json::to_string(filter)
        .map_err(|e| RepoError::Database(sea_orm::DbErr::Custom(format!("segment filter: {e}"))))
}

fn into_segment(m: segments::Model) -> Result<Segment, RepoError> {
    let filter = serde_json::from_str(&m.filter).map_err(|e| {
        RepoError::Database(sea_orm::DbErr::Custom(format!(
            "stored segment filter: {e}"
        )))
    })?;
    Ok(Segment {
        id: uuid_of(&m.id)?,
        name: m.name,
        branch_id: m.branch_id.as_deref().map(uuid_of).transpose()?,
        filter,
        created_by: uuid_of(&m.created_by)?,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}
