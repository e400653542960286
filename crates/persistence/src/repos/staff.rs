use chrono::Utc;
use jewel_domain::access::{NewStaffUser, Role, StaffUser};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{staff_branches, staff_users};
use crate::error::{OnConstraint, RepoError, unchanged_because, uuid_of, versioned};

pub struct Staff;

/// Which staff to list.
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    /// Only staff acting in one of these branches (owners always included).
    pub in_branches: Option<Vec<uuid::Uuid>>,
}

/// Changes to a staff member; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct StaffPatch {
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub branch_ids: Option<Vec<uuid::Uuid>>,
}

/// What login needs: the account and its password hash.
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    pub user: StaffUser,
    pub password_hash: String,
}

impl Staff {
    #[tracing::instrument(name = "staff.create", skip_all)]
    pub async fn create(
        db: &impl ConnectionTrait,
        new: &NewStaffUser,
    ) -> Result<StaffUser, RepoError> {
        let now = Utc::now();
        let id = uuid::Uuid::now_v7();
        staff_users::Entity::insert(staff_users::ActiveModel {
            id: Set(id.to_string()),
            name: Set(new.name.as_str().to_owned()),
            email: Set(new.email.as_str().to_owned()),
            phone: Set(new.phone.as_ref().map(|p| p.as_str().to_owned())),
            role: Set(new.role.as_str().to_owned()),
            password_hash: Set(new.password_hash.clone()),
            active: Set(true),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await
        .on_unique("email")?;
        Self::set_branches(db, id, &new.branch_ids).await?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    async fn set_branches(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        branch_ids: &[uuid::Uuid],
    ) -> Result<(), RepoError> {
        staff_branches::Entity::delete_many()
            .filter(staff_branches::Column::StaffId.eq(id.to_string()))
            .exec(db)
            .await?;
        if branch_ids.is_empty() {
            return Ok(());
        }
        staff_branches::Entity::insert_many(branch_ids.iter().map(|branch| {
            staff_branches::ActiveModel {
                staff_id: Set(id.to_string()),
                branch_id: Set(branch.to_string()),
            }
        }))
        .exec_without_returning(db)
        .await
        .on_foreign_key("branchIds")?;
        Ok(())
    }

    #[tracing::instrument(name = "staff.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<StaffUser>, RepoError> {
        match staff_users::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
        {
            Some(model) => {
                let branches = Self::branches_of(db, std::slice::from_ref(&model.id)).await?;
                Ok(Some(into_staff(model, &branches)?))
            }
            None => Ok(None),
        }
    }

    #[tracing::instrument(name = "staff.credentials", skip_all)]
    pub async fn credentials_by_email(
        db: &impl ConnectionTrait,
        email: &str,
    ) -> Result<Option<StaffCredentials>, RepoError> {
        match staff_users::Entity::find()
            .filter(staff_users::Column::Email.eq(email))
            .one(db)
            .await?
        {
            Some(model) => {
                let branches = Self::branches_of(db, std::slice::from_ref(&model.id)).await?;
                let password_hash = model.password_hash.clone();
                Ok(Some(StaffCredentials {
                    user: into_staff(model, &branches)?,
                    password_hash,
                }))
            }
            None => Ok(None),
        }
    }

    pub async fn password_hash(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<String>, RepoError> {
        Ok(staff_users::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(|m| m.password_hash))
    }

    #[tracing::instrument(name = "staff.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &StaffFilter,
        page: PageRequest,
    ) -> Result<Page<StaffUser>, RepoError> {
        let mut query = staff_users::Entity::find()
            .order_by_asc(staff_users::Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(staff_users::Column::Id.gt(after.to_string()));
        }
        if let Some(branches) = &filter.in_branches {
            let members: Vec<String> = staff_branches::Entity::find()
                .filter(
                    staff_branches::Column::BranchId
                        .is_in(branches.iter().map(ToString::to_string)),
                )
                .all(db)
                .await?
                .into_iter()
                .map(|row| row.staff_id)
                .collect();
            query = query.filter(
                sea_orm::Condition::any()
                    .add(staff_users::Column::Id.is_in(members))
                    .add(staff_users::Column::Role.eq(Role::Owner.as_str())),
            );
        }
        let rows = query.all(db).await?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let branches = Self::branches_of(db, &ids).await?;
        let staff = rows
            .into_iter()
            .map(|row| into_staff(row, &branches))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(staff, page.limit, |s| s.id))
    }

    /// Applies `patch` if the record is still at `expected_version` (when given).
    #[tracing::instrument(name = "staff.update", skip(db, patch))]
    pub async fn update(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
        patch: &StaffPatch,
    ) -> Result<StaffUser, RepoError> {
        use staff_users::Column;
        let mut update = staff_users::Entity::update_many().filter(Column::Id.eq(id.to_string()));
        if let Some(name) = &patch.name {
            update = update.col_expr(Column::Name, Expr::value(name.clone()));
        }
        if let Some(phone) = &patch.phone {
            update = update.col_expr(Column::Phone, Expr::value(phone.clone()));
        }
        if let Some(role) = patch.role {
            update = update.col_expr(Column::Role, Expr::value(role.as_str()));
        }
        if let Some(active) = patch.active {
            update = update.col_expr(Column::Active, Expr::value(active));
        }
        let update = versioned(update, Column::Version, Column::UpdatedAt, expected_version);
        if update.exec(db).await?.rows_affected == 0 {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        if let Some(branch_ids) = &patch.branch_ids {
            Self::set_branches(db, id, branch_ids).await?;
        }
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    pub async fn set_password_hash(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        password_hash: &str,
    ) -> Result<(), RepoError> {
        use staff_users::Column;
        let result = staff_users::Entity::update_many()
            .col_expr(Column::PasswordHash, Expr::value(password_hash))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(Column::Id.eq(id.to_string()))
            .exec(db)
            .await?;
        if result.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        Ok(())
    }

    /// How many active owners there are (the last one cannot be demoted or disabled).
    pub async fn active_owners(db: &impl ConnectionTrait) -> Result<u64, RepoError> {
        Ok(staff_users::Entity::find()
            .filter(staff_users::Column::Role.eq(Role::Owner.as_str()))
            .filter(staff_users::Column::Active.eq(true))
            .count(db)
            .await?)
    }

    async fn branches_of(
        db: &impl ConnectionTrait,
        staff_ids: &[String],
    ) -> Result<Vec<staff_branches::Model>, RepoError> {
        if staff_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(staff_branches::Entity::find()
            .filter(staff_branches::Column::StaffId.is_in(staff_ids.iter().cloned()))
            .order_by_asc(staff_branches::Column::BranchId)
            .all(db)
            .await?)
    }
}

fn into_staff(
    model: staff_users::Model,
    branches: &[staff_branches::Model],
) -> Result<StaffUser, RepoError> {
    let role = Role::parse(&model.role).ok_or_else(|| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "stored role {:?}",
            model.role
        )))
    })?;
    let branch_ids = branches
        .iter()
        .filter(|b| b.staff_id == model.id)
        .map(|b| uuid_of(&b.branch_id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StaffUser {
        id: uuid_of(&model.id)?,
        name: model.name,
        email: model.email,
        phone: model.phone,
        role,
        branch_ids,
        active: model.active,
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
