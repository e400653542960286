//! Upserts by another system's id: the work in a unit, committed; once
//! more, in a new unit, when it failed for a reason another request with
//! the same new id may have caused (it made the record first: the second
//! try finds and changes it).

use futures_util::future::BoxFuture;
use jewel_domain::external_ref::ExternalRef;
use jewel_services::Unit;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// The system and id of a path: 400 naming the one that is malformed (as
/// any malformed path or query parameter is).
pub fn external_ref(system: &str, id: &str) -> Result<ExternalRef, ApiError> {
    ExternalRef::parse(system, id).map_err(|invalid| {
        let error = invalid.into_errors().remove(0);
        ApiError::bad_field(
            format!("{} is malformed", error.field),
            error.field,
            error.code,
            error.message,
        )
    })
}

/// What an upsert came to: done and committed, or refused (the unit, not
/// yet rolled back, and why, for the caller to tell).
pub enum Upserted<T, E> {
    Done(T),
    Refused(Box<Unit>, E),
}

/// Runs `work` in a unit of `caller`'s and commits it; tries once more
/// when `raced` says the failure may be another request's doing.
pub async fn once_more_if_raced<T, E>(
    state: &AppState,
    caller: &Caller,
    raced: fn(&E) -> bool,
    mut work: impl for<'u> FnMut(&'u mut Unit) -> BoxFuture<'u, Result<T, E>>,
) -> Result<Upserted<T, E>, ApiError> {
    let mut tries = 0;
    loop {
        tries += 1;
        let mut unit = state.unit(caller);
        match work(&mut unit).await {
            Ok(done) => match unit.commit().await {
                Ok(()) => return Ok(Upserted::Done(done)),
                Err(error) if tries == 1 => {
                    tracing::info!(%error, "an upsert raced another; trying again");
                }
                Err(error) => return Err(error.into()),
            },
            Err(error) if tries == 1 && raced(&error) => unit.rollback().await?,
            Err(error) => return Ok(Upserted::Refused(Box::new(unit), error)),
        }
    }
}
