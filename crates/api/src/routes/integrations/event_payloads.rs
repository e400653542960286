//! The payloads of domain events as the document describes them (its
//! `webhooks` and the events feed): one schema per payload type the
//! services record, with an example. The services know no OpenAPI, so
//! these mirror their types; a test holds each mirror to its type (the
//! example reads as the type and writes back the same, and the schema
//! names exactly the example's fields).

// Only their schemas are read.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// `invoice.issued`: a bill took its number; its stock is sold.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"invoiceId": "01936f0e-7777-7000-8000-000000000007", "number": "MDS1/2026-27/000042", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "currency": "INR", "taxableValue": "50335.92", "taxTotal": "1510.08", "total": "51846.00", "lines": 1, "issuedAt": "2026-11-21T09:31:00Z"}))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceIssuedEvent {
    pub invoice_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub taxable_value: String,
    pub tax_total: String,
    pub total: String,
    pub lines: usize,
    pub issued_at: DateTime<Utc>,
}

/// One payment of [`PaymentReceived`].
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"paymentId": "01936f0e-8888-7000-8000-000000000008", "method": "upi", "amount": "51846.00"}))]
#[serde(rename_all = "camelCase")]
pub struct PaymentReceivedLine {
    pub payment_id: uuid::Uuid,
    /// `cash`, `card`, `upi`, `bank_transfer`, `cheque`, `gift_voucher`, `old_gold`.
    pub method: String,
    pub amount: String,
}

/// `payment.received`: money (or old gold) taken on an issued bill.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"invoiceId": "01936f0e-7777-7000-8000-000000000007", "number": "MDS1/2026-27/000042", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "currency": "INR", "payments": [{"paymentId": "01936f0e-8888-7000-8000-000000000008", "method": "upi", "amount": "51846.00"}], "amount": "51846.00", "balance": "0.00", "atIssue": true}))]
#[serde(rename_all = "camelCase")]
pub struct PaymentReceivedEvent {
    pub invoice_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub payments: Vec<PaymentReceivedLine>,
    /// What these payments add up to.
    pub amount: String,
    /// What is left to pay on the bill after them.
    pub balance: String,
    /// Whether they were taken as the bill was issued (the bill tells of
    /// them) rather than towards a bill issued earlier.
    #[serde(default)]
    pub at_issue: bool,
}

/// `invoice.cancelled`: a bill (or a draft) cancelled; an issued bill's
/// stock is back and its number stays used.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"invoiceId": "01936f0e-7777-7000-8000-000000000007", "number": "MDS1/2026-27/000042", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "currency": "INR", "total": "51846.00", "wasIssued": true, "reason": "Entered for the wrong customer"}))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceCancelledEvent {
    pub invoice_id: uuid::Uuid,
    /// None for a draft.
    pub number: Option<String>,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub total: String,
    /// Whether it had been issued (a sale undone) or was a draft.
    pub was_issued: bool,
    pub reason: String,
}

/// `credit_note.issued`: goods taken back against a bill.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"creditNoteId": "01936f0e-9999-7000-8000-000000000009", "number": "MDS1/CN/2026-27/000003", "invoiceId": "01936f0e-7777-7000-8000-000000000007", "invoiceNumber": "MDS1/2026-27/000042", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "currency": "INR", "lines": 1, "total": "51846.00"}))]
#[serde(rename_all = "camelCase")]
pub struct CreditNoteIssuedEvent {
    pub credit_note_id: uuid::Uuid,
    pub number: String,
    pub invoice_id: uuid::Uuid,
    pub invoice_number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub lines: usize,
    pub total: String,
}

/// `quote.created`: prices given to a customer, held until `validUntil`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"quoteId": "01936f0e-6666-7000-8000-000000000006", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "currency": "INR", "total": "51846.00", "lines": 1, "validUntil": "2026-11-21T18:00:00Z"}))]
#[serde(rename_all = "camelCase")]
pub struct QuoteCreatedEvent {
    pub quote_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub currency: String,
    pub total: String,
    pub lines: usize,
    pub valid_until: DateTime<Utc>,
}

