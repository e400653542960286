//! Gift vouchers: the register looked up by code at the counter (wrong
//! codes counted per caller: the sixth within 15 minutes is 429), by the
//! customer it was sold or given to, or by the bill it was sold on (where
//! the codes of a bill's voucher lines are read once it is paid); each
//! voucher's ledger; and a customer's own under `/api/v1/me`.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use jewel_domain::Page;
use jewel_domain::gift_voucher::{
    GiftVoucher, VoucherCode, VoucherEntry, VoucherEntryKind, VoucherOrigin, VoucherStatus,
};
use jewel_persistence::repos::gift_vouchers::{GiftVouchers, VoucherFilter};
use jewel_persistence::repos::invoices::Invoices;
use jewel_services::Actor;
use jewel_services::billing::gift_vouchers::{guesser, look_up};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::routes::wire::{MoneyText, Paged, Pagination, SignedMoneyText};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_vouchers)
        .service(voucher_entries)
        .service(my_vouchers);
}

wire_enum! {
    /// How a voucher came to be: `sold` on a bill, or given as an occasion `reward`.
    VoucherOriginName mirrors VoucherOrigin { Sold = "sold", Reward = "reward" }
}

wire_enum! {
    /// What a ledger entry records: `issued` (its value), `redeemed` on a
    /// bill, `restored` when that bill was cancelled, `voided` when the bill
    /// it was sold on was.
    VoucherEntryKindName mirrors VoucherEntryKind {
        Issued = "issued", Redeemed = "redeemed", Restored = "restored", Voided = "voided",
    }
}

/// Where a voucher stands now: `active`, `spent`, `expired` or `voided`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoucherStatusName {
    Active,
    Spent,
    Expired,
    Voided,
}

impl From<VoucherStatus> for VoucherStatusName {
    fn from(status: VoucherStatus) -> Self {
        match status {
            VoucherStatus::Active => Self::Active,
            VoucherStatus::Spent => Self::Spent,
            VoucherStatus::Expired => Self::Expired,
            VoucherStatus::Voided => Self::Voided,
        }
    }
}

/// A gift voucher.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-aaaa-7000-8000-00000000000a", "code": "7KQ4XWN2M9TB", "codeEnding": "M9TB",
    "origin": "sold", "status": "active", "value": "5000.00", "balance": "1999.00",
    "customerId": "01936f0e-5555-7000-8000-000000000005",
    "invoiceId": "01936f0e-8888-7000-8000-000000000008",
    "invoiceLineId": "01936f0e-8888-7000-8000-000000000009",
    "issuedAt": "2026-12-06T10:15:00Z", "expiresAt": "2027-12-06T10:15:00Z"
}))]
pub struct GiftVoucherView {
    id: uuid::Uuid,
    /// What the bearer gives as the `reference` of a `gift_voucher`
    /// payment; shown to whoever has it already (a look-up by code), to
    /// its customer at `/me`, and with the bill it was sold on to staff of
    /// that bill's branch; `null` otherwise, so that no list hands out
    /// codes to spend.
    #[schema(min_length = 12, max_length = 12, pattern = "^[2-9A-HJ-NP-Z]{12}$")]
    code: Option<String>,
    /// The code's last four symbols, always.
    #[schema(min_length = 4, max_length = 4, pattern = "^[2-9A-HJ-NP-Z]{4}$")]
    code_ending: String,
    origin: VoucherOriginName,
    status: VoucherStatusName,
    #[schema(value_type = MoneyText)]
    value: String,
    /// What is left to spend.
    #[schema(value_type = MoneyText)]
    balance: String,
    /// Whom it was sold or given to.
    customer_id: Option<uuid::Uuid>,
    /// The bill and line it was sold on.
    invoice_id: Option<uuid::Uuid>,
    invoice_line_id: Option<uuid::Uuid>,
    issued_at: DateTime<Utc>,
    /// From this moment nothing of it can be spent.
    expires_at: DateTime<Utc>,
}

impl GiftVoucherView {
    pub(super) fn of(v: GiftVoucher, now: DateTime<Utc>, shown: bool) -> Self {
        let code = v.code.as_str();
        Self {
            id: v.id,
            status: v.status(now).into(),
            code: shown.then(|| code.to_owned()),
            code_ending: code[code.len().saturating_sub(4)..].to_owned(),
            origin: v.origin.into(),
            value: v.value.to_string(),
            balance: v.balance.to_string(),
            customer_id: v.customer_id,
            invoice_id: v.invoice_id,
            invoice_line_id: v.invoice_line_id,
            issued_at: v.issued_at,
            expires_at: v.expires_at,
        }
    }
}

/// One entry of a voucher's ledger.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-7777-7000-8000-000000000007",
    "voucherId": "01936f0e-aaaa-7000-8000-00000000000a",
    "kind": "redeemed", "amount": "-3001.00",
    "invoiceId": "01936f0e-8888-7000-8000-000000000010",
    "reason": "Paid on invoice MDS1/2026-27/000042",
    "actorKind": "staff", "actorId": "01936f0e-1111-7000-8000-000000000001",
    "createdAt": "2026-12-07T11:00:00Z"
}))]
pub struct VoucherEntryView {
    id: uuid::Uuid,
    voucher_id: uuid::Uuid,
    kind: VoucherEntryKindName,
    /// What it added to the balance (negative when spent or voided).
    #[schema(value_type = SignedMoneyText)]
    amount: String,
    invoice_id: Option<uuid::Uuid>,
    #[schema(max_length = 500)]
    reason: String,
    /// `staff`, `client`, `customer` or `system`.
    #[schema(max_length = 16)]
    actor_kind: String,
    actor_id: uuid::Uuid,
    created_at: DateTime<Utc>,
}

