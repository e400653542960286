//! The wire types of segments and campaigns.

use chrono::{DateTime, NaiveDate, Utc};
use jewel_domain::engagement::campaign::{Campaign, CampaignStatus};
use jewel_domain::engagement::message::MessageStatus;
use jewel_domain::engagement::segment::{OccasionWithin, Segment, SegmentFilter, SegmentOccasion};
use jewel_domain::measure::Money;
use jewel_domain::{FieldError, Invalid};
use jewel_services::engagement::campaigns::CampaignFields;
use jewel_services::engagement::segments::SegmentFields;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::message_dto::MessageStatusName;
use super::template_dto::{MessageChannelName, MessageLanguageName};
use crate::routes::wire::collect;

wire_enum! {
    /// `birthday`, `anniversary` (the wedding's) or `spouse_birthday`.
    SegmentOccasionName mirrors SegmentOccasion {
        Birthday = "birthday", Anniversary = "anniversary", SpouseBirthday = "spouse_birthday",
    }
}

wire_enum! {
    /// `scheduled` (waiting for `scheduledAt`), `queueing` (its messages
    /// being queued), `queued` (every message queued; each then goes its
    /// own way) or `cancelled`.
    CampaignStatusName mirrors CampaignStatus {
        Scheduled = "scheduled", Queueing = "queueing", Queued = "queued",
        Cancelled = "cancelled",
    }
}

/// An occasion coming up: customers whose one falls from today to
/// `withinDays` days later (the branch's today).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"kind": "anniversary", "withinDays": 30}))]
pub struct OccasionWithinFields {
    kind: SegmentOccasionName,
    #[schema(minimum = 0, maximum = 365)]
    within_days: u32,
}

/// Which customers a segment holds: every condition given must hold
/// (`tags`: any one of them). Archived, merged and erased customers are
/// never in; a branch's segment holds customers of that home branch.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[schema(example = json!({"tags": ["bridal"], "minLifetimeValue": "100000",
    "lastPurchaseFrom": "2026-01-01", "occasion": {"kind": "anniversary", "withinDays": 30},
    "marketingConsent": "email"}))]
pub struct SegmentFilterFields {
    /// Customers with any of these tags (at most 20).
    #[schema(max_items = 20, value_type = Vec<crate::routes::wire::customer::Label>)]
    tags: Vec<String>,
    /// The loyalty tier's name.
    #[schema(value_type = Option<crate::routes::wire::ShortText>)]
    tier: Option<String>,
    /// Bought at least this much in all.
    #[schema(value_type = Option<crate::routes::wire::MoneyText>)]
    min_lifetime_value: Option<String>,
    #[schema(value_type = Option<crate::routes::wire::MoneyText>)]
    max_lifetime_value: Option<String>,
    /// Last bought on or after this day.
    last_purchase_from: Option<NaiveDate>,
    /// Last bought before this day (customers who never bought are not in).
    last_purchase_before: Option<NaiveDate>,
    occasion: Option<OccasionWithinFields>,
    /// As the customer's record writes it (`12`, `7.5`, `M`).
    #[schema(
        max_length = 8,
        pattern = r"^[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[A-Za-z0-9.]{1,8}[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    ring_size: Option<String>,
    /// Only customers who agreed to marketing on this channel.
    marketing_consent: Option<MessageChannelName>,
}

impl SegmentFilterFields {
    /// The filter, its amounts read (errors named `filter.*`).
    pub(crate) fn filter(&self, errors: &mut Vec<FieldError>) -> SegmentFilter {
        let mut money = |field: &str, text: &Option<String>| {
            text.as_deref()
                .and_then(|t| collect(errors, Money::parse(&format!("filter.{field}"), t)))
        };
        SegmentFilter {
            tags: self.tags.clone(),
            tier: self.tier.clone(),
            min_lifetime_value: money("minLifetimeValue", &self.min_lifetime_value),
            max_lifetime_value: money("maxLifetimeValue", &self.max_lifetime_value),
            last_purchase_from: self.last_purchase_from,
            last_purchase_before: self.last_purchase_before,
            occasion: self.occasion.map(|o| OccasionWithin {
                kind: o.kind.into(),
                within_days: o.within_days,
            }),
            ring_size: self.ring_size.clone(),
            marketing_consent: self.marketing_consent.map(Into::into),
        }
    }
}

impl From<SegmentFilter> for SegmentFilterFields {
    fn from(f: SegmentFilter) -> Self {
        Self {
            tags: f.tags,
            tier: f.tier,
            min_lifetime_value: f.min_lifetime_value.map(|m| m.to_string()),
            max_lifetime_value: f.max_lifetime_value.map(|m| m.to_string()),
            last_purchase_from: f.last_purchase_from,
            last_purchase_before: f.last_purchase_before,
            occasion: f.occasion.map(|o| OccasionWithinFields {
                kind: o.kind.into(),
                within_days: o.within_days,
            }),
            ring_size: f.ring_size,
            marketing_consent: f.marketing_consent.map(Into::into),
        }
    }
}

