//! One repository per aggregate. Methods take `&impl ConnectionTrait`, so the
//! same call works on the pool or inside a transaction.

pub mod api_clients;
pub mod audit;
pub mod branches;
pub mod consents;
pub mod customer_records;
pub mod customers;
pub mod designs;
pub mod idempotency;
pub mod interactions;
pub mod invoices;
pub mod lots;
pub mod metal_rates;
pub mod pieces;
pub mod quotes;
pub mod sessions;
pub mod signing_keys;
pub mod staff;
pub mod stock;
pub mod stock_audits;
pub mod tasks;
pub mod transfers;
pub mod wish_list;

/// The rows after `(at, id)` in newest-first order by `time`, then `id`:
/// the keyset condition of the next page.
pub(crate) fn older_than<C: sea_orm::ColumnTrait>(
    time: C,
    id: C,
    at: chrono::DateTime<chrono::Utc>,
    last_id: String,
) -> sea_orm::Condition {
    use sea_orm::Condition;
    Condition::any()
        .add(time.lt(at))
        .add(Condition::all().add(time.eq(at)).add(id.lt(last_id)))
}
