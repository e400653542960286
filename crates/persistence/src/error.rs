//! What can go wrong in a repository, in the caller's terms: constraint
//! violations are mapped where the query runs, never surfacing as 500s.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A unique value is taken; `field` names it as the client sent it.
    #[error("{field} is already taken")]
    Taken { field: &'static str },
    /// A referenced record does not exist.
    #[error("{field} refers to a record that does not exist")]
    MissingReference { field: &'static str },
    /// The record changed since the caller read it (`If-Match`).
    #[error("the record was changed by someone else")]
    StaleVersion,
    #[error("no such record")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Maps constraint violations of one statement to [`RepoError`]s.
pub(crate) trait OnConstraint<T> {
    fn on_unique(self, field: &'static str) -> Result<T, RepoError>;
    fn on_foreign_key(self, field: &'static str) -> Result<T, RepoError>;
}

impl<T> OnConstraint<T> for Result<T, DbErr> {
    fn on_unique(self, field: &'static str) -> Result<T, RepoError> {
        self.map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => RepoError::Taken { field },
            _ => RepoError::Database(e),
        })
    }

    fn on_foreign_key(self, field: &'static str) -> Result<T, RepoError> {
        self.map_err(|e| match e.sql_err() {
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => RepoError::MissingReference { field },
            _ => RepoError::Database(e),
        })
    }
}

impl<T> OnConstraint<T> for Result<T, RepoError> {
    fn on_unique(self, field: &'static str) -> Result<T, RepoError> {
        self.map_err(|e| match e {
            RepoError::Database(db) => match db.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => RepoError::Taken { field },
                _ => RepoError::Database(db),
            },
            other => other,
        })
    }

    fn on_foreign_key(self, field: &'static str) -> Result<T, RepoError> {
        self.map_err(|e| match e {
            RepoError::Database(db) => match db.sql_err() {
                Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                    RepoError::MissingReference { field }
                }
                _ => RepoError::Database(db),
            },
            other => other,
        })
    }
}

/// Maps a unique violation to the field of whichever of several unique
/// columns it names (`(column, field)` pairs, checked in order; the engines
/// name the column or its index in the message).
pub(crate) trait OnUniqueColumn<T> {
    fn on_unique_column(self, columns: &[(&str, &'static str)]) -> Result<T, RepoError>;
}

impl<T> OnUniqueColumn<T> for Result<T, DbErr> {
    fn on_unique_column(self, columns: &[(&str, &'static str)]) -> Result<T, RepoError> {
        self.map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(message)) => columns
                .iter()
                .find(|(column, _)| message.contains(column))
                .map_or(RepoError::Database(e), |(_, field)| RepoError::Taken {
                    field,
                }),
            _ => RepoError::Database(e),
        })
    }
}

/// Turns a stored id back into a UUID; a malformed one is a database fault.
pub(crate) fn uuid_of(text: &str) -> Result<uuid::Uuid, RepoError> {
    uuid::Uuid::parse_str(text)
        .map_err(|e| RepoError::Database(DbErr::Type(format!("stored id {text:?}: {e}"))))
}

/// Bumps `version` and `updated_at` on an update of one record and, when the
/// caller read a version (`If-Match`), applies only if it is still that one.
pub(crate) fn versioned<E: sea_orm::EntityTrait>(
    update: sea_orm::UpdateMany<E>,
    version: E::Column,
    updated_at: E::Column,
    expected: Option<i32>,
) -> sea_orm::UpdateMany<E> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, QueryFilter};
    let update = update
        .col_expr(version, Expr::col(version).add(1))
        .col_expr(updated_at, Expr::value(chrono::Utc::now()));
    match expected {
        Some(expected) => update.filter(version.eq(expected)),
        None => update,
    }
}

/// Why a versioned update changed no row: someone changed it first, or it is gone.
pub(crate) fn unchanged_because(still_exists: bool) -> RepoError {
    if still_exists {
        RepoError::StaleVersion
    } else {
        RepoError::NotFound
    }
}
