//! Issuing a draft: it takes the next number of its branch and financial
//! year, its pieces become sold and its lots go down (each with its line in
//! the stock ledger), and payments given with it are taken, all in one
//! transaction with the number.

use chrono::{Duration, Utc};
use jewel_domain::billing::{check_cash, check_pan, invoice_number};
use jewel_domain::invoice::check_payments;
use jewel_domain::invoice::{Invoice, InvoiceStatus, LineKind, Payment, PaymentMethod};
use jewel_domain::lot::LotMovementKind;
use jewel_domain::measure::Money;
use jewel_domain::movement::{Move, MovementKind};
use jewel_domain::piece::{MoveRefused, PieceStatus};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::invoices::{Invoices, Issued, Series};
use jewel_persistence::repos::lots::{LotChange, LotError, Lots};
use jewel_persistence::repos::pieces::Pieces;

use super::{BillingError, BillingRules, financial_year};
use crate::Unit;
use crate::inventory::events::PieceSold;

/// Issues `invoice` (a draft as read) with `payments` taken at once; the
/// caller commits `unit`. Returns the invoice as issued, audited.
pub async fn issue(
    unit: &mut Unit,
    rules: &BillingRules,
    invoice: &Invoice,
    payments: &[Payment],
) -> Result<Invoice, BillingError> {
    if invoice.status != InvoiceStatus::Draft {
        return Err(BillingError::WrongStatus {
            status: invoice.status.as_str(),
            wanted: "only a draft can be issued",
        });
    }
    invoice.check_issuable()?;
    let valid_for = Duration::minutes(i64::from(rules.price_valid_minutes));
    if invoice.priced_at + valid_for < Utc::now() {
        return Err(BillingError::PricesExpired {
            minutes: rules.price_valid_minutes,
        });
    }
    let has_pan = match invoice.customer_id {
        Some(customer) => Customers::get(unit.db(), customer)
            .await?
            .is_some_and(|c| c.pan.is_some()),
        None => false,
    };
    check_pan(invoice.bill.total, rules.pan_threshold, has_pan)?;
    check_received(rules, invoice, payments)?;
    let branch = Branches::get(unit.db(), invoice.branch_id)
        .await?
        .ok_or(BillingError::NotFound)?;
    let now = Utc::now();
    let year = financial_year(rules, &branch, now)?;
    // Outside the transaction: two first issues of a year may both open it.
    Invoices::open_sequence(unit.db(), branch.id, Series::Invoice, &year).await?;

    let by = unit.actor().id();
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    // The number first: the sequence row queues every issue of the branch's
    // year behind this one until it commits or rolls back.
    let sequence = Invoices::take_number(txn, branch.id, Series::Invoice, &year).await?;
    let issued = Issued {
        number: invoice_number(&branch.code, &year, u64::try_from(sequence).unwrap_or(0)),
        financial_year: year,
        sequence,
        by,
        at: now,
    };
    if !Invoices::mark_issued(txn, invoice, &issued).await? {
        return Err(BillingError::ChangedMeanwhile);
    }
    let sold = sell_stock(unit, rules, invoice, &issued.number).await?;
    for piece in &sold {
        unit.emit(piece)?;
    }
    let txn = unit.txn().await?;
    if let Some(customer) = invoice.customer_id {
        Invoices::refresh_purchases(txn, customer).await?;
    }
    if !payments.is_empty() {
        let mut issued_invoice = invoice.clone();
        issued_invoice.version += 1;
        if !Invoices::add_payments(txn, &issued_invoice, payments, author).await? {
            return Err(BillingError::ChangedMeanwhile);
        }
    }
    let after = super::changed(unit, invoice).await?;
    super::drafts::audited(unit, "issue", invoice, &after)?;
    Ok(after)
}

/// The guards on money received for `invoice`: no more than the balance,
/// cash below the limit for the bill.
pub fn check_received(
    rules: &BillingRules,
    invoice: &Invoice,
    payments: &[Payment],
) -> Result<(), BillingError> {
    let amounts: Vec<(String, Money)> = payments
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("payments[{i}].amount"), p.amount))
        .collect();
    check_payments(invoice.balance(), &amounts)?;
    let cash: Money = payments
        .iter()
        .filter(|p| p.method == PaymentMethod::Cash)
        .map(|p| p.amount)
        .sum();
    if !cash.is_zero() {
        check_cash(invoice.cash_received() + cash, rules.cash_limit)?;
    }
    Ok(())
}

/// Marks the invoice's pieces sold and takes its lots out of stock, each
/// with its ledger line, inside the issuing transaction. Returns the
/// `piece.sold` events of its pieces.
async fn sell_stock(
    unit: &mut Unit,
    rules: &BillingRules,
    invoice: &Invoice,
    number: &str,
) -> Result<Vec<PieceSold>, BillingError> {
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    let mut sold = Vec::new();
    for (line_no, line) in invoice.lines.iter().enumerate() {
        match line.kind {
            LineKind::Piece => {
                let Some(piece_id) = line.piece_id else {
                    continue;
                };
                let piece = Pieces::get(txn, piece_id)
                    .await?
                    .filter(|p| p.branch_id == invoice.branch_id)
                    .ok_or(BillingError::PieceGone { line: line_no })?;
                if let Some(hold) = piece.reservation
                    && Some(hold.customer_id) != invoice.customer_id
                {
                    return Err(BillingError::PieceReserved { line: line_no });
                }
                piece
                    .check_move(PieceStatus::Sold, &rules.hallmark)
                    .map_err(|refusal| match refusal {
                        MoveRefused::Illegal { from, to } => BillingError::PieceNotInStock {
                            line: line_no,
                            detail: format!(
                                "a piece that is {} cannot become {}",
                                from.as_str(),
                                to.as_str()
                            ),
                        },
                        MoveRefused::Invalid(invalid) => BillingError::Invalid(invalid),
                    })?;
                let change = Move {
                    kind: MovementKind::Sale,
                    to_status: PieceStatus::Sold,
                    to_branch: None,
                    reason: Some(format!("invoice {number}")),
                    reference: Some(invoice.id),
                    reservation: None,
                };
                if !Pieces::move_piece(txn, &piece, &change, author).await? {
                    return Err(BillingError::PieceGone { line: line_no });
                }
                sold.push(PieceSold {
                    piece_id: piece.id,
                    tag_number: piece.tag_number.as_str().to_owned(),
                    branch_id: invoice.branch_id,
                    invoice_id: invoice.id,
                    invoice_number: number.to_owned(),
                });
            }
            LineKind::Lot => {
                let (Some(lot), Some(quantity)) = (line.lot_id, line.quantity) else {
                    continue;
                };
                let change = LotChange {
                    branch_id: invoice.branch_id,
                    kind: LotMovementKind::Sale,
                    quantity: -quantity,
                    reason: Some(format!("invoice {number}")),
                };
                match Lots::change(txn, lot, &change, author).await {
                    Ok(()) => {}
                    Err(LotError::NotEnough { on_hand }) => {
                        return Err(BillingError::NotEnoughOnHand {
                            line: line_no,
                            on_hand,
                        });
                    }
                    Err(LotError::Repo(e)) => return Err(e.into()),
                }
            }
            LineKind::Service => {}
        }
    }
    Ok(sold)
}
