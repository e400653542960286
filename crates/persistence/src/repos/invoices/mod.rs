//! Invoices with their lines and payments, the gapless number sequence per
//! branch and financial year, and old metal taken in exchange.
//!
//! Issuing is a few calls the caller makes in one transaction: sell its
//! stock, take the next number (late: the sequence row queues every issue
//! of the branch's year behind this one until it commits), mark the draft
//! issued. A transaction that fails after taking a number rolls the number
//! back with it: no gap.

mod issuing;
mod purchases;
mod stored;

pub use purchases::SaleMade;
pub(crate) use stored::*;

use chrono::{DateTime, Utc};
use jewel_domain::invoice::{CreditNote, Invoice, InvoiceStatus, Payment, Settlement};
use jewel_domain::measure::{Money, Weight};
use jewel_domain::metal::Metal;
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{
    credit_notes, invoice_lines, invoice_payments, invoice_sequences, invoices, scrap_receipts,
};
use crate::error::{RepoError, uuid_of};
use crate::repos::pieces::Actor;

pub struct Invoices;

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

/// A run of numbers of its own per branch and financial year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Invoice,
    CreditNote,
    /// A savings scheme's instalment receipts.
    SchemeReceipt,
    /// Service job cards.
    Job,
    /// Challans of metal sent to artisans.
    Challan,
    /// Advances left on service jobs.
    Advance,
}

impl Series {
    fn as_str(self) -> &'static str {
        match self {
            Self::Invoice => "invoice",
            Self::CreditNote => "credit_note",
            Self::SchemeReceipt => "scheme_receipt",
            Self::Job => "job",
            Self::Challan => "challan",
            Self::Advance => "advance",
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

    /// The bill that sold `piece` (issued and standing; the newest, if it
    /// was sold again after a return): its id and number.
    pub async fn selling(
        db: &impl ConnectionTrait,
        piece: uuid::Uuid,
    ) -> Result<Option<(uuid::Uuid, String)>, RepoError> {
        let lines = invoice_lines::Entity::find()
            .filter(invoice_lines::Column::PieceId.eq(piece.to_string()))
            .order_by_desc(invoice_lines::Column::Id)
            .all(db)
            .await?;
        for line in lines {
            let Some(bill) = invoices::Entity::find_by_id(line.invoice_id)
                .one(db)
                .await?
            else {
                continue;
            };
            let standing = InvoiceStatus::parse(&bill.status).is_some_and(InvoiceStatus::is_sale);
            if let (true, Some(number)) = (standing, bill.number) {
                return Ok(Some((uuid_of(&bill.id)?, number)));
            }
        }
        Ok(None)
    }

    /// Newest first: by when they were issued when the filter asks for a
    /// period (the index on `(issued_at, id)` gives that order, so a page
    /// reads no more rows than it holds), else by when they were drafted.
    #[tracing::instrument(name = "invoices.list", skip_all)]
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &InvoiceFilter,
        page: PageRequest,
    ) -> Result<Page<Invoice>, RepoError> {
        use invoices::Column;
        use sea_orm::Condition;
        let mut query = invoices::Entity::find().limit(page.limit + 1);
        if filter.issued_from.is_some() || filter.issued_to.is_some() {
            query = query
                .order_by_desc(Column::IssuedAt)
                .order_by_desc(Column::Id);
            if let Some(after) = page.after {
                // The cursor is the last bill's id: the page goes on below
                // its (issued_at, id).
                let anchor = invoices::Entity::find_by_id(after.to_string())
                    .one(db)
                    .await?
                    .and_then(|m| m.issued_at.map(|at| (at, m.id)));
                let Some((at, id)) = anchor else {
                    return Ok(Page {
                        items: Vec::new(),
                        next: None,
                    });
                };
                // `(issued_at, id) < (at, id)` as a range on issued_at and a
                // filter, so SQLite too walks the index instead of sorting.
                query = query.filter(Column::IssuedAt.lte(at)).filter(
                    Condition::any()
                        .add(Column::IssuedAt.lt(at))
                        .add(Column::Id.lt(id)),
                );
            }
        } else {
            query = query.order_by_desc(Column::Id);
            if let Some(after) = page.after {
                query = query.filter(Column::Id.lt(after.to_string()));
            }
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
        Self::insert_payments(db, invoice, payments, actor).await?;
        Ok(true)
    }

    /// Stores `payments` taken on `invoice`, old gold with its scrap
    /// receipt; the caller brings the invoice's paid amount up to date.
    pub async fn insert_payments(
        db: &impl ConnectionTrait,
        invoice: &Invoice,
        payments: &[Payment],
        actor: Actor,
    ) -> Result<(), RepoError> {
        if payments.is_empty() {
            return Ok(());
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
        Ok(())
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
}
