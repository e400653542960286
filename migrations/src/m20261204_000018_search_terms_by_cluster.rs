//! Search terms of names in scripts with combining signs, indexed anew.
//!
//! Until now a name was split at every character that is not a letter or a
//! digit, and vowel signs and viramas are neither: `लक्ष्मी` was indexed as
//! `ल`, `क`, `ष`, `म`, so nobody could find it by its first word. Words are
//! now runs of grapheme clusters. Only names with a character outside ASCII
//! can change, so only those are read again. The rule is copied here, as it
//! stands today, so that this step does the same whatever the code does later.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;
use unicode_segmentation::UnicodeSegmentation;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BATCH: u64 = 1000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let mut after = String::new();
        loop {
            let select = Query::select()
                .columns([Customers::Id, Customers::Name])
                .from(Customers::Table)
                .and_where(Expr::col(Customers::Id).gt(after.clone()))
                .order_by(Customers::Id, Order::Asc)
                .limit(BATCH)
                .to_owned();
            let rows = db.query_all(&select).await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.try_get("", "id")?;
            for row in rows {
                let name: String = row.try_get("", "name")?;
                if name.is_ascii() {
                    continue;
                }
                let id: String = row.try_get("", "id")?;
                let delete = Query::delete()
                    .from_table(CustomerSearchTerms::Table)
                    .and_where(Expr::col(CustomerSearchTerms::CustomerId).eq(id.clone()))
                    .to_owned();
                manager.exec_stmt(delete).await?;
                for term in terms(&name) {
                    let insert = Query::insert()
                        .into_table(CustomerSearchTerms::Table)
                        .columns([CustomerSearchTerms::Term, CustomerSearchTerms::CustomerId])
                        .values_panic([term.into(), id.clone().into()])
                        .to_owned();
                    manager.exec_stmt(insert).await?;
                }
            }
        }
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The terms of the new rule find everything the old ones did by a
        // word's prefix: nothing to undo.
        Ok(())
    }
}

/// The lower-cased words of a name: runs of grapheme clusters that begin
/// with a letter or a digit, each at most 64 characters, cut between clusters.
fn terms(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut terms = Vec::new();
    let mut word = String::new();
    let mut chars = Some(0);
    for cluster in lower.graphemes(true) {
        if cluster.chars().next().is_some_and(char::is_alphanumeric) {
            let count = cluster.chars().count();
            chars = chars.map(|n| n + count).filter(|&n| n <= 64);
            if chars.is_some() {
                word.push_str(cluster);
            }
        } else {
            if !word.is_empty() {
                terms.push(std::mem::take(&mut word));
            }
            chars = Some(0);
        }
    }
    if !word.is_empty() {
        terms.push(word);
    }
    terms.sort();
    terms.dedup();
    terms
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
enum CustomerSearchTerms {
    Table,
    Term,
    CustomerId,
}
