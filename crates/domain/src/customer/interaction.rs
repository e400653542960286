//! What passed between the business and a customer: the timeline of
//! visits, calls and messages, and what the business's own events add.

/// How the business was in touch with a customer: what staff record by
/// hand, and what the timeline learns from the business's own events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionKind {
    Visit,
    Call,
    WhatsApp,
    Email,
    Note,
    /// A bill issued to the customer.
    Purchase,
    /// Money received on one of the customer's bills.
    Payment,
    /// Goods taken back against a credit note.
    Return,
    /// One of the customer's bills cancelled.
    Cancellation,
}

impl InteractionKind {
    /// The kinds staff record by hand.
    pub const ALL: [Self; 5] = [
        Self::Visit,
        Self::Call,
        Self::WhatsApp,
        Self::Email,
        Self::Note,
    ];

    /// The kinds the timeline records from the business's events.
    pub const FROM_EVENTS: [Self; 4] = [
        Self::Purchase,
        Self::Payment,
        Self::Return,
        Self::Cancellation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visit => "visit",
            Self::Call => "call",
            Self::WhatsApp => "whatsapp",
            Self::Email => "email",
            Self::Note => "note",
            Self::Purchase => "purchase",
            Self::Payment => "payment",
            Self::Return => "return",
            Self::Cancellation => "cancellation",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .chain(Self::FROM_EVENTS)
            .find(|k| k.as_str() == text)
    }
}

/// One entry of a customer's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub kind: InteractionKind,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    /// `staff` or `client`, and who.
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub summary: String,
    pub outcome: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// An interaction to record, every field already valid.
#[derive(Debug, Clone)]
pub struct NewInteraction {
    pub customer_id: uuid::Uuid,
    pub kind: InteractionKind,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub actor_kind: &'static str,
    pub actor_id: uuid::Uuid,
    pub summary: String,
    pub outcome: Option<String>,
}

impl NewInteraction {
    /// Checks the free text and that the interaction is not in the future
    /// (a minute of clock skew allowed).
    pub fn check(&self, now: chrono::DateTime<chrono::Utc>) -> Result<(), crate::Invalid> {
        let mut errors = Vec::new();
        let summary = self.summary.trim();
        if summary.is_empty() {
            errors.push(crate::FieldError::new(
                "summary",
                "required",
                "must not be blank",
            ));
        } else if summary.chars().count() > 2000 {
            errors.push(crate::FieldError::new(
                "summary",
                "too_long",
                "at most 2000 characters",
            ));
        }
        if self
            .outcome
            .as_ref()
            .is_some_and(|o| o.chars().count() > 500)
        {
            errors.push(crate::FieldError::new(
                "outcome",
                "too_long",
                "at most 500 characters",
            ));
        }
        if self.occurred_at > now + chrono::Duration::minutes(1) {
            errors.push(crate::FieldError::new(
                "occurredAt",
                "future",
                "must not be in the future",
            ));
        }
        match crate::Invalid::from_errors(errors) {
            Some(invalid) => Err(invalid),
            None => Ok(()),
        }
    }
}
