//! Merging a duplicate customer into the one who stays. Everything that
//! belongs to the duplicate moves (the tables listed in
//! `persistence::repos::customer_records`), the survivor gains what only
//! the duplicate knew, and the duplicate's id answers 410 pointing at the
//! survivor from then on.

use actix_web::{HttpRequest, post, web};
use jewel_domain::customer::absorb;
use jewel_services::crm::merge;
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{CustomerFields, CustomerView, MergedProblem, give_up};
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
    let mut unit = state.unit(&caller);
    let (survivor, duplicate) =
        merge::merge_pair(&unit, id.into_inner(), body.duplicate_id).await?;
    let absorbed = absorb(&survivor, &duplicate);
    let new =
        CustomerFields::of(&absorbed, &state.sealer)?.check(state.home_country, &state.sealer)?;
    if body.dry_run {
        return Ok(web::Json(MergeReport {
            dry_run: true,
            survivor_id: survivor.id,
            duplicate_id: duplicate.id,
            moved: merge::would_move(&unit, &duplicate).await?,
            survivor: CustomerView::for_caller(&caller, absorbed, &state.sealer)?,
        }));
    }
    let merged = match merge::merge(&mut unit, &survivor, &duplicate, expected_version, &new).await
    {
        Ok(merged) => merged,
        Err(error) => return Err(give_up(&state, &caller, unit, error, true).await),
    };
    crate::auth::sessions::revoke_customer(&state, unit.txn().await?, duplicate.id).await?;
    unit.commit().await?;
    Ok(web::Json(MergeReport {
        dry_run: false,
        survivor_id: survivor.id,
        duplicate_id: duplicate.id,
        moved: merged.moved,
        survivor: CustomerView::for_caller(&caller, merged.survivor, &state.sealer)?,
    }))
}
