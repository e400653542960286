//! The customer's timeline learns of purchases, payments, returns and
//! cancellations from billing's events: one entry per event, under the
//! event's own id, so an entry can never be written twice.

use jewel_domain::customer::{InteractionKind, NewInteraction};
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::interactions::Interactions;
use serde::de::DeserializeOwned;

use crate::billing::events::{CreditNoteIssued, InvoiceCancelled, InvoiceIssued, PaymentReceived};
use crate::events::{DomainEvent, Event};
use crate::relay::{Failed, Subscriber};

/// Writes billing's events on the timelines of the customers they concern.
#[derive(Debug, Default)]
pub struct Timeline;

fn payload<T: DeserializeOwned>(event: &Event) -> anyhow::Result<T> {
    Ok(serde_json::from_value(event.payload.clone())?)
}

/// The entry an event makes: the customer, the kind and the summary.
fn entry(event: &Event) -> anyhow::Result<Option<(uuid::Uuid, InteractionKind, String)>> {
    Ok(match event.event_type.as_str() {
        InvoiceIssued::TYPE => {
            let e: InvoiceIssued = payload(event)?;
            e.customer_id.map(|customer| {
                let lines = if e.lines == 1 { "line" } else { "lines" };
                (
                    customer,
                    InteractionKind::Purchase,
                    format!(
                        "Bought on invoice {}: {} {} ({} {lines})",
                        e.number, e.total, e.currency, e.lines
                    ),
                )
            })
        }
        PaymentReceived::TYPE => {
            let e: PaymentReceived = payload(event)?;
            e.customer_id.map(|customer| {
                let methods: Vec<&str> = e.payments.iter().map(|p| p.method.as_str()).collect();
                (
                    customer,
                    InteractionKind::Payment,
                    format!(
                        "Paid {} {} on invoice {} ({}); {} {} still due",
                        e.amount,
                        e.currency,
                        e.number,
                        methods.join(", "),
                        e.balance,
                        e.currency
                    ),
                )
            })
        }
        CreditNoteIssued::TYPE => {
            let e: CreditNoteIssued = payload(event)?;
            e.customer_id.map(|customer| {
                (
                    customer,
                    InteractionKind::Return,
                    format!(
                        "Returned goods of invoice {}: credit note {} for {} {}",
                        e.invoice_number, e.number, e.total, e.currency
                    ),
                )
            })
        }
        InvoiceCancelled::TYPE => {
            let e: InvoiceCancelled = payload(event)?;
            match (e.customer_id, e.number) {
                (Some(customer), Some(number)) if e.was_issued => Some((
                    customer,
                    InteractionKind::Cancellation,
                    format!(
                        "Invoice {number} for {} {} cancelled: {}",
                        e.total, e.currency, e.reason
                    ),
                )),
                _ => None,
            }
        }
        _ => None,
    })
}

#[async_trait::async_trait]
impl Subscriber for Timeline {
    fn name(&self) -> &'static str {
        "customer_timeline"
    }

    fn wants(&self, event_type: &str) -> bool {
        [
            InvoiceIssued::TYPE,
            PaymentReceived::TYPE,
            CreditNoteIssued::TYPE,
            InvoiceCancelled::TYPE,
        ]
        .contains(&event_type)
    }

    async fn handle(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        write(txn, &[event]).await
    }

    /// All the batch's entries in one statement.
    async fn handle_all(&self, txn: &DatabaseTransaction, events: &[&Event]) -> Result<(), Failed> {
        write(txn, events)
            .await
            .map_err(|error| Failed { at: None, error })
    }
}

/// The timeline entries of `events`, in one statement.
async fn write(txn: &DatabaseTransaction, events: &[&Event]) -> anyhow::Result<()> {
    let mut entries = Vec::with_capacity(events.len());
    for event in events {
        let Some((customer_id, kind, summary)) = entry(event)? else {
            continue;
        };
        let (actor_kind, actor_id) = match event.actor_kind.as_str() {
            "staff" => ("staff", event.actor_id.parse().unwrap_or_default()),
            "client" => ("client", event.actor_id.parse().unwrap_or_default()),
            "customer" => ("customer", event.actor_id.parse().unwrap_or_default()),
            _ => ("system", uuid::Uuid::nil()),
        };
        let summary: String = summary.chars().take(2000).collect();
        entries.push((
            event.id,
            NewInteraction {
                customer_id,
                kind,
                occurred_at: event.occurred_at,
                actor_kind,
                actor_id,
                summary,
                outcome: None,
            },
        ));
    }
    if !entries.is_empty() {
        Interactions::insert_many(txn, &entries).await?;
    }
    Ok(())
}