/// `gift_voucher.issued`: a gift voucher sold on a bill paid in full. The
/// code is not told: it reaches its holder printed with the bill.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"voucherId": "01936f0e-4444-7000-8000-000000000004", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "invoiceId": "01936f0e-7777-7000-8000-000000000007", "codeEnding": "7Q2K", "value": "5000.00", "expiresAt": "2027-11-21T00:00:00Z"}))]
#[serde(rename_all = "camelCase")]
pub struct GiftVoucherIssuedEvent {
    pub voucher_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub invoice_id: Option<uuid::Uuid>,
    /// The last four symbols of its code, as lists show it.
    pub code_ending: String,
    pub value: String,
    pub expires_at: DateTime<Utc>,
}

/// `quote.converted`: a quote became a draft invoice at its prices.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"quoteId": "01936f0e-6666-7000-8000-000000000006", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "invoiceId": "01936f0e-7777-7000-8000-000000000007"}))]
#[serde(rename_all = "camelCase")]
pub struct QuoteConvertedEvent {
    pub quote_id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub invoice_id: uuid::Uuid,
}

/// `customer.created`: a customer added by staff, a client, an import or
/// the customer themselves.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"customerId": "01936f0e-5555-7000-8000-000000000005", "source": "api"}))]
#[serde(rename_all = "camelCase")]
pub struct CustomerCreatedEvent {
    pub customer_id: uuid::Uuid,
    /// `api`, `import` or `self_registration`.
    pub source: String,
}

/// `customer.updated`: a customer's profile changed, or the customer was
/// archived or brought back.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"customerId": "01936f0e-5555-7000-8000-000000000005", "change": "profile", "version": 3}))]
#[serde(rename_all = "camelCase")]
pub struct CustomerUpdatedEvent {
    pub customer_id: uuid::Uuid,
    /// `profile`, `archived`, `restored`, `import` or `consent`.
    pub change: String,
    pub version: i32,
}

/// `customer.merged`: a duplicate folded into the survivor, which now
/// holds its history.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"customerId": "01936f0e-5555-7000-8000-0000000000aa", "survivorId": "01936f0e-5555-7000-8000-000000000005"}))]
#[serde(rename_all = "camelCase")]
pub struct CustomerMergedEvent {
    pub customer_id: uuid::Uuid,
    pub survivor_id: uuid::Uuid,
}

/// `customer.erased`: a customer's personal data erased at their request.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"customerId": "01936f0e-5555-7000-8000-000000000005"}))]
#[serde(rename_all = "camelCase")]
pub struct CustomerErasedEvent {
    pub customer_id: uuid::Uuid,
}

/// `staff.changed`: a staff member joined, or their role, branches or
/// standing changed. No personal details: readers fetch the record.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"staffId": "01936f0e-8f4a-7cc2-9a4e-1b2f3c4d5e6f", "change": "updated", "role": "sales", "branchIds": ["01936f0e-0000-7000-8000-000000000001"], "active": true, "version": 2}))]
#[serde(rename_all = "camelCase")]
pub struct StaffChangedEvent {
    pub staff_id: uuid::Uuid,
    /// `created` or `updated`.
    pub change: String,
    pub role: String,
    pub branch_ids: Vec<uuid::Uuid>,
    pub active: bool,
    pub version: i32,
}

/// `piece.received`: a piece entered stock at a branch.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"pieceId": "01936f0e-3333-7000-8000-000000000003", "tagNumber": "MDS1-000731", "branchId": "01936f0e-0000-7000-8000-000000000001", "category": "necklace", "metal": "gold", "fineness": 916, "grossWeight": "24.350"}))]
#[serde(rename_all = "camelCase")]
pub struct PieceReceivedEvent {
    pub piece_id: uuid::Uuid,
    pub tag_number: String,
    pub branch_id: uuid::Uuid,
    pub category: String,
    pub metal: String,
    pub fineness: u16,
    /// Grams with three places.
    pub gross_weight: String,
}

