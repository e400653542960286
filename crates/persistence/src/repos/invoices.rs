//! Invoices with their lines and payments, the gapless number sequence per
//! branch and financial year, and old metal taken in exchange.
//!
//! Issuing is a few calls the caller makes in one transaction: take the next
//! number (the first write, so the sequence row serialises every issue of
//! the branch's year), mark the draft issued, sell its stock. A transaction
//! that fails after taking a number rolls the number back with it: no gap.

use chrono::{DateTime, Utc};
use jewel_domain::billing::{OldGold, OldGoldValue};
use jewel_domain::invoice::{
    Bill, BillLine, CreditNote, Discount, DiscountOn, DiscountSize, Exchange, Invoice,
    InvoiceStatus, LineKind, LineSnapshot, Payment, PaymentMethod, Settlement, StoneSnapshot,
    bill_of,
};
use jewel_domain::measure::{Carats, Money, Percent, Weight};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::pricing::{MakingCharge, MakingMode, StonePrice, Supply};
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::entities::{
    credit_notes, invoice_lines, invoice_payments, invoice_sequences, invoices, scrap_receipts,
};
use crate::error::{RepoError, uuid_of};
use crate::repos::pieces::Actor;

pub struct Invoices;

/// The row of `invoice` as it stands: a draft, or a bill issued as number
/// `sequence` of its year.
fn invoice_row(invoice: &Invoice, sequence: Option<i64>, actor: Actor) -> invoices::ActiveModel {
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

fn line_rows(invoice: &Invoice) -> Vec<invoice_lines::ActiveModel> {
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

async fn invoices_lines_insert(
    db: &impl ConnectionTrait,
    lines: Vec<invoice_lines::ActiveModel>,
) -> Result<(), RepoError> {
    for chunk in lines.chunks(200) {
        invoice_lines::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Sets the purchases kept on `customer` (or on every customer) from their
/// bills, in one statement: the issued, partly paid and paid ones count,
/// credit notes come off the lifetime value.
async fn refresh_purchases_of(
    db: &impl ConnectionTrait,
    customer: Option<uuid::Uuid>,
) -> Result<(), RepoError> {
    let sales = [
        InvoiceStatus::Issued,
        InvoiceStatus::PartiallyPaid,
        InvoiceStatus::Paid,
    ]
    .map(|s| format!("'{}'", s.as_str()))
    .join(", ");
    let theirs = format!(
        "FROM invoices WHERE invoices.customer_id = customers.id AND invoices.status IN ({sales})"
    );
    // SUM is DECIMAL on MySQL: cast back to a whole number.
    let mut sql = format!(
        "UPDATE customers SET \
         purchase_count = (SELECT COUNT(*) {theirs}), \
         lifetime_value = COALESCE((SELECT CAST(SUM(total) AS SIGNED) {theirs}), 0) \
           - COALESCE((SELECT CAST(SUM(total) AS SIGNED) FROM credit_notes \
                       WHERE credit_notes.customer_id = customers.id), 0), \
         last_purchase_at = (SELECT MAX(issued_at) {theirs})"
    );
    let mut values: Vec<sea_orm::Value> = Vec::new();
    if let Some(customer) = customer {
        sql.push_str(" WHERE customers.id = ?");
        values.push(customer.to_string().into());
    }
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        values,
    ))
    .await?;
    Ok(())
}

fn payment_row(invoice: uuid::Uuid, p: &Payment, actor: Actor) -> invoice_payments::ActiveModel {
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

/// A run of numbers of its own per branch and financial year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Invoice,
    CreditNote,
}

impl Series {
    fn as_str(self) -> &'static str {
        match self {
            Self::Invoice => "invoice",
            Self::CreditNote => "credit_note",
        }
    }
}

/// Which invoices to list.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    /// Only these branches (a staff member's own); `None` is all.
    pub branches: Option<Vec<uuid::Uuid>>,
    pub customer_id: Option<uuid::Uuid>,
    pub status: Option<InvoiceStatus>,
    /// Issued at or after.
    pub issued_from: Option<DateTime<Utc>>,
    /// Issued before.
    pub issued_to: Option<DateTime<Utc>>,
    /// Leave drafts out (what a customer sees of their bills).
    pub issued_only: bool,
}

/// What issuing writes on a draft.
#[derive(Debug, Clone)]
pub struct Issued {
    pub number: String,
    pub financial_year: String,
    pub sequence: i64,
    pub by: uuid::Uuid,
    pub at: DateTime<Utc>,
}

