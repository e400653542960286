//! sea-orm entities, one per table, mirroring `migrations/`. They never leave
//! this crate: repositories turn them into domain types.

pub mod api_clients;
pub mod audit_events;
pub mod branches;
pub mod consent_changes;
pub mod credit_notes;
pub mod customer_consents;
pub mod customer_logins;
pub mod customer_phones;
pub mod customer_search_terms;
pub mod customer_tags;
pub mod customers;
pub mod designs;
pub mod follow_up_tasks;
pub mod idempotency_keys;
pub mod interactions;
pub mod invoice_lines;
pub mod invoice_payments;
pub mod invoice_sequences;
pub mod invoices;
pub mod lot_movements;
pub mod lot_stock;
pub mod lots;
pub mod metal_rates;
pub mod pieces;
pub mod quotes;
pub mod scrap_receipts;
pub mod sessions;
pub mod signing_keys;
pub mod staff_branches;
pub mod staff_users;
pub mod stock_audits;
pub mod stock_movements;
pub mod transfer_pieces;
pub mod transfers;
pub mod wish_list_items;
