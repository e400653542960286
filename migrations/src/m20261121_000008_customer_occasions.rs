//! The dates a jeweller calls about: birthday, wedding anniversary and the
//! spouse's birthday, and the ring size. Each date also keeps its month and
//! day as a number (`MMDD`, 1 January = 101) with an index, so "in the next
//! N days" is one or two range scans on any engine.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ColumnDef::new(Customers::DateOfBirth)
                .date()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::BirthdayMd)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::Anniversary)
                .date()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::AnniversaryMd)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::SpouseName)
                .string_len(120)
                .null()
                .to_owned(),
            ColumnDef::new(Customers::SpouseDateOfBirth)
                .date()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::SpouseBirthdayMd)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::RingSize)
                .string_len(8)
                .null()
                .to_owned(),
        ];
        // SQLite takes one column per ALTER TABLE.
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, column) in [
            ("ix_customers_birthday_md", Customers::BirthdayMd),
            ("ix_customers_anniversary_md", Customers::AnniversaryMd),
            (
                "ix_customers_spouse_birthday_md",
                Customers::SpouseBirthdayMd,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Customers::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_customers_birthday_md",
            "ix_customers_anniversary_md",
            "ix_customers_spouse_birthday_md",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Customers::Table).to_owned())
                .await?;
        }
        for column in [
            Customers::DateOfBirth,
            Customers::BirthdayMd,
            Customers::Anniversary,
            Customers::AnniversaryMd,
            Customers::SpouseName,
            Customers::SpouseDateOfBirth,
            Customers::SpouseBirthdayMd,
            Customers::RingSize,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Customers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    DateOfBirth,
    BirthdayMd,
    Anniversary,
    AnniversaryMd,
    SpouseName,
    SpouseDateOfBirth,
    SpouseBirthdayMd,
    RingSize,
}
