//! Staff users and their branches, login sessions (refresh-token families),
//! signing keys, and the audit trail.

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

fn at_or_null(column: impl IntoIden) -> ColumnDef {
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
                    .table(StaffUsers::Table)
                    .col(id(StaffUsers::Id).primary_key())
                    .col(ColumnDef::new(StaffUsers::Name).string_len(120).not_null())
                    .col(ColumnDef::new(StaffUsers::Email).string_len(254).not_null())
                    .col(ColumnDef::new(StaffUsers::Phone).string_len(16).null())
                    .col(ColumnDef::new(StaffUsers::Role).string_len(16).not_null())
                    .col(
                        ColumnDef::new(StaffUsers::PasswordHash)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ColumnDef::new(StaffUsers::Active).boolean().not_null())
                    .col(ColumnDef::new(StaffUsers::Version).integer().not_null())
                    .col(at(StaffUsers::CreatedAt))
                    .col(at(StaffUsers::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_staff_users_email")
                    .table(StaffUsers::Table)
                    .col(StaffUsers::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StaffBranches::Table)
                    .col(id(StaffBranches::StaffId))
                    .col(id(StaffBranches::BranchId))
                    .primary_key(
                        Index::create()
                            .col(StaffBranches::StaffId)
                            .col(StaffBranches::BranchId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_branches_staff")
                            .from(StaffBranches::Table, StaffBranches::StaffId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_branches_branch")
                            .from(StaffBranches::Table, StaffBranches::BranchId)
                            .to(Branches::Table, Branches::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(id(Sessions::Id).primary_key())
                    .col(id(Sessions::FamilyId))
                    .col(
                        ColumnDef::new(Sessions::SubjectKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(id(Sessions::SubjectId))
                    .col(
                        ColumnDef::new(Sessions::TokenHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(at(Sessions::ExpiresAt))
                    .col(at_or_null(Sessions::UsedAt))
                    .col(at_or_null(Sessions::RevokedAt))
                    .col(at(Sessions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ux_sessions_token_hash", vec![Sessions::TokenHash]),
            ("ix_sessions_family", vec![Sessions::FamilyId]),
            (
                "ix_sessions_subject",
                vec![Sessions::SubjectKind, Sessions::SubjectId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Sessions::Table);
            for column in columns {
                index.col(column);
            }
            if name.starts_with("ux_") {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(SigningKeys::Table)
                    .col(
                        ColumnDef::new(SigningKeys::Kid)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SigningKeys::Algorithm)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SigningKeys::Secret)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(at(SigningKeys::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(id(AuditEvents::Id).primary_key())
                    .col(at(AuditEvents::OccurredAt))
                    .col(
                        ColumnDef::new(AuditEvents::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::ActorId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::Action)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::EntityType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::EntityId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvents::Before).text().null())
                    .col(ColumnDef::new(AuditEvents::After).text().null())
                    .col(
                        ColumnDef::new(AuditEvents::RequestId)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvents::Ip).string_len(45).null())
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_audit_entity",
                vec![AuditEvents::EntityType, AuditEvents::EntityId],
            ),
            (
                "ix_audit_actor",
                vec![AuditEvents::ActorKind, AuditEvents::ActorId],
            ),
            ("ix_audit_occurred", vec![AuditEvents::OccurredAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEvents::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            SigningKeys::Table.into_iden(),
            Sessions::Table.into_iden(),
            StaffBranches::Table.into_iden(),
            StaffUsers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Branches {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
    Name,
    Email,
    Phone,
    Role,
    PasswordHash,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffBranches {
    Table,
    StaffId,
    BranchId,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    FamilyId,
    SubjectKind,
    SubjectId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    Kid,
    Algorithm,
    Secret,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    ActorKind,
    ActorId,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    RequestId,
    Ip,
}
