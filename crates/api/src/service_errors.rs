//! How each capability's refusals read as problem+json: one `From` per
//! capability's error type, the only place its variants meet HTTP.

use jewel_domain::{FieldError, Invalid};
use jewel_services::billing::BillingError;
use jewel_services::crm::CrmError;
use jewel_services::engagement::EngagementError;
use jewel_services::identity::IdentityError;
use jewel_services::integrations::IntegrationError;
use jewel_services::inventory::InventoryError;
use jewel_services::jobs::JobError;
use jewel_services::loyalty::LoyaltyError;
use jewel_services::schemes::SchemeError;

use crate::error::ApiError;

impl From<BillingError> for ApiError {
    fn from(error: BillingError) -> Self {
        let conflict =
            |detail: String, field: String, code: &str, message: String| ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(field, code, message)],
            };
        let detail = error.to_string();
        match error {
            BillingError::WrongStatus { status, .. } => conflict(
                detail,
                "status".to_owned(),
                "wrong_status",
                format!("the invoice is {status}"),
            ),
            BillingError::ChangedMeanwhile => conflict(
                detail,
                "version".to_owned(),
                "changed",
                "changed meanwhile".to_owned(),
            ),
            BillingError::PricesExpired { .. } => {
                jewel_domain::Invalid::field("pricedAt", "prices_expired", detail).into()
            }
            BillingError::PieceGone { line } => conflict(
                detail,
                format!("lines[{line}].pieceId"),
                "not_in_stock",
                "the piece is not in stock at the branch".to_owned(),
            ),
            BillingError::PieceReserved { line } => conflict(
                detail,
                format!("lines[{line}].pieceId"),
                "reserved",
                "held for another customer".to_owned(),
            ),
            BillingError::PieceNotInStock { line, .. } => conflict(
                detail,
                format!("lines[{line}].pieceId"),
                "not_in_stock",
                "the piece is not in stock".to_owned(),
            ),
            BillingError::PieceNotSellable { line, status } => conflict(
                detail,
                format!("lines[{line}].pieceId"),
                "illegal_move",
                format!("the piece is {status}"),
            ),
            BillingError::NotEnoughOnHand { line, on_hand } => conflict(
                detail,
                format!("lines[{line}].quantity"),
                "not_enough",
                format!("{on_hand} units on hand"),
            ),
            BillingError::BranchTimezone => {
                ApiError::bad_field(detail, "timezone", "invalid", "such as Asia/Kolkata")
            }
            BillingError::NotFound => ApiError::NotFound,
            BillingError::QuoteConverted => conflict(
                detail,
                "invoiceId".to_owned(),
                "converted",
                "converted before".to_owned(),
            ),
            BillingError::VoucherSpent => conflict(
                detail,
                "lines".to_owned(),
                "gift_voucher_spent",
                "a gift voucher sold on it was spent".to_owned(),
            ),
            BillingError::TooManyGuesses { retry_after_secs } => {
                ApiError::TooManyRequests { retry_after_secs }
            }
            BillingError::HasReturns => conflict(
                detail,
                "creditNotes".to_owned(),
                "has_returns",
                "returns were taken".to_owned(),
            ),
            BillingError::Invalid(invalid) => invalid.into(),
            BillingError::Store(error) => error.into(),
            BillingError::Record(error) => error.into(),
        }
    }
}

impl From<IdentityError> for ApiError {
    fn from(error: IdentityError) -> Self {
        match error {
            IdentityError::LastOwner => ApiError::Conflict {
                detail: error.to_string(),
                errors: Vec::new(),
            },
            IdentityError::Invalid(invalid) => invalid.into(),
            IdentityError::Store(error) => error.into(),
            IdentityError::Record(error) => error.into(),
        }
    }
}

impl From<jewel_services::unit::RecordError> for ApiError {
    fn from(error: jewel_services::unit::RecordError) -> Self {
        ApiError::Internal(error.into())
    }
}

/// A piece that cannot make a move: 409 naming its status for a move no
/// piece makes, 422 for a rule of the piece (its HUID pending).
impl From<jewel_domain::piece::MoveRefused> for ApiError {
    fn from(refusal: jewel_domain::piece::MoveRefused) -> Self {
        use jewel_domain::piece::MoveRefused;

        match refusal {
            MoveRefused::Illegal { from, to } => ApiError::Conflict {
                detail: format!(
                    "a piece that is {} cannot become {}",
                    from.as_str(),
                    to.as_str()
                ),
                errors: vec![FieldError::new(
                    "status",
                    "illegal_move",
                    format!("the piece is {}", from.as_str()),
                )],
            },
            MoveRefused::Invalid(invalid) => invalid.into(),
        }
    }
}

