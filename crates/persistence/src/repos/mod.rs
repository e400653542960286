//! One repository per aggregate. Methods take `&impl ConnectionTrait`, so the
//! same call works on the pool or inside a transaction.

pub mod api_clients;
pub mod audit;
pub mod branches;
pub mod consents;
pub mod customer_records;
pub mod customers;
pub mod interactions;
pub mod sessions;
pub mod signing_keys;
pub mod staff;
pub mod tasks;
pub mod wish_list;
