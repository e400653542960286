//! Black-box tests of the API: each test spawns the real server on port 0
//! against a database of its own and talks to it over HTTP.
//!
//! Every test runs twice: on SQLite with the in-process cache, and on
//! MariaDB with Redis when `TEST_MYSQL_URL` and `TEST_REDIS_URL` are set at
//! build time (otherwise that variant is reported as ignored).

mod helpers;

mod access;
mod artisan_holdings;
mod auth;
mod billing;
mod billing_quotes_returns;
mod billing_rules;
mod campaigns;
mod catalogue_reads;
mod challans;
mod changes;
mod cli;
mod conformance;
mod customer_csv;
mod customer_lifecycle;
mod customer_metal;
mod customer_profiles;
mod customer_rights;
mod customers;
mod customers_day_to_day;
mod docs;
mod errors;
mod events;
mod events_trail;
mod external_ids;
mod gift_vouchers;
mod hardening;
mod health;
mod import_jobs;
mod inventory;
mod inventory_designs_imports;
mod issuing;
mod job_bills;
mod job_photos;
mod job_photos_s3;
mod jobs;
mod liabilities;
mod limits;
mod loyalty;
mod loyalty_daily;
mod loyalty_returns_redemption;
mod messages;
mod messages_follow_ups;
mod messages_occasions;
mod messages_push;
mod messages_receipts;
mod messages_sendgrid;
mod messages_smtp;
mod messages_twilio;
mod messages_whatsapp;
mod oauth;
mod outages;
mod relay;
mod request_path;
mod revocations;
mod scheme_redemption;
mod scheme_waiver;
mod schemes;
mod search_plans;
mod segments;
mod sso;
mod stock;
mod stock_moves_lots;
mod store_credit;
mod webhooks;
mod webhooks_scope;