/// A segment to save: a name and a filter; `branchId` on creation only
/// (a manager's must be one of their branches; none: the whole
/// business's, the owner's).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Bridal, anniversary this month", "branchId": "01936f0e-0000-7000-8000-0000000000b1",
    "filter": {"tags": ["bridal"], "occasion": {"kind": "anniversary", "withinDays": 30},
    "marketingConsent": "email"}}))]
pub struct SegmentRequest {
    #[schema(value_type = crate::routes::wire::NameText)]
    name: String,
    pub(crate) branch_id: Option<uuid::Uuid>,
    #[serde(default)]
    filter: SegmentFilterFields,
}

impl SegmentRequest {
    pub(crate) fn fields(&self) -> Result<SegmentFields, Invalid> {
        let mut errors = Vec::new();
        let filter = self.filter.filter(&mut errors);
        match Invalid::from_errors(errors) {
            Some(invalid) => Err(invalid),
            None => Ok(SegmentFields {
                name: self.name.clone(),
                filter,
            }),
        }
    }
}

/// A filter to count before saving it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"branchId": "01936f0e-0000-7000-8000-0000000000b1",
    "filter": {"tags": ["bridal"], "marketingConsent": "sms"}}))]
pub struct SegmentPreviewRequest {
    pub(crate) branch_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub(crate) filter: SegmentFilterFields,
}

/// A saved segment, with how many customers it holds now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "01936f0e-0000-7000-8000-0000000000d1",
    "name": "Bridal, anniversary this month", "branchId": "01936f0e-0000-7000-8000-0000000000b1",
    "filter": {"tags": ["bridal"], "occasion": {"kind": "anniversary", "withinDays": 30},
    "marketingConsent": "email"}, "count": 212, "version": 1,
    "createdBy": "01936f0e-0000-7000-8000-0000000000f1",
    "createdAt": "2026-12-07T10:00:00Z", "updatedAt": "2026-12-07T10:00:00Z"}))]
pub struct SegmentView {
    id: uuid::Uuid,
    #[schema(max_length = 120)]
    name: String,
    branch_id: Option<uuid::Uuid>,
    filter: SegmentFilterFields,
    /// Customers it holds now (lists leave it out).
    count: Option<u64>,
    version: i32,
    created_by: uuid::Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl SegmentView {
    pub(crate) fn of(s: Segment, count: Option<u64>) -> Self {
        Self {
            id: s.id,
            name: s.name,
            branch_id: s.branch_id,
            filter: s.filter.into(),
            count,
            version: s.version,
            created_by: s.created_by,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// How many customers a filter holds now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"count": 212}))]
pub struct SegmentCountView {
    pub(crate) count: u64,
}

/// Segments, by name.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"items": [{"id": "01936f0e-0000-7000-8000-0000000000d1",
    "name": "Bridal, anniversary this month", "branchId": "01936f0e-0000-7000-8000-0000000000b1",
    "filter": {"tags": ["bridal"], "marketingConsent": "email"}, "count": null, "version": 1,
    "createdBy": "01936f0e-0000-7000-8000-0000000000f1",
    "createdAt": "2026-12-07T10:00:00Z", "updatedAt": "2026-12-07T10:00:00Z"}]}))]
pub struct SegmentsView {
    #[schema(max_items = 1000)]
    pub(crate) items: Vec<SegmentView>,
}

/// A campaign to make: a segment, a template of trigger `campaign` (its
/// channel and language are the campaign's) and when it begins.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Akshaya Tritiya 2027", "segmentId": "01936f0e-0000-7000-8000-0000000000d1",
    "templateId": "01936f0e-0000-7000-8000-000000000004", "scheduledAt": "2027-04-19T04:30:00Z",
    "perMinute": 120}))]
pub struct CampaignRequest {
    #[schema(value_type = crate::routes::wire::NameText)]
    name: String,
    segment_id: uuid::Uuid,
    template_id: uuid::Uuid,
    /// When its messages begin to go; now when not given (a time past is
    /// now). Marketing still waits out the branch's quiet hours.
    scheduled_at: Option<DateTime<Utc>>,
    /// Messages a minute at most, 1 to 6000 (60 when not given).
    #[schema(minimum = 1, maximum = 6000)]
    per_minute: Option<u32>,
}

impl CampaignRequest {
    pub(crate) fn fields(&self) -> CampaignFields {
        CampaignFields {
            name: self.name.clone(),
            segment_id: self.segment_id,
            template_id: self.template_id,
            scheduled_at: self.scheduled_at,
            per_minute: self.per_minute.unwrap_or(60),
        }
    }
}

