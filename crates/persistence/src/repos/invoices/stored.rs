//! An invoice to and from its rows: the invoice, its lines and payments as
//! rows to write, and the rows read back into the domain's invoice (a line's
//! snapshot, discounts and old metal taken in exchange kept as JSON).

use jewel_domain::billing::{OldGold, OldGoldValue};
use jewel_domain::invoice::{
    Bill, BillLine, CreditNote, Discount, DiscountOn, DiscountSize, Exchange, Invoice,
    InvoiceStatus, LineKind, LineSnapshot, Payment, PaymentMethod, Settlement, StoneSnapshot,
    bill_of,
};
use jewel_domain::measure::{Carats, Money, Percent, Weight};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::pricing::{MakingCharge, MakingMode, StonePrice, Supply};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::entities::{credit_notes, invoice_lines, invoice_payments, invoices};
use crate::error::{RepoError, uuid_of};
use crate::repos::pieces::Actor;

/// The row of `invoice` as it stands: a draft, or a bill issued as number
/// `sequence` of its year.
pub(super) fn invoice_row(
    invoice: &Invoice,
    sequence: Option<i64>,
    actor: Actor,
) -> invoices::ActiveModel {
    invoices::ActiveModel {
        id: Set(invoice.id.to_string()),
        branch_id: Set(invoice.branch_id.to_string()),
        customer_id: Set(invoice.customer_id.map(|c| c.to_string())),
        quote_id: Set(invoice.quote_id.map(|q| q.to_string())),
        status: Set(invoice.status.as_str().to_owned()),
        number: Set(invoice.number.clone()),
        financial_year: Set(invoice.financial_year.clone()),
        sequence: Set(sequence),
        place_of_supply: Set(invoice.place_of_supply.clone()),
        supply: Set(supply_name(invoice.supply).to_owned()),
        currency: Set(invoice.currency.clone()),
        value: Set(invoice.bill.value.units()),
        discount: Set(invoice.bill.discount.units()),
        taxable_value: Set(invoice.bill.taxable_value.units()),
        tax_total: Set(invoice.bill.tax_total.units()),
        round_off: Set(invoice.bill.round_off.units()),
        total: Set(invoice.bill.total.units()),
        paid: Set(invoice.paid.units()),
        bill_discount: Set(invoice.discount.map(|d| json(&StoredDiscount::from(d)))),
        approval_needed: Set(invoice.approval_needed),
        waiver_enrolment_id: Set(invoice.waiver_enrolment_id.map(|e| e.to_string())),
        approved_by: Set(invoice.approved_by.map(|a| a.to_string())),
        approved_at: Set(invoice.approved_at),
        sales_people: Set(json(&invoice.sales_people)),
        note: Set(invoice.note.clone()),
        priced_at: Set(invoice.priced_at),
        created_by_kind: Set(actor.0.to_owned()),
        created_by: Set(invoice.created_by.to_string()),
        issued_by: Set(invoice.issued_by.map(|i| i.to_string())),
        issued_at: Set(invoice.issued_at),
        cancelled_by: Set(invoice.cancelled_by.map(|c| c.to_string())),
        cancelled_at: Set(invoice.cancelled_at),
        cancel_reason: Set(invoice.cancel_reason.clone()),
        version: Set(invoice.version),
        created_at: Set(invoice.created_at),
        updated_at: Set(invoice.updated_at),
    }
}

pub(super) fn line_rows(invoice: &Invoice) -> Vec<invoice_lines::ActiveModel> {
    invoice
        .lines
        .iter()
        .zip(&invoice.line_ids)
        .zip(&invoice.bill.lines)
        .enumerate()
        .map(
            |(position, ((line, id), priced))| invoice_lines::ActiveModel {
                id: Set(id.to_string()),
                invoice_id: Set(invoice.id.to_string()),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                kind: Set(line.kind.as_str().to_owned()),
                piece_id: Set(line.piece_id.map(|p| p.to_string())),
                lot_id: Set(line.lot_id.map(|l| l.to_string())),
                quantity: Set(line.quantity),
                description: Set(line.description.clone()),
                hsn: Set(line.hsn.clone()),
                detail: Set(json(&StoredLine::from(line))),
                discount: Set(line.discount_amount.units()),
                taxable_value: Set(priced.breakup.taxable_value.units()),
                tax_total: Set(priced.breakup.tax_total.units()),
                credit_note_id: Set(line.returned_by.map(|c| c.to_string())),
            },
        )
        .collect()
}

