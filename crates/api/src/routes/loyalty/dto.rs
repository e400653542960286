//! The wire types of loyalty: the programme's rules, where a customer's
//! points stand, the ledger's entries and an adjustment by hand.

use chrono::{DateTime, Utc};
use jewel_domain::loyalty::{
    EarnBasis, Entry, EntryKind, Expiry, OccasionReward, Programme, Standing, Tier,
};
use jewel_domain::measure::{Factor, Money, Percent};
use jewel_domain::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::wire::{MoneyText, PercentText, PositiveMoneyText, ShortText, collect};

wire_enum! {
    /// What of a bill earns points: `taxable_value` (before tax, after
    /// discounts), `making` (the making charge only) or `total`.
    EarnBasisName mirrors EarnBasis { TaxableValue = "taxable_value", Making = "making", Total = "total" }
}

wire_enum! {
    /// When points lapse: all of them `expiryMonths` after the customer's
    /// last earning or spending, or each award `expiryMonths` after it was earned.
    ExpiryName mirrors Expiry { AfterLastActivity = "after_last_activity", PerAward = "per_award" }
}

wire_enum! {
    /// What a birthday or wedding anniversary gives: its `points`, or a
    /// gift `voucher` of `occasionVoucherValue`.
    OccasionRewardName mirrors OccasionReward { Points = "points", Voucher = "voucher" }
}

wire_enum! {
    /// What an entry of the points ledger records.
    EntryKindName mirrors EntryKind {
        Earned = "earned", Redeemed = "redeemed", Expired = "expired",
        Reversed = "reversed", Adjusted = "adjusted"
    }
}

bounded_string!(
    /// Points per 100: more than 0, at most 100, with at most 2 places (`"1.00"`).
    PerHundredText, 1, 6, Some(r"^(?!0*(\.0*)?$)(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$")
);
bounded_string!(
    /// A tier's multiplier: from 1 to 10, with at most 2 places (`"1.50"`).
    MultiplierText, 1, 5, Some(r"^(10(\.0{1,2})?|[1-9](\.[0-9]{1,2})?)$")
);
bounded_string!(
    /// Why points were adjusted: 1 to 500 characters once trimmed, on one line.
    ReasonText, 1, 500, Some(crate::routes::wire::one_line(500, ""))
);
bounded_string!(
    /// The caller's own id of an adjustment: 1 to 64 characters once trimmed.
    ExternalIdText, 1, 64, Some(crate::routes::wire::one_line(64, ""))
);

/// A tier of the programme.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TierFields {
    #[schema(value_type = ShortText)]
    pub(crate) name: String,
    /// Qualifying points earned within the window that reach it; the
    /// first tier's is 0.
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub(crate) threshold: i64,
    /// What bills after reaching it earn, times (from 1 to 10).
    #[schema(value_type = MultiplierText)]
    pub(crate) multiplier: String,
}

/// The loyalty programme's rules; every one has a default.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "earnBasis": "taxable_value", "pointsPer100": "1.00",
    "nonEarningCategories": ["coin", "bullion"], "pendingDays": 7,
    "expiry": "after_last_activity", "expiryMonths": 24, "pointValue": "1.00",
    "firstRedemptionMinimum": 250, "redemptionCap": "20.00",
    "tiers": [
        {"name": "Silver", "threshold": 0, "multiplier": "1.00"},
        {"name": "Gold", "threshold": 2500, "multiplier": "1.25"},
        {"name": "Platinum", "threshold": 10000, "multiplier": "1.50"}
    ],
    "tierWindowMonths": 24, "birthdayPoints": 100, "anniversaryPoints": 100,
    "giftVoucherMonths": 12, "occasionReward": "points", "occasionVoucherValue": "500.00"
}))]
pub struct ProgrammeFields {
    pub(crate) earn_basis: EarnBasisName,
    /// Points per 100 of the basis, before the tier's multiplier.
    #[schema(value_type = PerHundredText)]
    pub(crate) points_per_100: String,
    /// Categories of pieces (and lots) that earn nothing but count for the tier.
    #[schema(value_type = Vec<ShortText>, max_items = 50)]
    pub(crate) non_earning_categories: Vec<String>,
    /// Days from the bill before its points can be spent (the return window).
    #[schema(minimum = 0, maximum = 365)]
    pub(crate) pending_days: u32,
    pub(crate) expiry: ExpiryName,
    #[schema(minimum = 1, maximum = 120)]
    pub(crate) expiry_months: u32,
    /// What one point is worth when spent (more than 0).
    #[schema(value_type = PositiveMoneyText)]
    pub(crate) point_value: String,
    /// Points a customer must hold to spend any the first time.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub(crate) first_redemption_minimum: i64,
    /// At most this share of a bill's total paid in points.
    #[schema(value_type = PercentText)]
    pub(crate) redemption_cap: String,
    /// From the lowest threshold up.
    #[schema(min_items = 1, max_items = 10)]
    pub(crate) tiers: Vec<TierFields>,
    /// Months of earning a tier is judged on.
    #[schema(minimum = 1, maximum = 60)]
    pub(crate) tier_window_months: u32,
    /// Points given on a customer's birthday by the daily run, once a
    /// year (0: none).
    #[schema(minimum = 0, maximum = 100_000)]
    pub(crate) birthday_points: i64,
    /// Points given on a customer's wedding anniversary, once a year (0: none).
    #[schema(minimum = 0, maximum = 100_000)]
    pub(crate) anniversary_points: i64,
    /// Months a gift voucher can be spent for from its issue (12 when not
    /// given).
    #[schema(minimum = 1, maximum = 60, default = 12)]
    #[serde(default = "twelve")]
    pub(crate) gift_voucher_months: u32,
    /// What occasions give (`points` when not given).
    #[serde(default = "points")]
    pub(crate) occasion_reward: OccasionRewardName,
    /// The value of an occasion's gift voucher, at most 100000.00
    /// (500.00 when not given; 0 gives none).
    #[schema(value_type = MoneyText)]
    #[serde(default = "five_hundred")]
    pub(crate) occasion_voucher_value: String,
}

