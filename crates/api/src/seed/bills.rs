//! A seeded shop's bills: pieces sold at the day's rates, services at the
//! counter, each bill paid, stored a batch at a time.

use anyhow::Context;
use chrono::{DateTime, Days, TimeDelta, TimeZone, Utc};
use jewel_domain::billing::{FinancialYear, invoice_number};
use jewel_domain::invoice::SAC_SERVICES;
use jewel_domain::invoice::{
    BillLine, Invoice, InvoiceStatus, LineKind, LineSnapshot, Payment, PaymentMethod, price_lines,
};
use jewel_domain::measure::{Money, Percent};
use jewel_domain::metal_rate::NewMetalRate;
use jewel_domain::piece::{NewPiece, Piece, PieceStatus};
use jewel_domain::pricing::Supply;
use jewel_persistence::begin_writing;
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::pieces::Pieces;
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

use super::*;

/// What the bills are made of.
pub(super) struct Shop<'a> {
    pub(super) branches: &'a [uuid::Uuid],
    pub(super) codes: &'a [String],
    /// Two per branch, in branch order.
    pub(super) sales_people: &'a [uuid::Uuid],
    pub(super) customers: &'a [uuid::Uuid],
    /// Six a day (gold 999, 916, 750; silver 999, 925; platinum 950).
    pub(super) rates: &'a [NewMetalRate],
}

pub(super) const SERVICES: &[(&str, i64, i64)] = &[
    // (what, cheapest, dearest) in rupees
    ("Polishing", 200, 1_500),
    ("Ring resizing", 300, 1_200),
    ("Engraving", 250, 800),
    ("Rhodium plating", 500, 2_500),
    ("Chain repair", 150, 900),
    ("Stone setting", 400, 3_000),
];

/// A year of paid bills with about `lines` lines, day by day, numbered in
/// order per branch and financial year; a piece line sells a piece of the
/// branch's stock at that day's rate. Returns how many bills.
pub(super) async fn bills(
    db: &jewel_persistence::DatabaseConnection,
    rng: &mut ChaCha8Rng,
    shop: &Shop<'_>,
    stock: &mut [Vec<Piece>],
    lines: usize,
    owner: uuid::Uuid,
) -> anyhow::Result<usize> {
    let first_day = Utc
        .with_ymd_and_hms(2025, 11, 21, 4, 30, 0)
        .single()
        .context("a fixed date")?;
    // A piece line sells stock: at most half of it over the year.
    let pieces: usize = stock.iter().map(Vec::len).sum();
    let piece_chance = (
        u32::try_from((pieces / 2).min(lines * 15 / 100)).unwrap_or(u32::MAX),
        u32::try_from(lines.max(1)).unwrap_or(u32::MAX),
    );
    let mut numbers: BTreeMap<(usize, String), i64> = BTreeMap::new();
    let mut batch: Vec<(Invoice, i64)> = Vec::new();
    let mut sold = Vec::new();
    let (mut made_lines, mut made_bills) = (0, 0);
    for day in 0..365_u64 {
        let opening = first_day + Days::new(day);
        // What is left, spread over the days left (two lines a bill on
        // average); the last day makes up what chance left short.
        let days_left = (365 - day) as usize;
        let today = (lines - made_lines).div_ceil(2).div_ceil(days_left).max(1);
        let mut slot = 0;
        while made_lines < lines && (slot < today || day == 364) {
            let at = opening + TimeDelta::seconds((slot.min(today - 1) * 36_000 / today) as i64);
            slot += 1;
            let branch = rng.random_range(0..shop.branches.len());
            let seller = shop.sales_people[branch * 2 + rng.random_range(0..2)];
            let day_rates = &shop.rates[day as usize * 6..day as usize * 6 + 6];
            let wanted = rng.random_range(1..=3_usize).min(lines - made_lines);
            let mut bill_lines = Vec::with_capacity(wanted);
            let mut pieces = Vec::new();
            for _ in 0..wanted {
                let piece = (rng.random_ratio(piece_chance.0, piece_chance.1)
                    && !stock[branch].is_empty())
                .then(|| {
                    let at = rng.random_range(0..stock[branch].len());
                    stock[branch].swap_remove(at)
                });
                bill_lines.push(match piece {
                    Some(piece) => {
                        pieces.push(piece.id);
                        piece_line(&piece, day_rates)
                    }
                    None => service_line(rng),
                });
            }
            let local = (at + TimeDelta::minutes(330)).date_naive();
            let year = FinancialYear::of(local, 4).label(4);
            let number = numbers.entry((branch, year.clone())).or_insert(0);
            *number += 1;
            let invoice = paid_bill(rng, shop, branch, seller, at, &year, *number, bill_lines)?;
            sold.extend(pieces.into_iter().map(|piece| {
                let number = invoice.number.clone().unwrap_or_default();
                (piece, shop.branches[branch], invoice.id, number, at)
            }));
            made_lines += wanted;
            made_bills += 1;
            batch.push((invoice, *number));
            if batch.len() >= BATCH / 2 {
                store_bills(db, &mut batch, &mut sold, owner).await?;
            }
        }
    }
    store_bills(db, &mut batch, &mut sold, owner).await?;
    let transaction = begin_writing(db).await?;
    for ((branch, year), last) in &numbers {
        Invoices::raise_sequence(&transaction, shop.branches[*branch], year, *last).await?;
    }
    Invoices::refresh_all_purchases(&transaction).await?;
    transaction.commit().await?;
    Ok(made_bills)
}

