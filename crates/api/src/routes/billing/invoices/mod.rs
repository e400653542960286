//! Invoices: a draft is put together from pieces, lots and services, each
//! priced by the engine at the rates in force (its snapshot kept on the
//! line), with line and bill discounts and GST by the place of supply.
//! Issuing, payments and cancelling are in `invoice_actions`.
//! The wire types are in `dto` and `views`, pricing a draft in `drafting`.

mod drafting;
mod views;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use jewel_domain::invoice::Invoice;
use jewel_persistence::repos::invoices::{InvoiceFilter, Invoices};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::idempotency::{self, Answer, IdempotentJson};
pub use crate::routes::billing::dto::invoices::*;
use crate::routes::{wire::Paged, wire::Pagination, wire::with_etag};
use crate::state::AppState;

use drafting::create;
pub(crate) use drafting::{Pricing, priced_draft};
pub use views::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_invoice)
        .service(list_invoices)
        .service(get_invoice)
        .service(my_invoices)
        .service(my_invoice);
}

/// Create a draft invoice: each line priced at the rates in force (the
/// snapshot is kept on the line), line and bill discounts, GST by the
/// place of supply (CGST + SGST in the branch's state, IGST otherwise), one
/// round-off. No number yet and stock untouched: issuing does both. A
/// discount beyond the caller's role limit marks the draft for a manager's
/// approval. Errors name `lines[i].field`. Needs `sales:write` in the branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "createInvoice",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = NewInvoice,
    responses(
        (status = 201, description = "The draft, priced.", body = InvoiceView),
        (status = 409, description = "A piece is not in stock (`lines[i].pieceId`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A line is not valid: unknown piece or lot, no rate for its metal, HUID pending, a discount beyond its base; a scheme's making waiver refused (`schemeEnrolmentId`: not the customer's, not matured, lapsed, no waiver; `discount` or `lines[i].discount` beside it).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/invoices")]
pub async fn create_invoice(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesWrite>,
    request: IdempotentJson<NewInvoice>,
) -> Result<HttpResponse, ApiError> {
    idempotency::once(&state, &caller, request.key, || async {
        let invoice = create(&state, &caller, request.body).await?;
        Answer::new(
            StatusCode::CREATED,
            Some(format!("/api/v1/invoices/{}", invoice.id)),
            &InvoiceView::of(&invoice),
        )
    })
    .await
}

/// An invoice the caller may see: one of its branches.
pub(crate) async fn visible_invoice(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<Invoice, ApiError> {
    Invoices::get(state.database.connection(), id)
        .await?
        .filter(|i| caller.acts_in(i.branch_id))
        .ok_or(ApiError::NotFound)
}

/// Read an invoice with its full breakup and payments; its `ETag` is its
/// version. Needs `sales:read` in its branch.
#[utoipa::path(
    tag = "invoices",
    operation_id = "getInvoice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The invoice's id")),
    responses((status = 200, description = "The invoice.", body = InvoiceView))
)]
#[get("/api/v1/invoices/{id}")]
pub async fn get_invoice(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let invoice = visible_invoice(&state, &caller, *id).await?;
    Ok(with_etag(invoice.version, InvoiceView::of(&invoice)))
}

/// List invoices, newest first, in the caller's branches; filter by
/// branch, customer, status and when they were issued. With `issuedFrom` or
/// `issuedTo` the newest is the last issued (drafts have no issue time and
/// are left out), else the last drafted. Needs `sales:read`.
#[utoipa::path(
    tag = "invoices",
    operation_id = "listInvoices",
    security(("bearer" = [])),
    params(InvoiceQuery, Pagination),
    responses((status = 200, description = "A page of invoices.", body = Paged<InvoiceView>))
)]
#[get("/api/v1/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    caller: Authorized<needs::SalesRead>,
    Query(query): Query<InvoiceQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<InvoiceView>>, ApiError> {
    let branches = match (caller.branch_scope(), query.branch_id) {
        (_, Some(branch)) if !caller.acts_in(branch) => Some(Vec::new()),
        (_, Some(branch)) => Some(vec![branch]),
        (Some(scope), None) => Some(scope.to_vec()),
        (None, None) => None,
    };
    let filter = InvoiceFilter {
        branches,
        customer_id: query.customer_id,
        status: query.status.map(Into::into),
        issued_from: query.issued_from,
        issued_to: query.issued_to,
        issued_only: false,
    };
    let page = Invoices::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, |i| InvoiceView::of(&i))))
}

/// Your own bills (customers logged in with `POST /api/v1/auth/customer-login`),
/// newest first: issued, paid, cancelled; never drafts. Staff and API
/// clients get 403 here.
#[utoipa::path(
    tag = "me",
    operation_id = "listMyInvoices",
    security(("bearer" = [])),
    params(Pagination),
    responses((status = 200, description = "A page of your invoices.", body = Paged<InvoiceView>))
)]
#[get("/api/v1/me/invoices")]
pub async fn my_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<InvoiceView>>, ApiError> {
    let filter = InvoiceFilter {
        customer_id: Some(caller.customer()?),
        issued_only: true,
        ..InvoiceFilter::default()
    };
    let page = Invoices::list(state.database.connection(), &filter, pagination.page()?).await?;
    Ok(web::Json(Paged::from_page(page, |i| InvoiceView::of(&i))))
}

/// One of your own bills with its full breakup and payments; anyone
/// else's is 404.
#[utoipa::path(
    tag = "me",
    operation_id = "getMyInvoice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The invoice's id")),
    responses((status = 200, description = "The invoice.", body = InvoiceView))
)]
#[get("/api/v1/me/invoices/{id}")]
pub async fn my_invoice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let me = caller.customer()?;
    let invoice = Invoices::get(state.database.connection(), *id)
        .await?
        .filter(|i| i.customer_id == Some(me) && i.number.is_some())
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(invoice.version, InvoiceView::of(&invoice)))
}
