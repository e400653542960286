//! Designs (styles) of the catalogue.

use chrono::Utc;
use jewel_domain::design::{Design, NewDesign};
use jewel_domain::measure::Percent;
use jewel_domain::pricing::{MakingCharge, MakingMode};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::designs::{self, Column, Entity, Model};
use crate::error::{OnConstraint, RepoError, unchanged_because, uuid_of, versioned};

pub struct Designs;

#[derive(Debug, Clone, Default)]
pub struct DesignFilter {
    pub category: Option<String>,
    pub collection: Option<String>,
}

impl Designs {
    #[tracing::instrument(name = "designs.create", skip_all)]
    pub async fn create(db: &impl ConnectionTrait, new: &NewDesign) -> Result<Design, RepoError> {
        let now = Utc::now();
        let id = uuid::Uuid::now_v7();
        Entity::insert(designs::ActiveModel {
            id: Set(id.to_string()),
            code: Set(new.code.clone()),
            name: Set(new.name.clone()),
            category: Set(new.category.clone()),
            collection: Set(new.collection.clone()),
            description: Set(new.description.clone()),
            images: Set(images_json(&new.images)),
            making_mode: Set(new.making.map(|m| m.mode().as_str().to_owned())),
            making_value: Set(new.making.map(MakingCharge::hundredths)),
            wastage: Set(new.wastage.map(Percent::units)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await
        .on_unique("code")?;
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }

    #[tracing::instrument(name = "designs.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Design>, RepoError> {
        Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_design)
            .transpose()
    }

    #[tracing::instrument(name = "designs.list", skip(db))]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &DesignFilter,
        page: PageRequest,
    ) -> Result<Page<Design>, RepoError> {
        let mut query = Entity::find()
            .order_by_asc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.gt(after.to_string()));
        }
        if let Some(category) = &filter.category {
            query = query.filter(Column::Category.eq(category.clone()));
        }
        if let Some(collection) = &filter.collection {
            query = query.filter(Column::Collection.eq(collection.clone()));
        }
        let designs = query
            .all(db)
            .await?
            .into_iter()
            .map(into_design)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(designs, page.limit, |d| d.id))
    }

    /// Writes the design's whole new state if it is still at `expected_version`.
    #[tracing::instrument(name = "designs.replace", skip(db, new))]
    pub async fn replace(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
        expected_version: Option<i32>,
        new: &NewDesign,
    ) -> Result<Design, RepoError> {
        let update = Entity::update_many()
            .filter(Column::Id.eq(id.to_string()))
            .col_expr(Column::Code, Expr::value(new.code.clone()))
            .col_expr(Column::Name, Expr::value(new.name.clone()))
            .col_expr(Column::Category, Expr::value(new.category.clone()))
            .col_expr(Column::Collection, Expr::value(new.collection.clone()))
            .col_expr(Column::Description, Expr::value(new.description.clone()))
            .col_expr(Column::Images, Expr::value(images_json(&new.images)))
            .col_expr(
                Column::MakingMode,
                Expr::value(new.making.map(|m| m.mode().as_str().to_owned())),
            )
            .col_expr(
                Column::MakingValue,
                Expr::value(new.making.map(MakingCharge::hundredths)),
            )
            .col_expr(
                Column::Wastage,
                Expr::value(new.wastage.map(Percent::units)),
            );
        let result = versioned(update, Column::Version, Column::UpdatedAt, expected_version)
            .exec(db)
            .await
            .on_unique("code")?;
        if result.rows_affected == 0 {
            return Err(unchanged_because(Self::get(db, id).await?.is_some()));
        }
        Self::get(db, id).await?.ok_or(RepoError::NotFound)
    }
}

pub(crate) fn images_json(images: &[String]) -> String {
    serde_json::Value::from(images.to_vec()).to_string()
}

pub(crate) fn images_of(id: &str, json: &str) -> Result<Vec<String>, RepoError> {
    serde_json::from_str(json)
        .map_err(|e| RepoError::Database(sea_orm::DbErr::Type(format!("images of {id}: {e}"))))
}

fn into_design(model: Model) -> Result<Design, RepoError> {
    let making = match (&model.making_mode, model.making_value) {
        (Some(mode), Some(value)) => Some(MakingCharge::from_parts(
            MakingMode::parse(mode).ok_or_else(|| {
                RepoError::Database(sea_orm::DbErr::Type(format!(
                    "design {}: stored making mode {mode:?}",
                    model.id
                )))
            })?,
            value,
        )),
        _ => None,
    };
    Ok(Design {
        id: uuid_of(&model.id)?,
        images: images_of(&model.id, &model.images)?,
        code: model.code,
        name: model.name,
        category: model.category,
        collection: model.collection,
        description: model.description,
        making,
        wastage: model.wastage.map(Percent::from_units),
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
