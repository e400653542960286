//! The event outbox: every business change writes its domain events here in
//! its own transaction; a relay then numbers them in the order they are
//! found committed (`position`) and hands each to every subscriber that
//! wants it, one delivery row per event and subscriber, so that a failing
//! subscriber is retried and parked on its own without holding up others.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxEvents::Table)
                    .col(
                        ColumnDef::new(OutboxEvents::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OutboxEvents::EventType)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxEvents::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxEvents::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxEvents::ActorId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxEvents::EntityType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxEvents::EntityId)
                            .string_len(64)
                            .not_null(),
                    )
                    // The branch the change concerns; none for business-wide records.
                    .col(ColumnDef::new(OutboxEvents::BranchId).string_len(36).null())
                    // A record of the whole business (a customer, a rate):
                    // readers scoped to branches see its events too.
                    .col(
                        ColumnDef::new(OutboxEvents::BusinessWide)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxEvents::RequestId)
                            .string_len(128)
                            .not_null(),
                    )
                    // The version of the payload's shape for this event type.
                    .col(ColumnDef::new(OutboxEvents::Version).integer().not_null())
                    .col(ColumnDef::new(OutboxEvents::Payload).text().not_null())
                    // Given by the relay once the event is seen committed: the
                    // order in which subscribers and the feed see events.
                    .col(ColumnDef::new(OutboxEvents::Position).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_outbox_events_position")
                    .table(OutboxEvents::Table)
                    .col(OutboxEvents::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxCounters::Table)
                    .col(
                        ColumnDef::new(OutboxCounters::Name)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OutboxCounters::Next)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(OutboxCounters::Table)
                    .columns([OutboxCounters::Name, OutboxCounters::Next])
                    .values_panic(["events".into(), 1.into()])
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxDeliveries::Table)
                    .col(
                        ColumnDef::new(OutboxDeliveries::EventId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxDeliveries::Subscriber)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxDeliveries::Position)
                            .big_integer()
                            .not_null(),
                    )
                    // `pending`, `done` or `dead` (parked after too many failures).
                    .col(
                        ColumnDef::new(OutboxDeliveries::State)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxDeliveries::Attempts)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxDeliveries::DueAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OutboxDeliveries::LastError)
                            .string_len(1000)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(OutboxDeliveries::HandledAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(OutboxDeliveries::EventId)
                            .col(OutboxDeliveries::Subscriber),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_deliveries_event")
                            .from(OutboxDeliveries::Table, OutboxDeliveries::EventId)
                            .to(OutboxEvents::Table, OutboxEvents::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_deliveries_due")
                    .table(OutboxDeliveries::Table)
                    .col(OutboxDeliveries::State)
                    .col(OutboxDeliveries::DueAt)
                    .col(OutboxDeliveries::Position)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OutboxDeliveries::Table.into_iden(),
            OutboxCounters::Table.into_iden(),
            OutboxEvents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum OutboxEvents {
    Table,
    Id,
    EventType,
    OccurredAt,
    ActorKind,
    ActorId,
    EntityType,
    EntityId,
    BranchId,
    BusinessWide,
    RequestId,
    Version,
    Payload,
    Position,
}

#[derive(DeriveIden)]
enum OutboxCounters {
    Table,
    Name,
    Next,
}

#[derive(DeriveIden)]
enum OutboxDeliveries {
    Table,
    EventId,
    Subscriber,
    Position,
    State,
    Attempts,
    DueAt,
    LastError,
    HandledAt,
}
