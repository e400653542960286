//! What savings schemes tell the rest of the business (a notification
//! thanking for an instalment, a reminder of the next): a customer
//! enrolled, an instalment received. Amounts are decimal strings with
//! their places, as everywhere.

use chrono::{DateTime, Utc};
use jewel_domain::scheme::{Enrolment, Instalment};
use serde::{Deserialize, Serialize};

/// `scheme.enrolled`: a customer joined a plan at a branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemeEnrolled {
    pub enrolment_id: uuid::Uuid,
    pub plan_id: uuid::Uuid,
    pub plan_name: String,
    pub customer_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    /// `amount` or `weight`.
    pub kind: String,
    pub instalments: u32,
    pub instalment: String,
    pub started_at: DateTime<Utc>,
    pub matures_at: DateTime<Utc>,
}

impl SchemeEnrolled {
    pub fn of(enrolment: &Enrolment) -> Self {
        Self {
            enrolment_id: enrolment.id,
            plan_id: enrolment.plan_id,
            plan_name: enrolment.plan_name.clone(),
            customer_id: enrolment.customer_id,
            branch_id: enrolment.branch_id,
            kind: enrolment.terms.kind.as_str().to_owned(),
            instalments: enrolment.terms.instalments,
            instalment: enrolment.terms.amount.to_string(),
            started_at: enrolment.started_at,
            matures_at: enrolment.terms.maturity(enrolment.started_at),
        }
    }
}

/// `scheme.instalment_received`: an instalment paid, with its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstalmentReceived {
    pub enrolment_id: uuid::Uuid,
    pub instalment_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    /// Which of the plan's periods it paid (1 to N).
    pub period: u32,
    pub instalments: u32,
    pub amount: String,
    /// A weight plan's grams booked, and the rate they were booked at.
    pub weight: Option<String>,
    pub rate: Option<String>,
    /// `cash`, `card`, `upi` or `bank_transfer`.
    pub method: String,
    pub receipt_number: String,
    pub accepted_at: DateTime<Utc>,
}

impl InstalmentReceived {
    pub fn of(enrolment: &Enrolment, instalment: &Instalment) -> Self {
        Self {
            enrolment_id: enrolment.id,
            instalment_id: instalment.id,
            customer_id: enrolment.customer_id,
            branch_id: enrolment.branch_id,
            period: instalment.period,
            instalments: enrolment.terms.instalments,
            amount: instalment.amount.to_string(),
            weight: instalment.weight.map(|w| w.to_string()),
            rate: instalment.rate.map(|r| r.to_string()),
            method: instalment.method.as_str().to_owned(),
            receipt_number: instalment.receipt_number.clone(),
            accepted_at: instalment.accepted_at,
        }
    }
}

domain_event!(
    SchemeEnrolled,
    "scheme.enrolled",
    "scheme_enrolment",
    enrolment_id,
    |e| Some(e.branch_id)
);
domain_event!(
    InstalmentReceived,
    "scheme.instalment_received",
    "scheme_enrolment",
    enrolment_id,
    |e| Some(e.branch_id)
);
