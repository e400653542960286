//! What providers register of a template: the Indian DLT content template
//! id of an SMS's exact words, and the name of a WhatsApp template Meta
//! approved with the order of its parameters; a message keeps the values of
//! those parameters it was rendered with. SQLite adds one column a
//! statement.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(MessageTemplates::DltTemplateId)
                .string_len(32)
                .null()
                .to_owned(),
            ColumnDef::new(MessageTemplates::WhatsappName)
                .string_len(512)
                .null()
                .to_owned(),
            ColumnDef::new(MessageTemplates::WhatsappParameters)
                .text()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MessageTemplates::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Messages::Table)
                    .add_column(ColumnDef::new(Messages::Parameters).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Messages::Table)
                    .drop_column(Messages::Parameters)
                    .to_owned(),
            )
            .await?;
        for column in [
            MessageTemplates::WhatsappParameters,
            MessageTemplates::WhatsappName,
            MessageTemplates::DltTemplateId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MessageTemplates::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum MessageTemplates {
    Table,
    DltTemplateId,
    WhatsappName,
    WhatsappParameters,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Parameters,
}
