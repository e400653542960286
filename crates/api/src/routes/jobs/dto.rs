//! The wire types of service jobs: a job card as taken in, as shown (with
//! its history), and a move of its status.

use chrono::{DateTime, NaiveDate, Utc};
use jewel_domain::job::{Intake, JobCard, JobKind, JobPhoto, JobPriority, JobStatus, StatusChange};
use jewel_domain::measure::{Money, Weight};
use jewel_domain::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::estimate_dto::EstimateView;
use super::photo_dto::PhotoView;
use crate::routes::wire::{MetalName, MoneyText, WeightText, collect, text};

wire_enum! {
    /// `repair`, `custom_order`, `special_order` (a catalogue piece in
    /// another size, weight or purity) or `appraisal`.
    JobKindName mirrors JobKind {
        Repair = "repair", CustomOrder = "custom_order",
        SpecialOrder = "special_order", Appraisal = "appraisal",
    }
}

wire_enum! {
    /// How soon the customer wants it.
    JobPriorityName mirrors JobPriority { Normal = "normal", Express = "express" }
}

wire_enum! {
    /// Where a job stands: `received -> estimated -> approved -> at_artisan
    /// -> back -> ready -> delivered`, or `on_hold`, or `cancelled`.
    JobStatusName mirrors JobStatus {
        Received = "received", Estimated = "estimated", Approved = "approved",
        AtArtisan = "at_artisan", Back = "back", Ready = "ready",
        Delivered = "delivered", OnHold = "on_hold", Cancelled = "cancelled",
    }
}

/// A job taken in at the counter.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "branchId": "01936f0e-0000-7000-8000-000000000001",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1",
    "kind": "repair", "priority": "normal",
    "customerWords": "The clasp opens by itself; one link looks thin.",
    "description": "22K rope chain, box clasp", "conditionNotes": "Scratches on the clasp",
    "metal": "gold", "fineness": 916, "grossWeightIn": "12.480", "stonesIn": 0,
    "declaredValue": "150000.00", "promisedOn": "2026-12-13", "estimateOnly": false
}))]
pub struct JobFields {
    pub(crate) branch_id: uuid::Uuid,
    pub(crate) customer_id: uuid::Uuid,
    pub(crate) kind: JobKindName,
    #[serde(default = "normal")]
    pub(crate) priority: JobPriorityName,
    /// What the customer asked for, in their words.
    #[schema(min_length = 1, max_length = 2000)]
    pub(crate) customer_words: String,
    /// The store's own description of the item and the work.
    #[schema(max_length = 2000)]
    pub(crate) description: Option<String>,
    #[schema(max_length = 2000)]
    pub(crate) condition_notes: Option<String>,
    pub(crate) metal: Option<MetalName>,
    /// As seen or tested: 1 to 999 (needs `metal`).
    #[schema(minimum = 1, maximum = 999)]
    pub(crate) fineness: Option<u16>,
    /// The item's gross weight as handed in (needed for a repair or an
    /// appraisal).
    #[schema(value_type = Option<WeightText>)]
    pub(crate) gross_weight_in: Option<String>,
    /// Stones counted in the item.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub(crate) stones_in: u32,
    /// What the customer says the item is worth.
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) declared_value: Option<String>,
    /// A piece this store sold, when the job is on one: the card shows
    /// its HUID and its bill.
    pub(crate) piece_id: Option<uuid::Uuid>,
    /// Today or later, by the branch's clock.
    pub(crate) promised_on: Option<NaiveDate>,
    /// The customer wants the estimate only, not yet the work.
    #[serde(default)]
    pub(crate) estimate_only: bool,
}

fn normal() -> JobPriorityName {
    JobPriorityName::Normal
}