impl From<LoyaltyError> for ApiError {
    fn from(error: LoyaltyError) -> Self {
        match error {
            LoyaltyError::NotFound => ApiError::NotFound,
            LoyaltyError::Stale => ApiError::PreconditionFailed,
            LoyaltyError::Raced => ApiError::Conflict {
                detail: error.to_string(),
                errors: Vec::new(),
            },
            LoyaltyError::Invalid(invalid) => invalid.into(),
            LoyaltyError::Store(error) => error.into(),
            LoyaltyError::Record(error) => error.into(),
        }
    }
}

impl From<SchemeError> for ApiError {
    fn from(error: SchemeError) -> Self {
        let detail = error.to_string();
        let conflict = |field: &str, code: &str, message: &str| ApiError::Conflict {
            detail: detail.clone(),
            errors: vec![FieldError::new(field, code, message)],
        };
        match error {
            SchemeError::NotFound => ApiError::NotFound,
            SchemeError::WrongStatus { status } => conflict("status", status, "not active"),
            SchemeError::PeriodPaid { .. } => conflict("period", "paid", "one instalment a period"),
            SchemeError::Matured => conflict("status", "matured", "every period is over"),
            SchemeError::ChangedMeanwhile => ApiError::Conflict {
                detail,
                errors: Vec::new(),
            },
            SchemeError::BranchTimezone => {
                ApiError::bad_field(detail, "timezone", "invalid", "such as Asia/Kolkata")
            }
            SchemeError::Invalid(invalid) => invalid.into(),
            SchemeError::Store(error) => error.into(),
            SchemeError::Record(error) => error.into(),
        }
    }
}

impl From<JobError> for ApiError {
    fn from(error: JobError) -> Self {
        let detail = error.to_string();
        match error {
            JobError::NotFound => ApiError::NotFound,
            JobError::IllegalMove { from, to } => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "status",
                    "illegal_move",
                    format!("the job is {from}; it cannot become {to}"),
                )],
            },
            JobError::Unapproved => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "estimate",
                    "unapproved",
                    "the customer approves the changed estimate first",
                )],
            },
            JobError::NothingToApprove => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "estimate",
                    "nothing_to_approve",
                    "no estimate waits for approval",
                )],
            },
            JobError::ChallanClosed => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new("status", "closed", "the challan is closed")],
            },
            JobError::ChangedMeanwhile => ApiError::Conflict {
                detail,
                errors: Vec::new(),
            },
            JobError::Closed { status } => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "status",
                    "closed",
                    format!("the job is {status}"),
                )],
            },
            JobError::NoEstimate => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new("estimate", "none", "set an estimate first")],
            },
            JobError::Billed { invoice_id } => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "invoiceId",
                    "billed",
                    format!("invoice {invoice_id} is the job's bill; cancel it to make another"),
                )],
            },
            JobError::Unpaid { state } => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "bill",
                    state,
                    if state == "none" {
                        "the job has no bill"
                    } else {
                        "the job's bill is not paid in full"
                    },
                )],
            },
            JobError::NotRefundable { why } => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "deposit",
                    why,
                    match why {
                        "refunded" => "given back already",
                        "job_open" => "the job is open: its bill takes the advance",
                        _ => "the job's bill took all of it",
                    },
                )],
            },
            JobError::NotManager => ApiError::Forbidden {
                permission: "sales:approve",
            },
            JobError::TooLarge { limit } => ApiError::PayloadTooLarge {
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
            },
            JobError::Storage(error) => ApiError::Internal(error),
            JobError::Billing(error) => error.into(),
            JobError::BranchTimezone => {
                ApiError::bad_field(detail, "timezone", "invalid", "such as Asia/Kolkata")
            }
            JobError::Invalid(invalid) => invalid.into(),
            JobError::Store(error) => error.into(),
            JobError::Record(error) => error.into(),
        }
    }
}

