//! A bill of several lines: each line priced by the engine, line and bill
//! discounts, the tax lines summed by kind and rate, one round-off for the
//! bill, and where the bill stands as it is paid.

use rust_decimal::Decimal;

use crate::measure::{Money, Percent};
use crate::pricing::{PriceBreakup, PriceInput, PricingError, TaxLine, price};
use crate::validation::Invalid;

/// The SAC code of job work on goods sold at the counter (engraving,
/// sizing), billed with the services' GST.
pub const SAC_SERVICES: &str = "9988";

/// What a discount is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountOn {
    /// The making charge only (the usual counter discount).
    Making,
    /// The whole value before tax.
    Value,
}

/// How much is taken off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountSize {
    Percent(Percent),
    Amount(Money),
}

/// A discount as the counter asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discount {
    pub on: DiscountOn,
    pub size: DiscountSize,
}

impl Discount {
    /// The amount off a line (or a bill) whose making is `making` and whose
    /// value is `value`; more than the base is refused.
    fn amount(self, making: Money, value: Money) -> Result<Money, DiscountTooLarge> {
        let base = match self.on {
            DiscountOn::Making => making,
            DiscountOn::Value => value,
        };
        let amount = match self.size {
            DiscountSize::Percent(percent) => percent.of(base),
            DiscountSize::Amount(amount) => amount,
        };
        if amount > base {
            return Err(DiscountTooLarge { base: self.on });
        }
        Ok(amount)
    }
}

/// A discount larger than what it is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscountTooLarge {
    pub base: DiscountOn,
}

/// One line to price: what the engine needs (without discount) and the
/// discount asked on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineToPrice {
    pub input: PriceInput,
    pub discount: Option<Discount>,
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    /// Before any discount.
    pub value: Money,
    /// The line's own discount and its share of the bill's.
    pub breakup: PriceBreakup,
}

/// Why a bill could not be priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillError {
    /// The discount of line `index` is more than what it is taken from.
    Line { index: usize, base: DiscountOn },
    /// The bill's discount is more than what it is taken from.
    Bill { base: DiscountOn },
}

impl BillError {
    pub fn into_invalid(self) -> Invalid {
        let (field, base) = match self {
            Self::Line { index, base } => (format!("lines[{index}].discount"), base),
            Self::Bill { base } => ("discount".to_owned(), base),
        };
        let base = match base {
            DiscountOn::Making => "the making charge",
            DiscountOn::Value => "the value",
        };
        Invalid::field(&field, "too_large", format!("more than {base}"))
    }
}

/// A priced bill: its lines and totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub lines: Vec<PricedLine>,
    /// Every line's value before discounts.
    pub value: Money,
    pub discount: Money,
    pub taxable_value: Money,
    /// Summed over the lines by kind and rate, in the order they first appear.
    pub taxes: Vec<TaxLine>,
    pub tax_total: Money,
    pub gross_total: Money,
    pub round_off: Money,
    /// Rounded to the whole unit.
    pub total: Money,
}

