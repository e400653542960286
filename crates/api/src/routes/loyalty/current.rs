//! Gift vouchers as they are now, for the changes feed.

use futures_util::future::LocalBoxFuture;
use jewel_domain::change_feed::ChangeKind;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::wire::changes::{Now, Reader, seen, shown};
use crate::state::AppState;
use jewel_persistence::repos::gift_vouchers::GiftVouchers;

use super::gift_vouchers::GiftVoucherView;

/// The readers of this capability's kinds.
pub fn change_readers() -> Vec<(ChangeKind, Reader)> {
    vec![(ChangeKind::GiftVoucher, voucher_now)]
}

/// A voucher, its code shown by its last four symbols only, as a list
/// shows it.
fn voucher_now<'a>(
    state: &'a AppState,
    _caller: &'a Caller,
    id: uuid::Uuid,
) -> LocalBoxFuture<'a, Result<Now, ApiError>> {
    Box::pin(async move {
        let found = GiftVouchers::get(state.database.connection(), id).await?;
        let now = chrono::Utc::now();
        seen(
            found,
            |_| true,
            |v| shown(GiftVoucherView::of(v, now, false)),
        )
    })
}
