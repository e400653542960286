//! Everything that belongs to a customer, in one place. Merging a duplicate
//! moves these records to the survivor, and its dry run counts them; a
//! capability that attaches records to customers (invoices, points, schemes,
//! jobs) adds its table to [`CUSTOMER_RECORDS`] and merge handles it.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

use crate::error::RepoError;

/// A table of records that belong to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerRecords {
    /// The name the API reports (`interactions`, `tasks`, ...).
    pub kind: &'static str,
    pub table: &'static str,
    /// The column holding the customer's id.
    pub column: &'static str,
    /// Whether erasing the customer's personal data deletes these records
    /// (notes and wishes about the person); records the law makes us keep
    /// (tax invoices) say `false`.
    pub erased: bool,
}

pub const CUSTOMER_RECORDS: &[CustomerRecords] = &[
    CustomerRecords {
        kind: "interactions",
        table: "interactions",
        column: "customer_id",
        erased: true,
    },
    CustomerRecords {
        kind: "tasks",
        table: "follow_up_tasks",
        column: "customer_id",
        erased: true,
    },
    CustomerRecords {
        kind: "wishList",
        table: "wish_list_items",
        column: "customer_id",
        erased: true,
    },
    CustomerRecords {
        kind: "devices",
        table: "devices",
        column: "customer_id",
        // The app's registrations: a merge moves them to the survivor.
        erased: true,
    },
    CustomerRecords {
        kind: "externalIds",
        table: "external_refs",
        column: "entity_id",
        // Other systems' ids of the customer: a merge moves them, so an
        // ERP's next upsert changes the survivor; they name no one.
        erased: false,
    },
    CustomerRecords {
        kind: "consentChanges",
        table: "consent_changes",
        column: "customer_id",
        // Evidence of what was consented to; it names no one once the
        // customer's identity is erased.
        erased: false,
    },
    CustomerRecords {
        kind: "invoices",
        table: "invoices",
        column: "customer_id",
        // Tax records the law makes us keep.
        erased: false,
    },
    CustomerRecords {
        kind: "quotes",
        table: "quotes",
        column: "customer_id",
        erased: false,
    },
];

/// How many records of each kind belong to `customer`.
pub async fn count(
    db: &impl ConnectionTrait,
    customer: uuid::Uuid,
) -> Result<Vec<(&'static str, u64)>, RepoError> {
    let mut counts = Vec::with_capacity(CUSTOMER_RECORDS.len());
    for records in CUSTOMER_RECORDS {
        let query = Query::select()
            .expr_as(
                Expr::col(Alias::new(records.column)).count(),
                Alias::new("n"),
            )
            .from(Alias::new(records.table))
            .and_where(Expr::col(Alias::new(records.column)).eq(customer.to_string()))
            .to_owned();
        let row = db.query_one(&query).await?;
        let n: i64 = match row {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        counts.push((records.kind, u64::try_from(n).unwrap_or_default()));
    }
    Ok(counts)
}

/// Moves every record of `from` to `to`; the caller holds the transaction.
pub async fn reassign(
    db: &impl ConnectionTrait,
    from: uuid::Uuid,
    to: uuid::Uuid,
) -> Result<Vec<(&'static str, u64)>, RepoError> {
    let mut moved = Vec::with_capacity(CUSTOMER_RECORDS.len());
    for records in CUSTOMER_RECORDS {
        let update = Query::update()
            .table(Alias::new(records.table))
            .value(Alias::new(records.column), to.to_string())
            .and_where(Expr::col(Alias::new(records.column)).eq(from.to_string()))
            .to_owned();
        let result = db.execute(&update).await?;
        moved.push((records.kind, result.rows_affected()));
    }
    Ok(moved)
}

/// Deletes the records that erasure removes (see [`CustomerRecords::erased`]).
pub async fn erase(
    db: &impl ConnectionTrait,
    customer: uuid::Uuid,
) -> Result<Vec<(&'static str, u64)>, RepoError> {
    let mut deleted = Vec::new();
    for records in CUSTOMER_RECORDS.iter().filter(|r| r.erased) {
        let delete = Query::delete()
            .from_table(Alias::new(records.table))
            .and_where(Expr::col(Alias::new(records.column)).eq(customer.to_string()))
            .to_owned();
        let result = db.execute(&delete).await?;
        deleted.push((records.kind, result.rows_affected()));
    }
    Ok(deleted)
}