impl From<VoucherEntry> for VoucherEntryView {
    fn from(e: VoucherEntry) -> Self {
        Self {
            id: e.id,
            voucher_id: e.voucher_id,
            kind: e.kind.into(),
            amount: e.amount.to_string(),
            invoice_id: e.invoice_id,
            reason: e.reason,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            created_at: e.created_at,
        }
    }
}

/// Which vouchers to list: one by its code, or those of a customer or of
/// a bill.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct VoucherQuery {
    /// A voucher's code as printed (any case, dashes or spaces between
    /// groups). A code that names none counts against the caller: the
    /// sixth wrong one within 15 minutes is 429, right or not.
    #[param(
        max_length = 23,
        pattern = "^([2-9A-HJ-NP-Za-hj-np-z][ -]?){11}[2-9A-HJ-NP-Za-hj-np-z]$"
    )]
    code: Option<String>,
    customer_id: Option<uuid::Uuid>,
    invoice_id: Option<uuid::Uuid>,
}

/// A page of vouchers, their codes `shown` or withheld.
fn paged(page: Page<GiftVoucher>, shown: bool) -> Paged<GiftVoucherView> {
    let now = Utc::now();
    Paged::from_page(page, |v| GiftVoucherView::of(v, now, shown))
}

/// Gift vouchers, newest first: the one of a `code` (an empty page when
/// none has it), or those of a customer or a bill. A list shows each
/// code's last four symbols only, but the vouchers of a bill of the
/// caller's branches in full (to print them). Needs `loyalty:read`.
#[utoipa::path(
    tag = "loyalty",
    operation_id = "listGiftVouchers",
    security(("bearer" = [])),
    params(VoucherQuery, Pagination),
    responses(
        (status = 200, description = "One page of vouchers.", body = Paged<GiftVoucherView>),
        (status = 400, description = "`code` is not a voucher code (12 letters and digits without 0, 1, I or O).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes from you within 15 minutes; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/gift-vouchers")]
pub async fn list_vouchers(
    state: web::Data<AppState>,
    caller: Authorized<needs::LoyaltyRead>,
    Query(query): Query<VoucherQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<GiftVoucherView>>, ApiError> {
    let page = pagination.page()?;
    let db = state.database.connection();
    if let Some(code) = &query.code {
        let code = VoucherCode::parse("code", code)?;
        let found = look_up(db, &guesser(&Actor::from(&caller)), &code).await?;
        let items = found
            .into_iter()
            .filter(|v| query.customer_id.is_none_or(|c| v.customer_id == Some(c)))
            .filter(|v| query.invoice_id.is_none_or(|i| v.invoice_id == Some(i)))
            .collect();
        return Ok(web::Json(paged(Page { items, next: None }, true)));
    }
    // The codes of a bill's vouchers go to its branch's staff, to print.
    let shown = match query.invoice_id {
        Some(invoice) => Invoices::get(db, invoice)
            .await?
            .is_some_and(|i| caller.acts_in(i.branch_id)),
        None => false,
    };
    let filter = VoucherFilter {
        code: None,
        customer: query.customer_id,
        invoice: query.invoice_id,
    };
    Ok(web::Json(paged(
        GiftVouchers::list(db, &filter, page).await?,
        shown,
    )))
}

/// A voucher's ledger, newest first; its balance is their sum. Needs
/// `loyalty:read`.
#[utoipa::path(
    tag = "loyalty",
    operation_id = "listGiftVoucherEntries",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The voucher's id"), Pagination),
    responses(
        (status = 200, description = "One page of entries.", body = Paged<VoucherEntryView>),
        (status = 404, description = "No such voucher.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/gift-vouchers/{id}/entries")]
pub async fn voucher_entries(
    state: web::Data<AppState>,
    _caller: Authorized<needs::LoyaltyRead>,
    id: web::Path<uuid::Uuid>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<VoucherEntryView>>, ApiError> {
    let page = pagination.page()?;
    let db = state.database.connection();
    GiftVouchers::get(db, *id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let entries = GiftVouchers::entries(db, *id, page).await?;
    Ok(web::Json(Paged::from_page(entries, VoucherEntryView::from)))
}

/// Your own gift vouchers, newest first: those sold to you and those
/// given to you (customers only; staff and API clients get 403).
#[utoipa::path(
    tag = "me",
    operation_id = "listMyGiftVouchers",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "One page of your vouchers.", body = Paged<GiftVoucherView>))
)]
#[get("/api/v1/me/gift-vouchers")]
pub async fn my_vouchers(
    state: web::Data<AppState>,
    caller: Caller,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<GiftVoucherView>>, ApiError> {
    let id = caller.customer()?;
    let filter = VoucherFilter {
        customer: Some(id),
        ..VoucherFilter::default()
    };
    let page = GiftVouchers::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(paged(page, true)))
}
