//! What is taken out of a savings scheme enrolment: value redeemed on a
//! bill (the advance in it, a weight plan's milligrams), given back when
//! that bill is cancelled, or the advance refunded on closing it early;
//! each once per `source`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let id =
            |column: SchemeRedemptions| ColumnDef::new(column).string_len(36).not_null().to_owned();
        let paise =
            |column: SchemeRedemptions| ColumnDef::new(column).big_integer().not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(SchemeRedemptions::Table)
                    .col(id(SchemeRedemptions::Id).primary_key())
                    .col(id(SchemeRedemptions::EnrolmentId))
                    .col(
                        ColumnDef::new(SchemeRedemptions::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(paise(SchemeRedemptions::Value))
                    .col(paise(SchemeRedemptions::Advance))
                    .col(
                        ColumnDef::new(SchemeRedemptions::Milligrams)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SchemeRedemptions::InvoiceId)
                            .string_len(36)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SchemeRedemptions::Method)
                            .string_len(16)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SchemeRedemptions::Reference)
                            .string_len(80)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SchemeRedemptions::Source)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SchemeRedemptions::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(id(SchemeRedemptions::ActorId))
                    .col(
                        ColumnDef::new(SchemeRedemptions::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_scheme_redemptions_enrolment")
                            .from(SchemeRedemptions::Table, SchemeRedemptions::EnrolmentId)
                            .to(SchemeEnrolments::Table, SchemeEnrolments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            (
                "ix_scheme_redemptions_enrolment",
                vec![SchemeRedemptions::EnrolmentId],
                false,
            ),
            (
                "ix_scheme_redemptions_invoice",
                vec![SchemeRedemptions::InvoiceId],
                false,
            ),
            (
                "ux_scheme_redemptions_source",
                vec![SchemeRedemptions::Source],
                true,
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(SchemeRedemptions::Table);
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SchemeRedemptions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SchemeEnrolments {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum SchemeRedemptions {
    Table,
    Id,
    EnrolmentId,
    Kind,
    Value,
    Advance,
    Milligrams,
    InvoiceId,
    Method,
    Reference,
    Source,
    ActorKind,
    ActorId,
    CreatedAt,
}