impl Bill {
    /// Prices `lines` with their own discounts, then spreads the bill's
    /// `discount` over them (by making or by value, to the paisa, the
    /// remainder to the largest shares), taxes each line and rounds the
    /// whole bill once.
    pub fn price(lines: &[LineToPrice], discount: Option<Discount>) -> Result<Self, BillError> {
        let undiscounted: Vec<PriceBreakup> = lines
            .iter()
            .map(|line| price_line(&line.input, Money::ZERO))
            .collect();
        let mut own = Vec::with_capacity(lines.len());
        for (index, (line, plain)) in lines.iter().zip(&undiscounted).enumerate() {
            let value = plain.taxable_value;
            let amount = match line.discount {
                Some(d) => d.amount(plain.making, value).map_err(|e| BillError::Line {
                    index,
                    base: e.base,
                })?,
                None => Money::ZERO,
            };
            own.push(amount);
        }
        let shares = match discount {
            None => vec![Money::ZERO; lines.len()],
            Some(d) => {
                // The bill's base is what the lines' own discounts left.
                let bases: Vec<Money> = undiscounted
                    .iter()
                    .zip(&own)
                    .map(|(plain, own)| match d.on {
                        DiscountOn::Making => {
                            if *own > plain.making {
                                Money::ZERO
                            } else {
                                plain.making - *own
                            }
                        }
                        DiscountOn::Value => plain.taxable_value - *own,
                    })
                    .collect();
                let base_total: Money = bases.iter().copied().sum();
                let amount = d
                    .amount(base_total, base_total)
                    .map_err(|e| BillError::Bill { base: e.base })?;
                apportion(amount, &bases)
            }
        };
        let mut priced = Vec::with_capacity(lines.len());
        for ((line, plain), (own, share)) in
            lines.iter().zip(&undiscounted).zip(own.iter().zip(&shares))
        {
            priced.push(PricedLine {
                value: plain.taxable_value,
                breakup: price_line(&line.input, *own + *share),
            });
        }
        Ok(Self::of_lines(priced))
    }

    /// The totals of lines already priced (a quote's, kept as they were).
    pub fn of_lines(lines: Vec<PricedLine>) -> Self {
        let value: Money = lines.iter().map(|l| l.value).sum();
        let discount: Money = lines.iter().map(|l| l.breakup.discount).sum();
        let taxable_value: Money = lines.iter().map(|l| l.breakup.taxable_value).sum();
        let mut taxes: Vec<TaxLine> = Vec::new();
        for tax in lines.iter().flat_map(|l| &l.breakup.taxes) {
            match taxes
                .iter_mut()
                .find(|t| t.kind == tax.kind && t.rate == tax.rate)
            {
                Some(same) => same.amount = same.amount + tax.amount,
                None => taxes.push(tax.clone()),
            }
        }
        let tax_total: Money = taxes.iter().map(|t| t.amount).sum();
        let gross_total = taxable_value + tax_total;
        let total = gross_total.to_whole_unit();
        Self {
            lines,
            value,
            discount,
            taxable_value,
            taxes,
            tax_total,
            gross_total,
            round_off: total - gross_total,
            total,
        }
    }

    /// Whether the discount is more than `limit` percent of the value, the
    /// most the caller's role may give without a manager.
    pub fn discount_beyond(&self, limit: Percent) -> bool {
        self.discount.value() * Decimal::ONE_HUNDRED > self.value.value() * limit.value()
    }
}

/// The engine's price of a line with `discount`; the caller made sure the
/// discount is within the value.
fn price_line(input: &PriceInput, discount: Money) -> PriceBreakup {
    let input = PriceInput {
        discount,
        ..input.clone()
    };
    match price(&input) {
        Ok(breakup) => breakup,
        // Unreachable by construction: discounts are checked against the
        // value first. Price without it rather than panic.
        Err(PricingError::DiscountExceedsValue { .. }) => price(&PriceInput {
            discount: Money::ZERO,
            ..input
        })
        .unwrap_or_else(|_| unreachable_breakup()),
    }
}

fn unreachable_breakup() -> PriceBreakup {
    PriceBreakup {
        metal_value: Money::ZERO,
        wastage: Money::ZERO,
        making: Money::ZERO,
        stones: Vec::new(),
        stones_total: Money::ZERO,
        other_charges: Money::ZERO,
        discount: Money::ZERO,
        taxable_value: Money::ZERO,
        taxes: Vec::new(),
        tax_total: Money::ZERO,
        gross_total: Money::ZERO,
        round_off: Money::ZERO,
        total: Money::ZERO,
    }
}

