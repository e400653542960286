//! Store credit: money the store holds for a customer, from goods returned
//! and settled as credit, spent as a payment on a later bill. Its ledger is
//! its balance: every entry a signed amount, the balance their sum, never
//! below zero.

use crate::measure::Money;

/// What an entry of the store-credit ledger records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditKind {
    /// Credited for goods returned (a credit note settled as store credit).
    Credited,
    /// Spent as a payment on a bill.
    Spent,
    /// Given back when a bill it paid was cancelled.
    Restored,
}

impl CreditKind {
    pub const ALL: [Self; 3] = [Self::Credited, Self::Spent, Self::Restored];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Credited => "credited",
            Self::Spent => "spent",
            Self::Restored => "restored",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One entry of a customer's store-credit ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditEntry {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub kind: CreditKind,
    /// What it adds to the balance (negative when spent).
    pub amount: Money,
    /// The bill it was spent on, or whose cancel gave it back, or whose
    /// goods came back.
    pub invoice_id: Option<uuid::Uuid>,
    pub credit_note_id: Option<uuid::Uuid>,
    pub reason: String,
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
