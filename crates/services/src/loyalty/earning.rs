//! Points earned on a bill: the relay hands `invoice.issued` over and the
//! customer's account earns on the lines that earn (by the programme's
//! basis, at their tier's multiplier), pending for the return window; the
//! tier is judged again on what they have earned within its window.

use jewel_domain::invoice::{Invoice, LineKind};
use jewel_domain::loyalty::{EarnBasis, Entry, EntryKind, Programme};
use jewel_domain::measure::{Factor, Money};
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::lots::Lots;
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::{DatabaseTransaction, RepoError};

use crate::billing::events::InvoiceIssued;
use crate::events::{DomainEvent, Event};
use crate::relay::Subscriber;

/// Earns points for the customers of issued bills.
#[derive(Debug, Default)]
pub struct Earning;

#[async_trait::async_trait]
impl Subscriber for Earning {
    fn name(&self) -> &'static str {
        "loyalty_earning"
    }

    fn wants(&self, event_type: &str) -> bool {
        event_type == InvoiceIssued::TYPE
    }

    async fn handle(&self, txn: &DatabaseTransaction, event: &Event) -> anyhow::Result<()> {
        let issued: InvoiceIssued = serde_json::from_value(event.payload.clone())?;
        if issued.customer_id.is_none() {
            return Ok(());
        }
        let Some(invoice) = Invoices::get(txn, issued.invoice_id).await? else {
            return Ok(());
        };
        earn(txn, &invoice, &format!("event:{}", event.id)).await?;
        Ok(())
    }
}

/// What each line of the bill earns on (zero for a line that earns
/// nothing) and what it counts for the tier, by the programme's basis;
/// a gift voucher sold earns and counts nothing.
pub(super) async fn bases(
    txn: &DatabaseTransaction,
    programme: &Programme,
    invoice: &Invoice,
) -> Result<Vec<(Money, Money)>, RepoError> {
    let piece_ids: Vec<uuid::Uuid> = invoice.lines.iter().filter_map(|l| l.piece_id).collect();
    let pieces = Pieces::many(txn, &piece_ids).await?;
    let mut bases = Vec::with_capacity(invoice.lines.len());
    for (line, priced) in invoice.lines.iter().zip(&invoice.bill.lines) {
        let category = match line.kind {
            LineKind::Piece => pieces
                .iter()
                .find(|p| Some(p.id) == line.piece_id)
                .map(|p| p.category.clone()),
            LineKind::Lot => match line.lot_id {
                Some(lot) => Lots::get(txn, lot).await?.map(|l| l.category),
                None => None,
            },
            LineKind::Service | LineKind::Material => None,
            // Money kept for later, not a sale: it earns when it is spent.
            LineKind::GiftVoucher => {
                bases.push((Money::ZERO, Money::ZERO));
                continue;
            }
        };
        let basis = match programme.earn_basis {
            EarnBasis::TaxableValue => priced.breakup.taxable_value,
            EarnBasis::Making => priced.breakup.making,
            EarnBasis::Total => priced.breakup.gross_total,
        };
        let earning = if programme.earns(category.as_deref()) {
            basis
        } else {
            Money::ZERO
        };
        bases.push((earning, basis));
    }
    Ok(bases)
}

/// Earns the points of `invoice` for its customer, once per `source`.
async fn earn(txn: &DatabaseTransaction, invoice: &Invoice, source: &str) -> Result<(), RepoError> {
    let Some(customer) = invoice.customer_id else {
        return Ok(());
    };
    let (programme, _) = Loyalty::programme(txn).await?;
    let lines = bases(txn, &programme, invoice).await?;
    let earning: Money = lines.iter().map(|l| l.0).sum();
    let all: Money = lines.iter().map(|l| l.1).sum();
    let account = Loyalty::lock(txn, customer).await?;
    let multiplier = programme.multiplier_of(account.tier.as_deref());
    let points = programme.points(earning, multiplier);
    let qualifying = programme.points(all, Factor::from_units(100));
    if points == 0 && qualifying == 0 {
        return Ok(());
    }
    let at = invoice.issued_at.unwrap_or_else(chrono::Utc::now);
    // A balance below zero (points taken back after they were spent) is
    // made up from this earning first.
    let owed = (-account.balance).max(0);
    let entry = Entry {
        id: uuid::Uuid::now_v7(),
        customer_id: customer,
        kind: EntryKind::Earned,
        points,
        remaining: (points - owed).max(0),
        qualifying,
        active_at: programme.active_at(at),
        expires_at: programme.award_expires_at(at),
        invoice_id: Some(invoice.id),
        credit_note_id: None,
        source: Some(source.to_owned()),
        reason: invoice
            .number
            .as_ref()
            .map(|n| format!("Earned on invoice {n}")),
        actor_kind: "system".to_owned(),
        actor_id: uuid::Uuid::nil(),
        created_at: at,
    };
    match Loyalty::record(txn, &entry, &[]).await {
        Ok(()) => {}
        // Handed the event again after it was earned: earned once.
        Err(RepoError::Taken { field: "source" }) => return Ok(()),
        Err(other) => return Err(other),
    }
    // The tier, judged on what was earned within its window; the new
    // multiplier applies from the next bill.
    let now = chrono::Utc::now();
    let earned = Loyalty::qualifying_since(txn, customer, programme.window_start(now)).await?;
    if let Some(reached) = programme.tier_for(earned)
        && programme.rank(Some(&reached.name)) > programme.rank(account.tier.as_deref())
    {
        let review = Programme::tier_review_at(now);
        Loyalty::set_tier(txn, customer, &reached.name, now, review).await?;
    }
    Ok(())
}