fn points() -> OccasionRewardName {
    OccasionRewardName::Points
}

fn five_hundred() -> String {
    "500.00".to_owned()
}

fn twelve() -> u32 {
    12
}

impl From<&Programme> for ProgrammeFields {
    fn from(p: &Programme) -> Self {
        Self {
            earn_basis: p.earn_basis.into(),
            points_per_100: p.points_per_100.to_string(),
            non_earning_categories: p.non_earning_categories.clone(),
            pending_days: p.pending_days,
            expiry: p.expiry.into(),
            expiry_months: p.expiry_months,
            point_value: p.point_value.to_string(),
            first_redemption_minimum: p.first_redemption_minimum,
            redemption_cap: p.redemption_cap.to_string(),
            tiers: p
                .tiers
                .iter()
                .map(|t| TierFields {
                    name: t.name.clone(),
                    threshold: t.threshold,
                    multiplier: t.multiplier.to_string(),
                })
                .collect(),
            tier_window_months: p.tier_window_months,
            birthday_points: p.birthday_points,
            anniversary_points: p.anniversary_points,
            gift_voucher_months: p.gift_voucher_months,
            occasion_reward: p.occasion_reward.into(),
            occasion_voucher_value: p.occasion_voucher_value.to_string(),
        }
    }
}

impl ProgrammeFields {
    /// The programme these fields make, every field checked.
    pub(crate) fn programme(self) -> Result<Programme, Invalid> {
        let mut errors = Vec::new();
        let points_per_100 = collect(
            &mut errors,
            Factor::parse("pointsPer100", &self.points_per_100),
        );
        let point_value = collect(&mut errors, Money::parse("pointValue", &self.point_value));
        let occasion_voucher_value = collect(
            &mut errors,
            Money::parse("occasionVoucherValue", &self.occasion_voucher_value),
        );
        let redemption_cap = collect(
            &mut errors,
            Percent::parse_share("redemptionCap", &self.redemption_cap),
        );
        if self.non_earning_categories.len() > 50 {
            errors.push(FieldError::new(
                "nonEarningCategories",
                "too_many",
                "at most 50",
            ));
        }
        let mut tiers = Vec::new();
        for (index, tier) in self.tiers.into_iter().enumerate() {
            let field = format!("tiers[{index}].multiplier");
            if let Some(multiplier) = collect(&mut errors, Factor::parse(&field, &tier.multiplier))
            {
                tiers.push(Tier {
                    name: tier.name.trim().to_owned(),
                    threshold: tier.threshold,
                    multiplier,
                });
            }
        }
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        let programme = Programme {
            earn_basis: self.earn_basis.into(),
            points_per_100: points_per_100.unwrap_or_default(),
            non_earning_categories: self
                .non_earning_categories
                .iter()
                .map(|c| c.trim().to_lowercase())
                .collect(),
            pending_days: self.pending_days,
            expiry: self.expiry.into(),
            expiry_months: self.expiry_months,
            point_value: point_value.unwrap_or_default(),
            first_redemption_minimum: self.first_redemption_minimum,
            redemption_cap: redemption_cap.unwrap_or_default(),
            tiers,
            tier_window_months: self.tier_window_months,
            birthday_points: self.birthday_points,
            anniversary_points: self.anniversary_points,
            gift_voucher_months: self.gift_voucher_months,
            occasion_reward: self.occasion_reward.into(),
            occasion_voucher_value: occasion_voucher_value.unwrap_or_default(),
        };
        programme.validate()?;
        Ok(programme)
    }
}

/// The next time points lapse.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NextExpiry {
    pub(crate) at: DateTime<Utc>,
    pub(crate) points: i64,
}

