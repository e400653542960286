//! The problems particular to customers. The customer's own wire types
//! (`CustomerFields`, `CustomerView`, ...) are in `routes::wire::customer`,
//! since identity's logins show them too.

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::Problem;
use crate::routes::wire::customer::CustomerView;

/// A 409 for a likely duplicate: the problem and the customers it resembles.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateProblem {
    #[serde(flatten)]
    problem: Problem,
    /// The customers the new one looks like (PAN masked as for the caller);
    /// only in a `likely-duplicate` problem, not when a mobile or external id
    /// is taken (`errors[0]` names the customer who has it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 20, required = false)]
    candidates: Vec<CustomerView>,
}

/// A 410 for a customer merged into another; `Location` points at the survivor.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MergedProblem {
    #[serde(flatten)]
    problem: Problem,
    /// The customer this one was merged into.
    merged_into: uuid::Uuid,
}
