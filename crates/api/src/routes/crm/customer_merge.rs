//! Merging a duplicate customer into the one who stays. Everything that
//! belongs to the duplicate moves (the tables listed in
//! `persistence::repos::customer_records`), the survivor gains what only
//! the duplicate knew, and the duplicate's id answers 410 pointing at the
//! survivor from then on.

use actix_web::{HttpRequest, post, web};
use jewel_domain::Invalid;
use jewel_domain::customer::absorb;
use jewel_persistence::RepoError;
use jewel_persistence::repos::consents::Consents;
use jewel_persistence::repos::customer_records;
use jewel_persistence::repos::customers::Customers;
use jewel_services::crm::CustomerRecord;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{CustomerFields, CustomerView, MergedProblem, changeable_customer, taken};
use super::dto::customer_merge::{MergeReport, MergeRequest};
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::wire::if_match;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(merge_customer);
}

/// Merge a duplicate into this customer. Needs `customers:merge`; honours
/// `If-Match` (the survivor's version).
///
/// With `dryRun` it reports what would move and changes nothing. Otherwise,
/// in one transaction: every record of the duplicate moves to the survivor,
/// the survivor's empty fields take the duplicate's values (its mobile
/// becomes one of the other phones, tags and preferences are united, notes
/// joined), consents the survivor never decided are adopted, the duplicate
/// is archived with `mergedIntoId` set and its login switched off, and the
/// merge is audited. The duplicate's id then answers 410 with `mergedInto`.
#[utoipa::path(
    tag = "customers",
    operation_id = "mergeCustomer",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The customer who stays"),
        ("If-Match" = Option<String>, Header, max_length = 16, pattern = r#"^(W/)?"[0-9]+"$"#, description = "The survivor's ETag, such as \"3\"")
    ),
    request_body = MergeRequest,
    responses(
        (status = 200, description = "Merged, or what a merge would do.", body = MergeReport),
        (status = 409, description = "The duplicate was merged by someone else first, or one of the two was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The survivor was itself merged into another customer.", body = MergedProblem, content_type = "application/problem+json"),
        (status = 412, description = "The survivor changed since you read it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/customers/{id}/merge")]
pub async fn merge_customer(
    state: web::Data<AppState>,
    caller: Authorized<needs::CustomersMerge>,
    req: HttpRequest,
    id: web::Path<uuid::Uuid>,
    Json(body): Json<MergeRequest>,
) -> Result<web::Json<MergeReport>, ApiError> {
    let expected_version = if_match(&req)?;
    let survivor_id = id.into_inner();
    if body.duplicate_id == survivor_id {
        return Err(Invalid::field(
            "duplicateId",
            "same_customer",
            "a customer cannot be merged into themselves",
        )
        .into());
    }
    let db = state.database.connection();
    let survivor = changeable_customer(db, survivor_id).await?;
    let duplicate = match changeable_customer(db, body.duplicate_id).await {
        Err(ApiError::NotFound) => {
            return Err(Invalid::field("duplicateId", "not_found", "no such customer").into());
        }
        Err(ApiError::Merged { survivor }) => {
            return Err(ApiError::Conflict {
                detail: format!("the duplicate was already merged into {survivor}"),
                errors: Vec::new(),
            });
        }
        other => other?,
    };
    let merged = absorb(&survivor, &duplicate);
    let new =
        CustomerFields::of(&merged, &state.sealer)?.check(state.home_country, &state.sealer)?;

    if body.dry_run {
        let moved = customer_records::count(db, duplicate.id).await?;
        return Ok(web::Json(MergeReport {
            dry_run: true,
            survivor_id,
            duplicate_id: duplicate.id,
            moved: moved.into_iter().collect(),
            survivor: CustomerView::for_caller(&caller, merged, &state.sealer)?,
        }));
    }

    let mut unit = state.unit(&caller);
    let transaction = unit.txn().await?;
    // First, so that of two merges racing for one duplicate exactly one wins.
    if !Customers::mark_merged(transaction, duplicate.id, survivor_id).await? {
        unit.rollback().await?;
        return Err(ApiError::Conflict {
            detail: "the duplicate was merged or erased by someone else a moment ago".to_owned(),
            errors: Vec::new(),
        });
    }
    crate::auth::sessions::revoke_customer(&state, transaction, duplicate.id).await?;
    let moved = customer_records::reassign(transaction, duplicate.id, survivor_id).await?;
    for customer in [duplicate.id, survivor_id] {
        jewel_persistence::repos::invoices::Invoices::refresh_purchases(transaction, customer)
            .await?;
    }
    Consents::adopt(transaction, duplicate.id, survivor_id).await?;
    let after = match Customers::replace(transaction, survivor_id, expected_version, &new).await {
        Err(error @ RepoError::Taken { .. }) => {
            unit.rollback().await?;
            return Err(taken(db, error, &new, true).await);
        }
        other => other?,
    };
    let report = MergeReport {
        dry_run: false,
        survivor_id,
        duplicate_id: duplicate.id,
        moved: moved.into_iter().collect(),
        survivor: CustomerView::from(after.clone()),
    };
    let before = (
        CustomerRecord::from(&survivor),
        CustomerRecord::from(&duplicate),
    );
    unit.audit(
        "merge",
        "customer",
        survivor_id,
        Some(&serde_json::json!({"survivor": before.0, "duplicate": before.1})),
        Some(&serde_json::json!({"survivor": CustomerRecord::from(&after), "moved": report.moved})),
    )?;
    unit.audit(
        "merged_into",
        "customer",
        report.duplicate_id,
        None,
        Some(&serde_json::json!({"mergedInto": survivor_id})),
    )?;
    unit.emit(&jewel_services::crm::events::CustomerMerged {
        customer_id: report.duplicate_id,
        survivor_id,
    })?;
    unit.commit().await?;
    Ok(web::Json(MergeReport {
        survivor: CustomerView::for_caller(&caller, after, &state.sealer)?,
        ..report
    }))
}