impl Invoices {
    /// Stores a new draft with its lines.
    #[tracing::instrument(name = "invoices.insert", skip_all, fields(invoice = %invoice.id))]
    pub async fn insert(
        db: &impl ConnectionTrait,
        invoice: &Invoice,
        actor: Actor,
    ) -> Result<(), RepoError> {
        invoices::Entity::insert(invoice_row(invoice, None, actor))
            .exec_without_returning(db)
            .await?;
        if invoice.lines.is_empty() {
            return Ok(());
        }
        invoices_lines_insert(db, line_rows(invoice)).await
    }

    /// Stores bills already issued (with their number's sequence), their
    /// lines and payments, in a few statements: how a seed or an import from
    /// another system brings history in. The caller holds the transaction,
    /// sells the pieces and keeps the sequences ([`Self::raise_sequence`]).
    #[tracing::instrument(name = "invoices.insert_issued", skip_all, fields(count = issued.len()))]
    pub async fn insert_issued(
        db: &impl ConnectionTrait,
        issued: &[(Invoice, i64)],
        actor: Actor,
    ) -> Result<(), RepoError> {
        for chunk in issued.chunks(100) {
            invoices::Entity::insert_many(
                chunk
                    .iter()
                    .map(|(invoice, sequence)| invoice_row(invoice, Some(*sequence), actor)),
            )
            .exec_without_returning(db)
            .await?;
        }
        let lines: Vec<_> = issued.iter().flat_map(|(i, _)| line_rows(i)).collect();
        invoices_lines_insert(db, lines).await?;
        let payments: Vec<_> = issued
            .iter()
            .flat_map(|(invoice, _)| {
                invoice
                    .payments
                    .iter()
                    .map(move |p| payment_row(invoice.id, p, actor))
            })
            .collect();
        for chunk in payments.chunks(200) {
            invoice_payments::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }

    /// Makes the branch's `year` sequence stand at least at `last` (after
    /// bills numbered up to it were stored by [`Self::insert_issued`]).
    pub async fn raise_sequence(
        db: &impl ConnectionTrait,
        branch: uuid::Uuid,
        year: &str,
        last: i64,
    ) -> Result<(), RepoError> {
        use invoice_sequences::Column;
        Self::open_sequence(db, branch, Series::Invoice, year).await?;
        invoice_sequences::Entity::update_many()
            .col_expr(Column::LastNumber, Expr::value(last))
            .filter(Column::BranchId.eq(branch.to_string()))
            .filter(Column::Series.eq(Series::Invoice.as_str()))
            .filter(Column::FinancialYear.eq(year))
            .filter(Column::LastNumber.lt(last))
            .exec(db)
            .await?;
        Ok(())
    }

    /// [`Self::refresh_purchases`] for every customer at once, in one
    /// statement: after bills were brought in by [`Self::insert_issued`].
    pub async fn refresh_all_purchases(db: &impl ConnectionTrait) -> Result<(), RepoError> {
        refresh_purchases_of(db, None).await
    }

    #[tracing::instrument(name = "invoices.get", skip(db))]
    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Invoice>, RepoError> {
        let Some(model) = invoices::Entity::find_by_id(id.to_string()).one(db).await? else {
            return Ok(None);
        };
        Ok(with_parts(db, vec![model]).await?.pop())
    }

    /// Newest first.
    #[tracing::instrument(name = "invoices.list", skip_all)]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &InvoiceFilter,
        page: PageRequest,
    ) -> Result<Page<Invoice>, RepoError> {
        use invoices::Column;
        let mut query = invoices::Entity::find()
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        if let Some(branches) = &filter.branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(ToString::to_string)));
        }
        if let Some(customer) = filter.customer_id {
            query = query.filter(Column::CustomerId.eq(customer.to_string()));
        }
        if let Some(status) = filter.status {
            query = query.filter(Column::Status.eq(status.as_str()));
        }
        if let Some(from) = filter.issued_from {
            query = query.filter(Column::IssuedAt.gte(from));
        }
        if let Some(to) = filter.issued_to {
            query = query.filter(Column::IssuedAt.lt(to));
        }
        if filter.issued_only {
            query = query.filter(Column::Number.is_not_null());
        }
        let items = with_parts(db, query.all(db).await?).await?;
        Ok(Page::from_overfetch(items, page.limit, |i| i.id))
    }

    /// Makes sure the branch's sequence for `year` exists. Outside the
    /// issuing transaction: two first issues of a year may both try, and
    /// one insert wins.
    pub async fn open_sequence(
        db: &impl ConnectionTrait,
        branch: uuid::Uuid,
        series: Series,
        year: &str,
    ) -> Result<(), RepoError> {
        let key = (
            branch.to_string(),
            series.as_str().to_owned(),
            year.to_owned(),
        );
        let exists = invoice_sequences::Entity::find_by_id(key)
            .one(db)
            .await?
            .is_some();
        if exists {
            return Ok(());
        }
        let inserted = invoice_sequences::Entity::insert(invoice_sequences::ActiveModel {
            branch_id: Set(branch.to_string()),
            series: Set(series.as_str().to_owned()),
            financial_year: Set(year.to_owned()),
            last_number: Set(0),
        })
        .exec_without_returning(db)
        .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Takes the next number of the branch's `year`: the row stays locked
    /// until the transaction ends, so numbers are given one at a time and a
    /// rollback gives this one back. Call first in the transaction.
    #[tracing::instrument(name = "invoices.take_number", skip(db))]
    pub async fn take_number(
        db: &impl ConnectionTrait,
        branch: uuid::Uuid,
        series: Series,
        year: &str,
    ) -> Result<i64, RepoError> {
        use invoice_sequences::Column;
        let result = invoice_sequences::Entity::update_many()
            .col_expr(Column::LastNumber, Expr::col(Column::LastNumber).add(1))
            .filter(Column::BranchId.eq(branch.to_string()))
            .filter(Column::Series.eq(series.as_str()))
            .filter(Column::FinancialYear.eq(year))
            .exec(db)
            .await?;
        if result.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        let key = (
            branch.to_string(),
            series.as_str().to_owned(),
            year.to_owned(),
        );
        let row = invoice_sequences::Entity::find_by_id(key)
            .one(db)
            .await?
            .ok_or(RepoError::NotFound)?;
        Ok(row.last_number)
    }

    /// Marks the draft `invoice` issued with `issued`, if it is still the
    /// draft the caller read; `Ok(false)` when it changed meanwhile.
    pub async fn mark_issued(
        db: &impl ConnectionTrait,
        invoice: &Invoice,
        issued: &Issued,
    ) -> Result<bool, RepoError> {
        use invoices::Column;
        let result = invoices::Entity::update_many()
            .col_expr(Column::Status, Expr::value(InvoiceStatus::Issued.as_str()))
            .col_expr(Column::Number, Expr::value(issued.number.clone()))
            .col_expr(
                Column::FinancialYear,
                Expr::value(issued.financial_year.clone()),
            )
            .col_expr(Column::Sequence, Expr::value(issued.sequence))
            .col_expr(Column::IssuedBy, Expr::value(issued.by.to_string()))
            .col_expr(Column::IssuedAt, Expr::value(issued.at))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(issued.at))
            .filter(Column::Id.eq(invoice.id.to_string()))
            .filter(Column::Status.eq(InvoiceStatus::Draft.as_str()))
            .filter(Column::Version.eq(invoice.version))
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Records `payments` against `invoice` (as the caller read it) and
    /// brings its paid amount and status up to date; `Ok(false)` when the
    /// invoice changed meanwhile. Old gold enters stock as scrap.
    pub async fn add_payments(
        db: &impl ConnectionTrait,
        invoice: &Invoice,
        payments: &[Payment],
        actor: Actor,
    ) -> Result<bool, RepoError> {
        use invoices::Column;
        let received: Money = payments.iter().map(|p| p.amount).sum();
        let paid = invoice.paid + received;
        let status = InvoiceStatus::of_payments(invoice.bill.total, paid);
        let now = Utc::now();
        let result = invoices::Entity::update_many()
            .col_expr(Column::Paid, Expr::value(paid.units()))
            .col_expr(Column::Status, Expr::value(status.as_str()))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(invoice.id.to_string()))
            .filter(Column::Version.eq(invoice.version))
            .exec(db)
            .await?;
        if result.rows_affected == 0 {
            return Ok(false);
        }
        if payments.is_empty() {
            return Ok(true);
        }
        invoice_payments::Entity::insert_many(
            payments.iter().map(|p| payment_row(invoice.id, p, actor)),
        )
        .exec_without_returning(db)
        .await?;
        let scrap: Vec<scrap_receipts::ActiveModel> = payments
            .iter()
            .filter_map(|p| p.exchange.map(|e| (p, e)))
            .map(|(p, e)| scrap_receipts::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                branch_id: Set(invoice.branch_id.to_string()),
                metal: Set(e.metal.as_str().to_owned()),
                fineness: Set(e.old_gold.tested_fineness as i16),
                weight: Set(e.old_gold.weight.units()),
                value: Set(e.value.value.units()),
                invoice_id: Set(Some(invoice.id.to_string())),
                payment_id: Set(Some(p.id.to_string())),
                actor_kind: Set(actor.0.to_owned()),
                actor_id: Set(actor.1.to_string()),
                at: Set(p.received_at),
            })
            .collect();
        if !scrap.is_empty() {
            scrap_receipts::Entity::insert_many(scrap)
                .exec_without_returning(db)
                .await?;
        }
        Ok(true)
    }

    /// Takes old gold received on `invoice` back out of the scrap stock
    /// (the invoice was cancelled), with a receipt of the opposite sign.
    pub async fn reverse_scrap(
        db: &impl ConnectionTrait,
        invoice: &Invoice,
        actor: Actor,
    ) -> Result<(), RepoError> {
        let now = Utc::now();
        let reversals: Vec<scrap_receipts::ActiveModel> = invoice
            .payments
            .iter()
            .filter_map(|p| p.exchange.map(|e| (p, e)))
            .map(|(p, e)| scrap_receipts::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                branch_id: Set(invoice.branch_id.to_string()),
                metal: Set(e.metal.as_str().to_owned()),
                fineness: Set(e.old_gold.tested_fineness as i16),
                weight: Set(-e.old_gold.weight.units()),
                value: Set(-e.value.value.units()),
                invoice_id: Set(Some(invoice.id.to_string())),
                payment_id: Set(Some(p.id.to_string())),
                actor_kind: Set(actor.0.to_owned()),
                actor_id: Set(actor.1.to_string()),
                at: Set(now),
            })
            .collect();
        if !reversals.is_empty() {
            scrap_receipts::Entity::insert_many(reversals)
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }

    /// Records `note` against `invoice` (as the caller read it): the credit
    /// note, and its lines marked returned; `Ok(false)` when the invoice or
    /// one of the lines changed meanwhile (a racing return).
    pub async fn record_return(
        db: &impl ConnectionTrait,
        invoice: &Invoice,
        note: &CreditNote,
        sequence: (&str, i64),
        actor: Actor,
    ) -> Result<bool, RepoError> {
        use invoices::Column;
        let bumped = invoices::Entity::update_many()
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(note.created_at))
            .filter(Column::Id.eq(invoice.id.to_string()))
            .filter(Column::Version.eq(invoice.version))
            .exec(db)
            .await?;
        if bumped.rows_affected == 0 {
            return Ok(false);
        }
        let (refund_method, settlement) = match note.settlement {
            Settlement::Refund(method) => (Some(method.as_str().to_owned()), "refund"),
            Settlement::StoreCredit => (None, "store_credit"),
        };
        credit_notes::Entity::insert(credit_notes::ActiveModel {
            id: Set(note.id.to_string()),
            invoice_id: Set(invoice.id.to_string()),
            branch_id: Set(invoice.branch_id.to_string()),
            customer_id: Set(invoice.customer_id.map(|c| c.to_string())),
            number: Set(note.number.clone()),
            financial_year: Set(sequence.0.to_owned()),
            sequence: Set(sequence.1),
            reason: Set(note.reason.clone()),
            settlement: Set(settlement.to_owned()),
            refund_method: Set(refund_method),
            taxable_value: Set(note.bill.taxable_value.units()),
            tax_total: Set(note.bill.tax_total.units()),
            round_off: Set(note.bill.round_off.units()),
            total: Set(note.bill.total.units()),
            created_by_kind: Set(actor.0.to_owned()),
            created_by: Set(note.created_by.to_string()),
            created_at: Set(note.created_at),
        })
        .exec_without_returning(db)
        .await?;
        let marked = invoice_lines::Entity::update_many()
            .col_expr(
                invoice_lines::Column::CreditNoteId,
                Expr::value(note.id.to_string()),
            )
            .filter(invoice_lines::Column::InvoiceId.eq(invoice.id.to_string()))
            .filter(invoice_lines::Column::Id.is_in(note.line_ids.iter().map(ToString::to_string)))
            .filter(invoice_lines::Column::CreditNoteId.is_null())
            .exec(db)
            .await?;
        Ok(marked.rows_affected == note.line_ids.len() as u64)
    }

    /// Records a manager's approval of the draft's discount, if it is still
    /// the draft the caller read.
    pub async fn approve(
        db: &impl ConnectionTrait,
        invoice: &Invoice,
        by: uuid::Uuid,
    ) -> Result<bool, RepoError> {
        use invoices::Column;
        let now = Utc::now();
        let result = invoices::Entity::update_many()
            .col_expr(Column::ApprovedBy, Expr::value(by.to_string()))
            .col_expr(Column::ApprovedAt, Expr::value(now))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(invoice.id.to_string()))
            .filter(Column::Status.eq(InvoiceStatus::Draft.as_str()))
            .filter(Column::Version.eq(invoice.version))
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Cancels `invoice` (as the caller read it); its number stays used.
    pub async fn cancel(
        db: &impl ConnectionTrait,
        invoice: &Invoice,
        by: uuid::Uuid,
        reason: &str,
    ) -> Result<bool, RepoError> {
        use invoices::Column;
        let now = Utc::now();
        let result = invoices::Entity::update_many()
            .col_expr(
                Column::Status,
                Expr::value(InvoiceStatus::Cancelled.as_str()),
            )
            .col_expr(Column::CancelledBy, Expr::value(by.to_string()))
            .col_expr(Column::CancelledAt, Expr::value(now))
            .col_expr(Column::CancelReason, Expr::value(reason.to_owned()))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(invoice.id.to_string()))
            .filter(Column::Status.eq(invoice.status.as_str()))
            .filter(Column::Version.eq(invoice.version))
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Old metal taken in exchange and still held, per branch, metal and
    /// fineness: (branch, metal, fineness, milligrams, paise).
    pub async fn scrap_on_hand(
        db: &impl ConnectionTrait,
        branches: Option<&[uuid::Uuid]>,
    ) -> Result<Vec<(uuid::Uuid, Metal, u16, Weight, Money)>, RepoError> {
        use scrap_receipts::Column;
        let mut query = scrap_receipts::Entity::find()
            .select_only()
            .column(Column::BranchId)
            .column(Column::Metal)
            .column(Column::Fineness)
            // SUM is DECIMAL on MySQL: cast back to a whole number.
            .column_as(Expr::cust("CAST(SUM(weight) AS SIGNED)"), "weight")
            .column_as(Expr::cust("CAST(SUM(value) AS SIGNED)"), "value")
            .group_by(Column::BranchId)
            .group_by(Column::Metal)
            .group_by(Column::Fineness)
            .order_by_asc(Column::BranchId)
            .order_by_asc(Column::Metal)
            .order_by_asc(Column::Fineness);
        if let Some(branches) = branches {
            query = query.filter(Column::BranchId.is_in(branches.iter().map(ToString::to_string)));
        }
        let rows: Vec<(String, String, i16, i64, i64)> = query.into_tuple().all(db).await?;
        rows.into_iter()
            .filter(|row| row.3 != 0)
            .map(|(branch, metal, fineness, weight, value)| {
                Ok((
                    uuid_of(&branch)?,
                    Metal::parse(&metal).ok_or_else(|| corrupt(&branch, "scrap metal"))?,
                    u16::try_from(fineness).map_err(|_| corrupt(&branch, "scrap fineness"))?,
                    Weight::from_units(weight),
                    Money::from_units(value),
                ))
            })
            .collect()
    }

    /// Brings the purchases kept on `customer` (count, lifetime value, last
    /// purchase) up to date with their bills: issued and not cancelled.
    /// Call in the transaction that changed a bill of theirs.
    pub async fn refresh_purchases(
        db: &impl ConnectionTrait,
        customer: uuid::Uuid,
    ) -> Result<(), RepoError> {
        refresh_purchases_of(db, Some(customer)).await
    }
}

pub(crate) fn supply_name(supply: Supply) -> &'static str {
    match supply {
        Supply::WithinState => "within_state",
        Supply::InterState => "inter_state",
    }
}

fn json(value: &impl Serialize) -> String {
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
struct StoredStone {
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
struct StoredExchange {
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

fn corrupt(id: &str, what: &str) -> RepoError {
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

fn into_payment(model: &invoice_payments::Model) -> Result<Payment, RepoError> {
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
async fn with_parts(
    db: &impl ConnectionTrait,
    models: Vec<invoices::Model>,
) -> Result<Vec<Invoice>, RepoError> {
    use std::collections::HashMap;
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
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
    for payment in invoice_payments::Entity::find()
        .filter(invoice_payments::Column::InvoiceId.is_in(ids.clone()))
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
    let mut notes: HashMap<String, Vec<credit_notes::Model>> = HashMap::new();
    for note in credit_notes::Entity::find()
        .filter(credit_notes::Column::InvoiceId.is_in(ids))
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

fn into_invoice(
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
