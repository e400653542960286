//! A customer as it is now, for the changes feed.

use futures_util::future::LocalBoxFuture;
use jewel_domain::change_feed::ChangeKind;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::wire::changes::{Now, Reader, shown};
use crate::state::AppState;
use jewel_services::crm::CrmError;

use crate::routes::wire::customer::CustomerView;

/// The readers of this capability's kinds.
pub fn change_readers() -> Vec<(ChangeKind, Reader)> {
    vec![(ChangeKind::Customer, customer_now)]
}

fn customer_now<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    id: uuid::Uuid,
) -> LocalBoxFuture<'a, Result<Now, ApiError>> {
    Box::pin(async move {
        match jewel_services::crm::live_customer(state.database.connection(), id).await {
            Ok(customer) => shown(CustomerView::for_caller(caller, customer, &state.sealer)?),
            Err(CrmError::Merged { survivor }) => Ok(Now::Merged(survivor)),
            Err(CrmError::NotFound) => Ok(Now::Gone),
            Err(error) => Err(error.into()),
        }
    })
}
