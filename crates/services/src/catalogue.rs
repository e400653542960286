//! What the business tells and who listens: every event type recorded,
//! and the subscribers every server runs.

use crate::events::DomainEvent;

/// Every event type the business records, for the feed's filter.
pub const EVENT_TYPES: [&str; 22] = [
    crate::billing::events::InvoiceIssued::TYPE,
    crate::billing::events::PaymentReceived::TYPE,
    crate::billing::events::InvoiceCancelled::TYPE,
    crate::billing::events::CreditNoteIssued::TYPE,
    crate::billing::events::QuoteCreated::TYPE,
    crate::billing::events::QuoteConverted::TYPE,
    crate::billing::events::GiftVoucherIssued::TYPE,
    crate::crm::events::CustomerCreated::TYPE,
    crate::crm::events::CustomerUpdated::TYPE,
    crate::crm::events::CustomerMerged::TYPE,
    crate::crm::events::CustomerErased::TYPE,
    crate::identity::StaffChanged::TYPE,
    crate::inventory::events::PieceReceived::TYPE,
    crate::inventory::events::PieceMoved::TYPE,
    crate::inventory::events::PieceSold::TYPE,
    crate::inventory::events::TransferDispatched::TYPE,
    crate::inventory::events::TransferReceived::TYPE,
    crate::inventory::events::RateChanged::TYPE,
    crate::schemes::events::SchemeEnrolled::TYPE,
    crate::schemes::events::InstalmentReceived::TYPE,
    crate::jobs::events::JobStatusChanged::TYPE,
    crate::jobs::events::JobEstimated::TYPE,
];

/// The subscribers every server runs.
pub fn subscribers() -> Vec<std::sync::Arc<dyn crate::relay::Subscriber>> {
    vec![
        std::sync::Arc::new(crate::crm::timeline::Timeline),
        std::sync::Arc::new(crate::loyalty::Earning),
        std::sync::Arc::new(crate::loyalty::Reversal),
        std::sync::Arc::new(crate::integrations::fanout::Webhooks),
    ]
}
