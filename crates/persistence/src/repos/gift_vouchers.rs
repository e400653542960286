//! Gift vouchers: the register, each voucher's ledger that is its balance,
//! and the wrong codes each caller tried. A change takes the voucher's row
//! lock first ([`GiftVouchers::lock`]), so two bills spending one voucher
//! take turns; the balance moves with a guard that it stays at or above
//! zero.

use chrono::{DateTime, Utc};
use jewel_domain::gift_voucher::{
    GiftVoucher, VoucherCode, VoucherEntry, VoucherEntryKind, VoucherOrigin,
};
use jewel_domain::measure::Money;
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{gift_voucher_entries, gift_vouchers, voucher_guesses};
use crate::error::{OnConstraint, OnUniqueColumn, RepoError, uuid_of};

/// Which vouchers a list shows (each given filter applies).
#[derive(Debug, Clone, Default)]
pub struct VoucherFilter {
    pub code: Option<VoucherCode>,
    pub customer: Option<uuid::Uuid>,
    pub invoice: Option<uuid::Uuid>,
}

pub struct GiftVouchers;

impl GiftVouchers {
    /// Registers `voucher` (once per `source`: `Taken { field: "source" }`
    /// otherwise; a code drawn twice is `Taken { field: "code" }`) with its
    /// `issued` entry.
    #[tracing::instrument(name = "gift_vouchers.issue", skip_all)]
    pub async fn issue(
        db: &impl ConnectionTrait,
        voucher: &GiftVoucher,
        source: &str,
        issued: &VoucherEntry,
    ) -> Result<(), RepoError> {
        let id = |id: Option<uuid::Uuid>| id.map(|id| id.to_string());
        gift_vouchers::Entity::insert(gift_vouchers::ActiveModel {
            id: Set(voucher.id.to_string()),
            code: Set(voucher.code.as_str().to_owned()),
            origin: Set(voucher.origin.as_str().to_owned()),
            value: Set(voucher.value.units()),
            balance: Set(0),
            customer_id: Set(id(voucher.customer_id)),
            invoice_id: Set(id(voucher.invoice_id)),
            invoice_line_id: Set(id(voucher.invoice_line_id)),
            source: Set(source.to_owned()),
            issued_at: Set(voucher.issued_at),
            expires_at: Set(voucher.expires_at),
            voided_at: Set(None),
        })
        .exec_without_returning(db)
        .await
        .on_unique_column(&[("source", "source"), ("code", "code")])?;
        Self::record(db, issued, &format!("issued:{}", voucher.id)).await
    }

    /// The voucher of `code`, with its row lock held to the end of the
    /// transaction.
    #[tracing::instrument(name = "gift_vouchers.lock", skip_all)]
    pub async fn lock(
        db: &impl ConnectionTrait,
        code: &VoucherCode,
    ) -> Result<Option<GiftVoucher>, RepoError> {
        gift_vouchers::Entity::find()
            .filter(gift_vouchers::Column::Code.eq(code.as_str()))
            .lock_exclusive()
            .one(db)
            .await?
            .map(into_voucher)
            .transpose()
    }

