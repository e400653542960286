//! Points taken back when goods come back: a credit note takes back the
//! share of the bill's points its lines earned (the earning's own unspent
//! points first, then pending, then active; the balance may go below zero
//! and the next earning makes it up) and gives back the share of the
//! points spent on the bill in proportion to the value returned; a
//! cancelled bill takes back all it earned and gives back all spent on it.
//! Never "buy, return, keep the points", never a point spent twice.

use chrono::Utc;
use jewel_domain::invoice::Invoice;
use jewel_domain::loyalty::{Entry, EntryKind, share, take_back};
use jewel_domain::measure::Money;
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_persistence::{DatabaseTransaction, RepoError};

use super::earning::bases;
use crate::billing::events::{CreditNoteIssued, InvoiceCancelled};
use crate::events::{DomainEvent, Event};
use crate::relay::Subscriber;

/// Takes points back for returns and cancelled bills.
#[derive(Debug, Default)]
pub struct Reversal;

#[async_trait::async_trait]
impl Subscriber for Reversal {
    fn name(&self) -> &'static str {
        "loyalty_reversal"
    }

    fn wants(&self, event_type: &str) -> bool {
        [CreditNoteIssued::TYPE, InvoiceCancelled::TYPE].contains(&event_type)
    }

    async fn handle(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        let (invoice_id, note) = match event.event_type.as_str() {
            CreditNoteIssued::TYPE => {
                let e: CreditNoteIssued = serde_json::from_value(event.payload.clone())?;
                (e.invoice_id, Some(e.credit_note_id))
            }
            _ => {
                let e: InvoiceCancelled = serde_json::from_value(event.payload.clone())?;
                if !e.was_issued {
                    return Ok(());
                }
                (e.invoice_id, None)
            }
        };
        let Some(invoice) = Invoices::get(txn, invoice_id).await? else {
            return Ok(());
        };
        reverse(txn, &invoice, note, &format!("event:{}", event.id)).await?;
        Ok(())
    }
}

/// What of the bill comes back: the earning and all-lines bases of the
/// lines returned and of all lines, and the value returned of the total.
struct Returned {
    earning: (Money, Money),
    qualifying: (Money, Money),
    value: (Money, Money),
}

async fn returned(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    note: Option<uuid::Uuid>,
) -> Result<Returned, RepoError> {
    let (programme, _) = Loyalty::programme(txn).await?;
    let lines = bases(txn, &programme, invoice).await?;
    let credit = note.and_then(|id| invoice.credit_notes.iter().find(|c| c.id == id));
    let back = |line: usize| match credit {
        Some(note) => note.line_ids.contains(&invoice.line_ids[line]),
        None => true,
    };
    let sum = |pick: fn(&(Money, Money)) -> Money, only_back: bool| -> Money {
        lines
            .iter()
            .enumerate()
            .filter(|(i, _)| !only_back || back(*i))
            .map(|(_, l)| pick(l))
            .sum()
    };
    Ok(Returned {
        earning: (sum(|l| l.0, true), sum(|l| l.0, false)),
        qualifying: (sum(|l| l.1, true), sum(|l| l.1, false)),
        value: match credit {
            Some(note) => (note.bill.total, invoice.bill.total),
            None => (invoice.bill.total, invoice.bill.total),
        },
    })
}

/// Takes back what the lines returned by `note` (all, for a cancel)
/// earned, and gives back what was spent on the bill in proportion.
async fn reverse(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    note: Option<uuid::Uuid>,
    source: &str,
) -> Result<(), RepoError> {
    let Some(customer) = invoice.customer_id else {
        return Ok(());
    };
    let account = Loyalty::lock(txn, customer).await?;
    let made = Loyalty::of_invoice(txn, invoice.id).await?;
    if made.is_empty() {
        return Ok(());
    }
    let of_kind = |kind: EntryKind, sign: i64| -> i64 {
        made.iter()
            .filter(|e| e.kind == kind)
            .map(|e| sign * e.points)
            .sum()
    };
    let earned = of_kind(EntryKind::Earned, 1);
    let qualified: i64 = made
        .iter()
        .filter(|e| e.kind == EntryKind::Earned)
        .map(|e| e.qualifying)
        .sum();
    let spent = of_kind(EntryKind::Redeemed, -1);
    // What earlier returns of this bill took and gave back already.
    let reversed = made.iter().filter(|e| e.kind == EntryKind::Reversed);
    let taken: i64 = reversed
        .clone()
        .filter(|e| e.points < 0)
        .map(|e| -e.points)
        .sum();
    let unqualified: i64 = reversed.clone().map(|e| -e.qualifying).sum();
    let given: i64 = reversed.filter(|e| e.points > 0).map(|e| e.points).sum();
    let back = returned(txn, invoice, note).await?;
    let last = note.is_none() || invoice.lines.iter().all(|l| l.returned_by.is_some());
    let portion = |whole: i64, done: i64, (part, of): (Money, Money)| {
        if last {
            whole - done
        } else {
            share(whole, part, of).min(whole - done)
        }
    };
    let take = portion(earned, taken, back.earning).max(0);
    let unqualify = portion(qualified, unqualified, back.qualifying).max(0);
    let give = portion(spent, given, back.value).max(0);
    let now = Utc::now();
    let own = made
        .iter()
        .find(|e| e.kind == EntryKind::Earned)
        .map(|e| e.id);
    let entry = |suffix: &str, points: i64, qualifying: i64, reason: String| Entry {
        id: uuid::Uuid::now_v7(),
        customer_id: customer,
        kind: EntryKind::Reversed,
        points,
        remaining: points.max(0),
        qualifying: -qualifying,
        active_at: now,
        expires_at: None,
        invoice_id: Some(invoice.id),
        credit_note_id: note,
        source: Some(format!("{source}:{suffix}")),
        reason: Some(reason),
        actor_kind: "system".to_owned(),
        actor_id: uuid::Uuid::nil(),
        created_at: now,
    };
    let number = invoice.number.as_deref().unwrap_or_default();
    let why = match note.and_then(|id| invoice.credit_notes.iter().find(|c| c.id == id)) {
        Some(credit) => format!("credit note {}", credit.number),
        None => format!("invoice {number} cancelled"),
    };
    if take > 0 || unqualify > 0 {
        let awards = Loyalty::awards(txn, customer).await?;
        let draws = take_back(&awards, take, own, now);
        let entry = entry(
            "earned",
            -take,
            unqualify,
            format!("Earned on invoice {number}, taken back: {why}"),
        );
        if !recorded(Loyalty::record(txn, &entry, &draws).await)? {
            return Ok(());
        }
    }
    if give > 0 {
        let (programme, _) = Loyalty::programme(txn).await?;
        let mut entry = entry(
            "spent",
            give,
            0,
            format!("Spent on invoice {number}, given back: {why}"),
        );
        // What the customer owes from points taken back is made up first.
        let owed = (-(account.balance - take)).max(0);
        entry.remaining = (give - owed).max(0);
        entry.expires_at = programme.award_expires_at(now);
        recorded(Loyalty::record(txn, &entry, &[]).await)?;
    }
    Ok(())
}

/// Whether the entry was written now (false: handed the event again after
/// it was).
fn recorded(result: Result<(), RepoError>) -> Result<bool, RepoError> {
    match result {
        Ok(()) => Ok(true),
        Err(RepoError::Taken { field: "source" }) => Ok(false),
        Err(other) => Err(other),
    }
}
