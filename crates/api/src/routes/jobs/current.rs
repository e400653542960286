//! Job cards as they are now, for the changes feed.

use futures_util::future::LocalBoxFuture;
use jewel_domain::change_feed::ChangeKind;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::wire::changes::{Now, Reader, shown};
use crate::state::AppState;
use jewel_persistence::repos::jobs::Jobs;

use super::cards::{Days, view};

/// The readers of this capability's kinds.
pub fn change_readers() -> Vec<(ChangeKind, Reader)> {
    vec![(ChangeKind::Job, job_now)]
}

fn job_now<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    id: uuid::Uuid,
) -> LocalBoxFuture<'a, Result<Now, ApiError>> {
    Box::pin(async move {
        match Jobs::get(state.database.connection(), id).await? {
            Some(job) if caller.acts_in(job.branch_id) => {
                shown(view(state, &job, &mut Days::default()).await?)
            }
            Some(_) => Ok(Now::OutOfScope),
            None => Ok(Now::Gone),
        }
    })
}