pub(super) fn payment_row(
    invoice: uuid::Uuid,
    p: &Payment,
    actor: Actor,
) -> invoice_payments::ActiveModel {
    invoice_payments::ActiveModel {
        id: Set(p.id.to_string()),
        invoice_id: Set(invoice.to_string()),
        method: Set(p.method.as_str().to_owned()),
        amount: Set(p.amount.units()),
        reference: Set(p.reference.clone()),
        old_gold: Set(p.exchange.map(|e| json(&StoredExchange::from(e)))),
        received_by_kind: Set(actor.0.to_owned()),
        received_by: Set(p.received_by.to_string()),
        received_at: Set(p.received_at),
    }
}

pub(crate) fn supply_name(supply: Supply) -> &'static str {
    match supply {
        Supply::WithinState => "within_state",
        Supply::InterState => "inter_state",
    }
}

pub(super) fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredDiscount {
    on_making: bool,
    /// Hundredths of a percent, or paise when `amount`.
    size: i64,
    amount: bool,
}

impl From<Discount> for StoredDiscount {
    fn from(d: Discount) -> Self {
        let (size, amount) = match d.size {
            DiscountSize::Percent(p) => (p.units(), false),
            DiscountSize::Amount(m) => (m.units(), true),
        };
        Self {
            on_making: d.on == DiscountOn::Making,
            size,
            amount,
        }
    }
}

