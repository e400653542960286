//! Segments: saved filters over customers (home branch, tags, tier,
//! lifetime value, last purchase, an occasion coming up, ring size, consent
//! for a channel), counted live and reached by campaigns.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::MessageChannel;
use crate::customer::profile::words;
use crate::measure::Money;
use crate::occasion::parse_ring_size;
use crate::{FieldError, Invalid};

/// Which occasion a segment looks ahead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentOccasion {
    Birthday,
    Anniversary,
    SpouseBirthday,
}

impl SegmentOccasion {
    pub fn kind(self) -> crate::occasion::OccasionKind {
        use crate::occasion::OccasionKind;
        match self {
            Self::Birthday => OccasionKind::Birthday,
            Self::Anniversary => OccasionKind::Anniversary,
            Self::SpouseBirthday => OccasionKind::SpouseBirthday,
        }
    }
}

/// Customers whose occasion falls between today and `within_days` later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OccasionWithin {
    pub kind: SegmentOccasion,
    /// 0 (today) to 365.
    pub within_days: u32,
}

/// Which customers a segment holds: every condition given must hold (tags:
/// any one of them). Archived, merged and erased customers are never in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SegmentFilter {
    /// Customers with any of these tags.
    pub tags: Vec<String>,
    /// The loyalty tier's name.
    pub tier: Option<String>,
    pub min_lifetime_value: Option<Money>,
    pub max_lifetime_value: Option<Money>,
    /// Last bought on or after this day.
    pub last_purchase_from: Option<NaiveDate>,
    /// Last bought before this day (customers who never bought are not in).
    pub last_purchase_before: Option<NaiveDate>,
    pub occasion: Option<OccasionWithin>,
    pub ring_size: Option<String>,
    /// Customers who agreed to marketing on this channel.
    pub marketing_consent: Option<MessageChannel>,
}

impl SegmentFilter {
    /// Checks the filter and writes its values the one way they are
    /// stored (tags trimmed and lower case, ring size upper case).
    pub fn checked(mut self) -> Result<Self, Invalid> {
        let mut errors = Vec::new();
        self.tags = words("filter.tags", std::mem::take(&mut self.tags), &mut errors);
        if let Some(tier) = &self.tier
            && (tier.trim().is_empty() || tier.chars().count() > 40)
        {
            errors.push(FieldError::new(
                "filter.tier",
                "length",
                "1 to 40 characters.",
            ));
        }
        if let (Some(min), Some(max)) = (self.min_lifetime_value, self.max_lifetime_value)
            && min > max
        {
            errors.push(FieldError::new(
                "filter.maxLifetimeValue",
                "less_than_min",
                "At least minLifetimeValue.",
            ));
        }
        for (field, value) in [
            ("filter.minLifetimeValue", self.min_lifetime_value),
            ("filter.maxLifetimeValue", self.max_lifetime_value),
        ] {
            if value.is_some_and(Money::is_negative) {
                errors.push(FieldError::new(field, "negative", "Not below zero."));
            }
        }
        if let (Some(from), Some(before)) = (self.last_purchase_from, self.last_purchase_before)
            && from >= before
        {
            errors.push(FieldError::new(
                "filter.lastPurchaseBefore",
                "not_after_from",
                "Later than lastPurchaseFrom.",
            ));
        }
        if let Some(occasion) = self.occasion
            && occasion.within_days > 365
        {
            errors.push(FieldError::new(
                "filter.occasion.withinDays",
                "too_large",
                "0 to 365 days.",
            ));
        }
        if let Some(size) = &self.ring_size {
            match parse_ring_size("filter.ringSize", size) {
                Ok(size) => self.ring_size = Some(size),
                Err(invalid) => errors.extend(invalid.into_errors()),
            }
        }
        match Invalid::from_errors(errors) {
            Some(invalid) => Err(invalid),
            None => Ok(self),
        }
    }
}

/// A saved filter with a name; of one branch (its customers by home
/// branch, seen by its managers) or of the whole business (the owner's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: uuid::Uuid,
    pub name: String,
    pub branch_id: Option<uuid::Uuid>,
    pub filter: SegmentFilter,
    pub created_by: uuid::Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A segment's name: 1 to 120 characters.
pub fn check_name(name: &str) -> Result<String, Invalid> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Invalid::field("name", "length", "1 to 120 characters."));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Money {
        Money::parse("x", text).expect("money")
    }

    #[test]
    fn a_filter_is_written_one_way() {
        let filter = SegmentFilter {
            tags: vec![" Bridal ".into(), "bridal".into(), "VIP".into()],
            ring_size: Some("7.5".into()),
            ..SegmentFilter::default()
        }
        .checked()
        .expect("valid");
        assert_eq!(filter.tags, ["bridal", "vip"]);
        assert_eq!(filter.ring_size.as_deref(), Some("7.5"));
    }

    #[test]
    fn contradictions_are_named() {
        let invalid = SegmentFilter {
            min_lifetime_value: Some(money("500000")),
            max_lifetime_value: Some(money("100000")),
            last_purchase_from: NaiveDate::from_ymd_opt(2026, 6, 1),
            last_purchase_before: NaiveDate::from_ymd_opt(2026, 1, 1),
            occasion: Some(OccasionWithin {
                kind: SegmentOccasion::Birthday,
                within_days: 400,
            }),
            ring_size: Some("size 7".into()),
            ..SegmentFilter::default()
        }
        .checked()
        .expect_err("invalid");
        let fields: Vec<_> = invalid.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "filter.maxLifetimeValue",
                "filter.lastPurchaseBefore",
                "filter.occasion.withinDays",
                "filter.ringSize"
            ]
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Bridal 2027 ").expect("ok"), "Bridal 2027");
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(121)).is_err());
    }
}