/// Splits `amount` over `bases` in proportion, to the paisa: each share
/// rounded down, the paise left over to the largest remainders (ties to the
/// first line). The shares add up to `amount` exactly.
pub fn apportion(amount: Money, bases: &[Money]) -> Vec<Money> {
    let total: i128 = bases.iter().map(|b| i128::from(b.units())).sum();
    if total == 0 {
        return vec![Money::ZERO; bases.len()];
    }
    let amount_units = i128::from(amount.units());
    let mut shares: Vec<(i128, i128)> = bases
        .iter()
        .map(|b| {
            let exact = amount_units * i128::from(b.units());
            (exact / total, exact % total)
        })
        .collect();
    let given: i128 = shares.iter().map(|s| s.0).sum();
    let mut left = amount_units - given;
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|a, b| shares[*b].1.cmp(&shares[*a].1).then(a.cmp(b)));
    for index in order {
        if left == 0 {
            break;
        }
        shares[index].0 += 1;
        left -= 1;
    }
    shares
        .into_iter()
        .map(|(units, _)| Money::from_units(i64::try_from(units).unwrap_or(i64::MAX)))
        .collect()
}

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// Being put together: no number, stock untouched.
    Draft,
    /// Numbered, pieces sold, nothing paid yet.
    Issued,
    PartiallyPaid,
    Paid,
    /// Cancelled by a manager; its stock is back and its number stays used.
    Cancelled,
}

impl InvoiceStatus {
    pub const ALL: [Self; 5] = [
        Self::Draft,
        Self::Issued,
        Self::PartiallyPaid,
        Self::Paid,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Issued => "issued",
            Self::PartiallyPaid => "partially_paid",
            Self::Paid => "paid",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Issued and not cancelled: counts as a sale.
    pub fn is_sale(self) -> bool {
        matches!(self, Self::Issued | Self::PartiallyPaid | Self::Paid)
    }

    /// Where an issued invoice of `total` stands once `paid` is received.
    pub fn of_payments(total: Money, paid: Money) -> Self {
        if paid.is_zero() {
            Self::Issued
        } else if paid < total {
            Self::PartiallyPaid
        } else {
            Self::Paid
        }
    }
}

/// How a customer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentMethod {
    Cash,
    Card,
    Upi,
    BankTransfer,
    Cheque,
    /// A gift voucher, named by its code.
    Voucher,
    /// The value of old gold taken in exchange.
    OldGold,
}

impl PaymentMethod {
    pub const ALL: [Self; 7] = [
        Self::Cash,
        Self::Card,
        Self::Upi,
        Self::BankTransfer,
        Self::Cheque,
        Self::Voucher,
        Self::OldGold,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cash => "cash",
            Self::Card => "card",
            Self::Upi => "upi",
            Self::BankTransfer => "bank_transfer",
            Self::Cheque => "cheque",
            Self::Voucher => "voucher",
            Self::OldGold => "old_gold",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// Whether a payment this way must name its reference (the cheque
    /// number, the voucher code, the bank's transaction id).
    pub fn needs_reference(self) -> bool {
        matches!(self, Self::Cheque | Self::Voucher | Self::BankTransfer)
    }
}

/// Checks payments of `amounts` (each with its field) against the `balance`
/// due: each more than zero, together no more than the balance.
pub fn check_payments(balance: Money, amounts: &[(String, Money)]) -> Result<(), Invalid> {
    let mut errors = Vec::new();
    for (field, amount) in amounts {
        if amount.is_zero() {
            errors.push(crate::FieldError::new(field, "too_small", "more than 0"));
        }
    }
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid);
    }
    let offered: Money = amounts.iter().map(|(_, a)| *a).sum();
    if offered > balance {
        return Err(Invalid::field(
            "payments",
            "more_than_due",
            format!("{offered} is more than the {balance} due"),
        ));
    }
    Ok(())
}

/// What a line sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// One tagged piece.
    Piece,
    /// A quantity of a lot, by count or by weight.
    Lot,
    /// Work such as engraving or sizing.
    Service,
}

