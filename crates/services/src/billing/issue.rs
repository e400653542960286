//! Issuing a draft: its pieces become sold and its lots go down, payments
//! given with it are taken, the draft is marked issued, and last it takes
//! the next number of its branch and financial year; the writes that carry
//! the number (the bill's number, the stock ledger, the audit entry, the
//! events, the kept answer) go with the commit, all in one transaction.
//! The number comes last because from it to the commit every other bill of
//! the branch waits: on MariaDB that is three round trips (the number, the
//! writes that carry it, the commit).

use chrono::Utc;
use jewel_domain::billing::{check_cash, check_pan, invoice_number};
use jewel_domain::invoice::check_payments;
use jewel_domain::invoice::{Invoice, InvoiceStatus, Issue, LineKind, Payment, PaymentMethod};
use jewel_domain::lot::LotMovementKind;
use jewel_domain::measure::Money;
use jewel_domain::movement::{Move, MovementKind};
use jewel_domain::piece::{MoveRefused, Piece, PieceStatus};
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::invoices::{Invoices, Series};
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
    let valid_for = chrono::Duration::minutes(i64::from(rules.price_valid_minutes));
    if invoice.priced_at + valid_for < Utc::now() {
        return Err(BillingError::PricesExpired {
            minutes: rules.price_valid_minutes,
        });
    }
    check_pan(
        invoice.bill.total,
        rules.pan_threshold,
        has_pan(unit, rules, invoice).await?,
    )?;
    check_received(rules, invoice, payments)?;
    crate::jobs::deposits::check_cash(unit.db(), rules, invoice, payments).await?;
    crate::schemes::waiver::check_paid(invoice.waiver_enrolment_id, payments)?;
    let caller = super::gift_vouchers::guesser(unit.actor());
    super::gift_vouchers::check_codes(unit.db(), &caller, payments).await?;
    let branch = Branches::get(unit.db(), invoice.branch_id)
        .await?
        .ok_or(BillingError::NotFound)?;
    let at = Issue::at_second(Utc::now());
    // Taken at the moment of issue, so the bill answered is the bill read.
    let payments: Vec<Payment> = payments
        .iter()
        .map(|p| Payment {
            received_at: at,
            ..p.clone()
        })
        .collect();
    let year = financial_year(rules, &branch, at)?;
    // Outside the transaction: two first issues of a year may both open it.
    Invoices::open_sequence(unit.db(), branch.id, Series::Invoice, &year).await?;

    let author = unit.actor().author();
    let by = unit.actor().id();
    // The stock first: each piece's row waits only for bills of that piece.
    let stock = take_stock(unit, rules, invoice).await?;
    let txn = unit.txn().await?;
    if let Some(customer) = invoice.customer_id {
        Invoices::add_purchase(txn, customer, invoice.bill.total, at).await?;
    }
    Invoices::insert_payments(txn, invoice, &payments, author).await?;
    spend_held(txn, invoice, &payments, author).await?;
    let mut issue = Issue {
        number: String::new(),
        financial_year: year,
        by,
        at,
    };
    let vouchers = if invoice.issued(&issue, &payments).status == InvoiceStatus::Paid {
        super::gift_vouchers::issue_sold(txn, invoice, author).await?
    } else {
        Vec::new()
    };
    // Held from here: the number cannot miss the bill.
    if !Invoices::mark_issued(txn, invoice, &invoice.issued(&issue, &payments)).await? {
        return Err(BillingError::ChangedMeanwhile);
    }
    // The number last: from here to the commit every issue of the branch's
    // year queues behind this one.
    let sequence =
        Invoices::take_number(txn, branch.id, Series::Invoice, &issue.financial_year).await?;
    issue.number = invoice_number(
        &branch.code,
        &issue.financial_year,
        u64::try_from(sequence).unwrap_or(0),
    );
    let after = invoice.issued(&issue, &payments);
    let backend = txn.get_database_backend();
    unit.write_at_commit([Invoices::numbered_write(
        backend,
        invoice.id,
        &issue.number,
        sequence,
    )]);
    let sold = stock.record(unit, backend, invoice, &issue.number, author);
    for piece in &sold {
        unit.emit(piece)?;
    }
    for voucher in &vouchers {
        unit.emit(voucher)?;
    }
    super::tell(unit, invoice, &after)?;
    super::drafts::audited(unit, "issue", invoice, &after)?;
    Ok(after)
}