/// How many of a campaign's messages stand in one status (and reason).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"status": "skipped", "reason": "no_consent", "count": 14}))]
pub struct CampaignTallyView {
    status: MessageStatusName,
    /// Why they were skipped or failed; none for the others.
    #[schema(max_length = 1000)]
    reason: Option<String>,
    count: i64,
}

/// A campaign, with its messages counted by status (with a campaign's
/// detail only).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "01936f0e-0000-7000-8000-0000000000c9", "name": "Akshaya Tritiya 2027",
    "branchId": "01936f0e-0000-7000-8000-0000000000b1", "segmentId": "01936f0e-0000-7000-8000-0000000000d1",
    "templateId": "01936f0e-0000-7000-8000-000000000004", "channel": "email", "language": "en",
    "status": "queued", "scheduledAt": "2027-04-19T04:30:00Z", "perMinute": 120, "queued": 212,
    "messages": [{"status": "sent", "reason": null, "count": 190},
        {"status": "skipped", "reason": "no_consent", "count": 22}],
    "createdBy": "01936f0e-0000-7000-8000-0000000000f1", "createdAt": "2026-12-07T10:00:00Z",
    "startedAt": "2027-04-19T04:30:01Z", "finishedAt": "2027-04-19T04:30:03Z", "cancelledAt": null}))]
pub struct CampaignView {
    id: uuid::Uuid,
    #[schema(max_length = 120)]
    name: String,
    branch_id: Option<uuid::Uuid>,
    segment_id: uuid::Uuid,
    template_id: uuid::Uuid,
    channel: MessageChannelName,
    language: MessageLanguageName,
    status: CampaignStatusName,
    scheduled_at: DateTime<Utc>,
    per_minute: u32,
    /// Messages queued so far (one per customer the segment held).
    queued: i64,
    /// Its messages by status and reason (with one campaign only).
    #[schema(max_items = 50)]
    messages: Option<Vec<CampaignTallyView>>,
    created_by: uuid::Uuid,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
}

impl CampaignView {
    pub(crate) fn of(
        c: Campaign,
        tally: Option<Vec<(MessageStatus, Option<String>, i64)>>,
    ) -> Self {
        Self {
            id: c.id,
            name: c.name,
            branch_id: c.branch_id,
            segment_id: c.segment_id,
            template_id: c.template_id,
            channel: c.channel.into(),
            language: c.language.into(),
            status: c.status.into(),
            scheduled_at: c.scheduled_at,
            per_minute: c.per_minute,
            queued: c.queued,
            messages: tally.map(|rows| {
                rows.into_iter()
                    .map(|(status, reason, count)| CampaignTallyView {
                        status: status.into(),
                        reason,
                        count,
                    })
                    .collect()
            }),
            created_by: c.created_by,
            created_at: c.created_at,
            started_at: c.started_at,
            finished_at: c.finished_at,
            cancelled_at: c.cancelled_at,
        }
    }
}

/// A cancelled campaign and how many of its messages were still waiting
/// (now skipped, reason `cancelled`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"campaign": {"id": "01936f0e-0000-7000-8000-0000000000c9",
    "name": "Akshaya Tritiya 2027", "branchId": "01936f0e-0000-7000-8000-0000000000b1",
    "segmentId": "01936f0e-0000-7000-8000-0000000000d1",
    "templateId": "01936f0e-0000-7000-8000-000000000004", "channel": "email", "language": "en",
    "status": "cancelled", "scheduledAt": "2027-04-19T04:30:00Z", "perMinute": 60, "queued": 212,
    "messages": [{"status": "sent", "reason": null, "count": 60},
        {"status": "skipped", "reason": "cancelled", "count": 152}],
    "createdBy": "01936f0e-0000-7000-8000-0000000000f1", "createdAt": "2026-12-07T10:00:00Z",
    "startedAt": "2027-04-19T04:30:01Z", "finishedAt": "2027-04-19T04:30:03Z",
    "cancelledAt": "2027-04-19T04:31:00Z"}, "skipped": 152}))]
pub struct CancelledCampaignView {
    pub(crate) campaign: CampaignView,
    pub(crate) skipped: u64,
}

/// A campaign's message sent once to the caller to try it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"to": "anil@example-jeweller.in", "transport": "smtp",
    "outcome": "sent", "answer": "250 2.0.0 Ok: queued as 4F2A1"}))]
pub struct TestSendView {
    /// Your e-mail address or mobile number, as the channel needs.
    #[schema(max_length = 320)]
    pub(crate) to: String,
    /// `log`, `smtp`, `twilio`, ...
    #[schema(max_length = 16)]
    pub(crate) transport: &'static str,
    /// `sent`, `transient` or `permanent` (the provider refused it).
    #[schema(max_length = 16)]
    pub(crate) outcome: &'static str,
    /// What the provider said, its first 1,000 characters.
    #[schema(max_length = 1000)]
    pub(crate) answer: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct CampaignQuery {
    #[param(inline)]
    pub(crate) status: Option<CampaignStatusName>,
}
