//! Service jobs: a repair, a custom or special order, or an appraisal,
//! taken in at a branch for a customer on a job card. What the customer
//! said is kept in their words, apart from the store's description; the
//! item is weighed in; the card moves `received -> estimated -> approved
//! -> at_artisan -> back -> ready -> delivered` by legal moves only, with
//! `on_hold` (and a reason) and `cancelled` beside them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::measure::{Money, Weight};
use crate::metal::Metal;
use crate::validation::{FieldError, Invalid};

mod challan;
mod deposit;
mod estimate;
mod metal_account;
mod outstanding;
mod photo;
pub use challan::*;
pub use deposit::*;
pub use estimate::*;
pub use metal_account::*;
pub use outstanding::*;
pub use photo::*;

/// What kind of work a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Repair,
    /// A new piece made to the customer's design.
    CustomOrder,
    /// A catalogue piece ordered in another size, weight or purity.
    SpecialOrder,
    /// Weighing, testing and valuing an item; nothing is made.
    Appraisal,
}

impl JobKind {
    pub const ALL: [Self; 4] = [
        Self::Repair,
        Self::CustomOrder,
        Self::SpecialOrder,
        Self::Appraisal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Repair => "repair",
            Self::CustomOrder => "custom_order",
            Self::SpecialOrder => "special_order",
            Self::Appraisal => "appraisal",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether the customer hands an item in: a repair or an appraisal
    /// works on the customer's own piece.
    pub fn takes_an_item(self) -> bool {
        matches!(self, Self::Repair | Self::Appraisal)
    }
}

/// How soon the customer wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobPriority {
    Normal,
    Express,
}

impl JobPriority {
    pub const ALL: [Self; 2] = [Self::Normal, Self::Express];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Express => "express",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Received,
    Estimated,
    Approved,
    AtArtisan,
    Back,
    Ready,
    Delivered,
    OnHold,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [Self; 9] = [
        Self::Received,
        Self::Estimated,
        Self::Approved,
        Self::AtArtisan,
        Self::Back,
        Self::Ready,
        Self::Delivered,
        Self::OnHold,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Estimated => "estimated",
            Self::Approved => "approved",
            Self::AtArtisan => "at_artisan",
            Self::Back => "back",
            Self::Ready => "ready",
            Self::Delivered => "delivered",
            Self::OnHold => "on_hold",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Nothing moves a job on from here.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Cancelled)
    }

    /// The work moves from here by a move of its own (holding and
    /// cancelling aside; an estimate and its approval move a job to
    /// `estimated` and `approved`, challans to `at_artisan` and `back`).
    fn onward(self) -> &'static [JobStatus] {
        use JobStatus::*;
        match self {
            Received | Estimated | Approved | AtArtisan => &[],
            Back => &[Ready],
            Ready => &[Delivered],
            Delivered | OnHold | Cancelled => &[],
        }
    }
}

/// A job card as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCard {
    pub id: uuid::Uuid,
    /// Without gaps per branch and financial year: `MUM1/JOB/2026-27/000042`.
    pub number: String,
    pub financial_year: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub kind: JobKind,
    pub priority: JobPriority,
    pub status: JobStatus,
    /// What an `on_hold` job goes back to when work resumes.
    pub held_from: Option<JobStatus>,
    pub hold_reason: Option<String>,
    pub intake: Intake,
    /// The estimate's revision: 0 before the first, one more each change.
    pub estimate_revision: u32,
    /// The revision approved (0: none yet); a changed estimate needs
    /// approval again.
    pub approved_revision: u32,
    /// `staff` or `customer`, and who approved it.
    pub approved_by: Option<(String, uuid::Uuid)>,
    pub approved_at: Option<DateTime<Utc>>,
    /// A challan's loss went beyond its allowance.
    pub flagged: bool,
    /// Who collected it, when delivered.
    pub collected_by: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The job's bill (the latest made; a cancelled one may be replaced).
    pub invoice_id: Option<uuid::Uuid>,
    /// Why a manager let the item go without its bill paid.
    pub delivery_override: Option<String>,
    pub created_by: uuid::Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// What is written on the card when the job is taken in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    /// What the customer asked for, in their words.
    pub customer_words: String,
    /// The store's own description of the item and the work.
    pub description: Option<String>,
    pub condition_notes: Option<String>,
    pub metal: Option<Metal>,
    /// As seen or tested, 1 to 999 (an old piece may be of any fineness).
    pub fineness: Option<u16>,
    /// The item's gross weight as handed in.
    pub gross_weight_in: Option<Weight>,
    /// Stones counted in the item.
    pub stones_in: u32,
    /// What the customer says the item is worth.
    pub declared_value: Option<Money>,
    /// A piece this store sold, when the job is on one.
    pub piece_id: Option<uuid::Uuid>,
    pub promised_on: Option<NaiveDate>,
    /// The customer wants the estimate only, not yet the work.
    pub estimate_only: bool,
}

