//! What happens to a bill after its draft, besides issuing: payments
//! against the balance, a manager's approval of a large discount,
//! cancelling (stock back), and returns by credit note. Each checks the
//! bill's status, changes it only if no one else did meanwhile, tells its
//! events and is audited.

use jewel_domain::Invalid;
use jewel_domain::billing::invoice_number;
use jewel_domain::invoice::{
    BillLine, CreditNote, Invoice, InvoiceStatus, LineKind, Payment, Settlement,
};
use jewel_domain::lot::LotMovementKind;
use jewel_domain::measure::Money;
use jewel_domain::movement::{Move, MovementKind};
use jewel_domain::piece::PieceStatus;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::invoices::{Invoices, Series};
use jewel_persistence::repos::lots::{LotChange, LotError, Lots};
use jewel_persistence::repos::pieces::Pieces;

use super::issue::check_received;
use super::{BillingError, BillingRules, financial_year};
use crate::Unit;

/// Refuses unless `invoice` is issued with a balance to pay.
pub fn check_payable(invoice: &Invoice) -> Result<(), BillingError> {
    match invoice.status {
        InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid => Ok(()),
        status => Err(BillingError::WrongStatus {
            status: status.as_str(),
            wanted: "payments go against an issued invoice with a balance",
        }),
    }
}

/// Takes `payments` against `invoice` (as read): together no more than
/// the balance, cash for the bill below the limit. The invoice becomes
/// partially paid or paid.
pub async fn pay(
    unit: &mut Unit,
    rules: &BillingRules,
    invoice: &Invoice,
    payments: &[Payment],
) -> Result<Invoice, BillingError> {
    check_payable(invoice)?;
    if payments.is_empty() {
        return Err(Invalid::field("payments", "count", "1 to 10 payments").into());
    }
    check_received(rules, invoice, payments)?;
    crate::jobs::deposits::check_cash(unit.db(), rules, invoice, payments).await?;
    let caller = super::gift_vouchers::guesser(unit.actor());
    super::gift_vouchers::check_codes(unit.db(), &caller, payments).await?;
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    if !Invoices::add_payments(txn, invoice, payments, author).await? {
        return Err(BillingError::ChangedMeanwhile);
    }
    super::issue::spend_held(txn, invoice, payments, author).await?;
    let paid: Money = payments.iter().map(|p| p.amount).sum();
    if InvoiceStatus::of_payments(invoice.bill.total, invoice.paid + paid) == InvoiceStatus::Paid {
        for voucher in super::gift_vouchers::issue_sold(txn, invoice, author).await? {
            unit.emit(&voucher)?;
        }
    }
    done(unit, "pay", invoice).await
}

/// Approves the discount of a draft beyond its creator's limit.
pub async fn approve_discount(unit: &mut Unit, invoice: &Invoice) -> Result<Invoice, BillingError> {
    if invoice.status != InvoiceStatus::Draft {
        return Err(BillingError::WrongStatus {
            status: invoice.status.as_str(),
            wanted: "only a draft's discount is approved",
        });
    }
    if !invoice.approval_needed {
        return Err(Invalid::field(
            "discount",
            "no_approval_needed",
            "the discount is within the limit",
        )
        .into());
    }
    let by = unit.actor().id();
    if !Invoices::approve(unit.txn().await?, invoice, by).await? {
        return Err(BillingError::ChangedMeanwhile);
    }
    done(unit, "approve_discount", invoice).await
}

/// Refuses a cancel of `invoice`: cancelled already, or goods were
/// returned against it (the rest is returned instead).
pub fn check_cancellable(invoice: &Invoice) -> Result<(), BillingError> {
    if invoice.status == InvoiceStatus::Cancelled {
        return Err(BillingError::WrongStatus {
            status: invoice.status.as_str(),
            wanted: "it cannot be cancelled again",
        });
    }
    if !invoice.credit_notes.is_empty() {
        return Err(BillingError::HasReturns);
    }
    Ok(())
}

/// Cancels `invoice` (as read) for `reason`. An issued one's pieces go back
/// in stock and its lots back on hand, old gold taken on it leaves the
/// scrap stock, and the customer's purchases are counted again; its number
/// stays used.
pub async fn cancel(
    unit: &mut Unit,
    invoice: &Invoice,
    reason: &str,
) -> Result<Invoice, BillingError> {
    check_cancellable(invoice)?;
    let (by, author) = (unit.actor().id(), unit.actor().author());
    let txn = unit.txn().await?;
    if !Invoices::cancel(txn, invoice, by, reason).await? {
        return Err(BillingError::ChangedMeanwhile);
    }
    if invoice.status.is_sale() {
        let lines: Vec<_> = invoice.lines.iter().collect();
        let number = invoice.number.as_deref().unwrap_or_default();
        let why = format!("invoice {number} cancelled");
        put_back_stock(unit, invoice, &lines, PieceStatus::InStock, &why).await?;
        let txn = unit.txn().await?;
        Invoices::reverse_scrap(txn, invoice, author).await?;
        super::store_credit::give_back(txn, invoice, author).await?;
        super::gift_vouchers::on_cancel(txn, invoice, author).await?;
        crate::schemes::redemption::give_back(txn, invoice, author).await?;
        crate::jobs::deposits::give_back(txn, invoice).await?;
        if let Some(customer) = invoice.customer_id {
            Invoices::refresh_purchases(txn, customer).await?;
        }
    }
    done(unit, "cancel", invoice).await
}

