//! The wire types of customers' own routes: the problems particular to
//! customers, creating one, a customer's login. The customer's fields and
//! view (`CustomerFields`, `CustomerView`, ...) are in
//! `routes::wire::customer`, since identity's logins show them too.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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

/// Query parameters of `createCustomer`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct CreateCustomerParams {
    /// `true` adds the customer even though others look like them (the
    /// 409 `likely-duplicate` answer lists them); a taken mobile is 409 all the same.
    #[param(example = false)]
    pub(crate) confirm_not_duplicate: Option<bool>,
}

/// A password for a customer's self-service login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"password": "my jewellery passbook"}))]
pub struct CustomerLoginRequest {
    #[schema(min_length = 10, max_length = 128, format = Password)]
    pub(crate) password: String,
}
