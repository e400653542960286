//! Counting a branch's stock against the tags and EPCs scanned: what
//! matched, what is missing from the shelves, what was unexpected. The
//! count is kept and audited.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::stock_audit::{StockAudit, count, distinct_codes};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::stock_audits::StockAudits;
use serde::Serialize;

use super::InventoryError;
use crate::Unit;

/// What the audit trail keeps of a count: how it came out, not every code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StockCountRecord {
    pub branch_id: uuid::Uuid,
    pub scanned: usize,
    pub matched: usize,
    pub missing: usize,
    pub unexpected: usize,
}

/// Counts the stock of `branch_id` (a branch that exists) against the
/// codes `scanned` (checked), with expired holds released first.
pub async fn count_stock(
    unit: &mut Unit,
    branch_id: uuid::Uuid,
    scanned: &[String],
) -> Result<StockAudit, InventoryError> {
    let db = unit.db();
    if Branches::get(db, branch_id).await?.is_none() {
        return Err(Invalid::field("branchId", "not_found", "no such branch").into());
    }
    Pieces::release_expired(db, Utc::now()).await?;
    let codes = distinct_codes(scanned);
    let expected = Pieces::in_store(db, branch_id).await?;
    let known = Pieces::by_codes(db, &codes).await?;
    let counted = count(branch_id, &expected, &codes, &known);
    let tags: std::collections::HashMap<uuid::Uuid, &str> = expected
        .iter()
        .map(|p| (p.id, p.tag_number.as_str()))
        .collect();
    let (actor_kind, actor_id) = unit.actor().author();
    let audit = StockAudit {
        id: uuid::Uuid::now_v7(),
        branch_id,
        scanned: counted.scanned,
        matched: counted.matched,
        missing: counted
            .missing
            .iter()
            .map(|id| (*id, tags.get(id).copied().unwrap_or_default().to_owned()))
            .collect(),
        unexpected: counted.unexpected,
        actor_kind: actor_kind.to_owned(),
        actor_id,
        at: Utc::now(),
    };
    StockAudits::record(unit.txn().await?, &audit).await?;
    let record = StockCountRecord {
        branch_id,
        scanned: audit.scanned,
        matched: audit.matched,
        missing: audit.missing.len(),
        unexpected: audit.unexpected.len(),
    };
    unit.audit("count", "stock_audit", audit.id, None, Some(&record))?;
    Ok(audit)
}