impl LineKind {
    pub const ALL: [Self; 3] = [Self::Piece, Self::Lot, Self::Service];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Piece => "piece",
            Self::Lot => "lot",
            Self::Service => "service",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A stone as it was priced on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoneSnapshot {
    pub kind: String,
    pub count: u32,
    pub carats: crate::measure::Carats,
    pub price: crate::pricing::StonePrice,
}

/// What a line was priced from, kept on the bill as it was at pricing time
/// (the rate snapshot): the same input always gives the same price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSnapshot {
    pub tag_number: Option<String>,
    pub huid: Option<String>,
    pub purity: Option<crate::metal::Purity>,
    pub gross_weight: Option<crate::measure::Weight>,
    pub net_weight: crate::measure::Weight,
    /// Per gram; zero for what is not priced by a metal rate.
    pub rate: Money,
    pub wastage: Percent,
    pub making: crate::pricing::MakingCharge,
    pub stones: Vec<StoneSnapshot>,
    /// A labelled amount each: hallmarking, a lot by count, a service.
    pub other_charges: Vec<(String, Money)>,
    pub tax_rate: Percent,
}

impl LineSnapshot {
    /// A line priced at one labelled amount (a service, a lot by count),
    /// taxed at `tax_rate`; nothing by weight or rate.
    pub fn of_amount(label: &str, amount: Money, tax_rate: Percent) -> Self {
        Self {
            tag_number: None,
            huid: None,
            purity: None,
            gross_weight: None,
            net_weight: crate::measure::Weight::ZERO,
            rate: Money::ZERO,
            wastage: Percent::ZERO,
            making: crate::pricing::MakingCharge::Fixed(Money::ZERO),
            stones: Vec::new(),
            other_charges: vec![(label.to_owned(), amount)],
            tax_rate,
        }
    }

    /// The engine's input for this line, without discount.
    pub fn price_input(&self, supply: crate::pricing::Supply) -> PriceInput {
        PriceInput {
            net_weight: self.net_weight,
            rate: self.rate,
            wastage: self.wastage,
            making: self.making,
            stones: self.stones.iter().map(|s| (s.carats, s.price)).collect(),
            other_charges: self.other_charges.iter().map(|c| c.1).collect(),
            discount: Money::ZERO,
            tax_rate: self.tax_rate,
            supply,
        }
    }
}

/// A line of a bill as kept: what it sells, its snapshot and its discount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub kind: LineKind,
    pub piece_id: Option<uuid::Uuid>,
    pub lot_id: Option<uuid::Uuid>,
    /// For a lot: a count, or milligrams.
    pub quantity: Option<i64>,
    pub description: String,
    /// HSN of goods (7113) or SAC of a service (9988).
    pub hsn: String,
    pub snapshot: LineSnapshot,
    /// The line's own discount as asked.
    pub discount: Option<Discount>,
    /// The discount it carries in the end: its own and its share of the bill's.
    pub discount_amount: Money,
    /// The credit note that took it back, once returned.
    pub returned_by: Option<uuid::Uuid>,
}

/// HSN of jewellery of precious metal: what a piece line sells.
pub const HSN_JEWELLERY: &str = "7113";

impl BillLine {
    /// A line selling `piece` at `rate` per gram, taxed at `tax_rate`, with
    /// the piece as it is now kept on the bill (the rate snapshot).
    pub fn of_piece(piece: &crate::piece::Piece, rate: Money, tax_rate: Percent) -> Self {
        Self {
            kind: LineKind::Piece,
            piece_id: Some(piece.id),
            lot_id: None,
            quantity: None,
            description: format!(
                "{} {} {}",
                piece.purity.metal().as_str(),
                piece.purity.fineness(),
                piece.category
            ),
            hsn: HSN_JEWELLERY.to_owned(),
            snapshot: LineSnapshot {
                tag_number: Some(piece.tag_number.as_str().to_owned()),
                huid: piece.hallmark.huid().map(|h| h.as_str().to_owned()),
                purity: Some(piece.purity),
                gross_weight: Some(piece.weights.gross),
                net_weight: piece.weights.net,
                rate,
                wastage: piece.wastage,
                making: piece.making,
                stones: piece
                    .stones
                    .iter()
                    .map(|s| StoneSnapshot {
                        kind: s.kind.clone(),
                        count: s.count,
                        carats: s.carats,
                        price: s.price,
                    })
                    .collect(),
                other_charges: piece
                    .other_charges
                    .iter()
                    .map(|c| (c.label.clone(), c.amount))
                    .collect(),
                tax_rate,
            },
            discount: None,
            discount_amount: Money::ZERO,
            returned_by: None,
        }
    }
}

