use chrono::Utc;
use jewel_domain::branch::{Branch, BranchPatch, NewBranch};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::branches::{self, Column, Entity};
use crate::error::{OnConstraint, RepoError, unchanged_because, uuid_of, versioned};

pub struct Branches;

/// Which branches to list: all, or only some (a staff member's own).
#[derive(Debug, Clone, Default)]
pub struct BranchFilter {
    pub only: Option<Vec<uuid::Uuid>>,
}

impl Branches {
    #[tracing::instrument(name = "branches.create", skip_all)]
    pub async fn create(db: &impl ConnectionTrait, new: &NewBranch) -> Result<Branch, RepoError> {
        let now = Utc::now();
        let id = uuid::Uuid::now_v7();
        let model = branches::ActiveModel {
            id: Set(id.to_string()),
            code: Set(new.code.as_str().to_owned()),
            name: Set(new.name.clone()),
            address: Set(new.address.clone()),
            state_code: Set(new.state.as_string()),
            gstin: Set(new.gstin.as_ref().map(|g| g.as_str().to_owned())),
            timezone: Set(new.timezone.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        };
        Entity::insert(model)
            .exec_without_returning(db)
            .await
            .on_unique("code")?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    #[tracing::instrument(name = "branches.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Branch>, RepoError> {
        Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_branch)
            .transpose()
    }

    #[tracing::instrument(name = "branches.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &BranchFilter,
        page: PageRequest,
    ) -> Result<Page<Branch>, RepoError> {
        let mut query = Entity::find()
            .order_by_asc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.gt(after.to_string()));
        }
        if let Some(only) = &filter.only {
            query = query.filter(Column::Id.is_in(only.iter().map(ToString::to_string)));
        }
        let rows = query.all(db).await?;
        let branches = rows
            .into_iter()
            .map(into_branch)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(branches, page.limit, |b| b.id))
    }

    /// Applies `patch` if the branch is still at `expected_version` (when given).
    #[tracing::instrument(name = "branches.update", skip(db, patch))]
    pub async fn update(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
        patch: &BranchPatch,
    ) -> Result<Branch, RepoError> {
        let mut update = Entity::update_many().filter(Column::Id.eq(id.to_string()));
        if let Some(name) = &patch.name {
            update = update.col_expr(Column::Name, Expr::value(name.clone()));
        }
        if let Some(address) = &patch.address {
            update = update.col_expr(Column::Address, Expr::value(address.clone()));
        }
        if let Some(state) = patch.state {
            update = update.col_expr(Column::StateCode, Expr::value(state.as_string()));
        }
        if let Some(gstin) = &patch.gstin {
            update = update.col_expr(
                Column::Gstin,
                Expr::value(gstin.as_ref().map(|g| g.as_str().to_owned())),
            );
        }
        if let Some(timezone) = &patch.timezone {
            update = update.col_expr(Column::Timezone, Expr::value(timezone.as_str().to_owned()));
        }
        let update = versioned(update, Column::Version, Column::UpdatedAt, expected_version);
        let result = update.exec(db).await?;
        if result.rows_affected == 0 {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    /// How many branches there are (open or not).
    pub async fn count(db: &impl ConnectionTrait) -> Result<u64, RepoError> {
        Ok(Entity::find().count(db).await?)
    }

    /// Which of `ids` exist.
    pub async fn existing(
        db: &impl ConnectionTrait,
        ids: &[uuid::Uuid],
    ) -> Result<Vec<uuid::Uuid>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = Entity::find()
            .filter(Column::Id.is_in(ids.iter().map(ToString::to_string)))
            .all(db)
            .await?;
        rows.iter().map(|r| uuid_of(&r.id)).collect()
    }
}

fn into_branch(model: branches::Model) -> Result<Branch, RepoError> {
    Ok(Branch {
        id: uuid_of(&model.id)?,
        code: model.code,
        name: model.name,
        address: model.address,
        state_code: model.state_code,
        gstin: model.gstin,
        timezone: model.timezone,
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
