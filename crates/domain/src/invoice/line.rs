//! A bill's lines: what each sells (a piece, a quantity of a lot, a service)
//! and the snapshot of its price inputs kept on the line.

use super::bill::price_line;
use super::*;
use crate::measure::{Money, Percent};
use crate::pricing::PriceInput;

/// What a line sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// One tagged piece.
    Piece,
    /// A quantity of a lot, by count or by weight.
    Lot,
    /// Work such as engraving or sizing.
    Service,
    /// A gift voucher of the line's amount, without GST; issued when the
    /// bill is paid in full.
    GiftVoucher,
    /// New metal or stones put into a customer's own item (a repair, an
    /// order on their metal): goods, HSN 7113, at the goods rate.
    Material,
}

impl LineKind {
    pub const ALL: [Self; 5] = [
        Self::Piece,
        Self::Lot,
        Self::Service,
        Self::GiftVoucher,
        Self::Material,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Piece => "piece",
            Self::Lot => "lot",
            Self::Service => "service",
            Self::GiftVoucher => "gift_voucher",
            Self::Material => "material",
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