/// Prices `lines` for `supply` with the bill's `discount`, and records on
/// each line the discount it ends up carrying.
pub fn price_lines(
    lines: &mut [BillLine],
    discount: Option<Discount>,
    supply: crate::pricing::Supply,
) -> Result<Bill, BillError> {
    let inputs: Vec<LineToPrice> = lines
        .iter()
        .map(|l| LineToPrice {
            input: l.snapshot.price_input(supply),
            discount: l.discount,
        })
        .collect();
    let bill = Bill::price(&inputs, discount)?;
    for (line, priced) in lines.iter_mut().zip(&bill.lines) {
        line.discount_amount = priced.breakup.discount;
    }
    Ok(bill)
}

/// The bill of lines priced before, each with the discount it carried.
pub fn bill_of(lines: &[BillLine], supply: crate::pricing::Supply) -> Bill {
    Bill::of_lines(
        lines
            .iter()
            .map(|l| {
                let input = l.snapshot.price_input(supply);
                let value = price_line(&input, Money::ZERO).taxable_value;
                PricedLine {
                    value,
                    breakup: price_line(&input, l.discount_amount),
                }
            })
            .collect(),
    )
}

/// Old gold taken on a bill, with what it was worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    pub metal: crate::metal::Metal,
    pub old_gold: crate::billing::OldGold,
    pub value: crate::billing::OldGoldValue,
}

/// A payment received against an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: uuid::Uuid,
    pub method: PaymentMethod,
    pub amount: Money,
    pub reference: Option<String>,
    pub exchange: Option<Exchange>,
    pub received_by: uuid::Uuid,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

/// An invoice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub quote_id: Option<uuid::Uuid>,
    pub status: InvoiceStatus,
    pub number: Option<String>,
    pub financial_year: Option<String>,
    /// The state code of the place of supply (`33`).
    pub place_of_supply: String,
    pub supply: crate::pricing::Supply,
    pub currency: String,
    pub lines: Vec<BillLine>,
    /// One id per line, in order.
    pub line_ids: Vec<uuid::Uuid>,
    pub discount: Option<Discount>,
    pub bill: Bill,
    pub paid: Money,
    pub payments: Vec<Payment>,
    /// Returns against it.
    pub credit_notes: Vec<CreditNote>,
    pub approval_needed: bool,
    pub approved_by: Option<uuid::Uuid>,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub sales_people: Vec<uuid::Uuid>,
    pub note: Option<String>,
    pub priced_at: chrono::DateTime<chrono::Utc>,
    pub created_by: uuid::Uuid,
    pub issued_by: Option<uuid::Uuid>,
    pub issued_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancelled_by: Option<uuid::Uuid>,
    pub cancelled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancel_reason: Option<String>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Invoice {
    /// What is still to be paid.
    pub fn balance(&self) -> Money {
        if self.paid >= self.bill.total {
            Money::ZERO
        } else {
            self.bill.total - self.paid
        }
    }

    /// Cash received on this bill so far.
    pub fn cash_received(&self) -> Money {
        self.payments
            .iter()
            .filter(|p| p.method == PaymentMethod::Cash)
            .map(|p| p.amount)
            .sum()
    }

    /// Whether it may be issued now: a draft whose discount, if beyond the
    /// creator's limit, a manager approved.
    pub fn check_issuable(&self) -> Result<(), Invalid> {
        if self.approval_needed && self.approved_by.is_none() {
            return Err(Invalid::field(
                "discount",
                "approval_needed",
                "the discount is beyond the limit of the role that gave it; a manager must approve it first",
            ));
        }
        Ok(())
    }
}

