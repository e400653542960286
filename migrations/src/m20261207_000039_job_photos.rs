//! Photos of a job's item: each names the SHA-256 of its bytes, which are
//! stored once by that hash (under the data folder, or in an S3-compatible
//! store).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobPhotos::Table)
                    .col(
                        ColumnDef::new(JobPhotos::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(JobPhotos::JobId).string_len(36).not_null())
                    .col(ColumnDef::new(JobPhotos::Sha256).string_len(64).not_null())
                    .col(
                        ColumnDef::new(JobPhotos::ContentType)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(JobPhotos::Bytes).big_integer().not_null())
                    .col(ColumnDef::new(JobPhotos::Caption).string_len(200).null())
                    .col(
                        ColumnDef::new(JobPhotos::UploadedBy)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JobPhotos::UploadedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_job_photos_job")
                    .table(JobPhotos::Table)
                    .col(JobPhotos::JobId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobPhotos::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum JobPhotos {
    Table,
    Id,
    JobId,
    Sha256,
    ContentType,
    Bytes,
    Caption,
    UploadedBy,
    UploadedAt,
}
