use chrono::Utc;
use jewel_domain::access::{ApiClient, NewApiClient, Permission};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::api_clients::{self, Column, Entity};
use crate::error::{OnConstraint, RepoError, unchanged_because, uuid_of, versioned};

pub struct ApiClients;

/// A client and the hash its secret must match.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub client: ApiClient,
    pub secret_hash: String,
}

/// Changes to a client; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ApiClientPatch {
    pub name: Option<String>,
    pub active: Option<bool>,
}

impl ApiClients {
    #[tracing::instrument(name = "api_clients.create", skip_all)]
    pub async fn create(
        db: &impl ConnectionTrait,
        new: &NewApiClient,
    ) -> Result<ApiClient, RepoError> {
        let now = Utc::now();
        let id = uuid::Uuid::now_v7();
        Entity::insert(api_clients::ActiveModel {
            id: Set(id.to_string()),
            client_id: Set(new.client_id.clone()),
            name: Set(new.name.as_str().to_owned()),
            secret_hash: Set(new.secret_hash.clone()),
            scopes: Set(new
                .scopes
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" ")),
            branch_ids: Set(new
                .branch_ids
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")),
            rate_limit: Set(new.rate_limit.and_then(|l| i64::try_from(l).ok())),
            active: Set(true),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await
        .on_unique("clientId")?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<ApiClient>, RepoError> {
        Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_client)
            .transpose()
    }

    #[tracing::instrument(name = "api_clients.credentials", skip(db))]
    pub async fn credentials(
        db: &impl ConnectionTrait,
        client_id: &str,
    ) -> Result<Option<ClientCredentials>, RepoError> {
        match Entity::find()
            .filter(Column::ClientId.eq(client_id))
            .one(db)
            .await?
        {
            Some(model) => {
                let secret_hash = model.secret_hash.clone();
                Ok(Some(ClientCredentials {
                    client: into_client(model)?,
                    secret_hash,
                }))
            }
            None => Ok(None),
        }
    }

    pub async fn list(
        db: &impl ConnectionTrait,
        page: PageRequest,
    ) -> Result<Page<ApiClient>, RepoError> {
        let mut query = Entity::find()
            .order_by_asc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.gt(after.to_string()));
        }
        let clients = query
            .all(db)
            .await?
            .into_iter()
            .map(into_client)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(clients, page.limit, |c| c.id))
    }

    pub async fn update(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
        patch: &ApiClientPatch,
    ) -> Result<ApiClient, RepoError> {
        let mut update = Entity::update_many().filter(Column::Id.eq(id.to_string()));
        if let Some(name) = &patch.name {
            update = update.col_expr(Column::Name, Expr::value(name.clone()));
        }
        if let Some(active) = patch.active {
            update = update.col_expr(Column::Active, Expr::value(active));
        }
        let update = versioned(update, Column::Version, Column::UpdatedAt, expected_version);
        if update.exec(db).await?.rows_affected == 0 {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }
}

fn into_client(model: api_clients::Model) -> Result<ApiClient, RepoError> {
    let scopes = model
        .scopes
        .split_whitespace()
        .map(|s| {
            Permission::client_scope(s).ok_or_else(|| {
                RepoError::Database(sea_orm::DbErr::Type(format!("stored scope {s:?}")))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let branch_ids = model
        .branch_ids
        .split_whitespace()
        .map(uuid_of)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ApiClient {
        id: uuid_of(&model.id)?,
        client_id: model.client_id,
        name: model.name,
        scopes,
        branch_ids,
        rate_limit: model.rate_limit.and_then(|l| u64::try_from(l).ok()),
        active: model.active,
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
