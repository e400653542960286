//! The writes that close a unit of work (its ledger lines, audit entries,
//! outbox events and kept answer), sent together just before the commit.
//!
//! On MariaDB they go in one round trip: the statements are joined into one
//! text query (the connection allows several statements per query), each
//! value written as a literal that no input can break out of: strings as
//! hexadecimal (`_utf8mb4 X'...'`), whatever `sql_mode` says about
//! backslashes; numbers, decimals and times in forms made only of digits
//! and punctuation. A statement with a value of any other kind, or whose
//! placeholders do not match its values, is sent on its own, bound as
//! usual. On SQLite each statement is sent on its own (it is in-process).
//!
//! Why: a bill's number row stays locked from its number to the commit,
//! and every other bill of the branch waits; the writes after the number
//! now cost one round trip instead of one each.

use std::fmt::Write as _;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

use crate::error::RepoError;

/// Runs `statements` in order, on MariaDB in one round trip where each can
/// be written out whole.
pub async fn run_all(
    db: &impl ConnectionTrait,
    statements: Vec<Statement>,
) -> Result<(), RepoError> {
    if db.get_database_backend() != DatabaseBackend::MySql {
        for statement in statements {
            db.execute_raw(statement).await?;
        }
        return Ok(());
    }
    let mut joined = String::new();
    for statement in statements {
        match written_out(&statement) {
            Some(sql) => {
                joined.push_str(&sql);
                joined.push_str(";\n");
            }
            None => {
                if !joined.is_empty() {
                    db.execute_unprepared(&std::mem::take(&mut joined)).await?;
                }
                db.execute_raw(statement).await?;
            }
        }
    }
    if !joined.is_empty() {
        db.execute_unprepared(&joined).await?;
    }
    Ok(())
}

/// The statement with its values in place of its `?` placeholders, or
/// `None` when a value has no safe literal or the counts differ. The SQL
/// sea-query builds for MySQL quotes identifiers with backticks and binds
/// every value, so each `?` in it is a placeholder.
pub(crate) fn written_out(statement: &Statement) -> Option<String> {
    let values: &[Value] = statement.values.as_ref().map_or(&[], |v| &v.0);
    if statement.sql.matches('?').count() != values.len() {
        return None;
    }
    let mut sql = String::with_capacity(statement.sql.len() + 64 * values.len());
    let mut values = values.iter();
    for (i, part) in statement.sql.split('?').enumerate() {
        if i > 0 {
            sql.push_str(&literal(values.next()?)?);
        }
        sql.push_str(part);
    }
    Some(sql)
}

fn text(s: &str) -> String {
    let mut out = String::with_capacity(12 + 2 * s.len());
    out.push_str("_utf8mb4 X'");
    for byte in s.as_bytes() {
        let _ = write!(out, "{byte:02X}");
    }
    out.push('\'');
    out
}

/// A MariaDB literal of `value`, for the kinds the closing writes use.
fn literal(value: &Value) -> Option<String> {
    const NULL: &str = "NULL";
    let or_null = |v: Option<String>| Some(v.unwrap_or_else(|| NULL.to_owned()));
    match value {
        Value::Bool(v) => or_null(v.map(|b| if b { "1" } else { "0" }.to_owned())),
        Value::TinyInt(v) => or_null(v.map(|n| n.to_string())),
        Value::SmallInt(v) => or_null(v.map(|n| n.to_string())),
        Value::Int(v) => or_null(v.map(|n| n.to_string())),
        Value::BigInt(v) => or_null(v.map(|n| n.to_string())),
        Value::TinyUnsigned(v) => or_null(v.map(|n| n.to_string())),
        Value::SmallUnsigned(v) => or_null(v.map(|n| n.to_string())),
        Value::Unsigned(v) => or_null(v.map(|n| n.to_string())),
        Value::BigUnsigned(v) => or_null(v.map(|n| n.to_string())),
        Value::String(v) => or_null(v.as_deref().map(text)),
        Value::Char(v) => or_null(v.map(|c| text(c.encode_utf8(&mut [0; 4])))),
        Value::Json(v) => or_null(v.as_deref().map(|j| text(&j.to_string()))),
        Value::Decimal(v) => or_null(v.map(|d| d.to_string())),
        Value::ChronoDateTimeUtc(v) => {
            or_null(v.map(|t| format!("'{}'", t.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f"))))
        }
        Value::ChronoDateTime(v) => {
            or_null(v.map(|t| format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.6f"))))
        }
        Value::ChronoDate(v) => or_null(v.map(|d| format!("'{}'", d.format("%Y-%m-%d")))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(DatabaseBackend::MySql, sql, values)
    }

    #[test]
    fn strings_are_written_as_hexadecimal_whatever_they_hold() {
        let sql = written_out(&statement(
            "UPDATE `t` SET `a` = ?, `b` = ? WHERE `id` = ?",
            vec![
                "it's \\'; DROP TABLE t; --".into(),
                Value::String(None),
                7i64.into(),
            ],
        ))
        .expect("written out");
        assert_eq!(
            sql,
            "UPDATE `t` SET `a` = _utf8mb4 X'69742773205C273B2044524F50205441424C4520743B202D2D', `b` = NULL WHERE `id` = 7"
        );
    }

    #[test]
    fn a_statement_whose_placeholders_do_not_match_is_not_written_out() {
        assert_eq!(
            written_out(&statement("SELECT ?, ?", vec![1i32.into()])),
            None
        );
        assert_eq!(
            written_out(&statement("SELECT ?", vec![Value::Float(Some(1.5))])),
            None
        );
    }

    #[test]
    fn times_and_decimals_are_digits_and_punctuation() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-06T05:04:03.000042Z")
            .expect("a time")
            .with_timezone(&chrono::Utc);
        let sql = written_out(&statement(
            "INSERT INTO `t` (`at`, `amount`, `ok`) VALUES (?, ?, ?)",
            vec![
                at.into(),
                sea_orm::prelude::Decimal::new(-123_456, 2).into(),
                true.into(),
            ],
        ))
        .expect("written out");
        assert_eq!(
            sql,
            "INSERT INTO `t` (`at`, `amount`, `ok`) VALUES ('2026-12-06 05:04:03.000042', -1234.56, 1)"
        );
    }
}
