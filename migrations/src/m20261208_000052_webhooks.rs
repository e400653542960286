//! Outbound webhooks (Standard Webhooks v1): the endpoints integrators
//! register, the messages made from domain events (the exact body, so a
//! replay sends the same bytes), one delivery per endpoint and message,
//! and every attempt with its answer.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(36).not_null().to_owned()
}

fn at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn maybe_at(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoints::Table)
                    .col(id(WebhookEndpoints::Id).primary_key())
                    .col(
                        ColumnDef::new(WebhookEndpoints::ClientId)
                            .string_len(36)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(WebhookEndpoints::Url)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookEndpoints::Description)
                            .string_len(480)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(WebhookEndpoints::EventTypes)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookEndpoints::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookEndpoints::DisabledBecause)
                            .string_len(16)
                            .null(),
                    )
                    .col(maybe_at(WebhookEndpoints::FailingSince))
                    .col(
                        ColumnDef::new(WebhookEndpoints::Secret)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookEndpoints::PreviousSecret)
                            .string_len(255)
                            .null(),
                    )
                    .col(maybe_at(WebhookEndpoints::PreviousUntil))
                    .col(at(WebhookEndpoints::CreatedAt))
                    .col(at(WebhookEndpoints::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookMessages::Table)
                    .col(
                        ColumnDef::new(WebhookMessages::Id)
                            .string_len(40)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(WebhookMessages::EventId)
                            .string_len(36)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(WebhookMessages::EventType)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(WebhookMessages::Body).text().not_null())
                    .col(at(WebhookMessages::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(id(WebhookDeliveries::Id).primary_key())
                    .col(id(WebhookDeliveries::EndpointId))
                    .col(
                        ColumnDef::new(WebhookDeliveries::MessageId)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookDeliveries::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookDeliveries::Tries)
                            .integer()
                            .not_null(),
                    )
                    .col(at(WebhookDeliveries::NextAttemptAt))
                    .col(
                        ColumnDef::new(WebhookDeliveries::LeaseToken)
                            .string_len(36)
                            .null(),
                    )
                    .col(maybe_at(WebhookDeliveries::LeaseUntil))
                    .col(at(WebhookDeliveries::CreatedAt))
                    .col(maybe_at(WebhookDeliveries::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(id(WebhookAttempts::Id).primary_key())
                    .col(id(WebhookAttempts::DeliveryId))
                    .col(id(WebhookAttempts::EndpointId))
                    .col(
                        ColumnDef::new(WebhookAttempts::MessageId)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(at(WebhookAttempts::AttemptedAt))
                    .col(ColumnDef::new(WebhookAttempts::StatusCode).integer().null())
                    .col(
                        ColumnDef::new(WebhookAttempts::LatencyMs)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(WebhookAttempts::Response).text().not_null())
                    .col(
                        ColumnDef::new(WebhookAttempts::Error)
                            .string_len(255)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(WebhookAttempts::Outcome)
                            .string_len(16)
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("ix_webhook_endpoints_client")
                .table(WebhookEndpoints::Table)
                .col(WebhookEndpoints::ClientId)
                .to_owned(),
            Index::create()
                .name("ux_webhook_deliveries_endpoint_message")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::EndpointId)
                .col(WebhookDeliveries::MessageId)
                .unique()
                .to_owned(),
            Index::create()
                .name("ix_webhook_deliveries_due")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::Status)
                .col(WebhookDeliveries::NextAttemptAt)
                .to_owned(),
            Index::create()
                .name("ix_webhook_messages_created")
                .table(WebhookMessages::Table)
                .col(WebhookMessages::CreatedAt)
                .to_owned(),
            Index::create()
                .name("ix_webhook_attempts_endpoint")
                .table(WebhookAttempts::Table)
                .col(WebhookAttempts::EndpointId)
                .col(WebhookAttempts::AttemptedAt)
                .to_owned(),
            Index::create()
                .name("ix_webhook_attempts_message")
                .table(WebhookAttempts::Table)
                .col(WebhookAttempts::MessageId)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            WebhookMessages::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookEndpoints {
    Table,
    Id,
    ClientId,
    Url,
    Description,
    EventTypes,
    Status,
    DisabledBecause,
    FailingSince,
    Secret,
    PreviousSecret,
    PreviousUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookMessages {
    Table,
    Id,
    EventId,
    EventType,
    Body,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookDeliveries {
    Table,
    Id,
    EndpointId,
    MessageId,
    Status,
    Tries,
    NextAttemptAt,
    LeaseToken,
    LeaseUntil,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    EndpointId,
    MessageId,
    AttemptedAt,
    StatusCode,
    LatencyMs,
    Response,
    Error,
    Outcome,
}