impl From<CrmError> for ApiError {
    /// A taken mobile as a stranger learns it (who holds it is for the
    /// handler to add, see `routes::crm::customers::refused`); look-alikes
    /// by id alone (the handler shows them as the caller may see them).
    fn from(error: CrmError) -> Self {
        let detail = error.to_string();
        match error {
            CrmError::NotFound => ApiError::NotFound,
            CrmError::Merged { survivor } => ApiError::Merged { survivor },
            CrmError::Erased
            | CrmError::AlreadyMerged { .. }
            | CrmError::MergedMeanwhile
            | CrmError::ImportOutrun => ApiError::Conflict {
                detail,
                errors: Vec::new(),
            },
            CrmError::MobileTaken { .. } => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "mobile",
                    "taken",
                    "already belongs to a customer",
                )],
            },
            CrmError::LikelyDuplicates(candidates) => ApiError::LikelyDuplicates {
                detail,
                candidates: candidates
                    .iter()
                    .map(|c| serde_json::json!({"id": c.id}))
                    .collect(),
            },
            CrmError::Invalid(invalid) => invalid.into(),
            CrmError::Store(error) => error.into(),
            CrmError::Record(error) => error.into(),
        }
    }
}

impl From<InventoryError> for ApiError {
    fn from(error: InventoryError) -> Self {
        let detail = error.to_string();
        let conflict = |errors: Vec<FieldError>| ApiError::Conflict {
            detail: detail.clone(),
            errors,
        };
        match error {
            InventoryError::NotFound => ApiError::NotFound,
            InventoryError::Stale => ApiError::PreconditionFailed,
            InventoryError::MovedMeanwhile => conflict(vec![FieldError::new(
                "status",
                "moved",
                "changed meanwhile",
            )]),
            InventoryError::Refused(refusal) => refusal.into(),
            InventoryError::Final { status } => conflict(vec![FieldError::new(
                "status",
                "final",
                format!("the piece is {status}"),
            )]),
            InventoryError::NotInStock(errors) | InventoryError::Taken(errors) => conflict(errors),
            InventoryError::TransferReceived => conflict(Vec::new()),
            InventoryError::NotEnough { on_hand } => conflict(vec![FieldError::new(
                "quantity",
                "not_enough",
                format!("only {on_hand} on hand"),
            )]),
            InventoryError::Invalid(invalid) => invalid.into(),
            InventoryError::Store(error) => error.into(),
            InventoryError::Record(error) => error.into(),
        }
    }
}

impl From<EngagementError> for ApiError {
    fn from(error: EngagementError) -> Self {
        let detail = error.to_string();
        match error {
            EngagementError::ChangedMeanwhile => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "version",
                    "changed",
                    "another version was saved at the same moment",
                )],
            },
            EngagementError::InUse => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "id",
                    "in_use",
                    "a campaign still to send uses it",
                )],
            },
            EngagementError::Cancelled => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new("status", "cancelled", "cancelled already")],
            },
            EngagementError::Invalid(invalid) => invalid.into(),
            EngagementError::Store(error) => error.into(),
            EngagementError::Record(error) => error.into(),
        }
    }
}

impl From<IntegrationError> for ApiError {
    fn from(error: IntegrationError) -> Self {
        let detail = error.to_string();
        match error {
            IntegrationError::Disabled => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "status",
                    "disabled",
                    "the endpoint is disabled: enable it first",
                )],
            },
            IntegrationError::ImportState { state } => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "state",
                    "wrong_state",
                    format!("the job is {}", state.as_str()),
                )],
            },
            IntegrationError::TooManyRows { most, had } => Invalid::field(
                "rows",
                "too_many",
                format!("at most {most} rows in a job; it holds {had}"),
            )
            .into(),
            IntegrationError::NothingUploaded => {
                Invalid::field("rows", "empty", "upload a part first").into()
            }
            IntegrationError::PartRaced => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new(
                    "rows",
                    "part_raced",
                    "upload parts one after another",
                )],
            },
            IntegrationError::LeaseLost | IntegrationError::Outrun => ApiError::Conflict {
                detail,
                errors: vec![FieldError::new("state", "changed", "try again")],
            },
            IntegrationError::Crm(error) => (*error).into(),
            IntegrationError::Invalid(invalid) => invalid.into(),
            IntegrationError::Store(error) => error.into(),
            IntegrationError::Record(error) => error.into(),
        }
    }
}
