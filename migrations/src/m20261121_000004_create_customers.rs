//! Customers (the core the CRM grows from) and their self-service logins.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(
                        ColumnDef::new(Customers::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Customers::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Customers::Mobile).string_len(16).not_null())
                    .col(ColumnDef::new(Customers::Email).string_len(254).null())
                    .col(
                        ColumnDef::new(Customers::HomeBranchId)
                            .string_len(36)
                            .null(),
                    )
                    .col(ColumnDef::new(Customers::Version).integer().not_null())
                    .col(
                        ColumnDef::new(Customers::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Customers::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customers_home_branch")
                            .from(Customers::Table, Customers::HomeBranchId)
                            .to(Branches::Table, Branches::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // One customer per mobile number (and so one loyalty membership).
        manager
            .create_index(
                Index::create()
                    .name("ux_customers_mobile")
                    .table(Customers::Table)
                    .col(Customers::Mobile)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customers_email")
                    .table(Customers::Table)
                    .col(Customers::Email)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CustomerLogins::Table)
                    .col(
                        ColumnDef::new(CustomerLogins::CustomerId)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CustomerLogins::PasswordHash)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CustomerLogins::Active).boolean().not_null())
                    .col(
                        ColumnDef::new(CustomerLogins::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerLogins::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_logins_customer")
                            .from(CustomerLogins::Table, CustomerLogins::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CustomerLogins::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Customers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Branches {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Name,
    /// E.164.
    Mobile,
    Email,
    HomeBranchId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CustomerLogins {
    Table,
    CustomerId,
    PasswordHash,
    Active,
    CreatedAt,
    UpdatedAt,
}