pub(super) async fn store_bills(
    db: &jewel_persistence::DatabaseConnection,
    batch: &mut Vec<(Invoice, i64)>,
    sold: &mut Vec<(uuid::Uuid, uuid::Uuid, uuid::Uuid, String, DateTime<Utc>)>,
    owner: uuid::Uuid,
) -> anyhow::Result<()> {
    let transaction = begin_writing(db).await?;
    Invoices::insert_issued(&transaction, batch, ("staff", owner)).await?;
    Pieces::sell_many(&transaction, sold, ("staff", owner)).await?;
    transaction.commit().await?;
    batch.clear();
    sold.clear();
    Ok(())
}

/// `piece` as stored on receipt: in stock at its branch.
pub(super) fn in_stock(id: uuid::Uuid, piece: NewPiece, at: DateTime<Utc>) -> Piece {
    Piece {
        id,
        tag_number: piece.tag_number,
        epc: piece.epc,
        design_id: piece.design_id,
        category: piece.category,
        purity: piece.purity,
        weights: piece.weights,
        stones: piece.stones,
        making: piece.making,
        wastage: piece.wastage,
        other_charges: piece.other_charges,
        hallmark: piece.hallmark,
        cost_price: piece.cost_price,
        branch_id: piece.branch_id,
        status: PieceStatus::InStock,
        reservation: None,
        images: piece.images,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

pub(super) fn piece_line(piece: &Piece, day_rates: &[NewMetalRate]) -> BillLine {
    let rate = day_rates
        .iter()
        .find(|r| r.purity == piece.purity)
        .map_or(Money::ZERO, |r| r.per_gram);
    BillLine::of_piece(piece, rate, Percent::from_units(300))
}

pub(super) fn service_line(rng: &mut ChaCha8Rng) -> BillLine {
    let (what, cheapest, dearest) = *SERVICES.choose(rng).unwrap_or(&SERVICES[0]);
    let rupees = rng.random_range(cheapest / 50..=dearest / 50) * 50;
    BillLine {
        kind: LineKind::Service,
        piece_id: None,
        lot_id: None,
        quantity: None,
        description: what.to_owned(),
        hsn: SAC_SERVICES.to_owned(),
        snapshot: LineSnapshot::of_amount(
            what,
            Money::from_units(rupees * 100),
            Percent::from_units(1_800),
        ),
        discount: None,
        discount_amount: Money::ZERO,
        returned_by: None,
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn paid_bill(
    rng: &mut ChaCha8Rng,
    shop: &Shop<'_>,
    branch: usize,
    seller: uuid::Uuid,
    at: DateTime<Utc>,
    year: &str,
    number: i64,
    mut lines: Vec<BillLine>,
) -> anyhow::Result<Invoice> {
    let bill = price_lines(&mut lines, None, Supply::WithinState)
        .map_err(|error| anyhow::anyhow!("pricing a seeded bill: {}", error.into_invalid()))?;
    let method = if bill.total < Money::from_units(20_000_000) && rng.random_ratio(40, 100) {
        PaymentMethod::Cash
    } else {
        *[PaymentMethod::Upi, PaymentMethod::Card]
            .choose(rng)
            .unwrap_or(&PaymentMethod::Upi)
    };
    let id = id_at(rng, at);
    let payment = Payment {
        id: id_at(rng, at),
        method,
        amount: bill.total,
        reference: method.needs_reference().then(|| format!("REF-{number:08}")),
        exchange: None,
        received_by: seller,
        received_at: at,
    };
    Ok(Invoice {
        id,
        branch_id: shop.branches[branch],
        customer_id: rng
            .random_ratio(85, 100)
            .then(|| shop.customers.choose(rng).copied())
            .flatten(),
        quote_id: None,
        status: InvoiceStatus::Paid,
        number: Some(invoice_number(&shop.codes[branch], year, number as u64)),
        financial_year: Some(year.to_owned()),
        place_of_supply: "33".to_owned(),
        supply: Supply::WithinState,
        currency: "INR".to_owned(),
        line_ids: lines.iter().map(|_| id_at(rng, at)).collect(),
        lines,
        discount: None,
        waiver_enrolment_id: None,
        paid: bill.total,
        bill,
        payments: vec![payment],
        credit_notes: Vec::new(),
        approval_needed: false,
        approved_by: None,
        approved_at: None,
        sales_people: vec![seller],
        note: None,
        priced_at: at,
        created_by: seller,
        issued_by: Some(seller),
        issued_at: Some(at),
        cancelled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        version: 3,
        created_at: at,
        updated_at: at,
    })
}