/// How a return is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Money back, by this method.
    Refund(PaymentMethod),
    /// Kept by the store as credit for the customer's next purchase.
    StoreCredit,
}

/// A credit note: lines of an invoice taken back, with their value and
/// tax reversed exactly as they were billed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNote {
    pub id: uuid::Uuid,
    pub invoice_id: uuid::Uuid,
    pub number: String,
    pub reason: String,
    pub settlement: Settlement,
    /// The invoice's lines it took back.
    pub line_ids: Vec<uuid::Uuid>,
    /// Their taxable value, taxes and total (rounded once, as a bill).
    pub bill: Bill,
    pub created_by: uuid::Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Invoice {
    /// The credit for taking back the lines `line_ids` (each a line of this
    /// invoice not returned before): their taxable value and tax as billed,
    /// rounded once. Names `lineIds[i]` when one cannot be returned.
    pub fn credit_for(&self, line_ids: &[uuid::Uuid]) -> Result<Bill, Invalid> {
        let mut lines = Vec::with_capacity(line_ids.len());
        let mut errors = Vec::new();
        for (i, id) in line_ids.iter().enumerate() {
            let field = format!("lineIds[{i}]");
            if line_ids[..i].contains(id) {
                errors.push(crate::FieldError::new(field, "repeated", "given twice"));
                continue;
            }
            match self.line_ids.iter().position(|l| l == id) {
                None => errors.push(crate::FieldError::new(
                    field,
                    "not_found",
                    "not a line of this invoice",
                )),
                Some(p) if self.lines[p].returned_by.is_some() => {
                    errors.push(crate::FieldError::new(field, "returned", "returned before"))
                }
                Some(p) => lines.push(self.bill.lines[p].clone()),
            }
        }
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        Ok(Bill::of_lines(lines))
    }

    /// What the credit notes against it came to.
    pub fn credited(&self) -> Money {
        self.credit_notes.iter().map(|c| c.bill.total).sum()
    }
}

/// An estimate: a bill priced at one rate snapshot, holding its prices
/// until `valid_until`; converting it makes a draft invoice at those prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Priced as a draft invoice would be; its id is the quote's.
    pub bill: Invoice,
    pub valid_until: chrono::DateTime<chrono::Utc>,
    /// The invoice it became, once converted.
    pub invoice_id: Option<uuid::Uuid>,
}

impl Quote {
    pub fn is_valid_at(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        at <= self.valid_until
    }