/// Spends what the payments among `payments` spend: the customer's points
/// and store credit, gift vouchers, savings schemes (none: nothing is read).
pub(super) async fn spend_held(
    txn: &jewel_persistence::DatabaseTransaction,
    invoice: &Invoice,
    payments: &[Payment],
    author: (&'static str, uuid::Uuid),
) -> Result<(), BillingError> {
    super::store_credit::spend(txn, invoice, payments, author).await?;
    super::gift_vouchers::spend(txn, invoice, payments, author).await?;
    crate::schemes::redemption::redeem(txn, invoice, payments, author).await?;
    crate::jobs::deposits::spend(txn, invoice, payments).await?;
    let spent: Vec<(usize, &Payment)> = payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.method == PaymentMethod::Points)
        .collect();
    crate::loyalty::spend(txn, invoice, &spent)
        .await
        .map_err(|error| match error {
            crate::loyalty::LoyaltyError::Invalid(invalid) => invalid.into(),
            crate::loyalty::LoyaltyError::Store(error) => error.into(),
            crate::loyalty::LoyaltyError::Record(error) => error.into(),
            crate::loyalty::LoyaltyError::NotFound
            | crate::loyalty::LoyaltyError::Stale
            | crate::loyalty::LoyaltyError::Raced => BillingError::ChangedMeanwhile,
        })
}

/// Whether the bill's customer has a PAN on record, read only when the
/// bill is large enough to need one.
async fn has_pan(
    unit: &Unit,
    rules: &BillingRules,
    invoice: &Invoice,
) -> Result<bool, BillingError> {
    let Some(customer) = invoice.customer_id else {
        return Ok(false);
    };
    if invoice.bill.total < rules.pan_threshold {
        return Ok(false);
    }
    Ok(Customers::get(unit.db(), customer)
        .await?
        .is_some_and(|c| c.pan.is_some()))
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

/// What issuing took out of stock before it had its number: the pieces
/// marked sold and the lots gone down, whose ledger lines name the number.
struct Taken {
    pieces: Vec<(Piece, Move)>,
    lots: Vec<(uuid::Uuid, LotChange)>,
}

impl Taken {
    /// Leaves the ledger lines, each naming the bill `number`, to `unit`'s
    /// closing writes, and returns the `piece.sold` events of the pieces.
    fn record(
        self,
        unit: &mut Unit,
        backend: jewel_persistence::DatabaseBackend,
        invoice: &Invoice,
        number: &str,
        author: jewel_persistence::repos::pieces::Actor,
    ) -> Vec<PieceSold> {
        let reason = Some(format!("invoice {number}"));
        let pieces: Vec<(Piece, Move)> = self
            .pieces
            .into_iter()
            .map(|(piece, change)| {
                let change = Move {
                    reason: reason.clone(),
                    ..change
                };
                (piece, change)
            })
            .collect();
        let moves: Vec<(&Piece, &Move)> = pieces.iter().map(|(p, m)| (p, m)).collect();
        unit.write_at_commit(Pieces::moves_write(backend, &moves, author));
        let lots: Vec<(uuid::Uuid, LotChange)> = self
            .lots
            .into_iter()
            .map(|(lot, change)| {
                let change = LotChange {
                    reason: reason.clone(),
                    ..change
                };
                (lot, change)
            })
            .collect();
        let changes: Vec<(uuid::Uuid, &LotChange)> = lots.iter().map(|(l, c)| (*l, c)).collect();
        unit.write_at_commit(Lots::record_write(backend, &changes, author));
        pieces
            .iter()
            .map(|(piece, _)| PieceSold {
                piece_id: piece.id,
                tag_number: piece.tag_number.as_str().to_owned(),
                branch_id: invoice.branch_id,
                invoice_id: invoice.id,
                invoice_number: number.to_owned(),
            })
            .collect()
    }
}

/// Marks the invoice's pieces sold and takes its lots out of stock, inside
/// the issuing transaction; their ledger lines wait for the number.
async fn take_stock(
    unit: &mut Unit,
    rules: &BillingRules,
    invoice: &Invoice,
) -> Result<Taken, BillingError> {
    let txn = unit.txn().await?;
    let mut taken = Taken {
        pieces: Vec::new(),
        lots: Vec::new(),
    };
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
                    reason: None,
                    reference: Some(invoice.id),
                    reservation: None,
                };
                if !Pieces::shift(txn, &piece, &change).await? {
                    return Err(BillingError::PieceGone { line: line_no });
                }
                taken.pieces.push((piece, change));
            }
            LineKind::Lot => {
                let (Some(lot), Some(quantity)) = (line.lot_id, line.quantity) else {
                    continue;
                };
                let change = LotChange {
                    branch_id: invoice.branch_id,
                    kind: LotMovementKind::Sale,
                    quantity: -quantity,
                    reason: None,
                };
                match Lots::apply(txn, lot, &change).await {
                    Ok(()) => {}
                    Err(LotError::NotEnough { on_hand }) => {
                        return Err(BillingError::NotEnoughOnHand {
                            line: line_no,
                            on_hand,
                        });
                    }
                    Err(LotError::Repo(e)) => return Err(e.into()),
                }
                taken.lots.push((lot, change));
            }
            LineKind::Service | LineKind::GiftVoucher | LineKind::Material => {}
        }
    }
    Ok(taken)
}
