//! Redeeming savings schemes on bills: payment method `scheme` names a
//! matured enrolment of the bill's customer; under the enrolment's row
//! lock it takes value within what is left and within the window, against
//! the bill's jewellery only (its goods, when the plan allows coins and
//! bullion); cancelling the bill gives it back.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::invoice::{BillLine, Invoice, LineKind, Payment, PaymentMethod};
use jewel_domain::measure::Money;
use jewel_domain::scheme::{EnrolmentStatus, Settlement, SettlementKind};
use jewel_persistence::repos::lots::Lots;
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_persistence::repos::metal_rates::MetalRates;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::schemes::{Schemes, SettledBy};
use jewel_persistence::{ConnectionTrait, DatabaseTransaction, RepoError};

use crate::billing::BillingError;

/// What each of `lines` sells: `None` for what is not goods (a service,
/// a gift voucher), else whether it is jewellery (not one of the
/// programme's coins and bullion categories).
pub(super) async fn jewellery_of(
    db: &impl ConnectionTrait,
    lines: &[BillLine],
) -> Result<Vec<Option<bool>>, RepoError> {
    let (programme, _) = Loyalty::programme(db).await?;
    let piece_ids: Vec<uuid::Uuid> = lines.iter().filter_map(|l| l.piece_id).collect();
    let pieces = Pieces::many(db, &piece_ids).await?;
    let mut kinds = Vec::with_capacity(lines.len());
    for line in lines {
        let category = match (line.kind, line.piece_id, line.lot_id) {
            (LineKind::Piece, Some(id), _) => pieces
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.category.clone()),
            (LineKind::Lot, _, Some(lot)) => Lots::get(db, lot).await?.map(|l| l.category),
            _ => {
                kinds.push(None);
                continue;
            }
        };
        kinds.push(Some(programme.earns(category.as_deref())));
    }
    Ok(kinds)
}

/// What of a bill a scheme may pay: its goods, and of them its jewellery
/// (not the programme's coins and bullion): the bill's total, its
/// round-off included, less what the other lines come to.
async fn goods_of(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
) -> Result<(Money, Money), RepoError> {
    let kinds = jewellery_of(txn, &invoice.lines).await?;
    let (mut not_goods, mut not_jewellery) = (Money::ZERO, Money::ZERO);
    for (kind, priced) in kinds.into_iter().zip(&invoice.bill.lines) {
        let line_total = priced.breakup.gross_total;
        if kind.is_none() {
            not_goods = not_goods + line_total;
        }
        if kind != Some(true) {
            not_jewellery = not_jewellery + line_total;
        }
    }
    let total = invoice.bill.total;
    let less = |other: Money| {
        if other >= total {
            Money::ZERO
        } else {
            total - other
        }
    };
    Ok((less(not_goods), less(not_jewellery)))
}

/// Redeems the scheme payments among `payments` on `invoice` (none:
/// nothing is read).
pub(crate) async fn redeem(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    payments: &[Payment],
    author: (&'static str, uuid::Uuid),
) -> Result<(), BillingError> {
    let wanted: Vec<(usize, &Payment)> = payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.method == PaymentMethod::Scheme)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let (goods, jewellery) = goods_of(txn, invoice).await?;
    let rates = MetalRates::current(txn, now).await?;
    let mut used = Money::ZERO;
    for (index, payment) in wanted {
        let reference = format!("payments[{index}].reference");
        let amount_field = format!("payments[{index}].amount");
        let not_found = || {
            Invalid::field(
                &reference,
                "not_found",
                "no savings scheme of the bill's customer",
            )
        };
        let id = payment
            .reference
            .as_deref()
            .and_then(|r| uuid::Uuid::parse_str(r.trim()).ok())
            .ok_or_else(not_found)?;
        let enrolment = Schemes::lock_enrolment(txn, id)
            .await?
            .filter(|e| Some(e.customer_id) == invoice.customer_id)
            .ok_or_else(not_found)?;
        let limit = if enrolment.terms.jewellery_only {
            jewellery
        } else {
            goods
        };
        if used + payment.amount > limit {
            return Err(Invalid::field(
                &amount_field,
                "beyond_jewellery",
                format!("a scheme pays for the bill's jewellery only: {limit}"),
            )
            .into());
        }
        let (instalments, settlements) = Schemes::held(txn, id).await?;
        let first = instalments.iter().map(|i| i.accepted_at).min();
        let last = enrolment.terms.last_redemption(enrolment.started_at, first);
        if enrolment.status == EnrolmentStatus::Active && now > last {
            return Err(Invalid::field(
                &reference,
                "lapsed",
                format!(
                    "its redemption window closed on {}; it is refunded",
                    last.date_naive()
                ),
            )
            .into());
        }
        let rate = enrolment
            .terms
            .purity
            .and_then(|p| rates.for_purity(p))
            .map(|r| r.per_gram);
        let left = enrolment.left(&instalments, &settlements, rate);
        let (advance, weight) =
            enrolment.redeem(left, payment.amount, rate, now, (&reference, &amount_field))?;
        let taken = Settlement {
            id: uuid::Uuid::now_v7(),
            enrolment_id: id,
            kind: SettlementKind::Redeemed,
            value: payment.amount,
            advance,
            weight,
            invoice_id: Some(invoice.id),
            created_at: now,
        };
        let by = SettledBy {
            source: &format!("payment:{}", payment.id),
            method: None,
            reference: None,
            actor: author,
        };
        Schemes::settle(txn, &taken, &by).await.map_err(raced)?;
        if payment.amount == left.value {
            Schemes::set_status(txn, id, EnrolmentStatus::Redeemed).await?;
        }
        used = used + payment.amount;
    }
    Ok(())
}

/// Gives back what `invoice`, cancelled, redeemed from schemes.
pub(crate) async fn give_back(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    author: (&'static str, uuid::Uuid),
) -> Result<(), BillingError> {
    let redeemed = Schemes::settlements_on(txn, invoice.id).await?;
    for taken in redeemed
        .iter()
        .filter(|s| s.kind == SettlementKind::Redeemed)
    {
        let Some(enrolment) = Schemes::lock_enrolment(txn, taken.enrolment_id).await? else {
            continue;
        };
        let back = Settlement {
            id: uuid::Uuid::now_v7(),
            kind: SettlementKind::Restored,
            value: taken.value.negated(),
            advance: taken.advance.negated(),
            weight: taken
                .weight
                .map(|w| jewel_domain::measure::Weight::from_units(-w.units())),
            created_at: Utc::now(),
            ..taken.clone()
        };
        let by = SettledBy {
            source: &format!("restored:{}", taken.id),
            method: None,
            reference: None,
            actor: author,
        };
        Schemes::settle(txn, &back, &by).await.map_err(raced)?;
        if enrolment.status == EnrolmentStatus::Redeemed {
            Schemes::set_status(txn, enrolment.id, EnrolmentStatus::Active).await?;
        }
    }
    Ok(())
}

fn raced(error: RepoError) -> BillingError {
    match error {
        RepoError::Taken { .. } => BillingError::ChangedMeanwhile,
        other => other.into(),
    }
}
