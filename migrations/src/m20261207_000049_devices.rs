//! The devices the shop's mobile apps registered for notifications (a
//! customer's or a staff member's; one row per registration token, which
//! moves to whoever registers it last), and the first app notifications:
//! a bill issued and a job ready to collect, in English, Hindi and Tamil.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FIRST: [crate::first_templates::FirstTitled; 6] = [
    (
        "01930000-0000-7000-8000-000000000022",
        "invoice_issued",
        "en",
        "Your bill {{ invoice_number }}",
        "Thank you, {{ customer_name }}. Bill {{ invoice_number }} for {{ currency }} {{ total }} from {{ branch_name }} is in the app.",
    ),
    (
        "01930000-0000-7000-8000-000000000023",
        "invoice_issued",
        "hi",
        "आपका बिल {{ invoice_number }}",
        "धन्यवाद, {{ customer_name }}। {{ branch_name }} का {{ currency }} {{ total }} का बिल {{ invoice_number }} ऐप में है।",
    ),
    (
        "01930000-0000-7000-8000-000000000024",
        "invoice_issued",
        "ta",
        "உங்கள் பில் {{ invoice_number }}",
        "நன்றி, {{ customer_name }}. {{ branch_name }} இன் {{ currency }} {{ total }} பில் {{ invoice_number }} செயலியில் உள்ளது.",
    ),
    (
        "01930000-0000-7000-8000-000000000025",
        "job_ready",
        "en",
        "Ready to collect",
        "{{ customer_name }}, your job {{ job_number }} is ready at {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-000000000026",
        "job_ready",
        "hi",
        "तैयार है",
        "{{ customer_name }}, आपका काम {{ job_number }} {{ branch_name }} में तैयार है।",
    ),
    (
        "01930000-0000-7000-8000-000000000027",
        "job_ready",
        "ta",
        "பெற்றுக்கொள்ளத் தயார்",
        "{{ customer_name }}, உங்கள் வேலை {{ job_number }} {{ branch_name }} இல் தயாராக உள்ளது.",
    ),
];

const BY_TOKEN: &str = "ux_devices_token";
const BY_CUSTOMER: &str = "ix_devices_customer";
const BY_STAFF: &str = "ix_devices_staff";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Devices::Table)
                    .col(
                        ColumnDef::new(Devices::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Devices::CustomerId).string_len(36).null())
                    .col(ColumnDef::new(Devices::StaffId).string_len(36).null())
                    .col(ColumnDef::new(Devices::Platform).string_len(16).not_null())
                    .col(ColumnDef::new(Devices::Token).string_len(512).not_null())
                    .col(ColumnDef::new(Devices::Name).string_len(480).null())
                    .col(
                        ColumnDef::new(Devices::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Devices::LastSeenAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column, unique) in [
            (BY_TOKEN, Devices::Token, true),
            (BY_CUSTOMER, Devices::CustomerId, false),
            (BY_STAFF, Devices::StaffId, false),
        ] {
            let mut index = Index::create()
                .name(name)
                .table(Devices::Table)
                .col(column)
                .to_owned();
            if unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
        crate::first_templates::seed_titled(manager, "push", &FIRST).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::first_templates::unseed_titled(manager, &FIRST).await?;
        manager
            .drop_table(Table::drop().table(Devices::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Devices {
    Table,
    Id,
    CustomerId,
    StaffId,
    Platform,
    Token,
    Name,
    CreatedAt,
    LastSeenAt,
}