impl From<StoredDiscount> for Discount {
    fn from(d: StoredDiscount) -> Self {
        Self {
            on: if d.on_making {
                DiscountOn::Making
            } else {
                DiscountOn::Value
            },
            size: if d.amount {
                DiscountSize::Amount(Money::from_units(d.size))
            } else {
                DiscountSize::Percent(Percent::from_units(d.size))
            },
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StoredStone {
    kind: String,
    count: u32,
    /// Thousandths of a carat.
    carats: i64,
    /// Paise per carat, or for the stones when `fixed`.
    price: i64,
    fixed: bool,
}

/// What a line was priced from, as kept in its `detail` column.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredLine {
    tag_number: Option<String>,
    huid: Option<String>,
    metal: Option<String>,
    fineness: Option<u16>,
    /// Milligrams.
    gross_weight: Option<i64>,
    net_weight: i64,
    /// Paise per gram.
    rate: i64,
    /// Hundredths of a percent.
    wastage: i64,
    making_mode: String,
    making_value: i64,
    stones: Vec<StoredStone>,
    /// Label and paise.
    other_charges: Vec<(String, i64)>,
    /// Hundredths of a percent.
    tax_rate: i64,
    discount: Option<StoredDiscount>,
}

impl From<&BillLine> for StoredLine {
    fn from(line: &BillLine) -> Self {
        let s = &line.snapshot;
        Self {
            tag_number: s.tag_number.clone(),
            huid: s.huid.clone(),
            metal: s.purity.map(|p| p.metal().as_str().to_owned()),
            fineness: s.purity.map(|p| p.fineness()),
            gross_weight: s.gross_weight.map(|w| w.units()),
            net_weight: s.net_weight.units(),
            rate: s.rate.units(),
            wastage: s.wastage.units(),
            making_mode: s.making.mode().as_str().to_owned(),
            making_value: s.making.hundredths(),
            stones: s
                .stones
                .iter()
                .map(|st| {
                    let (price, fixed) = match st.price {
                        StonePrice::PerCarat(rate) => (rate.units(), false),
                        StonePrice::Fixed(amount) => (amount.units(), true),
                    };
                    StoredStone {
                        kind: st.kind.clone(),
                        count: st.count,
                        carats: st.carats.units(),
                        price,
                        fixed,
                    }
                })
                .collect(),
            other_charges: s
                .other_charges
                .iter()
                .map(|(label, amount)| (label.clone(), amount.units()))
                .collect(),
            tax_rate: s.tax_rate.units(),
            discount: line.discount.map(StoredDiscount::from),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StoredExchange {
    metal: String,
    /// Milligrams.
    weight: i64,
    tested_fineness: u16,
    /// Paise per gram.
    rate: i64,
    /// Hundredths of a percent.
    deduction: i64,
}

impl From<Exchange> for StoredExchange {
    fn from(e: Exchange) -> Self {
        Self {
            metal: e.metal.as_str().to_owned(),
            weight: e.old_gold.weight.units(),
            tested_fineness: e.old_gold.tested_fineness,
            rate: e.old_gold.rate.units(),
            deduction: e.old_gold.deduction.units(),
        }
    }
}

pub(super) fn corrupt(id: &str, what: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Type(format!("invoice {id}: stored {what}")))
}

pub(crate) fn into_line(model: &invoice_lines::Model) -> Result<BillLine, RepoError> {
    let bad = |what: &str| corrupt(&model.invoice_id, what);
    let stored: StoredLine = serde_json::from_str(&model.detail).map_err(|_| bad("line detail"))?;
    let purity = match (stored.metal.as_deref(), stored.fineness) {
        (Some(metal), Some(fineness)) => {
            let metal = Metal::parse(metal).ok_or_else(|| bad("metal"))?;
            Some(Purity::parse("fineness", metal, fineness).map_err(|_| bad("fineness"))?)
        }
        _ => None,
    };
    let mode = MakingMode::parse(&stored.making_mode).ok_or_else(|| bad("making mode"))?;
    Ok(BillLine {
        kind: LineKind::parse(&model.kind).ok_or_else(|| bad("line kind"))?,
        piece_id: model.piece_id.as_deref().map(uuid_of).transpose()?,
        lot_id: model.lot_id.as_deref().map(uuid_of).transpose()?,
        quantity: model.quantity,
        description: model.description.clone(),
        hsn: model.hsn.clone(),
        snapshot: LineSnapshot {
            tag_number: stored.tag_number,
            huid: stored.huid,
            purity,
            gross_weight: stored.gross_weight.map(Weight::from_units),
            net_weight: Weight::from_units(stored.net_weight),
            rate: Money::from_units(stored.rate),
            wastage: Percent::from_units(stored.wastage),
            making: MakingCharge::from_parts(mode, stored.making_value),
            stones: stored
                .stones
                .into_iter()
                .map(|s| StoneSnapshot {
                    kind: s.kind,
                    count: s.count,
                    carats: Carats::from_units(s.carats),
                    price: if s.fixed {
                        StonePrice::Fixed(Money::from_units(s.price))
                    } else {
                        StonePrice::PerCarat(Money::from_units(s.price))
                    },
                })
                .collect(),
            other_charges: stored
                .other_charges
                .into_iter()
                .map(|(label, paise)| (label, Money::from_units(paise)))
                .collect(),
            tax_rate: Percent::from_units(stored.tax_rate),
        },
        discount: stored.discount.map(Discount::from),
        discount_amount: Money::from_units(model.discount),
        returned_by: model.credit_note_id.as_deref().map(uuid_of).transpose()?,
    })
}

pub(super) fn into_payment(model: &invoice_payments::Model) -> Result<Payment, RepoError> {
    let bad = |what: &str| corrupt(&model.invoice_id, what);
    let exchange = match &model.old_gold {
        None => None,
        Some(text) => {
            let stored: StoredExchange = serde_json::from_str(text).map_err(|_| bad("old gold"))?;
            let old_gold = OldGold {
                weight: Weight::from_units(stored.weight),
                tested_fineness: stored.tested_fineness,
                rate: Money::from_units(stored.rate),
                deduction: Percent::from_units(stored.deduction),
            };
            let value: OldGoldValue = old_gold.value();
            Some(Exchange {
                metal: Metal::parse(&stored.metal).ok_or_else(|| bad("old metal"))?,
                old_gold,
                value,
            })
        }
    };
    Ok(Payment {
        id: uuid_of(&model.id)?,
        method: PaymentMethod::parse(&model.method).ok_or_else(|| bad("payment method"))?,
        amount: Money::from_units(model.amount),
        reference: model.reference.clone(),
        exchange,
        received_by: uuid_of(&model.received_by)?,
        received_at: model.received_at,
    })
}

/// The invoices of `models`, in their order, with their lines, payments
/// and credit notes: three queries for the lot, not three per invoice.
pub(super) async fn with_parts(
    db: &impl ConnectionTrait,
    models: Vec<invoices::Model>,
) -> Result<Vec<Invoice>, RepoError> {
    use std::collections::HashMap;
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    // A draft has no payments or returns yet: only bills issued are asked.
    let issued: Vec<String> = models
        .iter()
        .filter(|m| m.status != InvoiceStatus::Draft.as_str())
        .map(|m| m.id.clone())
        .collect();
    let mut lines: HashMap<String, Vec<invoice_lines::Model>> = HashMap::new();
    for line in invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.is_in(ids.clone()))
        .order_by_asc(invoice_lines::Column::InvoiceId)
        .order_by_asc(invoice_lines::Column::Position)
        .all(db)
        .await?
    {
        lines.entry(line.invoice_id.clone()).or_default().push(line);
    }
    let mut payments: HashMap<String, Vec<invoice_payments::Model>> = HashMap::new();
    let mut notes: HashMap<String, Vec<credit_notes::Model>> = HashMap::new();
    if issued.is_empty() {
        return models
            .into_iter()
            .map(|model| {
                let lines = lines.remove(&model.id).unwrap_or_default();
                into_invoice(model, lines, Vec::new(), Vec::new())
            })
            .collect();
    }
    for payment in invoice_payments::Entity::find()
        .filter(invoice_payments::Column::InvoiceId.is_in(issued.clone()))
        .order_by_asc(invoice_payments::Column::ReceivedAt)
        .order_by_asc(invoice_payments::Column::Id)
        .all(db)
        .await?
    {
        payments
            .entry(payment.invoice_id.clone())
            .or_default()
            .push(payment);
    }
    for note in credit_notes::Entity::find()
        .filter(credit_notes::Column::InvoiceId.is_in(issued))
        .order_by_asc(credit_notes::Column::Id)
        .all(db)
        .await?
    {
        notes.entry(note.invoice_id.clone()).or_default().push(note);
    }
    models
        .into_iter()
        .map(|model| {
            let lines = lines.remove(&model.id).unwrap_or_default();
            let payments = payments.remove(&model.id).unwrap_or_default();
            let notes = notes.remove(&model.id).unwrap_or_default();
            into_invoice(model, lines, payments, notes)
        })
        .collect()
}

pub(super) fn into_invoice(
    model: invoices::Model,
    lines: Vec<invoice_lines::Model>,
    payments: Vec<invoice_payments::Model>,
    notes: Vec<credit_notes::Model>,
) -> Result<Invoice, RepoError> {
    let bad = |what: &str| corrupt(&model.id, what);
    let status = InvoiceStatus::parse(&model.status).ok_or_else(|| bad("status"))?;
    let line_ids = lines
        .iter()
        .map(|l| uuid_of(&l.id))
        .collect::<Result<Vec<_>, _>>()?;
    let lines = lines.iter().map(into_line).collect::<Result<Vec<_>, _>>()?;
    let payments = payments
        .iter()
        .map(into_payment)
        .collect::<Result<Vec<_>, _>>()?;
    let discount = match &model.bill_discount {
        None => None,
        Some(text) => Some(Discount::from(
            serde_json::from_str::<StoredDiscount>(text).map_err(|_| bad("discount"))?,
        )),
    };
    let sales_people: Vec<uuid::Uuid> =
        serde_json::from_str(&model.sales_people).map_err(|_| bad("sales people"))?;
    let supply = match model.supply.as_str() {
        "within_state" => Supply::WithinState,
        "inter_state" => Supply::InterState,
        _ => return Err(bad("supply")),
    };
    let bill = bill_of(&lines, supply);
    let credit_notes = notes
        .iter()
        .map(|note| {
            let id = uuid_of(&note.id)?;
            let returned: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.returned_by == Some(id))
                .map(|(i, _)| i)
                .collect();
            let settlement = match (note.settlement.as_str(), note.refund_method.as_deref()) {
                ("store_credit", _) => Settlement::StoreCredit,
                ("refund", Some(method)) => Settlement::Refund(
                    PaymentMethod::parse(method).ok_or_else(|| bad("refund method"))?,
                ),
                _ => return Err(bad("settlement")),
            };
            Ok(CreditNote {
                id,
                invoice_id: uuid_of(&note.invoice_id)?,
                number: note.number.clone(),
                reason: note.reason.clone(),
                settlement,
                line_ids: returned.iter().map(|i| line_ids[*i]).collect(),
                bill: Bill::of_lines(returned.iter().map(|i| bill.lines[*i].clone()).collect()),
                created_by: uuid_of(&note.created_by)?,
                created_at: note.created_at,
            })
        })
        .collect::<Result<Vec<_>, RepoError>>()?;
    let optional_uuid = |text: &Option<String>| text.as_deref().map(uuid_of).transpose();
    Ok(Invoice {
        id: uuid_of(&model.id)?,
        branch_id: uuid_of(&model.branch_id)?,
        customer_id: optional_uuid(&model.customer_id)?,
        quote_id: optional_uuid(&model.quote_id)?,
        status,
        number: model.number.clone(),
        financial_year: model.financial_year.clone(),
        place_of_supply: model.place_of_supply.clone(),
        supply,
        currency: model.currency.clone(),
        lines,
        line_ids,
        discount,
        waiver_enrolment_id: optional_uuid(&model.waiver_enrolment_id)?,
        bill,
        paid: Money::from_units(model.paid),
        payments,
        credit_notes,
        approval_needed: model.approval_needed,
        approved_by: optional_uuid(&model.approved_by)?,
        approved_at: model.approved_at,
        sales_people,
        note: model.note.clone(),
        priced_at: model.priced_at,
        created_by: uuid_of(&model.created_by)?,
        issued_by: optional_uuid(&model.issued_by)?,
        issued_at: model.issued_at,
        cancelled_by: optional_uuid(&model.cancelled_by)?,
        cancelled_at: model.cancelled_at,
        cancel_reason: model.cancel_reason.clone(),
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
