//! Gift vouchers on bills: a voucher line's voucher is issued when its bill
//! is paid in full; a payment `gift_voucher` spends one named by its code,
//! in part or whole, under the voucher's row lock, so two bills spending
//! one balance take turns and the second finds it spent; cancelling a bill
//! gives back what its payments spent and voids the vouchers sold on it
//! (refused once one of them was spent). Wrong codes are kept per caller
//! outside the transaction, and a caller past the allowance is refused
//! until the window passes, right code or not.

use chrono::{DateTime, Duration, Utc};
use jewel_domain::gift_voucher::{
    GUESS_WINDOW_MINUTES, GUESSES_ALLOWED, GiftVoucher, VoucherCode, VoucherEntry,
    VoucherEntryKind, VoucherOrigin,
};
use jewel_domain::invoice::{Invoice, LineKind, Payment, PaymentMethod};
use jewel_domain::measure::Money;
use jewel_domain::{FieldError, Invalid, PageRequest};
use jewel_persistence::repos::gift_vouchers::{GiftVouchers, VoucherFilter};
use jewel_persistence::repos::loyalty::Loyalty;
use jewel_persistence::{ConnectionTrait, DatabaseTransaction, RepoError};

use super::BillingError;
use super::events::GiftVoucherIssued;
use super::store_credit::raced;
use crate::Actor;

/// Who writes an entry: the kind and id.
type Author = (&'static str, uuid::Uuid);

/// How a caller's wrong codes are counted: `staff:{id}`, `client:{id}`...
pub fn guesser(actor: &Actor) -> String {
    let (kind, id) = actor.ids();
    format!("{kind}:{id}")
}

/// Refuses `caller` while they have tried too many wrong codes lately.
pub async fn throttle(
    db: &impl ConnectionTrait,
    caller: &str,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let window = Duration::minutes(GUESS_WINDOW_MINUTES);
    if GiftVouchers::guesses_since(db, caller, now - window).await? >= GUESSES_ALLOWED {
        return Err(BillingError::TooManyGuesses {
            retry_after_secs: u64::try_from(window.num_seconds()).unwrap_or(900),
        });
    }
    Ok(())
}

/// The voucher of `code` as `caller` asks for it: throttled, and a code
/// that names none is kept as a wrong guess (on `db`, outside any
/// transaction, so a refusal does not take it back).
pub async fn look_up(
    db: &impl ConnectionTrait,
    caller: &str,
    code: &VoucherCode,
) -> Result<Option<GiftVoucher>, BillingError> {
    let now = Utc::now();
    throttle(db, caller, now).await?;
    let filter = VoucherFilter {
        code: Some(code.clone()),
        ..VoucherFilter::default()
    };
    let one = PageRequest {
        after: None,
        limit: 1,
    };
    let found = GiftVouchers::list(db, &filter, one)
        .await?
        .items
        .into_iter()
        .next();
    if found.is_none() {
        let window = Duration::minutes(GUESS_WINDOW_MINUTES);
        GiftVouchers::guessed_wrong(db, caller, now, now - window).await?;
    }
    Ok(found)
}

/// The gift voucher payments among `payments`, each with its index.
fn voucher_payments(payments: &[Payment]) -> impl Iterator<Item = (usize, &Payment)> {
    payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.method == PaymentMethod::GiftVoucher)
}

/// The code a payment names, or a refusal of its `reference`.
fn code_of(index: usize, payment: &Payment) -> Result<VoucherCode, Invalid> {
    VoucherCode::parse(
        &format!("payments[{index}].reference"),
        payment.reference.as_deref().unwrap_or_default(),
    )
}

/// Checks, before the transaction, that every gift voucher payment names a
/// voucher that exists; each wrong code is kept against `caller`.
pub(super) async fn check_codes(
    db: &impl ConnectionTrait,
    caller: &str,
    payments: &[Payment],
) -> Result<(), BillingError> {
    let mut errors = Vec::new();
    for (index, payment) in voucher_payments(payments) {
        let code = code_of(index, payment)?;
        if look_up(db, caller, &code).await?.is_none() {
            errors.push(FieldError::new(
                format!("payments[{index}].reference"),
                "not_found",
                "no gift voucher has this code",
            ));
        }
    }
    match Invalid::from_errors(errors) {
        Some(invalid) => Err(invalid.into()),
        None => Ok(()),
    }
}

fn entry(
    voucher: &GiftVoucher,
    kind: VoucherEntryKind,
    amount: Money,
    invoice: &Invoice,
    reason: String,
    author: Author,
) -> VoucherEntry {
    VoucherEntry {
        id: uuid::Uuid::now_v7(),
        voucher_id: voucher.id,
        kind,
        amount,
        invoice_id: Some(invoice.id),
        reason,
        actor_kind: author.0.to_owned(),
        actor_id: author.1,
        created_at: Utc::now(),
    }
}

fn number(invoice: &Invoice) -> &str {
    invoice.number.as_deref().unwrap_or("(being issued)")
}

