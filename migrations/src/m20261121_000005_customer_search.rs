//! Quick search over customers, with plain B-tree indexes that work the same
//! on SQLite, MariaDB and MySQL-wire engines: the mobile number stored
//! reversed (so "ends with 3210" is an indexed prefix search), and one row
//! per lower-cased word of the name (so any word can be searched by prefix).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .add_column(
                        ColumnDef::new(Customers::MobileReversed)
                            .string_len(16)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customers_mobile_reversed")
                    .table(Customers::Table)
                    .col(Customers::MobileReversed)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CustomerSearchTerms::Table)
                    .col(
                        ColumnDef::new(CustomerSearchTerms::Term)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerSearchTerms::CustomerId)
                            .string_len(36)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CustomerSearchTerms::Term)
                            .col(CustomerSearchTerms::CustomerId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_search_terms_customer")
                            .from(CustomerSearchTerms::Table, CustomerSearchTerms::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_search_terms_customer")
                    .table(CustomerSearchTerms::Table)
                    .col(CustomerSearchTerms::CustomerId)
                    .to_owned(),
            )
            .await?;

        // Existing customers get their search keys here, in Rust: there is
        // no portable SQL to reverse a string or split a name into words.
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, name, mobile FROM customers".to_owned(),
            ))
            .await?;
        for row in rows {
            let id: String = row.try_get("", "id")?;
            let name: String = row.try_get("", "name")?;
            let mobile: String = row.try_get("", "mobile")?;
            let reversed: String = mobile.chars().rev().collect();
            let update = Query::update()
                .table(Customers::Table)
                .value(Customers::MobileReversed, reversed)
                .and_where(Expr::col(Customers::Id).eq(id.clone()))
                .to_owned();
            manager.exec_stmt(update).await?;
            let mut terms: Vec<String> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| w.to_lowercase().chars().take(64).collect())
                .collect();
            terms.sort();
            terms.dedup();
            for term in terms {
                let insert = Query::insert()
                    .into_table(CustomerSearchTerms::Table)
                    .columns([CustomerSearchTerms::Term, CustomerSearchTerms::CustomerId])
                    .values_panic([term.into(), id.clone().into()])
                    .to_owned();
                manager.exec_stmt(insert).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CustomerSearchTerms::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_customers_mobile_reversed")
                    .table(Customers::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Customers::Table)
                    .drop_column(Customers::MobileReversed)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    MobileReversed,
}

#[derive(DeriveIden)]
enum CustomerSearchTerms {
    Table,
    /// A lower-cased word of the customer's name.
    Term,
    CustomerId,
}