impl Intake {
    /// Checks the card for a job of `kind` taken in on `today`, each
    /// refusal naming its field.
    pub fn validate(&self, kind: JobKind, today: NaiveDate) -> Result<(), Invalid> {
        let mut errors = Vec::new();
        if kind.takes_an_item() && self.gross_weight_in.is_none_or(Weight::is_zero) {
            errors.push(FieldError::new(
                "grossWeightIn",
                "required",
                "the item handed in is weighed in",
            ));
        }
        if let Some(fineness) = self.fineness {
            if !(1..=999).contains(&fineness) {
                errors.push(FieldError::new("fineness", "range", "1 to 999"));
            }
            if self.metal.is_none() {
                errors.push(FieldError::new(
                    "metal",
                    "required",
                    "the metal whose fineness it is",
                ));
            }
        }
        if self.promised_on.is_some_and(|day| day < today) {
            errors.push(FieldError::new(
                "promisedOn",
                "past",
                "a promise is for today or later",
            ));
        }
        Invalid::from_errors(errors).map_or(Ok(()), Err)
    }
}

/// A move of a job's status as recorded: its history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub id: uuid::Uuid,
    pub job_id: uuid::Uuid,
    /// `None` for the job taken in.
    pub from: Option<JobStatus>,
    pub to: JobStatus,
    pub reason: Option<String>,
    /// `staff`, `client` or `customer`, and who.
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub at: DateTime<Utc>,
}

impl StatusChange {
    /// `job` moving to `to` at `at`, for `reason`, by `actor` (its kind
    /// and id).
    pub fn of(
        job: &JobCard,
        to: JobStatus,
        reason: Option<String>,
        actor: (&str, uuid::Uuid),
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: uuid::Uuid::now_v7(),
            job_id: job.id,
            from: Some(job.status),
            to,
            reason,
            actor_kind: actor.0.to_owned(),
            actor_id: actor.1,
            at,
        }
    }
}

/// A move of a job's status, as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMove {
    pub to: JobStatus,
    /// Why it is held or cancelled.
    pub reason: Option<String>,
    /// Who collected it (a delivery).
    pub collected_by: Option<String>,
    /// Why a manager lets it go without its bill paid (a delivery).
    pub override_reason: Option<String>,
}

/// Why a move is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefused {
    /// Not a legal move from the job's status: 409 naming the status.
    Illegal {
        from: JobStatus,
        to: JobStatus,
    },
    /// The work cannot be made ready while its estimate waits for the
    /// customer's approval; an approval with nothing to approve.
    Unapproved,
    NothingToApprove,
    /// A field the move needs.
    Invalid(Invalid),
}