    /// The voucher of `id`, with its row lock held.
    pub async fn lock_id(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<GiftVoucher>, RepoError> {
        gift_vouchers::Entity::find_by_id(id.to_string())
            .lock_exclusive()
            .one(db)
            .await?
            .map(into_voucher)
            .transpose()
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<GiftVoucher>, RepoError> {
        gift_vouchers::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_voucher)
            .transpose()
    }

    /// Whether a voucher has `code` (read without a lock).
    pub async fn exists(db: &impl ConnectionTrait, code: &VoucherCode) -> Result<bool, RepoError> {
        Ok(gift_vouchers::Entity::find()
            .filter(gift_vouchers::Column::Code.eq(code.as_str()))
            .count(db)
            .await?
            > 0)
    }

    /// Writes `entry` (once per `source`) and moves the voucher's balance
    /// by its amount; `StaleVersion` when that would take it below zero.
    #[tracing::instrument(name = "gift_vouchers.record", skip_all, fields(kind = entry.kind.as_str()))]
    pub async fn record(
        db: &impl ConnectionTrait,
        entry: &VoucherEntry,
        source: &str,
    ) -> Result<(), RepoError> {
        use gift_vouchers::Column;
        let amount = entry.amount.units();
        let mut update = gift_vouchers::Entity::update_many()
            .col_expr(Column::Balance, Expr::col(Column::Balance).add(amount))
            .filter(Column::Id.eq(entry.voucher_id.to_string()))
            .filter(Expr::col(Column::Balance).add(amount).gte(0));
        if entry.kind == VoucherEntryKind::Voided {
            update = update.col_expr(Column::VoidedAt, Expr::value(entry.created_at));
        }
        if update.exec(db).await?.rows_affected != 1 {
            return Err(RepoError::StaleVersion);
        }
        gift_voucher_entries::Entity::insert(gift_voucher_entries::ActiveModel {
            id: Set(entry.id.to_string()),
            voucher_id: Set(entry.voucher_id.to_string()),
            kind: Set(entry.kind.as_str().to_owned()),
            amount: Set(amount),
            invoice_id: Set(entry.invoice_id.map(|id| id.to_string())),
            source: Set(source.to_owned()),
            reason: Set(entry.reason.clone()),
            actor_kind: Set(entry.actor_kind.clone()),
            actor_id: Set(entry.actor_id.to_string()),
            created_at: Set(entry.created_at),
        })
        .exec_without_returning(db)
        .await
        .on_unique("source")?;
        Ok(())
    }

    /// The vouchers sold on the bill `invoice`.
    pub async fn sold_on(
        db: &impl ConnectionTrait,
        invoice: uuid::Uuid,
    ) -> Result<Vec<GiftVoucher>, RepoError> {
        gift_vouchers::Entity::find()
            .filter(gift_vouchers::Column::InvoiceId.eq(invoice.to_string()))
            .order_by_asc(gift_vouchers::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_voucher)
            .collect()
    }

    /// The entries made on the bill `invoice` (spent on it, given back).
    pub async fn entries_on(
        db: &impl ConnectionTrait,
        invoice: uuid::Uuid,
    ) -> Result<Vec<VoucherEntry>, RepoError> {
        gift_voucher_entries::Entity::find()
            .filter(gift_voucher_entries::Column::InvoiceId.eq(invoice.to_string()))
            .order_by_asc(gift_voucher_entries::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(into_entry)
            .collect()
    }

    /// Vouchers by `filter`, newest first (ids are time-ordered).
    pub async fn list(
        db: &impl ConnectionTrait,
        filter: &VoucherFilter,
        page: PageRequest,
    ) -> Result<Page<GiftVoucher>, RepoError> {
        use gift_vouchers::Column;
        let mut query = gift_vouchers::Entity::find()
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(code) = &filter.code {
            query = query.filter(Column::Code.eq(code.as_str()));
        }
        if let Some(customer) = filter.customer {
            query = query.filter(Column::CustomerId.eq(customer.to_string()));
        }
        if let Some(invoice) = filter.invoice {
            query = query.filter(Column::InvoiceId.eq(invoice.to_string()));
        }
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let vouchers = query
            .all(db)
            .await?
            .into_iter()
            .map(into_voucher)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(vouchers, page.limit, |v| v.id))
    }

    /// A voucher's ledger, newest first, a page at a time.
    pub async fn entries(
        db: &impl ConnectionTrait,
        voucher: uuid::Uuid,
        page: PageRequest,
    ) -> Result<Page<VoucherEntry>, RepoError> {
        use gift_voucher_entries::Column;
        let mut query = gift_voucher_entries::Entity::find()
            .filter(Column::VoucherId.eq(voucher.to_string()))
            .order_by_desc(Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            query = query.filter(Column::Id.lt(after.to_string()));
        }
        let entries = query
            .all(db)
            .await?
            .into_iter()
            .map(into_entry)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(entries, page.limit, |e| e.id))
    }

    /// How many wrong codes `caller` tried since `since`.
    pub async fn guesses_since(
        db: &impl ConnectionTrait,
        caller: &str,
        since: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        use voucher_guesses::Column;
        Ok(voucher_guesses::Entity::find()
            .filter(Column::Caller.eq(caller))
            .filter(Column::At.gt(since))
            .count(db)
            .await?)
    }

    /// Keeps a wrong code tried by `caller` at `at`, and forgets theirs
    /// older than `forget_before` (the table holds only the window's).
    pub async fn guessed_wrong(
        db: &impl ConnectionTrait,
        caller: &str,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        voucher_guesses::Entity::delete_many()
            .filter(voucher_guesses::Column::Caller.eq(caller))
            .filter(voucher_guesses::Column::At.lt(forget_before))
            .exec(db)
            .await?;
        voucher_guesses::Entity::insert(voucher_guesses::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            caller: Set(caller.to_owned()),
            at: Set(at),
        })
        .exec_without_returning(db)
        .await?;
        Ok(())
    }
}

fn bad(what: &str, value: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Custom(format!(
        "unknown gift voucher {what} {value}"
    )))
}

fn into_voucher(m: gift_vouchers::Model) -> Result<GiftVoucher, RepoError> {
    let optional = |id: Option<String>| id.as_deref().map(uuid_of).transpose();
    Ok(GiftVoucher {
        id: uuid_of(&m.id)?,
        code: VoucherCode::parse("code", &m.code).map_err(|_| bad("code", &m.code))?,
        origin: VoucherOrigin::parse(&m.origin).ok_or_else(|| bad("origin", &m.origin))?,
        value: Money::from_units(m.value),
        balance: Money::from_units(m.balance),
        customer_id: optional(m.customer_id)?,
        invoice_id: optional(m.invoice_id)?,
        invoice_line_id: optional(m.invoice_line_id)?,
        issued_at: m.issued_at,
        expires_at: m.expires_at,
        voided_at: m.voided_at,
    })
}

fn into_entry(m: gift_voucher_entries::Model) -> Result<VoucherEntry, RepoError> {
    Ok(VoucherEntry {
        id: uuid_of(&m.id)?,
        voucher_id: uuid_of(&m.voucher_id)?,
        kind: VoucherEntryKind::parse(&m.kind).ok_or_else(|| bad("entry kind", &m.kind))?,
        amount: Money::from_units(m.amount),
        invoice_id: m.invoice_id.as_deref().map(uuid_of).transpose()?,
        reason: m.reason,
        actor_kind: m.actor_kind,
        actor_id: uuid_of(&m.actor_id)?,
        created_at: m.created_at,
    })
}
