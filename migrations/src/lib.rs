//! The jewel-crm schema, one migration per step, portable across SQLite and
//! MySQL/MariaDB (and MySQL-wire engines such as TiDB): no triggers, no stored
//! procedures, no engine-specific functions.

pub use sea_orm_migration::prelude::*;

mod first_templates;
mod m20261121_000001_create_branches;
mod m20261121_000002_create_identity;
mod m20261121_000003_create_api_clients;
mod m20261121_000004_create_customers;
mod m20261121_000005_customer_search;
mod m20261121_000006_create_interactions;
mod m20261121_000007_create_follow_up_tasks;
mod m20261121_000008_customer_occasions;
mod m20261121_000009_customer_pan;
mod m20261121_000010_customer_profile;
mod m20261121_000011_create_inventory;
mod m20261121_000012_stock_operations;
mod m20261121_000013_idempotency_keys;
mod m20261121_000014_create_lots;
mod m20261121_000015_piece_price_keys;
mod m20261121_000016_create_invoices;
mod m20261121_000017_customer_purchases;
mod m20261204_000018_search_terms_by_cluster;
mod m20261204_000019_token_revocations;
mod m20261204_000020_audit_event_branches;
mod m20261204_000021_sealed_pan;
mod m20261204_000022_outbox;
mod m20261205_000023_mobile_ending_in_order;
mod m20261205_000024_catalogue_in_price_order;
mod m20261205_000025_bills_in_issue_order;
mod m20261206_000026_search_terms_carry_the_name;
mod m20261206_000027_loyalty;
mod m20261206_000028_loyalty_by_the_clock;
mod m20261206_000029_store_credit;
mod m20261206_000030_gift_vouchers;
mod m20261206_000031_savings_schemes;
mod m20261206_000032_scheme_redemptions;
mod m20261207_000033_scheme_waivers;
mod m20261207_000034_job_cards;
mod m20261207_000035_job_estimates;
mod m20261207_000036_challans;
mod m20261207_000037_job_deposits;
mod m20261207_000038_customer_metal;
mod m20261207_000039_job_photos;
mod m20261207_000040_deposit_refunds;
mod m20261207_000041_messages;
mod m20261207_000042_greeting_templates;
mod m20261207_000043_campaigns;
mod m20261207_000044_spouse_birthday_templates;
mod m20261207_000045_provider_templates;
mod m20261207_000046_receipt_templates;
mod m20261207_000047_follow_ups;
mod m20261207_000048_scheme_reminder_templates;
mod m20261207_000049_devices;
mod m20261207_000050_quote_expiring_templates;
mod m20261207_000051_task_alert_templates;
mod m20261208_000052_webhooks;
mod m20261208_000053_external_refs;
mod m20261208_000054_import_jobs;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_branches::Migration),
            Box::new(m20261121_000002_create_identity::Migration),
            Box::new(m20261121_000003_create_api_clients::Migration),
            Box::new(m20261121_000004_create_customers::Migration),
            Box::new(m20261121_000005_customer_search::Migration),
            Box::new(m20261121_000006_create_interactions::Migration),
            Box::new(m20261121_000007_create_follow_up_tasks::Migration),
            Box::new(m20261121_000008_customer_occasions::Migration),
            Box::new(m20261121_000009_customer_pan::Migration),
            Box::new(m20261121_000010_customer_profile::Migration),
            Box::new(m20261121_000011_create_inventory::Migration),
            Box::new(m20261121_000012_stock_operations::Migration),
            Box::new(m20261121_000013_idempotency_keys::Migration),
            Box::new(m20261121_000014_create_lots::Migration),
            Box::new(m20261121_000015_piece_price_keys::Migration),
            Box::new(m20261121_000016_create_invoices::Migration),
            Box::new(m20261121_000017_customer_purchases::Migration),
            Box::new(m20261204_000018_search_terms_by_cluster::Migration),
            Box::new(m20261204_000019_token_revocations::Migration),
            Box::new(m20261204_000020_audit_event_branches::Migration),
            Box::new(m20261204_000021_sealed_pan::Migration),
            Box::new(m20261204_000022_outbox::Migration),
            Box::new(m20261205_000023_mobile_ending_in_order::Migration),
            Box::new(m20261205_000024_catalogue_in_price_order::Migration),
            Box::new(m20261205_000025_bills_in_issue_order::Migration),
            Box::new(m20261206_000026_search_terms_carry_the_name::Migration),
            Box::new(m20261206_000027_loyalty::Migration),
            Box::new(m20261206_000028_loyalty_by_the_clock::Migration),
            Box::new(m20261206_000029_store_credit::Migration),
            Box::new(m20261206_000030_gift_vouchers::Migration),
            Box::new(m20261206_000031_savings_schemes::Migration),
            Box::new(m20261206_000032_scheme_redemptions::Migration),
            Box::new(m20261207_000033_scheme_waivers::Migration),
            Box::new(m20261207_000034_job_cards::Migration),
            Box::new(m20261207_000035_job_estimates::Migration),
            Box::new(m20261207_000036_challans::Migration),
            Box::new(m20261207_000037_job_deposits::Migration),
            Box::new(m20261207_000038_customer_metal::Migration),
            Box::new(m20261207_000039_job_photos::Migration),
            Box::new(m20261207_000040_deposit_refunds::Migration),
            Box::new(m20261207_000041_messages::Migration),
            Box::new(m20261207_000042_greeting_templates::Migration),
            Box::new(m20261207_000043_campaigns::Migration),
            Box::new(m20261207_000044_spouse_birthday_templates::Migration),
            Box::new(m20261207_000045_provider_templates::Migration),
            Box::new(m20261207_000046_receipt_templates::Migration),
            Box::new(m20261207_000047_follow_ups::Migration),
            Box::new(m20261207_000048_scheme_reminder_templates::Migration),
            Box::new(m20261207_000049_devices::Migration),
            Box::new(m20261207_000050_quote_expiring_templates::Migration),
            Box::new(m20261207_000051_task_alert_templates::Migration),
            Box::new(m20261208_000052_webhooks::Migration),
            Box::new(m20261208_000053_external_refs::Migration),
            Box::new(m20261208_000054_import_jobs::Migration),
        ]
    }
}
