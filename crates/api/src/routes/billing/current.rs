//! Quotes and invoices as they are now, for the changes feed.

use futures_util::future::LocalBoxFuture;
use jewel_domain::change_feed::ChangeKind;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::wire::changes::{Now, Reader, seen, shown};
use crate::state::AppState;
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::quotes::Quotes;

use super::dto::quotes::QuoteView;
use super::invoices::InvoiceView;

/// The readers of this capability's kinds.
pub fn change_readers() -> Vec<(ChangeKind, Reader)> {
    vec![
        (ChangeKind::Quote, quote_now),
        (ChangeKind::Invoice, invoice_now),
    ]
}

fn quote_now<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    id: uuid::Uuid,
) -> LocalBoxFuture<'a, Result<Now, ApiError>> {
    Box::pin(async move {
        let found = Quotes::get(state.database.connection(), id).await?;
        seen(
            found,
            |q| caller.acts_in(q.bill.branch_id),
            |q| shown(QuoteView::of(&q)),
        )
    })
}

fn invoice_now<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    id: uuid::Uuid,
) -> LocalBoxFuture<'a, Result<Now, ApiError>> {
    Box::pin(async move {
        let found = Invoices::get(state.database.connection(), id).await?;
        seen(
            found,
            |i| caller.acts_in(i.branch_id),
            |i| shown(InvoiceView::of(&i)),
        )
    })
}
