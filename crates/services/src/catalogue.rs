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

/// An event type and the schemas of its payload (the payload's last, the
/// ones it refers to before it), for the API's document.
pub struct EventSchema {
    pub event_type: &'static str,
    /// The payload schema's name.
    pub name: String,
    pub schemas: Vec<(
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    )>,
}

fn schema_of<T: DomainEvent + utoipa::ToSchema>() -> EventSchema {
    let mut schemas = Vec::new();
    T::schemas(&mut schemas);
    let name = T::name().into_owned();
    schemas.push((name.clone(), T::schema()));
    EventSchema {
        event_type: T::TYPE,
        name,
        schemas,
    }
}

/// Every event type's payload schema, in the order of [`EVENT_TYPES`].
pub fn event_schemas() -> Vec<EventSchema> {
    use crate::{billing, crm, inventory, jobs, schemes};
    vec![
        schema_of::<billing::events::InvoiceIssued>(),
        schema_of::<billing::events::PaymentReceived>(),
        schema_of::<billing::events::InvoiceCancelled>(),
        schema_of::<billing::events::CreditNoteIssued>(),
        schema_of::<billing::events::QuoteCreated>(),
        schema_of::<billing::events::QuoteConverted>(),
        schema_of::<billing::events::GiftVoucherIssued>(),
        schema_of::<crm::events::CustomerCreated>(),
        schema_of::<crm::events::CustomerUpdated>(),
        schema_of::<crm::events::CustomerMerged>(),
        schema_of::<crm::events::CustomerErased>(),
        schema_of::<crate::identity::StaffChanged>(),
        schema_of::<inventory::events::PieceReceived>(),
        schema_of::<inventory::events::PieceMoved>(),
        schema_of::<inventory::events::PieceSold>(),
        schema_of::<inventory::events::TransferDispatched>(),
        schema_of::<inventory::events::TransferReceived>(),
        schema_of::<inventory::events::RateChanged>(),
        schema_of::<schemes::events::SchemeEnrolled>(),
        schema_of::<schemes::events::InstalmentReceived>(),
        schema_of::<jobs::events::JobStatusChanged>(),
        schema_of::<jobs::events::JobEstimated>(),
    ]
}

/// The subscribers every server runs.
pub fn subscribers() -> Vec<std::sync::Arc<dyn crate::relay::Subscriber>> {
    vec![
        std::sync::Arc::new(crate::crm::timeline::Timeline),
        std::sync::Arc::new(crate::loyalty::Earning),
        std::sync::Arc::new(crate::loyalty::Reversal),
        std::sync::Arc::new(crate::integrations::fanout::Webhooks),
    ]
}

#[cfg(test)]
mod tests {
    /// Every event type recorded has its payload's schema.
    #[test]
    fn every_event_type_has_a_schema() {
        let described: Vec<&str> = super::event_schemas()
            .iter()
            .map(|s| s.event_type)
            .collect();
        assert_eq!(described, super::EVENT_TYPES);
    }
}
