//! Every search term carries all the words of its customer's name, so that a
//! search by several words checks the other words on the row it walks
//! instead of looking each customer's terms up again: at a million
//! customers a two-word search walks a few hundred terms of its first word
//! to fill a page, and each look-up was a seek into another index.
//!
//! `words` is the customer's terms, each after one space (` lakshmi
//! narayanan`), so "a word begins with `nar`" is `words LIKE '% nar%'`. The
//! terms already stored give it, in one statement per engine.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CustomerSearchTerms::Table)
                    .add_column(
                        ColumnDef::new(CustomerSearchTerms::Words)
                            .string_len(400)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        let fill = match backend {
            DbBackend::MySql => {
                "UPDATE customer_search_terms t JOIN (\
                   SELECT customer_id, CONCAT(' ', GROUP_CONCAT(term ORDER BY term SEPARATOR ' ')) AS words \
                   FROM customer_search_terms GROUP BY customer_id\
                 ) n ON n.customer_id = t.customer_id SET t.words = n.words"
            }
            _ => {
                "UPDATE customer_search_terms SET words = (\
                   SELECT ' ' || group_concat(term, ' ') FROM customer_search_terms n \
                   WHERE n.customer_id = customer_search_terms.customer_id)"
            }
        };
        manager.get_connection().execute_unprepared(fill).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CustomerSearchTerms::Table)
                    .drop_column(CustomerSearchTerms::Words)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum CustomerSearchTerms {
    Table,
    Words,
}
