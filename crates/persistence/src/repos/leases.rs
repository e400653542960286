//! What the repos of leased workers share (messages, campaigns, webhook
//! deliveries, import jobs): the ids of the rows due, oldest first, and
//! taking one by a conditional update that one worker wins.

use sea_orm::sea_query::IntoCondition;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, UpdateMany,
};

use crate::error::{RepoError, uuid_of};

/// The ids (column `id`) of up to `limit` rows of `E` meeting `due`,
/// earliest `by` first.
pub(crate) async fn due_ids<E: EntityTrait>(
    db: &impl ConnectionTrait,
    (id, by): (E::Column, E::Column),
    due: impl IntoCondition,
    limit: u64,
) -> Result<Vec<uuid::Uuid>, RepoError> {
    E::find()
        .select_only()
        .column(id)
        .filter(due)
        .order_by_asc(by)
        .limit(limit)
        .into_tuple::<String>()
        .all(db)
        .await?
        .iter()
        .map(|id| uuid_of(id))
        .collect()
}

/// Runs `update` (which sets the lease) on row `key` if it still meets
/// `due`; whether this worker won it.
pub(crate) async fn take<E: EntityTrait>(
    db: &impl ConnectionTrait,
    update: UpdateMany<E>,
    (id, key): (E::Column, uuid::Uuid),
    due: impl IntoCondition,
) -> Result<bool, RepoError> {
    let taken = update
        .filter(id.eq(key.to_string()))
        .filter(due)
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}