/// `piece.moved`: a piece changed status or branch by hand (a hold, an
/// approval, a repair, melting, an adjustment).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"pieceId": "01936f0e-3333-7000-8000-000000000003", "tagNumber": "MDS1-000731", "branchId": "01936f0e-0000-7000-8000-000000000001", "fromStatus": "in_stock", "toStatus": "reserved"}))]
#[serde(rename_all = "camelCase")]
pub struct PieceMovedEvent {
    pub piece_id: uuid::Uuid,
    pub tag_number: String,
    pub branch_id: uuid::Uuid,
    pub from_status: String,
    pub to_status: String,
}

/// `piece.sold`: a piece left stock on an issued bill.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"pieceId": "01936f0e-3333-7000-8000-000000000003", "tagNumber": "MDS1-000731", "branchId": "01936f0e-0000-7000-8000-000000000001", "invoiceId": "01936f0e-7777-7000-8000-000000000007", "invoiceNumber": "MDS1/2026-27/000042"}))]
#[serde(rename_all = "camelCase")]
pub struct PieceSoldEvent {
    pub piece_id: uuid::Uuid,
    pub tag_number: String,
    pub branch_id: uuid::Uuid,
    pub invoice_id: uuid::Uuid,
    pub invoice_number: String,
}

/// `transfer.dispatched` and `transfer.received`: pieces sent from one
/// branch to another, and their arrival.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"transferId": "01936f0e-2222-7000-8000-000000000002", "fromBranchId": "01936f0e-0000-7000-8000-000000000001", "toBranchId": "01936f0e-0000-7000-8000-000000000011", "pieceIds": ["01936f0e-3333-7000-8000-000000000003"]}))]
#[serde(rename_all = "camelCase")]
pub struct TransferMovedEvent {
    pub transfer_id: uuid::Uuid,
    pub from_branch_id: uuid::Uuid,
    pub to_branch_id: uuid::Uuid,
    pub piece_ids: Vec<uuid::Uuid>,
}

/// `rate.changed`: a metal rate set, in force from `effectiveAt`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"rateId": "01936f0e-1111-7000-8000-000000000001", "metal": "gold", "fineness": 916, "perGram": "7150.00", "effectiveAt": "2026-11-21T04:30:00Z"}))]
#[serde(rename_all = "camelCase")]
pub struct RateChangedEvent {
    pub rate_id: uuid::Uuid,
    pub metal: String,
    pub fineness: u16,
    /// Per gram, with two places.
    pub per_gram: String,
    pub effective_at: DateTime<Utc>,
}

