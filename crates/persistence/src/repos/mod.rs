//! One repository per aggregate. Methods take `&impl ConnectionTrait`, so the
//! same call works on the pool or inside a transaction.

pub mod api_clients;
pub mod audit;
pub mod branches;
pub mod campaigns;
pub mod challans;
pub mod consents;
pub mod customer_metal;
pub mod customer_pans;
pub mod customer_records;
pub mod customers;
pub mod deposits;
pub mod designs;
pub mod devices;
pub mod external_refs;
pub mod gift_vouchers;
pub mod idempotency;
pub mod import_jobs;
pub mod interactions;
pub mod invoices;
pub mod jobs;
pub(crate) mod leases;
pub mod liabilities;
pub mod lots;
pub mod loyalty;
pub mod message_templates;
pub mod messages;
pub mod metal_rates;
pub mod outbox;
pub mod photos;
pub mod pieces;
pub mod quotes;
pub mod schemes;
pub mod segments;
pub mod service_tasks;
pub mod sessions;
pub mod signing_keys;
pub mod staff;
pub mod stock;
pub mod stock_audits;
pub mod store_credit;
pub mod tasks;
pub mod token_revocations;
pub mod transfers;
pub mod webhook_deliveries;
pub mod webhook_endpoints;
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

/// `column LIKE 'text%'` for text as typed: `%`, `_` and the escape
/// character itself stand for themselves, on SQLite and MySQL alike (both
/// take an explicit `ESCAPE`; `!` needs no quoting in either's literals).
pub(crate) fn begins_with<C: sea_orm::ColumnTrait>(
    column: C,
    text: &str,
) -> sea_orm::sea_query::Expr {
    prefix_of(sea_orm::sea_query::Expr::col(column.as_column_ref()), text)
}

/// [`begins_with`] for any expression (a column of an aliased table).
pub(crate) fn prefix_of(expr: sea_orm::sea_query::Expr, text: &str) -> sea_orm::sea_query::Expr {
    like(expr, "", text)
}

/// `words` (each word after one space, as search terms carry a name's words)
/// has a word beginning with `word`.
pub(crate) fn word_begins(words: sea_orm::sea_query::Expr, word: &str) -> sea_orm::sea_query::Expr {
    like(words, "% ", word)
}

/// `expr LIKE 'lead' + text + '%'`, the wildcards in `text` taken literally.
fn like(expr: sea_orm::sea_query::Expr, lead: &str, text: &str) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::ExprTrait;
    const ESCAPE: char = '!';
    let mut pattern = String::with_capacity(lead.len() + text.len() + 1);
    pattern.push_str(lead);
    for c in text.chars() {
        if matches!(c, '%' | '_' | ESCAPE) {
            pattern.push(ESCAPE);
        }
        pattern.push(c);
    }
    pattern.push('%');
    expr.like(sea_orm::sea_query::LikeExpr::new(pattern).escape(ESCAPE))
}