impl JobFields {
    /// The card's intake, every field read; the rules of a job's kind are
    /// the domain's.
    pub(crate) fn intake(&self) -> Result<Intake, Invalid> {
        let mut errors = Vec::new();
        let mut optional = |field: &str, value: &Option<String>| {
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .and_then(|v| collect(&mut errors, text(field, v, 2000)))
        };
        let description = optional("description", &self.description);
        let condition_notes = optional("conditionNotes", &self.condition_notes);
        let customer_words = collect(
            &mut errors,
            text("customerWords", &self.customer_words, 2000),
        );
        let gross_weight_in = match &self.gross_weight_in {
            Some(w) => collect(&mut errors, Weight::parse("grossWeightIn", w)),
            None => None,
        };
        let declared_value = match &self.declared_value {
            Some(v) => collect(&mut errors, Money::parse("declaredValue", v)),
            None => None,
        };
        if self.stones_in > 10_000 {
            errors.push(FieldError::new("stonesIn", "range", "0 to 10000"));
        }
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        Ok(Intake {
            customer_words: customer_words.unwrap_or_default(),
            description,
            condition_notes,
            metal: self.metal.map(Into::into),
            fineness: self.fineness,
            gross_weight_in,
            stones_in: self.stones_in,
            declared_value,
            piece_id: self.piece_id,
            promised_on: self.promised_on,
            estimate_only: self.estimate_only,
        })
    }
}

/// A move of a job's status.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"status": "on_hold", "reason": "Customer to confirm the new clasp"}))]
pub struct StatusFields {
    pub(crate) status: JobStatusName,
    /// Why it is held or cancelled (needed then).
    #[schema(max_length = 500)]
    pub(crate) reason: Option<String>,
    /// Who collected the item (needed to deliver it).
    #[schema(max_length = 120)]
    pub(crate) collected_by: Option<String>,
    /// Why the item goes back without its bill paid: a delivery's
    /// override, by a manager (`sales:approve`) only.
    #[schema(max_length = 500)]
    pub(crate) override_reason: Option<String>,
}

/// A piece this store sold, as a job on it shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000e1", "tagNumber": "GN-0001",
    "huid": "AB12CD", "invoiceId": "01936f0e-0000-7000-8000-0000000000a9",
    "invoiceNumber": "MUM1/2026-27/000042"
}))]
pub struct SoldPieceView {
    pub(crate) id: uuid::Uuid,
    #[schema(max_length = 32)]
    pub(crate) tag_number: String,
    /// Its hallmark's unique id, when it has one.
    #[schema(max_length = 6)]
    pub(crate) huid: Option<String>,
    /// The bill that sold it.
    pub(crate) invoice_id: Option<uuid::Uuid>,
    #[schema(max_length = 40)]
    pub(crate) invoice_number: Option<String>,
}

/// One move of a job's status.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "from": "received", "to": "estimated", "reason": null,
    "actorKind": "staff", "at": "2026-12-06T11:00:00Z"
}))]
pub struct StatusChangeView {
    /// `null` for the job taken in.
    from: Option<JobStatusName>,
    to: JobStatusName,
    #[schema(max_length = 500)]
    reason: Option<String>,
    /// `staff`, `client` or `customer`.
    #[schema(max_length = 16)]
    actor_kind: String,
    at: DateTime<Utc>,
}

impl From<&StatusChange> for StatusChangeView {
    fn from(c: &StatusChange) -> Self {
        Self {
            from: c.from.map(Into::into),
            to: c.to.into(),
            reason: c.reason.clone(),
            actor_kind: c.actor_kind.clone(),
            at: c.at,
        }
    }
}

