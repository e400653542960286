//! Data-subject rights: everything held about one customer as JSON, and
//! erasure of the person's identity (owner only), keeping what the law
//! requires (tax records) with no one's name on it.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use jewel_domain::PageRequest;
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::audit::{AuditFilter, AuditTrail};
use jewel_persistence::repos::consents::Consents;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::interactions::Interactions;
use jewel_persistence::repos::tasks::Tasks;
use jewel_persistence::repos::wish_list::WishList;
use jewel_services::crm::merge;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{CustomerView, MergedProblem, changeable_customer, live_customer};
use super::dto::customer_data::{CustomerDataExport, ErasureReport};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::routes::crm::dto::interactions::InteractionView;
use crate::routes::wire::audit::AuditEventView;
use crate::routes::{wire::if_match, wire::with_etag};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_customer_data)
        .service(export_my_data)
        .service(erase_customer);
}

async fn export(
    db: &impl ConnectionTrait,
    customer: jewel_domain::customer::Customer,
    sealer: &crate::sealing::Sealer,
) -> Result<CustomerDataExport, ApiError> {
    let id = customer.id;
    let mut interactions = Vec::new();
    let mut page = PageRequest {
        after: None,
        limit: PageRequest::MAX_LIMIT,
    };
    loop {
        let batch = Interactions::timeline(db, id, page).await?;
        interactions.extend(batch.items.into_iter().map(InteractionView::from));
        match batch.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    let mut audit_trail = Vec::new();
    let filter = AuditFilter {
        entity_type: Some("customer".to_owned()),
        entity_id: Some(id.to_string()),
        ..AuditFilter::default()
    };
    let mut page = PageRequest {
        after: None,
        limit: PageRequest::MAX_LIMIT,
    };
    loop {
        let batch = AuditTrail::list(db, &filter, page).await?;
        audit_trail.extend(batch.items.into_iter().map(AuditEventView::from));
        match batch.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    Ok(CustomerDataExport {
        exported_at: Utc::now(),
        consents: Consents::current(db, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        consent_history: Consents::history(db, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        interactions,
        tasks: Tasks::of_customer(db, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        wish_list: WishList::of(db, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        audit_trail,
        customer: CustomerView::revealing_pan(customer, sealer)?,
    })
}

/// Everything held about a customer, as JSON (data-subject access).
/// Needs `customers:kyc` (owner, manager, accountant).
#[utoipa::path(
    tag = "customers",
    operation_id = "exportCustomerData",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "The customer's data; `Content-Disposition` names a file.", body = CustomerDataExport),
        (status = 410, description = "Merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
    )
)]
#[get("/api/v1/customers/{id}/data-export")]
pub async fn export_customer_data(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersKyc>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let db = state.database.connection();
    let customer = live_customer(db, id.into_inner()).await?;
    let data = export(db, customer, &state.sealer).await?;
    crate::audit::record::<()>(
        db,
        &caller,
        "data_export",
        "customer",
        data.customer_id(),
        None,
        None,
    )
    .await?;
    Ok(attachment(&data))
}

/// Everything held about you, as JSON (customers only).
#[utoipa::path(
    tag = "me",
    operation_id = "exportMyData",
    security(("bearer" = [])),
    responses((status = 200, description = "Your data; `Content-Disposition` names a file.", body = CustomerDataExport))
)]
#[get("/api/v1/me/data-export")]
pub async fn export_my_data(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let id = caller.customer()?;
    let db = state.database.connection();
    let customer = Customers::get(db, id).await?.ok_or(ApiError::NotFound)?;
    Ok(attachment(&export(db, customer, &state.sealer).await?))
}

fn attachment(data: &CustomerDataExport) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"customer-{}.json\"",
                data.customer_id()
            ),
        ))
        .json(data)
}

/// Erase a customer's personal data (data-subject erasure). Needs
/// `customers:erase` (the owner alone); honours `If-Match`.
///
/// In one transaction: name, mobile, e-mail, dates, PAN, addresses,
/// preferences, notes, phones, tags, the login and standing consents are
/// removed; interactions, tasks and the wish list are deleted; the audit
/// trail keeps who did what and when but loses the record's contents. The
/// record and its id stay, archived, for what the law keeps (tax invoices,
/// and the consent history as evidence), with no one's identity in them.
#[utoipa::path(
    tag = "customers",
    operation_id = "eraseCustomer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer's id"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The ETag you read, such as \"3\"")
    ),
    responses(
        (status = 200, description = "Erased.", body = ErasureReport),
        (status = 409, description = "Already erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Merged into another customer: erase the survivor.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/erase")]
pub async fn erase_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersErase>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let expected_version = if_match(&req)?;
    let customer = changeable_customer(state.database.connection(), id.into_inner()).await?;
    let mut unit = state.unit(&caller);
    let erased = merge::erase(&mut unit, &customer, expected_version).await?;
    crate::auth::sessions::revoke_customer(&state, unit.txn().await?, customer.id).await?;
    unit.commit().await?;
    let report = ErasureReport {
        customer: CustomerView::from(erased.customer),
        deleted: erased.deleted,
        redacted_audit_events: erased.redacted_audit_events,
    };
    let version = report.customer.version;
    Ok(with_etag(version, report))
}