/// `job.status_changed`: a job was taken in (`from` null) or moved.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"jobId": "01936f0e-bbbb-7000-8000-00000000000b", "number": "MDS1/JOB/2026-27/000017", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "kind": "repair", "from": "in_progress", "to": "ready", "reason": null, "promisedOn": "2026-11-25", "at": "2026-11-24T12:00:00Z"}))]
#[serde(rename_all = "camelCase")]
pub struct JobStatusChangedEvent {
    pub job_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    /// `repair`, `custom_order`, `special_order` or `appraisal`.
    pub kind: String,
    pub from: Option<String>,
    pub to: String,
    /// Why it was held or cancelled.
    pub reason: Option<String>,
    pub promised_on: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

/// `job.estimated`: a job's estimate set or changed; the customer is asked
/// to approve it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"jobId": "01936f0e-bbbb-7000-8000-00000000000b", "number": "MDS1/JOB/2026-27/000017", "branchId": "01936f0e-0000-7000-8000-000000000001", "customerId": "01936f0e-5555-7000-8000-000000000005", "revision": 1, "total": "1180.00", "status": "estimated"}))]
#[serde(rename_all = "camelCase")]
pub struct JobEstimatedEvent {
    pub job_id: uuid::Uuid,
    pub number: String,
    pub branch_id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    /// 1 for the first estimate, one more each change.
    pub revision: u32,
    pub total: String,
    pub status: String,
}

/// `scheme.enrolled`: a customer joined a plan at a branch.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"enrolmentId": "01936f0e-cccc-7000-8000-00000000000c", "planId": "01936f0e-dddd-7000-8000-00000000000d", "planName": "Swarna 11", "customerId": "01936f0e-5555-7000-8000-000000000005", "branchId": "01936f0e-0000-7000-8000-000000000001", "kind": "amount", "instalments": 11, "instalment": "5000.00", "startedAt": "2026-11-21T09:00:00Z", "maturesAt": "2027-10-21T09:00:00Z"}))]
#[serde(rename_all = "camelCase")]
pub struct SchemeEnrolledEvent {
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

/// `scheme.instalment_received`: an instalment paid, with its receipt.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"enrolmentId": "01936f0e-cccc-7000-8000-00000000000c", "instalmentId": "01936f0e-eeee-7000-8000-00000000000e", "customerId": "01936f0e-5555-7000-8000-000000000005", "branchId": "01936f0e-0000-7000-8000-000000000001", "period": 3, "instalments": 11, "amount": "5000.00", "weight": null, "rate": null, "method": "upi", "receiptNumber": "MDS1/SR/2026-27/000120", "acceptedAt": "2027-01-21T10:00:00Z"}))]
#[serde(rename_all = "camelCase")]
pub struct InstalmentReceivedEvent {
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

/// An event type's payload schema (named `name`) and the schemas it
/// refers to, the payload's last.
pub struct PayloadSchema {
    pub event_type: &'static str,
    pub name: String,
    pub schemas: Vec<(
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    )>,
}

fn schema_of<T: ToSchema>(event_type: &'static str) -> PayloadSchema {
    let mut schemas = Vec::new();
    T::schemas(&mut schemas);
    let name = T::name().into_owned();
    schemas.push((name.clone(), T::schema()));
    PayloadSchema {
        event_type,
        name,
        schemas,
    }
}

/// Every event type's payload, in the order of the services' catalogue.
pub fn payload_schemas() -> Vec<PayloadSchema> {
    use jewel_services as services;
    use jewel_services::events::DomainEvent;
    vec![
        schema_of::<InvoiceIssuedEvent>(services::billing::events::InvoiceIssued::TYPE),
        schema_of::<PaymentReceivedEvent>(services::billing::events::PaymentReceived::TYPE),
        schema_of::<InvoiceCancelledEvent>(services::billing::events::InvoiceCancelled::TYPE),
        schema_of::<CreditNoteIssuedEvent>(services::billing::events::CreditNoteIssued::TYPE),
        schema_of::<QuoteCreatedEvent>(services::billing::events::QuoteCreated::TYPE),
        schema_of::<QuoteConvertedEvent>(services::billing::events::QuoteConverted::TYPE),
        schema_of::<GiftVoucherIssuedEvent>(services::billing::events::GiftVoucherIssued::TYPE),
        schema_of::<CustomerCreatedEvent>(services::crm::events::CustomerCreated::TYPE),
        schema_of::<CustomerUpdatedEvent>(services::crm::events::CustomerUpdated::TYPE),
        schema_of::<CustomerMergedEvent>(services::crm::events::CustomerMerged::TYPE),
        schema_of::<CustomerErasedEvent>(services::crm::events::CustomerErased::TYPE),
        schema_of::<StaffChangedEvent>(services::identity::StaffChanged::TYPE),
        schema_of::<PieceReceivedEvent>(services::inventory::events::PieceReceived::TYPE),
        schema_of::<PieceMovedEvent>(services::inventory::events::PieceMoved::TYPE),
        schema_of::<PieceSoldEvent>(services::inventory::events::PieceSold::TYPE),
        schema_of::<TransferMovedEvent>(services::inventory::events::TransferDispatched::TYPE),
        schema_of::<TransferMovedEvent>(services::inventory::events::TransferReceived::TYPE),
        schema_of::<RateChangedEvent>(services::inventory::events::RateChanged::TYPE),
        schema_of::<SchemeEnrolledEvent>(services::schemes::events::SchemeEnrolled::TYPE),
        schema_of::<InstalmentReceivedEvent>(services::schemes::events::InstalmentReceived::TYPE),
        schema_of::<JobStatusChangedEvent>(services::jobs::events::JobStatusChanged::TYPE),
        schema_of::<JobEstimatedEvent>(services::jobs::events::JobEstimated::TYPE),
    ]
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    /// Every event type recorded has its payload's schema.
    #[test]
    fn every_event_type_has_a_payload_schema() {
        let described: Vec<&str> = super::payload_schemas()
            .iter()
            .map(|s| s.event_type)
            .collect();
        assert_eq!(described, jewel_services::catalogue::EVENT_TYPES);
    }

    /// The mirror `name`'s example reads as the services' type `T` and
    /// writes back the same, and its schema names exactly those fields.
    fn holds_to<T: DeserializeOwned + Serialize>(document: &Value, name: &str) {
        let schema = &document["components"]["schemas"][name];
        let example = schema["example"].clone();
        let typed: T = serde_json::from_value(example.clone())
            .unwrap_or_else(|e| panic!("{name}'s example is not the payload: {e}"));
        assert_eq!(
            serde_json::to_value(typed).expect("JSON"),
            example,
            "{name}'s example holds every field of the payload"
        );
        let mut named: Vec<&String> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .collect();
        let mut given: Vec<&String> = example.as_object().expect("an object").keys().collect();
        named.sort();
        given.sort();
        assert_eq!(named, given, "{name}'s schema names the payload's fields");
    }

    #[test]
    fn every_payload_schema_is_its_type() {
        let document = crate::openapi::document();
        use jewel_services as services;
        holds_to::<services::billing::events::InvoiceIssued>(&document, "InvoiceIssuedEvent");
        holds_to::<services::billing::events::PaymentReceived>(&document, "PaymentReceivedEvent");
        holds_to::<services::billing::events::InvoiceCancelled>(&document, "InvoiceCancelledEvent");
        holds_to::<services::billing::events::CreditNoteIssued>(&document, "CreditNoteIssuedEvent");
        holds_to::<services::billing::events::QuoteCreated>(&document, "QuoteCreatedEvent");
        holds_to::<services::billing::events::QuoteConverted>(&document, "QuoteConvertedEvent");
        holds_to::<services::billing::events::GiftVoucherIssued>(
            &document,
            "GiftVoucherIssuedEvent",
        );
        holds_to::<services::crm::events::CustomerCreated>(&document, "CustomerCreatedEvent");
        holds_to::<services::crm::events::CustomerUpdated>(&document, "CustomerUpdatedEvent");
        holds_to::<services::crm::events::CustomerMerged>(&document, "CustomerMergedEvent");
        holds_to::<services::crm::events::CustomerErased>(&document, "CustomerErasedEvent");
        holds_to::<services::identity::StaffChanged>(&document, "StaffChangedEvent");
        holds_to::<services::inventory::events::PieceReceived>(&document, "PieceReceivedEvent");
        holds_to::<services::inventory::events::PieceMoved>(&document, "PieceMovedEvent");
        holds_to::<services::inventory::events::PieceSold>(&document, "PieceSoldEvent");
        holds_to::<services::inventory::events::TransferDispatched>(
            &document,
            "TransferMovedEvent",
        );
        holds_to::<services::inventory::events::TransferReceived>(&document, "TransferMovedEvent");
        holds_to::<services::inventory::events::RateChanged>(&document, "RateChangedEvent");
        holds_to::<services::schemes::events::SchemeEnrolled>(&document, "SchemeEnrolledEvent");
        holds_to::<services::schemes::events::InstalmentReceived>(
            &document,
            "InstalmentReceivedEvent",
        );
        holds_to::<services::jobs::events::JobStatusChanged>(&document, "JobStatusChangedEvent");
        holds_to::<services::jobs::events::JobEstimated>(&document, "JobEstimatedEvent");
    }
}
