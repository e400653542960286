//! The quick search by name: a walk of the search terms' index in its own
//! order that stops at the page, instead of collecting every match and
//! sorting it.
//!
//! The word of the search most likely to be rare drives: its matching terms
//! are read in `(term, customer_id)` order, the primary key of
//! `customer_search_terms`, each joined to its customer by primary key and
//! kept when the customer passes the list's filters and has a word beginning
//! with each other word searched (checked on the term's copy of the name's
//! words, so a walked row that fails needs no other read). A customer with two words matching the
//! driving one (`Anand Anantha` for `ana`) is listed once, at the first. The
//! database reads about as many rows as the page holds, however many
//! customers match.

use jewel_domain::customer::Customer;
use jewel_domain::{Page, PageRequest};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use super::search::filter_condition;
use super::{CustomerFilter, Customers};
use crate::entities::{customer_search_terms, customers};
use crate::error::RepoError;
use crate::repos::{prefix_of, word_begins};

use customer_search_terms::Column as Terms;

impl Customers {
    /// Customers with a word of the name beginning with each of `words`, in
    /// the order of the driving word's matching term, then id; `page.after`
    /// is the last customer of the page before.
    #[tracing::instrument(name = "customers.by_name_words", skip(db, filter))]
    pub(super) async fn by_name_words(
        db: &impl ConnectionTrait,
        words: &[String],
        filter: &CustomerFilter,
        page: PageRequest,
    ) -> Result<Page<Customer>, RepoError> {
        let Some(driver) = driving_word(words) else {
            return Ok(Page::from_overfetch(Vec::new(), page.limit, |c| c.id));
        };
        let walked = Alias::new("walked");
        let term = || Expr::col((walked.clone(), Terms::Term));
        let customer_id = || Expr::col((walked.clone(), Terms::CustomerId));
        let mut select = customers::Entity::find()
            .filter(filter_condition(&CustomerFilter {
                query: None,
                ..filter.clone()
            }))
            .limit(page.limit + 1);
        let statement = QueryTrait::query(&mut select);
        statement
            .from_clear()
            .from_as(customer_search_terms::Entity, walked.clone())
            .join(
                // The terms drive: MariaDB's optimizer might otherwise start
                // from the customers' side and sort what it finds.
                match db.get_database_backend() {
                    DbBackend::MySql => JoinType::StraightJoin,
                    // SQLite keeps the order of a CROSS JOIN (and leaves
                    // out its ON: the WHERE below says it again).
                    _ => JoinType::CrossJoin,
                },
                customers::Entity,
                joined(&walked),
            )
            .and_where(joined(&walked))
            .and_where(prefix_of(term(), driver));
        // The other words are checked on the walked row's copy of the
        // name's words first: most rows of a two-word search fail here,
        // with no look-up.
        for word in words.iter().filter(|w| w.as_str() != driver) {
            statement.and_where(word_begins(Expr::col((walked.clone(), Terms::Words)), word));
        }
        statement
            // Listed at its first matching term only.
            .and_where(Expr::not_exists(terms_of_walked(
                &walked,
                driver,
                Some(term()),
            )))
            .order_by((walked.clone(), Terms::Term), sea_orm::Order::Asc)
            .order_by((walked.clone(), Terms::CustomerId), sea_orm::Order::Asc);
        if let Some(after) = page.after {
            let Some(last_term) = first_matching_term(db, after, driver).await? else {
                // The last customer's name changed meanwhile: its place is gone.
                return Ok(Page::from_overfetch(Vec::new(), page.limit, |c| c.id));
            };
            let after = after.to_string();
            statement.and_where(
                term()
                    .gt(last_term.clone())
                    .or(term().eq(last_term).and(customer_id().gt(after))),
            );
        }
        let customers = Self::fetch(db, select).await?;
        Ok(Page::from_overfetch(customers, page.limit, |c| c.id))
    }
}

/// `customers.id = walked.customer_id`.
fn joined(walked: &Alias) -> Expr {
    Expr::col((customers::Entity, customers::Column::Id))
        .equals((walked.clone(), Terms::CustomerId))
}

/// The word to walk: the longest (a longer prefix matches fewer names),
/// the first in alphabetical order among equals, so that every page of one
/// search walks the same word.
fn driving_word(words: &[String]) -> Option<&str> {
    words
        .iter()
        .max_by(|a, b| {
            a.chars()
                .count()
                .cmp(&b.chars().count())
                .then_with(|| b.cmp(a))
        })
        .map(String::as_str)
}

/// `SELECT 1 FROM customer_search_terms WHERE customer_id = walked.customer_id
/// AND term LIKE 'word%' [AND term < before]`.
fn terms_of_walked(walked: &Alias, word: &str, before: Option<Expr>) -> SelectStatement {
    let mut terms = Query::select();
    terms
        .expr(Expr::val(1))
        .from(customer_search_terms::Entity)
        .and_where(
            Expr::col((customer_search_terms::Entity, Terms::CustomerId))
                .equals((walked.clone(), Terms::CustomerId)),
        )
        .and_where(prefix_of(
            Expr::col((customer_search_terms::Entity, Terms::Term)),
            word,
        ));
    if let Some(before) = before {
        terms.and_where(Expr::col((customer_search_terms::Entity, Terms::Term)).lt(before));
    }
    terms
}

/// The first of `customer`'s terms beginning with `word`: where the walk
/// listed them.
async fn first_matching_term(
    db: &impl ConnectionTrait,
    customer: uuid::Uuid,
    word: &str,
) -> Result<Option<String>, RepoError> {
    let first = customer_search_terms::Entity::find()
        .select_only()
        .expr(Func::min(Expr::col(Terms::Term)))
        .filter(Terms::CustomerId.eq(customer.to_string()))
        .filter(prefix_of(Expr::col(Terms::Term), word))
        .into_tuple::<Option<String>>()
        .one(db)
        .await?;
    Ok(first.flatten())
}

#[cfg(test)]
mod tests {
    use super::driving_word;

    #[test]
    fn the_longest_word_drives_and_ties_go_to_the_first() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(driving_word(&words(&["lak", "nara"])), Some("nara"));
        assert_eq!(driving_word(&words(&["ana", "sha"])), Some("ana"));
        assert_eq!(driving_word(&words(&["லக்ஷ்மி", "ab"])), Some("லக்ஷ்மி"));
        assert_eq!(driving_word(&[]), None);
    }
}
