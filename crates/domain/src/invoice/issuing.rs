//! A draft as it becomes once issued: its number, who issued it and when,
//! the payments taken with it.

use chrono::{DateTime, SubsecRound, Utc};

use super::{Invoice, InvoiceStatus, Payment};

/// What issuing gives a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The bill's number (`MAIN/2026-27/000042`).
    pub number: String,
    pub financial_year: String,
    pub by: uuid::Uuid,
    /// When, to the whole second (what the database keeps).
    pub at: DateTime<Utc>,
}

impl Issue {
    /// `at` to the whole second: a bill's times are kept to the second,
    /// so the bill issuing answers is the bill read back later.
    pub fn at_second(at: DateTime<Utc>) -> DateTime<Utc> {
        at.trunc_subsecs(0)
    }
}

impl Invoice {
    /// This draft once issued as `issue` says, with `payments` taken at
    /// once (received at the moment of issue): its status follows what is
    /// paid, its version goes up by one.
    pub fn issued(&self, issue: &Issue, payments: &[Payment]) -> Invoice {
        let mut issued = self.clone();
        let received = payments.iter().map(|p| p.amount).sum();
        issued.paid = self.paid + received;
        issued.status = InvoiceStatus::of_payments(self.bill.total, issued.paid);
        issued.number = Some(issue.number.clone());
        issued.financial_year = Some(issue.financial_year.clone());
        issued.issued_by = Some(issue.by);
        issued.issued_at = Some(issue.at);
        issued.payments.extend(payments.iter().map(|p| Payment {
            received_at: issue.at,
            ..p.clone()
        }));
        issued.version = self.version + 1;
        issued.updated_at = issue.at;
        issued
    }
}