impl JobCard {
    /// Checks `asked` against where the job stands: the next step of the
    /// work (an estimate-only job or an appraisal may be made ready from
    /// its estimate, the item going back unworked), a hold with its reason
    /// from any step before delivery, a resumption of a held job to where
    /// it was, a cancel with its reason before the item is with an artisan.
    pub fn check_move(&self, asked: &StatusMove) -> Result<(), MoveRefused> {
        use JobStatus::*;
        let (from, to) = (self.status, asked.to);
        let illegal = Err(MoveRefused::Illegal { from, to });
        let needs = |value: &Option<String>, field: &str, message: &str| match value {
            Some(text) if !text.trim().is_empty() => Ok(()),
            _ => Err(MoveRefused::Invalid(Invalid::field(
                field, "required", message,
            ))),
        };
        if from.is_final() || from == to {
            return illegal;
        }
        match to {
            OnHold => needs(&asked.reason, "reason", "why the job is held"),
            // The item is with an artisan: it comes back first.
            Cancelled if from == AtArtisan || self.held_from == Some(AtArtisan) => illegal,
            Cancelled => needs(&asked.reason, "reason", "why the job is cancelled"),
            _ if from == OnHold => match self.held_from {
                Some(resumed) if resumed == to => Ok(()),
                _ => illegal,
            },
            Ready
                if from == Estimated
                    && (self.intake.estimate_only || self.kind == JobKind::Appraisal) =>
            {
                Ok(())
            }
            Ready if from == Back && !self.estimate_approved() => Err(MoveRefused::Unapproved),
            Delivered => {
                if from != Ready {
                    return illegal;
                }
                needs(&asked.collected_by, "collectedBy", "who collected the item")
            }
            _ if from.onward().contains(&to) => Ok(()),
            _ => illegal,
        }
    }

    /// The card after `asked` (checked) at `at`.
    pub fn moved(&self, asked: &StatusMove, at: DateTime<Utc>) -> Self {
        let mut after = self.clone();
        after.status = asked.to;
        match asked.to {
            JobStatus::OnHold => {
                after.held_from = Some(self.status);
                after.hold_reason = asked.reason.clone();
            }
            _ => {
                after.held_from = None;
                after.hold_reason = None;
            }
        }
        if asked.to == JobStatus::Delivered {
            after.collected_by = asked.collected_by.clone();
            after.delivered_at = Some(at);
            after.delivery_override = asked.override_reason.clone();
        }
        after.updated_at = at;
        after.version = self.version + 1;
        after
    }

    /// Whether the estimate as it stands was approved.
    pub fn estimate_approved(&self) -> bool {
        self.estimate_revision > 0 && self.approved_revision == self.estimate_revision
    }

    /// Where the job stands once its estimate is set or changed: a job not
    /// yet with an artisan is `estimated` (an approved one waits for the
    /// approval again); one with an artisan or back stays where it is,
    /// its estimate unapproved. Refused once ready, delivered, cancelled
    /// or on hold.
    pub fn check_estimate(&self) -> Result<JobStatus, MoveRefused> {
        use JobStatus::*;
        match self.status {
            Received | Estimated | Approved => Ok(Estimated),
            AtArtisan | Back => Ok(self.status),
            from => Err(MoveRefused::Illegal {
                from,
                to: Estimated,
            }),
        }
    }

    /// Where the job stands once the customer approves its estimate:
    /// `approved` from `estimated`; with an artisan or back, where it is.
    pub fn check_approval(&self) -> Result<JobStatus, MoveRefused> {
        use JobStatus::*;
        if self.estimate_revision == 0 || self.estimate_approved() {
            return Err(MoveRefused::NothingToApprove);
        }
        match self.status {
            Estimated => Ok(Approved),
            AtArtisan | Back => Ok(self.status),
            from => Err(MoveRefused::Illegal { from, to: Approved }),
        }
    }

    /// Where the job stands once metal of it goes to an artisan: an
    /// approved job, or one back for rework, goes `at_artisan`; one there
    /// already stays (another metal).
    pub fn check_issue(&self) -> Result<JobStatus, MoveRefused> {
        use JobStatus::*;
        match self.status {
            Approved | Back | AtArtisan => Ok(AtArtisan),
            from => Err(MoveRefused::Illegal {
                from,
                to: AtArtisan,
            }),
        }
    }

    /// The card once its status is `to` at `at` by an estimate, an
    /// approval or a challan (no hold, no delivery).
    pub fn moved_to(&self, to: JobStatus, at: DateTime<Utc>) -> Self {
        let mut after = self.clone();
        after.status = to;
        after.updated_at = at;
        after.version = self.version + 1;
        after
    }

    /// Promised before `today` and not ready yet.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        use JobStatus::*;
        !matches!(self.status, Ready | Delivered | Cancelled)
            && self.intake.promised_on.is_some_and(|day| day < today)
    }
}

#[cfg(test)]
mod tests;