/// Where a customer's points stand.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "customerId": "01936f0e-5555-7000-8000-000000000005",
    "balance": 1258, "pending": 503, "available": 755, "value": "755.00",
    "tier": "Gold", "tierSince": "2026-11-02T10:15:00Z",
    "tierReviewAt": "2027-11-02T10:15:00Z", "qualifyingPoints": 2761,
    "nextExpiry": {"at": "2028-12-01T10:15:00Z", "points": 1258},
    "firstRedemptionMinimum": 250
}))]
pub struct StandingView {
    pub(crate) customer_id: uuid::Uuid,
    /// Every entry of the ledger summed: active and pending points.
    pub(crate) balance: i64,
    /// Of the balance, points not yet spendable (within the return window).
    pub(crate) pending: i64,
    /// Points that can be spent now.
    pub(crate) available: i64,
    /// What the available points are worth when spent.
    #[schema(value_type = MoneyText)]
    pub(crate) value: String,
    #[schema(max_length = 40)]
    pub(crate) tier: Option<String>,
    pub(crate) tier_since: Option<DateTime<Utc>>,
    /// When the daily run judges the tier again (its anniversary): the
    /// only time a customer goes down a tier.
    pub(crate) tier_review_at: Option<DateTime<Utc>>,
    /// Qualifying points earned within the tier's window.
    pub(crate) qualifying_points: i64,
    pub(crate) next_expiry: Option<NextExpiry>,
    /// Points the customer must hold before their first spending; 0 once
    /// they have spent points.
    pub(crate) first_redemption_minimum: i64,
}

impl StandingView {
    pub(crate) fn of(standing: Standing, programme: &Programme) -> Self {
        let available = standing.available();
        Self {
            customer_id: standing.customer_id,
            balance: standing.balance,
            pending: standing.pending,
            available,
            value: programme.point_value.times(available.max(0)).to_string(),
            tier: standing.tier,
            tier_since: standing.tier_since,
            tier_review_at: standing.tier_review_at,
            qualifying_points: standing.qualifying,
            next_expiry: standing
                .next_expiry
                .map(|(at, points)| NextExpiry { at, points }),
            first_redemption_minimum: if standing.has_redeemed {
                0
            } else {
                programme.first_redemption_minimum
            },
        }
    }
}

/// One entry of the points ledger.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-7777-7000-8000-000000000007",
    "customerId": "01936f0e-5555-7000-8000-000000000005",
    "kind": "earned", "points": 503, "unspent": 503, "qualifyingPoints": 503,
    "activeAt": "2026-12-08T10:15:00Z", "expiresAt": null,
    "invoiceId": "01936f0e-8888-7000-8000-000000000008", "creditNoteId": null,
    "externalId": null, "reason": "Earned on invoice MDS1/2026-27/000042",
    "actorKind": "system", "actorId": "00000000-0000-0000-0000-000000000000",
    "createdAt": "2026-12-01T10:15:00Z"
}))]
pub struct EntryView {
    pub(crate) id: uuid::Uuid,
    pub(crate) customer_id: uuid::Uuid,
    pub(crate) kind: EntryKindName,
    /// What it added to the balance (negative when it took).
    pub(crate) points: i64,
    /// Of points added, what is not yet spent.
    pub(crate) unspent: i64,
    pub(crate) qualifying_points: i64,
    /// Pending until then.
    pub(crate) active_at: DateTime<Utc>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) invoice_id: Option<uuid::Uuid>,
    pub(crate) credit_note_id: Option<uuid::Uuid>,
    /// The external id of an adjustment made by hand.
    #[schema(max_length = 64)]
    pub(crate) external_id: Option<String>,
    #[schema(max_length = 500)]
    pub(crate) reason: Option<String>,
    /// `system`, `staff` or `client`.
    #[schema(max_length = 16)]
    pub(crate) actor_kind: String,
    pub(crate) actor_id: uuid::Uuid,
    pub(crate) created_at: DateTime<Utc>,
}

impl From<Entry> for EntryView {
    fn from(e: Entry) -> Self {
        let prefix = format!("adjustment:{}:", e.customer_id);
        Self {
            id: e.id,
            customer_id: e.customer_id,
            kind: e.kind.into(),
            points: e.points,
            unspent: e.remaining,
            qualifying_points: e.qualifying,
            active_at: e.active_at,
            expires_at: e.expires_at,
            invoice_id: e.invoice_id,
            credit_note_id: e.credit_note_id,
            external_id: e
                .source
                .as_deref()
                .and_then(|s| s.strip_prefix(&prefix))
                .map(str::to_owned),
            reason: e.reason,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            created_at: e.created_at,
        }
    }
}

/// Points added or taken by hand.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "points": 500, "reason": "Goodwill for the delayed repair of job 42",
    "externalId": "crm-ticket-9911"
}))]
pub struct AdjustmentFields {
    /// Added when positive; taken from the active points when negative;
    /// never 0.
    #[schema(minimum = -10_000_000, maximum = 10_000_000)]
    pub(crate) points: i64,
    #[schema(value_type = ReasonText)]
    pub(crate) reason: String,
    /// Your own id for it: sent again, it makes no second adjustment.
    #[schema(value_type = Option<ExternalIdText>)]
    pub(crate) external_id: Option<String>,
}
