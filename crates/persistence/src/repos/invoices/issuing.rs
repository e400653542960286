//! The writes of issuing around the branch's number: marking the draft
//! issued, taking the number, and giving it to the bill.

use jewel_domain::invoice::{Invoice, InvoiceStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryTrait, Statement,
};

use super::{Invoices, Series};
use crate::entities::invoices;
use crate::error::RepoError;

impl Invoices {
    /// Takes the next number of the branch's `year`, in one statement: the
    /// row stays locked until the transaction ends, so numbers are given
    /// one at a time and a rollback gives this one back. Take it as late in
    /// the transaction as the work allows: every other issue of the branch
    /// waits from here to the commit.
    #[tracing::instrument(name = "invoices.take_number", skip(db))]
    pub async fn take_number(
        db: &impl ConnectionTrait,
        branch: uuid::Uuid,
        series: Series,
        year: &str,
    ) -> Result<i64, RepoError> {
        let backend = db.get_database_backend();
        let values: Vec<sea_orm::Value> = vec![
            branch.to_string().into(),
            series.as_str().into(),
            year.into(),
        ];
        let which = "WHERE branch_id = ? AND series = ? AND financial_year = ?";
        match backend {
            // MariaDB has no UPDATE ... RETURNING: LAST_INSERT_ID(x) hands the
            // new value back in the statement's own answer.
            DatabaseBackend::MySql => {
                let sql = format!(
                    "UPDATE invoice_sequences SET last_number = LAST_INSERT_ID(last_number + 1) {which}"
                );
                let result = db
                    .execute_raw(Statement::from_sql_and_values(backend, sql, values))
                    .await?;
                if result.rows_affected() == 0 {
                    return Err(RepoError::NotFound);
                }
                i64::try_from(result.last_insert_id()).map_err(|_| RepoError::NotFound)
            }
            _ => {
                let sql = format!(
                    "UPDATE invoice_sequences SET last_number = last_number + 1 {which} RETURNING last_number"
                );
                let row = db
                    .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
                    .await?
                    .ok_or(RepoError::NotFound)?;
                Ok(row.try_get::<i64>("", "last_number")?)
            }
        }
    }

    /// Writes `issued` (the draft as issued: status, year, paid; not yet
    /// its number) over `draft`, if the draft is still the one the caller
    /// read; `Ok(false)` when it changed meanwhile. From here the bill's
    /// row is held until the transaction ends, so its number, written by
    /// [`Self::numbered_write`] with the unit's closing writes, cannot miss.
    pub async fn mark_issued(
        db: &impl ConnectionTrait,
        draft: &Invoice,
        issued: &Invoice,
    ) -> Result<bool, RepoError> {
        use invoices::Column;
        let result = invoices::Entity::update_many()
            .col_expr(Column::Status, Expr::value(issued.status.as_str()))
            .col_expr(
                Column::FinancialYear,
                Expr::value(issued.financial_year.clone()),
            )
            .col_expr(
                Column::IssuedBy,
                Expr::value(issued.issued_by.map(|by| by.to_string())),
            )
            .col_expr(Column::IssuedAt, Expr::value(issued.issued_at))
            .col_expr(Column::Paid, Expr::value(issued.paid.units()))
            .col_expr(Column::Version, Expr::value(issued.version))
            .col_expr(Column::UpdatedAt, Expr::value(issued.updated_at))
            .filter(Column::Id.eq(draft.id.to_string()))
            .filter(Column::Status.eq(InvoiceStatus::Draft.as_str()))
            .filter(Column::Version.eq(draft.version))
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// The statement that gives a bill marked issued its `number`, the
    /// `sequence`-th of its run.
    pub fn numbered_write(
        backend: DatabaseBackend,
        invoice: uuid::Uuid,
        number: &str,
        sequence: i64,
    ) -> Statement {
        use invoices::Column;
        invoices::Entity::update_many()
            .col_expr(Column::Number, Expr::value(number.to_owned()))
            .col_expr(Column::Sequence, Expr::value(sequence))
            .filter(Column::Id.eq(invoice.to_string()))
            .build(backend)
    }
}