    /// The draft invoice this quote becomes, at the quote's prices (priced
    /// when the quote was), made by `by` at `now`.
    pub fn to_invoice(&self, by: uuid::Uuid, now: chrono::DateTime<chrono::Utc>) -> Invoice {
        Invoice {
            id: uuid::Uuid::now_v7(),
            quote_id: Some(self.bill.id),
            line_ids: self
                .bill
                .lines
                .iter()
                .map(|_| uuid::Uuid::now_v7())
                .collect(),
            created_by: by,
            version: 1,
            created_at: now,
            updated_at: now,
            ..self.bill.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Weight;
    use crate::pricing::{MakingCharge, Supply, TaxKind};

    fn money(text: &str) -> Money {
        Money::parse("m", text).expect("money")
    }

    fn percent(text: &str) -> Percent {
        Percent::parse("p", text).expect("percent")
    }

    fn worked_example() -> PriceInput {
        PriceInput {
            net_weight: Weight::parse("w", "3.390").expect("weight"),
            rate: money("12800.00"),
            wastage: Percent::ZERO,
            making: MakingCharge::PercentOfMetal(percent("16")),
            stones: Vec::new(),
            other_charges: Vec::new(),
            discount: Money::ZERO,
            tax_rate: percent("3"),
            supply: Supply::WithinState,
        }
    }

    fn service(amount: &str, tax: &str) -> PriceInput {
        PriceInput {
            net_weight: Weight::ZERO,
            rate: Money::ZERO,
            wastage: Percent::ZERO,
            making: MakingCharge::Fixed(Money::ZERO),
            stones: Vec::new(),
            other_charges: vec![money(amount)],
            discount: Money::ZERO,
            tax_rate: percent(tax),
            supply: Supply::WithinState,
        }
    }

    #[test]
    fn one_line_bill_is_the_worked_example() {
        let bill = Bill::price(
            &[LineToPrice {
                input: worked_example(),
                discount: None,
            }],
            None,
        )
        .expect("priced");
        assert_eq!(bill.taxable_value, money("50334.72"));
        assert_eq!(bill.tax_total, money("1510.04"));
        assert_eq!(bill.total, money("51845.00"));
        assert_eq!(bill.round_off, money("0.24"));
        assert_eq!(bill.taxes.len(), 2);
        assert_eq!(bill.taxes[0].kind, TaxKind::Cgst);
        assert_eq!(bill.taxes[0].amount, money("755.02"));
    }

    #[test]
    fn taxes_are_summed_by_kind_and_rate_and_rounded_once() {
        let lines = [
            LineToPrice {
                input: worked_example(),
                discount: None,
            },
            LineToPrice {
                input: service("500.00", "5"),
                discount: None,
            },
            LineToPrice {
                input: service("300.00", "5"),
                discount: None,
            },
        ];
        let bill = Bill::price(&lines, None).expect("priced");
        // 3%: 755.02 + 755.02; 5%: 12.50 + 12.50 and 7.50 + 7.50.
        assert_eq!(bill.taxes.len(), 4);
        assert_eq!(bill.taxes[2].rate, Decimal::new(25, 1));
        assert_eq!(bill.taxes[2].amount, money("20.00"));
        assert_eq!(bill.taxable_value, money("51134.72"));
        assert_eq!(bill.tax_total, money("1550.04"));
        assert_eq!(bill.gross_total, money("52684.76"));
        assert_eq!(bill.total, money("52685.00"));
    }

    #[test]
    fn line_discount_on_making_and_bill_discount_spread_to_the_paisa() {
        let lines = [
            LineToPrice {
                input: worked_example(),
                // 10% of making 6,942.72 = 694.27
                discount: Some(Discount {
                    on: DiscountOn::Making,
                    size: DiscountSize::Percent(percent("10")),
                }),
            },
            LineToPrice {
                input: service("1000.00", "3"),
                discount: None,
            },
        ];
        let bill = Bill::price(
            &lines,
            Some(Discount {
                on: DiscountOn::Value,
                size: DiscountSize::Amount(money("100.01")),
            }),
        )
        .expect("priced");
        assert_eq!(bill.discount, money("794.28"));
        assert_eq!(bill.value, money("51334.72"));
        let shares: Vec<Money> = bill.lines.iter().map(|l| l.breakup.discount).collect();
        // 100.01 over 49,640.45 and 1,000.00: 98.04 and 1.97 (1.9747 and
        // 98.0352: the spare paisa goes to the larger remainder).
        assert_eq!(shares, vec![money("792.31"), money("1.97")]);
        assert_eq!(
            bill.taxable_value,
            bill.value - bill.discount,
            "the parts add up"
        );
        assert!(bill.discount_beyond(percent("1.5")));
        assert!(!bill.discount_beyond(percent("1.55")));
    }

    #[test]
    fn a_discount_beyond_its_base_names_the_line() {
        let lines = [LineToPrice {
            input: worked_example(),
            discount: Some(Discount {
                on: DiscountOn::Making,
                size: DiscountSize::Amount(money("7000.00")),
            }),
        }];
        assert_eq!(
            Bill::price(&lines, None),
            Err(BillError::Line {
                index: 0,
                base: DiscountOn::Making
            })
        );
        let invalid = BillError::Line {
            index: 0,
            base: DiscountOn::Making,
        }
        .into_invalid();
        assert_eq!(invalid.errors()[0].field, "lines[0].discount");
    }

    #[test]
    fn apportioned_shares_add_up() {
        let bases = [money("1.00"), money("1.00"), money("1.00")];
        let shares = apportion(money("0.10"), &bases);
        assert_eq!(shares, vec![money("0.04"), money("0.03"), money("0.03")]);
        assert_eq!(apportion(money("5.00"), &[Money::ZERO]), vec![Money::ZERO]);
    }

    #[test]
    fn a_quote_holds_until_its_time_and_becomes_a_draft_at_its_prices() {
        let now = chrono::Utc::now();
        let mut lines = vec![BillLine {
            kind: LineKind::Service,
            piece_id: None,
            lot_id: None,
            quantity: None,
            description: "Engraving".to_owned(),
            hsn: "9988".to_owned(),
            snapshot: LineSnapshot::of_amount("service", money("300.00"), percent("5")),
            discount: None,
            discount_amount: Money::ZERO,
            returned_by: None,
        }];
        let bill = price_lines(&mut lines, None, Supply::WithinState).expect("priced");
        let quote = Quote {
            bill: Invoice {
                id: uuid::Uuid::now_v7(),
                branch_id: uuid::Uuid::now_v7(),
                customer_id: None,
                quote_id: None,
                status: InvoiceStatus::Draft,
                number: None,
                financial_year: None,
                place_of_supply: "33".to_owned(),
                supply: Supply::WithinState,
                currency: "INR".to_owned(),
                line_ids: vec![uuid::Uuid::now_v7()],
                lines,
                discount: None,
                bill,
                paid: Money::ZERO,
                payments: Vec::new(),
                credit_notes: Vec::new(),
                approval_needed: false,
                approved_by: None,
                approved_at: None,
                sales_people: Vec::new(),
                note: None,
                priced_at: now,
                created_by: uuid::Uuid::now_v7(),
                issued_by: None,
                issued_at: None,
                cancelled_by: None,
                cancelled_at: None,
                cancel_reason: None,
                version: 1,
                created_at: now,
                updated_at: now,
            },
            valid_until: now + chrono::Duration::minutes(60),
            invoice_id: None,
        };
        assert!(quote.is_valid_at(now + chrono::Duration::minutes(60)));
        assert!(!quote.is_valid_at(now + chrono::Duration::minutes(61)));
        let draft = quote.to_invoice(uuid::Uuid::now_v7(), now);
        assert_eq!(draft.quote_id, Some(quote.bill.id));
        assert_ne!(draft.id, quote.bill.id);
        assert_eq!(draft.bill.total, money("315.00"));
        assert_eq!(draft.priced_at, now, "the quote's snapshot time");
    }

    #[test]
    fn status_follows_payments() {
        let total = money("100.00");
        assert_eq!(
            InvoiceStatus::of_payments(total, Money::ZERO),
            InvoiceStatus::Issued
        );
        assert_eq!(
            InvoiceStatus::of_payments(total, money("40.00")),
            InvoiceStatus::PartiallyPaid
        );
        assert_eq!(
            InvoiceStatus::of_payments(total, total),
            InvoiceStatus::Paid
        );
    }

    #[test]
    fn payments_beyond_the_balance_are_refused() {
        let due = money("100.00");
        assert!(check_payments(due, &[("payments[0].amount".into(), due)]).is_ok());
        let error = check_payments(
            due,
            &[
                ("payments[0].amount".into(), money("60.00")),
                ("payments[1].amount".into(), money("40.01")),
            ],
        )
        .expect_err("too much");
        assert_eq!(error.errors()[0].code, "more_than_due");
        let error =
            check_payments(due, &[("payments[0].amount".into(), Money::ZERO)]).expect_err("zero");
        assert_eq!(error.errors()[0].field, "payments[0].amount");
    }
}