/// A job card: what was taken in, where the job stands, its estimate and
/// its history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000f1", "number": "MUM1/JOB/2026-27/000042",
    "financialYear": "2026-27", "branchId": "01936f0e-0000-7000-8000-000000000001",
    "customerId": "01936f0e-0000-7000-8000-0000000000c1", "kind": "repair",
    "priority": "normal", "status": "received", "heldFrom": null, "holdReason": null,
    "customerWords": "The clasp opens by itself; one link looks thin.",
    "description": "22K rope chain, box clasp", "conditionNotes": "Scratches on the clasp",
    "metal": "gold", "fineness": 916, "grossWeightIn": "12.480", "stonesIn": 0,
    "declaredValue": "150000.00", "piece": null, "promisedOn": "2026-12-13",
    "estimateOnly": false, "overdue": false, "flagged": false, "estimate": null,
    "collectedBy": null,
    "deliveredAt": null, "invoiceId": null, "deliveryOverride": null, "photos": [],
    "createdBy": "01936f0e-1111-7000-8000-000000000001",
    "createdAt": "2026-12-06T10:30:00Z", "updatedAt": "2026-12-06T10:30:00Z", "version": 1,
    "history": [{"from": null, "to": "received", "reason": null, "actorKind": "staff",
                 "at": "2026-12-06T10:30:00Z"}]
}))]
pub struct JobView {
    id: uuid::Uuid,
    /// Without gaps per branch and financial year.
    #[schema(max_length = 40)]
    number: String,
    #[schema(max_length = 9)]
    financial_year: String,
    branch_id: uuid::Uuid,
    customer_id: uuid::Uuid,
    kind: JobKindName,
    priority: JobPriorityName,
    status: JobStatusName,
    /// Where an `on_hold` job goes back to.
    held_from: Option<JobStatusName>,
    #[schema(max_length = 500)]
    hold_reason: Option<String>,
    #[schema(max_length = 2000)]
    customer_words: String,
    #[schema(max_length = 2000)]
    description: Option<String>,
    #[schema(max_length = 2000)]
    condition_notes: Option<String>,
    metal: Option<MetalName>,
    #[schema(minimum = 1, maximum = 999)]
    fineness: Option<u16>,
    #[schema(value_type = Option<WeightText>)]
    gross_weight_in: Option<String>,
    stones_in: u32,
    #[schema(value_type = Option<MoneyText>)]
    declared_value: Option<String>,
    /// The piece we sold it as, with its HUID and bill.
    piece: Option<SoldPieceView>,
    promised_on: Option<NaiveDate>,
    estimate_only: bool,
    /// Promised before today and not ready.
    overdue: bool,
    /// A challan's loss went beyond its allowance.
    flagged: bool,
    /// The estimate as it stands (`null` before the first).
    estimate: Option<EstimateView>,
    #[schema(max_length = 120)]
    collected_by: Option<String>,
    delivered_at: Option<DateTime<Utc>>,
    /// The job's bill (staff read it at `/invoices/{id}`, its customer at
    /// `/me/invoices/{id}`); a cancelled one is replaced by the next made.
    invoice_id: Option<uuid::Uuid>,
    /// Why a manager let the item go without its bill paid.
    #[schema(max_length = 500)]
    delivery_override: Option<String>,
    created_by: uuid::Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[schema(minimum = 1)]
    version: i32,
    /// Photos of the item, oldest first.
    #[schema(max_items = 50)]
    photos: Vec<PhotoView>,
    /// Every move, oldest first.
    #[schema(max_items = 1000)]
    history: Vec<StatusChangeView>,
}

impl JobView {
    pub(crate) fn of(
        job: &JobCard,
        piece: Option<SoldPieceView>,
        estimate: Option<EstimateView>,
        history: &[StatusChange],
        photos: &[JobPhoto],
        today: NaiveDate,
    ) -> Self {
        let i = &job.intake;
        Self {
            id: job.id,
            number: job.number.clone(),
            financial_year: job.financial_year.clone(),
            branch_id: job.branch_id,
            customer_id: job.customer_id,
            kind: job.kind.into(),
            priority: job.priority.into(),
            status: job.status.into(),
            held_from: job.held_from.map(Into::into),
            hold_reason: job.hold_reason.clone(),
            customer_words: i.customer_words.clone(),
            description: i.description.clone(),
            condition_notes: i.condition_notes.clone(),
            metal: i.metal.map(Into::into),
            fineness: i.fineness,
            gross_weight_in: i.gross_weight_in.map(|w| w.to_string()),
            stones_in: i.stones_in,
            declared_value: i.declared_value.map(|v| v.to_string()),
            piece,
            promised_on: i.promised_on,
            estimate_only: i.estimate_only,
            overdue: job.is_overdue(today),
            flagged: job.flagged,
            estimate,
            collected_by: job.collected_by.clone(),
            delivered_at: job.delivered_at,
            invoice_id: job.invoice_id,
            delivery_override: job.delivery_override.clone(),
            created_by: job.created_by,
            created_at: job.created_at,
            updated_at: job.updated_at,
            version: job.version,
            photos: photos.iter().map(PhotoView::from).collect(),
            history: history.iter().map(StatusChangeView::from).collect(),
        }
    }
}
