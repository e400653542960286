//! Triggers: the events that tell a customer something queue the message
//! in the relay's transaction. Each event reaches this subscriber once: a
//! bill issued (its tax invoice by e-mail), a job ready to collect, a
//! payment towards a bill issued earlier and a savings scheme's instalment
//! (their receipts by SMS), a quote given (a reminder before its prices
//! end, taken back when it becomes a bill). A bill and a job ready also go
//! to the app of a customer who registered a device.

use std::collections::BTreeMap;

use jewel_domain::engagement::device::Holder;
use jewel_domain::engagement::message::SkipReason;
use jewel_domain::engagement::{
    Language, MessageChannel, Trigger, indian_grouping, quote_reminder_at,
};
use jewel_persistence::DatabaseTransaction;
use jewel_persistence::repos::devices::Devices;
use jewel_persistence::repos::messages::Messages;

use super::calls::{Actions, Call, make_call, withdraw_call};
use super::queue::{Asked, queue_message, queue_message_at};
use super::zones::zone_of;
use crate::billing::events::{InvoiceIssued, PaymentReceived, QuoteConverted, QuoteCreated};
use crate::events::{DomainEvent, Event};
use crate::jobs::events::JobStatusChanged;
use crate::relay::Subscriber;
use crate::schemes::events::InstalmentReceived;

/// Queues the messages events call for.
#[derive(Debug, Clone)]
pub struct Notifications {
    /// The language of a customer who has not said theirs.
    pub language: Language,
    /// How long before a quote's prices end its customer is reminded (0:
    /// never).
    pub quote_expiring_minutes: u32,
    /// Whether a job ready and a quote's reminder also, or instead, make
    /// a call for the sales person.
    pub actions: Actions,
}

/// The key of quote `id`'s reminder (and of its call).
fn quote_key(id: uuid::Uuid) -> String {
    format!("quote_expiring:sms:{id}")
}

/// The staff member who did what `event` tells, if a staff member did.
fn staff_actor(event: &Event) -> Option<uuid::Uuid> {
    (event.actor_kind == "staff")
        .then(|| uuid::Uuid::parse_str(&event.actor_id).ok())
        .flatten()
}

/// The day `at` falls on in `zone`, as templates show it.
fn day_in(at: chrono::DateTime<chrono::Utc>, zone: chrono_tz::Tz) -> String {
    at.with_timezone(&zone).date_naive().to_string()
}

