//! What staff change by hand: the programme's rules, and a customer's
//! points with a reason (an external id makes an adjustment once only).

use chrono::Utc;
use jewel_domain::loyalty::{Entry, EntryKind, Programme, draw};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::RepoError;
use jewel_persistence::repos::loyalty::Loyalty;
use serde::Serialize;

use super::LoyaltyError;
use crate::Unit;

/// A change of a customer's points by hand.
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub customer_id: uuid::Uuid,
    /// Added when positive, taken (from active points) when negative.
    pub points: i64,
    pub reason: String,
    /// The caller's own id for it: the same id twice makes one adjustment.
    pub external_id: Option<String>,
}

/// An entry as the audit trail keeps it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EntryRecord {
    id: uuid::Uuid,
    customer_id: uuid::Uuid,
    kind: &'static str,
    points: i64,
    reason: Option<String>,
    source: Option<String>,
}

impl From<&Entry> for EntryRecord {
    fn from(e: &Entry) -> Self {
        Self {
            id: e.id,
            customer_id: e.customer_id,
            kind: e.kind.as_str(),
            points: e.points,
            reason: e.reason.clone(),
            source: e.source.clone(),
        }
    }
}

/// Largest change of points one adjustment makes.
const MOST_POINTS: i64 = 10_000_000;

impl Adjustment {
    fn check(&self) -> Result<(), Invalid> {
        let mut errors = Vec::new();
        if self.points == 0 || self.points.abs() > MOST_POINTS {
            errors.push(FieldError::new(
                "points",
                "range",
                "not 0, at most 10000000 either way",
            ));
        }
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            errors.push(FieldError::new(
                "reason",
                "length",
                "a reason of 1 to 500 characters",
            ));
        }
        if let Some(id) = &self.external_id
            && (id.trim().is_empty() || id.chars().count() > 64)
        {
            errors.push(FieldError::new(
                "externalId",
                "length",
                "an id of 1 to 64 characters",
            ));
        }
        Invalid::from_errors(errors).map_or(Ok(()), Err)
    }
}

/// Adds or takes points by hand. With an external id seen before for the
/// same customer and points, the entry made then (and `false`); the same
/// id with other points is refused.
pub async fn adjust(
    unit: &mut Unit,
    adjustment: &Adjustment,
) -> Result<(Entry, bool), LoyaltyError> {
    adjustment.check()?;
    let customer = adjustment.customer_id;
    super::live_customer(unit.db(), customer).await?;
    let (actor_kind, actor_id) = unit.actor().author();
    let txn = unit.txn().await?;
    // First in the transaction: what is read after it is what the last
    // change of these points left.
    Loyalty::lock(txn, customer).await?;
    let source = adjustment
        .external_id
        .as_ref()
        .map(|id| format!("adjustment:{customer}:{}", id.trim()));
    if let Some(source) = &source
        && let Some(earlier) = Loyalty::by_source(txn, source).await?
    {
        if earlier.points != adjustment.points {
            return Err(Invalid::field(
                "externalId",
                "reused",
                format!(
                    "already used for an adjustment of {} points",
                    earlier.points
                ),
            )
            .into());
        }
        return Ok((earlier, false));
    }
    let (programme, _) = Loyalty::programme(txn).await?;
    let now = Utc::now();
    let draws = if adjustment.points < 0 {
        let awards = Loyalty::awards(txn, customer).await?;
        let available: i64 = awards
            .iter()
            .filter(|a| a.active_at <= now)
            .map(|a| a.remaining)
            .sum();
        draw(&awards, -adjustment.points, now).ok_or_else(|| {
            Invalid::field(
                "points",
                "more_than_available",
                format!("more than the {available} points available"),
            )
        })?
    } else {
        Vec::new()
    };
    let adds = adjustment.points.max(0);
    let entry = Entry {
        id: uuid::Uuid::now_v7(),
        customer_id: customer,
        kind: EntryKind::Adjusted,
        points: adjustment.points,
        remaining: adds,
        qualifying: 0,
        active_at: now,
        expires_at: (adds > 0)
            .then(|| programme.award_expires_at(now))
            .flatten(),
        invoice_id: None,
        credit_note_id: None,
        source,
        reason: Some(adjustment.reason.trim().to_owned()),
        actor_kind: actor_kind.to_owned(),
        actor_id,
        created_at: now,
    };
    Loyalty::record(txn, &entry, &draws)
        .await
        .map_err(|e| match e {
            RepoError::Taken { .. } | RepoError::StaleVersion => LoyaltyError::Raced,
            other => other.into(),
        })?;
    unit.audit(
        "create",
        "loyalty_entry",
        entry.id,
        None,
        Some(&EntryRecord::from(&entry)),
    )?;
    Ok((entry, true))
}

/// Replaces the programme's rules if still at `version`; the new version.
pub async fn set_programme(
    unit: &mut Unit,
    programme: &Programme,
    version: i32,
) -> Result<i32, LoyaltyError> {
    programme.validate()?;
    let by = unit.actor().id();
    let txn = unit.txn().await?;
    let (before, _) = Loyalty::programme(txn).await?;
    let version = Loyalty::set_programme(txn, programme, version, by).await?;
    unit.audit(
        "update",
        "loyalty_programme",
        "programme",
        Some(&before),
        Some(programme),
    )?;
    Ok(version)
}
