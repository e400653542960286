//! The rest of the customer profile: other phones, addresses, preferences,
//! budget, tags, notes, assigned sales person, source, external id; consent
//! per channel and purpose with its history; archive, merge and erasure
//! markers; the wish list. Lists filtered or sorted by name, creation time,
//! tag, phone or assigned sales person each have an index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            // JSON documents, read and written whole.
            ColumnDef::new(Customers::Addresses)
                .text()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::Preferences)
                .text()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::BudgetBand)
                .string_len(16)
                .null()
                .to_owned(),
            ColumnDef::new(Customers::Notes).text().null().to_owned(),
            ColumnDef::new(Customers::AssignedStaffId)
                .string_len(36)
                .null()
                .to_owned(),
            ColumnDef::new(Customers::Source)
                .string_len(16)
                .not_null()
                .default("walk_in")
                .to_owned(),
            ColumnDef::new(Customers::ExternalId)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(Customers::ArchivedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Customers::MergedIntoId)
                .string_len(36)
                .null()
                .to_owned(),
            ColumnDef::new(Customers::ErasedAt)
                .timestamp_with_time_zone()
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
        manager
            .create_index(
                Index::create()
                    .name("ux_customers_external_id")
                    .table(Customers::Table)
                    .col(Customers::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_customers_name", Customers::Name),
            ("ix_customers_created_at", Customers::CreatedAt),
            ("ix_customers_updated_at", Customers::UpdatedAt),
            ("ix_customers_assigned_staff", Customers::AssignedStaffId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Customers::Table)
                        .col(column)
                        .col(Customers::Id)
                        .to_owned(),
                )
                .await?;
        }

        let customer_id = || {
            ColumnDef::new(Alias::new("customer_id"))
                .string_len(36)
                .not_null()
                .to_owned()
        };
        let belongs_to_customer = |table: &str| {
            ForeignKey::create()
                .name(format!("fk_{table}_customer"))
                .from(Alias::new(table), Alias::new("customer_id"))
                .to(Customers::Table, Customers::Id)
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };

        manager
            .create_table(
                Table::create()
                    .table(CustomerPhones::Table)
                    .col(customer_id())
                    .col(
                        ColumnDef::new(CustomerPhones::Phone)
                            .string_len(16)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CustomerPhones::CustomerId)
                            .col(CustomerPhones::Phone),
                    )
                    .foreign_key(&mut belongs_to_customer("customer_phones"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_phones_phone")
                    .table(CustomerPhones::Table)
                    .col(CustomerPhones::Phone)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CustomerTags::Table)
                    .col(customer_id())
                    .col(ColumnDef::new(CustomerTags::Tag).string_len(40).not_null())
                    .primary_key(
                        Index::create()
                            .col(CustomerTags::CustomerId)
                            .col(CustomerTags::Tag),
                    )
                    .foreign_key(&mut belongs_to_customer("customer_tags"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_customer_tags_tag")
                    .table(CustomerTags::Table)
                    .col(CustomerTags::Tag)
                    .col(CustomerTags::CustomerId)
                    .to_owned(),
            )
            .await?;

        // Where each (channel, purpose) stands now ...
        manager
            .create_table(
                Table::create()
                    .table(CustomerConsents::Table)
                    .col(customer_id())
                    .col(
                        ColumnDef::new(CustomerConsents::Channel)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerConsents::Purpose)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerConsents::Granted)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerConsents::Source)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerConsents::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerConsents::ActorId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CustomerConsents::ChangedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CustomerConsents::CustomerId)
                            .col(CustomerConsents::Channel)
                            .col(CustomerConsents::Purpose),
                    )
                    .foreign_key(&mut belongs_to_customer("customer_consents"))
                    .to_owned(),
            )
            .await?;
        // ... and every change, never updated.
        manager
            .create_table(
                Table::create()
                    .table(ConsentChanges::Table)
                    .col(
                        ColumnDef::new(ConsentChanges::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(customer_id())
                    .col(
                        ColumnDef::new(ConsentChanges::Channel)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConsentChanges::Purpose)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ConsentChanges::Granted).boolean().not_null())
                    .col(
                        ColumnDef::new(ConsentChanges::Source)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConsentChanges::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConsentChanges::ActorId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConsentChanges::ChangedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut belongs_to_customer("consent_changes"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_consent_changes_customer")
                    .table(ConsentChanges::Table)
                    .col(ConsentChanges::CustomerId)
                    .col(ConsentChanges::ChangedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WishListItems::Table)
                    .col(
                        ColumnDef::new(WishListItems::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(customer_id())
                    .col(
                        ColumnDef::new(WishListItems::Description)
                            .string_len(500)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WishListItems::PhotoUrl)
                            .string_len(2000)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(WishListItems::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WishListItems::ActorId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WishListItems::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut belongs_to_customer("wish_list_items"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_wish_list_items_customer")
                    .table(WishListItems::Table)
                    .col(WishListItems::CustomerId)
                    .col(WishListItems::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Alias::new("wish_list_items"),
            Alias::new("consent_changes"),
            Alias::new("customer_consents"),
            Alias::new("customer_tags"),
            Alias::new("customer_phones"),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for name in [
            "ux_customers_external_id",
            "ix_customers_name",
            "ix_customers_created_at",
            "ix_customers_updated_at",
            "ix_customers_assigned_staff",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Customers::Table).to_owned())
                .await?;
        }
        for column in [
            Customers::Addresses,
            Customers::Preferences,
            Customers::BudgetBand,
            Customers::Notes,
            Customers::AssignedStaffId,
            Customers::Source,
            Customers::ExternalId,
            Customers::ArchivedAt,
            Customers::MergedIntoId,
            Customers::ErasedAt,
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
    Id,
    Name,
    CreatedAt,
    UpdatedAt,
    Addresses,
    Preferences,
    BudgetBand,
    Notes,
    AssignedStaffId,
    Source,
    ExternalId,
    ArchivedAt,
    MergedIntoId,
    ErasedAt,
}

#[derive(DeriveIden)]
enum CustomerPhones {
    Table,
    CustomerId,
    Phone,
}

#[derive(DeriveIden)]
enum CustomerTags {
    Table,
    CustomerId,
    Tag,
}

#[derive(DeriveIden)]
enum CustomerConsents {
    Table,
    CustomerId,
    Channel,
    Purpose,
    Granted,
    Source,
    ActorKind,
    ActorId,
    ChangedAt,
}

#[derive(DeriveIden)]
enum ConsentChanges {
    Table,
    Id,
    CustomerId,
    Channel,
    Purpose,
    Granted,
    Source,
    ActorKind,
    ActorId,
    ChangedAt,
}

#[derive(DeriveIden)]
enum WishListItems {
    Table,
    Id,
    CustomerId,
    Description,
    PhotoUrl,
    ActorKind,
    ActorId,
    CreatedAt,
}
