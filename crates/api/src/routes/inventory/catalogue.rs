//! The catalogue: pieces in the caller's branches, filtered (live price
//! among them) and sorted, a page at a time.

use actix_web::{get, web};
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal::Metal;
use jewel_domain::pricing::LinearPrice;
use jewel_domain::{Invalid, Page, PageRequest};
use jewel_persistence::repos::pieces::{PieceFilter, PieceSort, Pieces, PriceBand};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::catalogue::PieceQuery;
use super::piece_price::live_total;
use crate::auth::caller::{Authorized, needs};
use crate::error::ApiError;
use crate::extract::Query;
use crate::rates::current_rates;
use crate::routes::inventory::dto::pieces::PieceView;
use crate::routes::{wire::Paged, wire::Pagination};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_pieces);
}

/// An amount in a query parameter.
fn money(field: &str, text: &Option<String>) -> Result<Option<Money>, ApiError> {
    text.as_deref()
        .map(|t| Money::parse(field, t))
        .transpose()
        .map_err(bad_parameter)
}

/// The taxable-value band in which the live total can fall between `min`
/// and `max`, widened for rounding (see `LinearPrice`).
fn price_band(gst: Percent, min: Option<Money>, max: Option<Money>) -> PriceBand {
    let taxable = |total: Money| LinearPrice::taxable_for_total(total, gst);
    PriceBand {
        min_taxable: min.map(|m| taxable(m) - LinearPrice::SLACK_PAISE),
        max_taxable: max.map(|m| taxable(m) + LinearPrice::SLACK_PAISE),
    }
}

/// A query parameter's parse failure as a 400 naming it.
fn bad_parameter(invalid: Invalid) -> ApiError {
    let error = invalid.into_errors().remove(0);
    ApiError::bad_field(
        format!("{} {}", error.field, error.message),
        error.field,
        error.code,
        error.message,
    )
}

/// List pieces in the caller's branches, filtered. Needs `inventory:read`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "listPieces",
    security(("bearer" = [])),
    params(PieceQuery, Pagination),
    responses((status = 200, description = "One page of pieces.", body = Paged<PieceView>))
)]
#[get("/api/v1/pieces")]
pub async fn list_pieces(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    Query(query): Query<PieceQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<PieceView>>, ApiError> {
    let weight = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| Weight::parse(field, t))
            .transpose()
            .map_err(bad_parameter)
    };
    let branches = match (caller.branch_scope(), query.branch_id) {
        (None, None) => None,
        (None, Some(branch)) => Some(vec![branch]),
        (Some(scope), None) => Some(scope.to_vec()),
        (Some(scope), Some(branch)) => {
            Some(scope.iter().copied().filter(|b| *b == branch).collect())
        }
    };
    let filter = PieceFilter {
        branches,
        status: query.status.map(Into::into),
        category: query.category.map(|c| c.trim().to_lowercase()),
        metal: query.metal.map(Metal::from),
        fineness: query.fineness,
        design_id: query.design_id,
        min_net_weight: weight("minWeight", &query.min_weight)?,
        max_net_weight: weight("maxWeight", &query.max_weight)?,
        price_band: None,
        sort: PieceSort::Received,
    };
    let db = state.database.connection();
    state.holds.before_list(db).await?;
    let rates = current_rates(&state).await?;
    let gst = state.pricing.gst_percent;
    let page = pagination.page()?;
    let (min_price, max_price) = (
        money("minPrice", &query.min_price)?,
        money("maxPrice", &query.max_price)?,
    );
    let priced = min_price.is_some() || max_price.is_some();
    let mut filter = filter;
    if priced {
        filter.price_band = Some(price_band(gst, min_price, max_price));
    }
    filter.sort = match query.sort.as_deref() {
        // A price range reads its index in price order and stops at the page.
        None if priced => PieceSort::Price(false),
        None | Some("received") => PieceSort::Received,
        Some("weight") => PieceSort::NetWeight(false),
        Some("-weight") => PieceSort::NetWeight(true),
        Some("price") => PieceSort::Price(false),
        Some("-price") => PieceSort::Price(true),
        Some(_) => {
            return Err(ApiError::bad_field(
                "sort must be received, weight, -weight, price or -price",
                "sort",
                "invalid",
                "received, weight, -weight, price or -price",
            ));
        }
    };
    if priced || matches!(filter.sort, PieceSort::Price(_)) {
        state.price_keys.follow(db, &rates).await?;
    }
    // The band is coarse: price each candidate exactly, reading on until
    // the page is full or the pieces run out. A batch is a page and one
    // more, so a page whose candidates all fall in the range (or any page
    // without a range) is read with one statement: the one more says
    // whether a next page exists.
    let mut kept = Vec::new();
    let mut after = page.after;
    loop {
        let batch = Pieces::list(
            db,
            &filter,
            PageRequest {
                after,
                limit: page.limit + 1,
            },
        )
        .await?;
        let exhausted = batch.next.is_none();
        after = batch.items.last().map(|p| p.id);
        for piece in batch.items {
            let total = live_total(&piece, &rates, gst);
            let in_range = total.is_some_and(|t| {
                min_price.is_none_or(|min| t >= min) && max_price.is_none_or(|max| t <= max)
            });
            if !priced || in_range {
                kept.push((piece, total));
            }
        }
        if exhausted || kept.len() as u64 > page.limit {
            break;
        }
    }
    let page = Page::from_overfetch(kept, page.limit, |(p, _)| p.id);
    Ok(web::Json(Paged::from_page(page, |(piece, total)| {
        PieceView::for_caller(piece, &caller).with_live_price(total)
    })))
}
