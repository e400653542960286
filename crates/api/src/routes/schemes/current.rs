//! Scheme enrolments as they are now, for the changes feed.

use futures_util::future::LocalBoxFuture;
use jewel_domain::change_feed::ChangeKind;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::wire::changes::{Now, Reader, shown};
use crate::state::AppState;
use jewel_persistence::repos::schemes::Schemes;

use super::enrolments::passbook;

/// The readers of this capability's kinds.
pub fn change_readers() -> Vec<(ChangeKind, Reader)> {
    vec![(ChangeKind::SchemeEnrolment, enrolment_now)]
}

/// An enrolment as its passbook.
fn enrolment_now<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    id: uuid::Uuid,
) -> LocalBoxFuture<'a, Result<Now, ApiError>> {
    Box::pin(async move {
        match Schemes::enrolment(state.database.connection(), id).await? {
            Some(e) if caller.acts_in(e.branch_id) => shown(passbook(state, &e).await?),
            Some(_) => Ok(Now::OutOfScope),
            None => Ok(Now::Gone),
        }
    })
}
