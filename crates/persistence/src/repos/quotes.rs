//! Quotes: a bill priced at one rate snapshot, kept with its lines as
//! priced, until it expires or becomes an invoice.

use chrono::{DateTime, Utc};
use jewel_domain::invoice::{Invoice, InvoiceStatus, Quote, bill_of};
use jewel_domain::measure::Money;
use jewel_domain::pricing::Supply;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::entities::{invoice_lines, quotes};
use crate::error::{RepoError, uuid_of};
use crate::repos::invoices::{StoredDiscount, StoredLine, into_line, supply_name};
use crate::repos::pieces::Actor;

pub struct Quotes;

/// The `lines` column: the priced lines and what else the quote carries.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredQuote {
    supply: String,
    sales_people: Vec<uuid::Uuid>,
    approval_needed: bool,
    lines: Vec<StoredQuoteLine>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredQuoteLine {
    id: uuid::Uuid,
    kind: String,
    piece_id: Option<uuid::Uuid>,
    lot_id: Option<uuid::Uuid>,
    quantity: Option<i64>,
    description: String,
    hsn: String,
    detail: StoredLine,
    /// Paise.
    discount: i64,
}

impl Quotes {
    pub async fn insert(
        db: &impl ConnectionTrait,
        quote: &Quote,
        actor: Actor,
    ) -> Result<(), RepoError> {
        let bill = &quote.bill;
        let stored = StoredQuote {
            supply: supply_name(bill.supply).to_owned(),
            sales_people: bill.sales_people.clone(),
            approval_needed: bill.approval_needed,
            lines: bill
                .lines
                .iter()
                .zip(&bill.line_ids)
                .map(|(line, id)| StoredQuoteLine {
                    id: *id,
                    kind: line.kind.as_str().to_owned(),
                    piece_id: line.piece_id,
                    lot_id: line.lot_id,
                    quantity: line.quantity,
                    description: line.description.clone(),
                    hsn: line.hsn.clone(),
                    detail: StoredLine::from(line),
                    discount: line.discount_amount.units(),
                })
                .collect(),
        };
        quotes::Entity::insert(quotes::ActiveModel {
            id: Set(bill.id.to_string()),
            branch_id: Set(bill.branch_id.to_string()),
            customer_id: Set(bill.customer_id.map(|c| c.to_string())),
            place_of_supply: Set(bill.place_of_supply.clone()),
            currency: Set(bill.currency.clone()),
            lines: Set(serde_json::to_string(&stored).unwrap_or_default()),
            bill_discount: Set(bill
                .discount
                .map(|d| serde_json::to_string(&StoredDiscount::from(d)).unwrap_or_default())),
            total: Set(bill.bill.total.units()),
            note: Set(bill.note.clone()),
            priced_at: Set(bill.priced_at),
            valid_until: Set(quote.valid_until),
            invoice_id: Set(None),
            created_by_kind: Set(actor.0.to_owned()),
            created_by: Set(bill.created_by.to_string()),
            created_at: Set(bill.created_at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Quote>, RepoError> {
        let Some(model) = quotes::Entity::find_by_id(id.to_string()).one(db).await? else {
            return Ok(None);
        };
        into_quote(model).map(Some)
    }

    /// Records that the quote became `invoice`, unless it already became
    /// one (`Ok(false)`).
    pub async fn mark_converted(
        db: &impl ConnectionTrait,
        quote: uuid::Uuid,
        invoice: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        let result = quotes::Entity::update_many()
            .col_expr(quotes::Column::InvoiceId, Expr::value(invoice.to_string()))
            .filter(quotes::Column::Id.eq(quote.to_string()))
            .filter(quotes::Column::InvoiceId.is_null())
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }
}

fn into_quote(model: quotes::Model) -> Result<Quote, RepoError> {
    let bad = |what: &str| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "quote {}: stored {what}",
            model.id
        )))
    };
    let stored: StoredQuote = serde_json::from_str(&model.lines).map_err(|_| bad("lines"))?;
    let supply = match stored.supply.as_str() {
        "within_state" => Supply::WithinState,
        "inter_state" => Supply::InterState,
        _ => return Err(bad("supply")),
    };
    let mut lines = Vec::with_capacity(stored.lines.len());
    let mut line_ids = Vec::with_capacity(stored.lines.len());
    for (position, line) in stored.lines.into_iter().enumerate() {
        line_ids.push(line.id);
        // The same conversion as an invoice's stored line.
        lines.push(into_line(&invoice_lines::Model {
            id: line.id.to_string(),
            invoice_id: model.id.clone(),
            position: i32::try_from(position).unwrap_or(i32::MAX),
            kind: line.kind,
            piece_id: line.piece_id.map(|p| p.to_string()),
            lot_id: line.lot_id.map(|l| l.to_string()),
            quantity: line.quantity,
            description: line.description,
            hsn: line.hsn,
            detail: serde_json::to_string(&line.detail).map_err(|_| bad("line"))?,
            discount: line.discount,
            taxable_value: 0,
            tax_total: 0,
            credit_note_id: None,
        })?);
    }
    let discount = match &model.bill_discount {
        None => None,
        Some(text) => Some(
            serde_json::from_str::<StoredDiscount>(text)
                .map_err(|_| bad("discount"))?
                .into(),
        ),
    };
    let bill = bill_of(&lines, supply);
    let created_by = uuid_of(&model.created_by)?;
    let at: DateTime<Utc> = model.created_at;
    Ok(Quote {
        bill: Invoice {
            id: uuid_of(&model.id)?,
            branch_id: uuid_of(&model.branch_id)?,
            customer_id: model.customer_id.as_deref().map(uuid_of).transpose()?,
            quote_id: None,
            status: InvoiceStatus::Draft,
            number: None,
            financial_year: None,
            place_of_supply: model.place_of_supply,
            supply,
            currency: model.currency,
            lines,
            line_ids,
            discount,
            waiver_enrolment_id: None,
            bill,
            paid: Money::ZERO,
            payments: Vec::new(),
            credit_notes: Vec::new(),
            approval_needed: stored.approval_needed,
            approved_by: None,
            approved_at: None,
            sales_people: stored.sales_people,
            note: model.note,
            priced_at: model.priced_at,
            created_by,
            issued_by: None,
            issued_at: None,
            cancelled_by: None,
            cancelled_at: None,
            cancel_reason: None,
            version: 1,
            created_at: at,
            updated_at: at,
        },
        valid_until: model.valid_until,
        invoice_id: model.invoice_id.as_deref().map(uuid_of).transpose()?,
    })
}