/// Spends the vouchers named by the gift voucher payments among `payments`
/// (none: nothing is read), each under its row lock.
pub(super) async fn spend(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    payments: &[Payment],
    author: Author,
) -> Result<(), BillingError> {
    let now = Utc::now();
    for (index, payment) in voucher_payments(payments) {
        let code = code_of(index, payment)?;
        let voucher = GiftVouchers::lock(txn, &code).await?.ok_or_else(|| {
            Invalid::field(
                format!("payments[{index}].reference"),
                "not_found",
                "no gift voucher has this code",
            )
        })?;
        voucher.check_spend(payment.amount, now, &format!("payments[{index}].amount"))?;
        let spent = entry(
            &voucher,
            VoucherEntryKind::Redeemed,
            payment.amount.negated(),
            invoice,
            format!("Paid on invoice {}", number(invoice)),
            author,
        );
        GiftVouchers::record(txn, &spent, &format!("payment:{}", payment.id))
            .await
            .map_err(raced)?;
    }
    Ok(())
}

/// Issues the vouchers of `invoice`'s voucher lines, now that it is paid
/// in full: one per line, to the bill's customer, valid for the
/// programme's months. Returns what it issued, to be told.
pub(super) async fn issue_sold(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    author: Author,
) -> Result<Vec<GiftVoucherIssued>, BillingError> {
    let sold: Vec<_> = invoice
        .line_ids
        .iter()
        .zip(&invoice.lines)
        .filter(|(_, line)| line.kind == LineKind::GiftVoucher)
        .collect();
    if sold.is_empty() {
        return Ok(Vec::new());
    }
    let mut told = Vec::with_capacity(sold.len());
    let (programme, _) = Loyalty::programme(txn).await?;
    let now = Utc::now();
    for (line_id, line) in sold {
        let value: Money = line.snapshot.other_charges.iter().map(|c| c.1).sum();
        let mut voucher = GiftVoucher {
            id: uuid::Uuid::now_v7(),
            code: fresh_code(),
            origin: VoucherOrigin::Sold,
            value,
            balance: value,
            customer_id: invoice.customer_id,
            invoice_id: Some(invoice.id),
            invoice_line_id: Some(*line_id),
            issued_at: now,
            expires_at: GiftVoucher::expiry(now, programme.gift_voucher_months),
            voided_at: None,
        };
        let issued = entry(
            &voucher,
            VoucherEntryKind::Issued,
            value,
            invoice,
            "Sold on the bill".to_owned(),
            author,
        );
        let source = format!("line:{line_id}");
        register(txn, &mut voucher, &source, issued).await?;
        told.push(GiftVoucherIssued::of(&voucher, invoice.branch_id));
    }
    Ok(told)
}

/// Registers `voucher` with its issued entry, drawing a new code if its
/// code was taken (one in 2^60: at most twice more).
pub async fn register(
    db: &impl ConnectionTrait,
    voucher: &mut GiftVoucher,
    source: &str,
    mut issued: VoucherEntry,
) -> Result<(), RepoError> {
    let mut tries = 0;
    loop {
        issued.voucher_id = voucher.id;
        match GiftVouchers::issue(db, voucher, source, &issued).await {
            Err(RepoError::Taken { field: "code" }) if tries < 2 => {
                tries += 1;
                voucher.code = fresh_code();
            }
            outcome => return outcome,
        }
    }
}

/// A new code from the operating system's random source.
pub fn fresh_code() -> VoucherCode {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    VoucherCode::from_random(bytes)
}

/// Undoes `invoice`'s vouchers on its cancel: what its payments spent is
/// given back, and the vouchers sold on it are voided; one of those spent
/// (in part) keeps the bill standing.
pub(super) async fn on_cancel(
    txn: &DatabaseTransaction,
    invoice: &Invoice,
    author: Author,
) -> Result<(), BillingError> {
    for sold in GiftVouchers::sold_on(txn, invoice.id).await? {
        let Some(voucher) = GiftVouchers::lock_id(txn, sold.id).await? else {
            continue;
        };
        if voucher.balance < voucher.value || voucher.voided_at.is_some() {
            return Err(BillingError::VoucherSpent);
        }
        let void = entry(
            &voucher,
            VoucherEntryKind::Voided,
            voucher.balance.negated(),
            invoice,
            format!("Invoice {} cancelled", number(invoice)),
            author,
        );
        GiftVouchers::record(txn, &void, &format!("voided:{}", voucher.id))
            .await
            .map_err(raced)?;
    }
    let spent: Vec<VoucherEntry> = GiftVouchers::entries_on(txn, invoice.id)
        .await?
        .into_iter()
        .filter(|e| e.kind == VoucherEntryKind::Redeemed)
        .collect();
    for taken in spent {
        let Some(voucher) = GiftVouchers::lock_id(txn, taken.voucher_id).await? else {
            continue;
        };
        let back = entry(
            &voucher,
            VoucherEntryKind::Restored,
            taken.amount.negated(),
            invoice,
            format!("Invoice {} cancelled", number(invoice)),
            author,
        );
        GiftVouchers::record(txn, &back, &format!("restored:{}", taken.id))
            .await
            .map_err(raced)?;
    }
    Ok(())
}
