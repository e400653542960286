//! Follow-up tasks: who should get in touch with which customer, by when.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FollowUpTasks::Table)
                    .col(
                        ColumnDef::new(FollowUpTasks::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(FollowUpTasks::CustomerId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(FollowUpTasks::AssigneeId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(FollowUpTasks::DueAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(FollowUpTasks::Reason)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(FollowUpTasks::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(FollowUpTasks::Version).integer().not_null())
                    .col(
                        ColumnDef::new(FollowUpTasks::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(FollowUpTasks::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follow_up_tasks_customer")
                            .from(FollowUpTasks::Table, FollowUpTasks::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follow_up_tasks_assignee")
                            .from(FollowUpTasks::Table, FollowUpTasks::AssigneeId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_follow_up_tasks_assignee")
                    .table(FollowUpTasks::Table)
                    .col(FollowUpTasks::AssigneeId)
                    .col(FollowUpTasks::Status)
                    .col(FollowUpTasks::DueAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FollowUpTasks::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FollowUpTasks {
    Table,
    Id,
    CustomerId,
    AssigneeId,
    DueAt,
    Reason,
    /// open, done, cancelled
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
}