/// Takes back the lines `line_ids` of a paid `invoice` (as read) with a
/// credit note numbered without gaps per branch and financial year
/// (`MDS1/CN/2026-27/000001`), settled as `settlement`; the pieces become
/// returned and the lots are back on hand. Two returns racing for one
/// line: one wins, the other is [`BillingError::ChangedMeanwhile`].
pub async fn take_return(
    unit: &mut Unit,
    rules: &BillingRules,
    invoice: &Invoice,
    line_ids: &[uuid::Uuid],
    reason: String,
    settlement: Settlement,
) -> Result<Invoice, BillingError> {
    if invoice.status != InvoiceStatus::Paid {
        return Err(BillingError::WrongStatus {
            status: invoice.status.as_str(),
            wanted: "a return is taken on a paid invoice; an unpaid one is cancelled instead",
        });
    }
    let credit = invoice.credit_for(line_ids)?;
    let from_scheme = invoice
        .payments
        .iter()
        .any(|p| p.method == jewel_domain::invoice::PaymentMethod::Scheme);
    if from_scheme && settlement != Settlement::StoreCredit {
        return Err(Invalid::field(
            "settlement",
            "scheme_paid",
            "a bill paid from a savings scheme is returned as store credit, never as money",
        )
        .into());
    }
    if settlement == Settlement::StoreCredit {
        super::store_credit::holder(invoice)?;
    }
    let branch = Branches::get(unit.db(), invoice.branch_id)
        .await?
        .ok_or(BillingError::NotFound)?;
    let now = chrono::Utc::now();
    let year = financial_year(rules, &branch, now)?;
    // Outside the transaction: two first returns of a year may both open it.
    Invoices::open_sequence(unit.db(), branch.id, Series::CreditNote, &year).await?;
    let (by, author) = (unit.actor().id(), unit.actor().author());
    let txn = unit.txn().await?;
    let sequence = Invoices::take_number(txn, branch.id, Series::CreditNote, &year).await?;
    let note = CreditNote {
        id: uuid::Uuid::now_v7(),
        invoice_id: invoice.id,
        number: invoice_number(
            &format!("{}/CN", branch.code),
            &year,
            u64::try_from(sequence).unwrap_or(0),
        ),
        reason,
        settlement,
        line_ids: line_ids.to_vec(),
        bill: credit,
        created_by: by,
        created_at: now,
    };
    if !Invoices::record_return(txn, invoice, &note, (&year, sequence), author).await? {
        return Err(BillingError::ChangedMeanwhile);
    }
    if settlement == Settlement::StoreCredit {
        super::store_credit::credit_return(txn, invoice, &note, author).await?;
    }
    let lines: Vec<_> = invoice
        .line_ids
        .iter()
        .zip(&invoice.lines)
        .filter(|(id, _)| note.line_ids.contains(id))
        .map(|(_, line)| line)
        .collect();
    let why = format!("credit note {}", note.number);
    put_back_stock(unit, invoice, &lines, PieceStatus::Returned, &why).await?;
    if let Some(customer) = invoice.customer_id {
        Invoices::refresh_purchases(unit.txn().await?, customer).await?;
    }
    done(unit, "return", invoice).await
}

/// Reads the invoice back after the change, tells its events and audits
/// it under `action`.
async fn done(unit: &mut Unit, action: &str, before: &Invoice) -> Result<Invoice, BillingError> {
    let after = super::changed(unit, before).await?;
    super::drafts::audited(unit, action, before, &after)?;
    Ok(after)
}

/// Puts the pieces and lots of `lines` (of `invoice`) back: each sold
/// piece becomes `to` (in stock after a cancel, returned after a return),
/// each lot's quantity is back on hand, with ledger lines saying `reason`.
async fn put_back_stock(
    unit: &mut Unit,
    invoice: &Invoice,
    lines: &[&BillLine],
    to: PieceStatus,
    reason: &str,
) -> Result<(), BillingError> {
    let author = unit.actor().author();
    let txn = unit.txn().await?;
    for line in lines {
        match (line.kind, line.piece_id, line.lot_id, line.quantity) {
            (LineKind::Piece, Some(piece_id), _, _) => {
                // A piece moved back by hand already stays where it is.
                let Some(piece) = Pieces::get(txn, piece_id)
                    .await?
                    .filter(|p| p.status == PieceStatus::Sold)
                else {
                    continue;
                };
                let change = Move {
                    kind: MovementKind::Return,
                    to_status: to,
                    to_branch: None,
                    reason: Some(reason.to_owned()),
                    reference: Some(invoice.id),
                    reservation: None,
                };
                if !Pieces::move_piece(txn, &piece, &change, author).await? {
                    return Err(BillingError::ChangedMeanwhile);
                }
            }
            (LineKind::Lot, _, Some(lot), Some(quantity)) => {
                let change = LotChange {
                    branch_id: invoice.branch_id,
                    kind: LotMovementKind::Return,
                    quantity,
                    reason: Some(reason.to_owned()),
                };
                Lots::change(txn, lot, &change, author)
                    .await
                    .map_err(|error| match error {
                        LotError::Repo(error) => BillingError::from(error),
                        LotError::NotEnough { .. } => BillingError::ChangedMeanwhile,
                    })?;
            }
            _ => {}
        }
    }
    Ok(())
}