#[async_trait::async_trait]
impl Subscriber for Notifications {
    fn name(&self) -> &'static str {
        "notifications"
    }

    fn wants(&self, event_type: &str) -> bool {
        [
            InvoiceIssued::TYPE,
            JobStatusChanged::TYPE,
            PaymentReceived::TYPE,
            InstalmentReceived::TYPE,
            QuoteCreated::TYPE,
            QuoteConverted::TYPE,
        ]
        .contains(&event_type)
    }

    async fn handle(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        match event.event_type.as_str() {
            InvoiceIssued::TYPE => self.invoice_issued(txn, event).await,
            JobStatusChanged::TYPE => self.job_ready(txn, event).await,
            PaymentReceived::TYPE => self.payment_received(txn, event).await,
            InstalmentReceived::TYPE => self.instalment_received(txn, event).await,
            QuoteCreated::TYPE => self.quote_created(txn, event).await,
            QuoteConverted::TYPE => {
                let converted: QuoteConverted = serde_json::from_value(event.payload.clone())?;
                let reason = SkipReason::NoLongerDue.as_str();
                Messages::skip_waiting(txn, "quote", converted.quote_id, reason).await?;
                withdraw_call(txn, &quote_key(converted.quote_id)).await?;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

impl Notifications {
    /// Makes the call `asked`'s trigger asks for besides, or instead of,
    /// its message (`notify.actions`), due at `due_at`, for the customer's
    /// sales person or else whoever did what `event` tells; whether the
    /// message goes too.
    async fn call_if_asked(
        &self,
        txn: &DatabaseTransaction,
        (event, asked): (&Event, &Asked),
        due_at: chrono::DateTime<chrono::Utc>,
        why: impl FnOnce(&str) -> String,
    ) -> anyhow::Result<bool> {
        let action = self.actions.of(asked.trigger);
        if action.tasks() {
            let call = Call {
                customer: asked.customer,
                fallback: staff_actor(event),
                key: &asked.key,
                due_at,
                branch: asked.branch,
                language: self.language,
            };
            make_call(txn, call, |name| format!("Call {name}: {}.", why(name))).await?;
        }
        Ok(action.messages())
    }

    async fn invoice_issued(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        let issued: InvoiceIssued = serde_json::from_value(event.payload.clone())?;
        let Some(customer) = issued.customer_id else {
            return Ok(());
        };
        let asked = Asked {
            trigger: Trigger::InvoiceIssued,
            channel: Trigger::InvoiceIssued.channel(),
            customer,
            branch: Some(issued.branch_id),
            key: format!("invoice_issued:email:{}", issued.invoice_id),
            about: ("invoice", issued.invoice_id),
        };
        let values = |customer: &str, branch: &str, zone: chrono_tz::Tz| {
            BTreeMap::from([
                ("customer_name", customer.to_owned()),
                ("invoice_number", issued.number.clone()),
                ("issued_on", day_in(issued.issued_at, zone)),
                ("total", indian_grouping(&issued.total)),
                ("currency", issued.currency.clone()),
                ("branch_name", branch.to_owned()),
            ])
        };
        let on_app = Asked {
            channel: MessageChannel::Push,
            key: format!("invoice_issued:push:{}", issued.invoice_id),
            ..asked.clone()
        };
        let total = format!("{} {}", issued.currency, indian_grouping(&issued.total));
        let why = |_: &str| format!("thank them for bill {} ({total})", issued.number);
        if !self
            .call_if_asked(txn, (event, &asked), event.occurred_at, why)
            .await?
        {
            return Ok(());
        }
        queue_message(txn, self.language, asked, values).await?;
        self.on_app_too(txn, on_app, values).await
    }

    /// Queues `asked` (an app notification) when the customer registered a
    /// device.
    async fn on_app_too(
        &self,
        txn: &DatabaseTransaction,
        asked: Asked,
        values: impl FnOnce(&str, &str, chrono_tz::Tz) -> BTreeMap<&'static str, String>,
    ) -> anyhow::Result<()> {
        if !Devices::of(txn, Holder::Customer(asked.customer))
            .await?
            .is_empty()
        {
            queue_message(txn, self.language, asked, values).await?;
        }
        Ok(())
    }

    async fn job_ready(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        let changed: JobStatusChanged = serde_json::from_value(event.payload.clone())?;
        if changed.to != "ready" {
            return Ok(());
        }
        let asked = Asked {
            trigger: Trigger::JobReady,
            channel: Trigger::JobReady.channel(),
            customer: changed.customer_id,
            branch: Some(changed.branch_id),
            // Ready again after rework is news again: one message per move.
            key: format!("job_ready:sms:{}", event.id),
            about: ("job", changed.job_id),
        };
        let values = |customer: &str, branch: &str, _: chrono_tz::Tz| {
            BTreeMap::from([
                ("customer_name", customer.to_owned()),
                ("job_number", changed.number.clone()),
                ("branch_name", branch.to_owned()),
            ])
        };
        let on_app = Asked {
            channel: MessageChannel::Push,
            key: format!("job_ready:push:{}", event.id),
            ..asked.clone()
        };
        let number = &changed.number;
        let why = |_: &str| format!("job {number} is ready to collect");
        if !self
            .call_if_asked(txn, (event, &asked), event.occurred_at, why)
            .await?
        {
            return Ok(());
        }
        queue_message(txn, self.language, asked, values).await?;
        self.on_app_too(txn, on_app, values).await
    }

    /// A payment towards a bill issued earlier: its receipt, with what is
    /// left to pay. Payments taken as a bill is issued are on the bill.
    async fn payment_received(
        &self,
        txn: &DatabaseTransaction,
        event: &Event,
    ) -> anyhow::Result<()> {
        let received: PaymentReceived = serde_json::from_value(event.payload.clone())?;
        let Some(customer) = received.customer_id.filter(|_| !received.at_issue) else {
            return Ok(());
        };
        let trigger = Trigger::PaymentReceived;
        let asked = Asked {
            trigger,
            channel: trigger.channel(),
            customer,
            branch: Some(received.branch_id),
            key: format!("payment_received:sms:{}", event.id),
            about: ("invoice", received.invoice_id),
        };
        let values = |customer: &str, branch: &str, zone: chrono_tz::Tz| {
            BTreeMap::from([
                ("customer_name", customer.to_owned()),
                ("invoice_number", received.number.clone()),
                ("amount", indian_grouping(&received.amount)),
                ("balance", indian_grouping(&received.balance)),
                ("currency", received.currency.clone()),
                ("received_on", day_in(event.occurred_at, zone)),
                ("branch_name", branch.to_owned()),
            ])
        };
        let why = |_: &str| {
            let currency = &received.currency;
            format!(
                "{currency} {} received towards bill {}, {currency} {} left to pay",
                indian_grouping(&received.amount),
                received.number,
                indian_grouping(&received.balance)
            )
        };
        if self
            .call_if_asked(txn, (event, &asked), event.occurred_at, why)
            .await?
        {
            queue_message(txn, self.language, asked, values).await?;
        }
        Ok(())
    }

    /// A savings scheme's instalment: its receipt.
    async fn instalment_received(
        &self,
        txn: &DatabaseTransaction,
        event: &Event,
    ) -> anyhow::Result<()> {
        let paid: InstalmentReceived = serde_json::from_value(event.payload.clone())?;
        let trigger = Trigger::InstalmentReceived;
        let asked = Asked {
            trigger,
            channel: trigger.channel(),
            customer: paid.customer_id,
            branch: Some(paid.branch_id),
            key: format!("instalment_received:sms:{}", paid.instalment_id),
            about: ("scheme_enrolment", paid.enrolment_id),
        };
        let values = |customer: &str, branch: &str, zone: chrono_tz::Tz| {
            BTreeMap::from([
                ("customer_name", customer.to_owned()),
                ("receipt_number", paid.receipt_number.clone()),
                ("amount", indian_grouping(&paid.amount)),
                ("period", paid.period.to_string()),
                ("instalments", paid.instalments.to_string()),
                ("received_on", day_in(paid.accepted_at, zone)),
                ("branch_name", branch.to_owned()),
            ])
        };
        let why = |_: &str| {
            format!(
                "instalment {} of {} ({}) received, receipt {}",
                paid.period,
                paid.instalments,
                indian_grouping(&paid.amount),
                paid.receipt_number
            )
        };
        if self
            .call_if_asked(txn, (event, &asked), event.occurred_at, why)
            .await?
        {
            queue_message(txn, self.language, asked, values).await?;
        }
        Ok(())
    }

    /// A quote given to a customer: a reminder before its prices end, if
    /// it holds long enough for one.
    async fn quote_created(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        let quoted: QuoteCreated = serde_json::from_value(event.payload.clone())?;
        let Some(customer) = quoted.customer_id else {
            return Ok(());
        };
        let Some(at) = quote_reminder_at(
            event.occurred_at,
            quoted.valid_until,
            self.quote_expiring_minutes,
        ) else {
            return Ok(());
        };
        let trigger = Trigger::QuoteExpiring;
        let asked = Asked {
            trigger,
            channel: trigger.channel(),
            customer,
            branch: Some(quoted.branch_id),
            key: quote_key(quoted.quote_id),
            about: ("quote", quoted.quote_id),
        };
        let values = |customer: &str, branch: &str, zone: chrono_tz::Tz| {
            let until = quoted.valid_until.with_timezone(&zone);
            BTreeMap::from([
                ("customer_name", customer.to_owned()),
                ("total", indian_grouping(&quoted.total)),
                ("currency", quoted.currency.clone()),
                ("valid_until", until.format("%H:%M on %Y-%m-%d").to_string()),
                ("branch_name", branch.to_owned()),
            ])
        };
        let total = format!("{} {}", quoted.currency, indian_grouping(&quoted.total));
        let zone = zone_of(txn, Some(quoted.branch_id)).await?;
        let until = quoted
            .valid_until
            .with_timezone(&zone)
            .format("%H:%M on %Y-%m-%d");
        let why = |_: &str| format!("the quote of {total} holds until {until}");
        if self.call_if_asked(txn, (event, &asked), at, why).await? {
            queue_message_at(txn, self.language, asked, at, values).await?;
        }
        Ok(())
    }
}
