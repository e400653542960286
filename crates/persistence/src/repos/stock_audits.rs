//! Stock counts with what did not match, kept for the record.

use jewel_domain::stock_audit::{StockAudit, Unexpected};
use jewel_domain::{Page, PageRequest};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::entities::stock_audits::{self, Column, Entity, Model};
use crate::error::{RepoError, uuid_of};

pub struct StockAudits;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Discrepancies {
    missing: Vec<(String, String)>,
    unexpected: Vec<(String, Option<String>, String)>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl StockAudits {
    #[tracing::instrument(name = "stock_audits.record", skip_all)]
    pub async fn record(db: &impl ConnectionTrait, audit: &StockAudit) -> Result<(), RepoError> {
        let discrepancies = Discrepancies {
            missing: audit
                .missing
                .iter()
                .map(|(id, tag)| (id.to_string(), tag.clone()))
                .collect(),
            unexpected: audit
                .unexpected
                .iter()
                .map(|(code, id, why)| {
                    (
                        code.clone(),
                        id.map(|i| i.to_string()),
                        why.as_str().to_owned(),
                    )
                })
                .collect(),
        };
        Entity::insert(stock_audits::ActiveModel {
            id: Set(audit.id.to_string()),
            branch_id: Set(audit.branch_id.to_string()),
            scanned: Set(count(audit.scanned)),
            matched: Set(count(audit.matched)),
            missing: Set(count(audit.missing.len())),
            unexpected: Set(count(audit.unexpected.len())),
            discrepancies: Set(serde_json::to_string(&discrepancies).unwrap_or_default()),
            actor_kind: Set(audit.actor_kind.clone()),
            actor_id: Set(audit.actor_id.to_string()),
            at: Set(audit.at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    #[tracing::instrument(name = "stock_audits.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<StockAudit>, RepoError> {
        Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_audit)
            .transpose()
    }

    /// Counts of `branches` (all when `None`), newest first.
    #[tracing::instrument(name = "stock_audits.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        branches: Option<&[uuid::Uuid]>,
        page: PageRequest,
    ) -> Result<Page<StockAudit>, RepoError> {
        let mut query = Entity::find()
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        if let Some(branches) = branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(ToString::to_string)));
        }
        let audits = query
            .all(db)
            .await?
            .into_iter()
            .map(into_audit)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(audits, page.limit, |a| a.id))
    }
}

fn into_audit(model: Model) -> Result<StockAudit, RepoError> {
    let corrupt = || {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "stock audit {}: stored discrepancies",
            model.id
        )))
    };
    let discrepancies: Discrepancies =
        serde_json::from_str(&model.discrepancies).map_err(|_| corrupt())?;
    Ok(StockAudit {
        id: uuid_of(&model.id)?,
        branch_id: uuid_of(&model.branch_id)?,
        scanned: usize::try_from(model.scanned).unwrap_or_default(),
        matched: usize::try_from(model.matched).unwrap_or_default(),
        missing: discrepancies
            .missing
            .into_iter()
            .map(|(id, tag)| Ok((uuid_of(&id)?, tag)))
            .collect::<Result<_, RepoError>>()?,
        unexpected: discrepancies
            .unexpected
            .into_iter()
            .map(|(code, id, why)| {
                Ok((
                    code,
                    id.as_deref().map(uuid_of).transpose()?,
                    Unexpected::parse(&why).ok_or_else(corrupt)?,
                ))
            })
            .collect::<Result<_, RepoError>>()?,
        actor_kind: model.actor_kind,
        actor_id: uuid_of(&model.actor_id)?,
        at: model.at,
    })
}
