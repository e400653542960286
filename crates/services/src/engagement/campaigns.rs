//! Campaigns: a segment, a template of trigger `campaign` and a time. The
//! worker's pass takes a campaign whose time came by a lease and queues
//! one message per customer the segment holds then, a batch at a time:
//! each batch and the campaign's cursor in one transaction, so a crash or
//! a second replica queues no customer twice and none is left out. The
//! messages are spread `per_minute` apart and each then goes (or is
//! skipped, with its reason) as any other; cancelling skips those still
//! waiting.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jewel_domain::engagement::campaign::{Campaign, CampaignStatus, check_per_minute, due_at};
use jewel_domain::engagement::dlt::DltRegistration;
use jewel_domain::engagement::message::SkipReason;
use jewel_domain::engagement::segment::{Segment, check_name};
use jewel_domain::engagement::template::{Template, render};
use jewel_domain::engagement::{MessageChannel, Trigger};
use jewel_domain::{FieldError, Invalid};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::campaigns::Campaigns;
use jewel_persistence::repos::devices::Devices;
use jewel_persistence::repos::message_templates::MessageTemplates;
use jewel_persistence::repos::messages::Messages;
use jewel_persistence::repos::schemes::to_second;
use jewel_persistence::repos::segments::Segments;
use jewel_persistence::{ConnectionTrait, Database, RepoError};

use super::EngagementError;
use super::notifier::{Answer, Approved, Notifiers, Outgoing};
use super::queue::{Asked, queue_written};
use super::segments::{Scope, in_scope, visible};
use super::unsubscribe::UnsubscribeLinks;
use super::zones::zone_of;
use crate::Unit;

/// Customers queued for per transaction.
const BATCH: u64 = 500;

/// How long a worker holds a campaign between two batches.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// What the messages of a campaign are about.
pub const ABOUT: &str = "campaign";

/// A campaign as asked to be made.
#[derive(Debug, Clone)]
pub struct CampaignFields {
    pub name: String,
    pub segment_id: uuid::Uuid,
    pub template_id: uuid::Uuid,
    /// When its messages begin to go (now when not given).
    pub scheduled_at: Option<DateTime<Utc>>,
    pub per_minute: u32,
}

/// Campaign `id`, if the caller may see it.
pub async fn visible_campaign(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    id: uuid::Uuid,
) -> Result<Option<Campaign>, RepoError> {
    Ok(Campaigns::get(db, id)
        .await?
        .filter(|c| in_scope(scope, c.branch_id)))
}

/// Makes a campaign of a segment the caller keeps, sending a template of
/// trigger `campaign` (its channel and language are the campaign's).
pub async fn create(
    unit: &mut Unit,
    scope: Scope<'_>,
    asked: CampaignFields,
) -> Result<Campaign, EngagementError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let name = check_name(&asked.name).map_err(|e| errors.extend(e.into_errors()));
    let per_minute = check_per_minute(asked.per_minute).map_err(|e| errors.extend(e.into_errors()));
    let segment = visible(unit.db(), scope, asked.segment_id).await?;
    if segment.is_none() {
        errors.push(FieldError::new(
            "segmentId",
            "not_found",
            "No such segment of yours.",
        ));
    }
    let template = MessageTemplates::get(unit.db(), asked.template_id).await?;
    match &template {
        None => errors.push(FieldError::new(
            "templateId",
            "not_found",
            "No such template.",
        )),
        Some(t) if t.trigger != Trigger::Campaign => errors.push(FieldError::new(
            "templateId",
            "not_campaign",
            "A template of trigger `campaign`.",
        )),
        Some(_) => {}
    }
    if let Some(invalid) = Invalid::from_errors(errors) {
        return Err(invalid.into());
    }
    let (Ok(name), Ok(per_minute), Some(segment), Some(template)) =
        (name, per_minute, segment, template)
    else {
        return Err(Invalid::field("templateId", "not_found", "No such template.").into());
    };
    let (_, by) = unit.actor().author();
    let now = to_second(Utc::now());
    let campaign = Campaign {
        id: uuid::Uuid::now_v7(),
        name,
        branch_id: segment.branch_id,
        segment_id: segment.id,
        template_id: template.id,
        channel: template.channel,
        language: template.language,
        status: CampaignStatus::Scheduled,
        scheduled_at: to_second(asked.scheduled_at.unwrap_or(now).max(now)),
        per_minute,
        queued: 0,
        created_by: by,
        created_at: now,
        started_at: None,
        finished_at: None,
        cancelled_at: None,
    };
    Campaigns::insert(unit.txn().await?, &campaign).await?;
    unit.audit(
        "create",
        "campaign",
        campaign.id,
        None,
        Some(&record(&campaign)),
    )?;
    Ok(campaign)
}

/// Cancels campaign `id`: it queues no more, and its messages still
/// waiting are skipped (reason `cancelled`), in one transaction. Returns
/// it and how many were skipped; `None` when the caller may not see it.
pub async fn cancel(
    unit: &mut Unit,
    scope: Scope<'_>,
    id: uuid::Uuid,
) -> Result<Option<(Campaign, u64)>, EngagementError> {
    let txn = unit.txn().await?;
    let Some(before) = visible_campaign(txn, scope, id).await? else {
        return Ok(None);
    };
    let now = to_second(Utc::now());
    if !Campaigns::cancel(txn, id, now).await? {
        return Err(EngagementError::Cancelled);
    }
    let skipped = Messages::skip_waiting(txn, ABOUT, id, SkipReason::Cancelled.as_str()).await?;
    let after = Campaign {
        status: CampaignStatus::Cancelled,
        cancelled_at: Some(now),
        ..before.clone()
    };
    unit.audit(
        "cancel",
        "campaign",
        id,
        Some(&record(&before)),
        Some(&record(&after)),
    )?;
    Ok(Some((after, skipped)))
}

/// One pass of the worker at `now`: every campaign whose time came is
/// taken and queued to the end (or until it is cancelled or another
/// worker takes it over). Returns how many messages were queued.
pub async fn pass(
    database: &Database,
    links: &UnsubscribeLinks,
    now: DateTime<Utc>,
) -> Result<u64, RepoError> {
    let db = database.connection();
    let mut queued = 0;
    for id in Campaigns::due(db, now, 10).await? {
        let token = uuid::Uuid::now_v7();
        if !Campaigns::lease(db, id, token, now, now + LEASE).await? {
            continue;
        }
        queued += run(database, links, id, token).await?;
    }
    Ok(queued)
}

/// Queues campaign `id` from where it stopped, under `token`.
async fn run(
    database: &Database,
    links: &UnsubscribeLinks,
    id: uuid::Uuid,
    token: uuid::Uuid,
) -> Result<u64, RepoError> {
    let db = database.connection();
    let (Some(campaign), Some((mut cursor, started))) = (
        Campaigns::get(db, id).await?,
        Campaigns::progress(db, id).await?,
    ) else {
        return Ok(0);
    };
    let started = started.unwrap_or_else(Utc::now);
    let template = MessageTemplates::get(db, campaign.template_id).await?;
    let segment = Segments::get(db, campaign.segment_id).await?;
    let today = today(database, campaign.branch_id).await?;
    let mut queued = 0;
    let mut index = campaign.queued;
    loop {
        let members = match &segment {
            Some(s) => Segments::members(db, s.branch_id, &s.filter, today, cursor, BATCH).await?,
            None => Vec::new(),
        };
        let last = members.len() < BATCH as usize;
        let txn = jewel_persistence::begin_writing(db).await?;
        let mut count = 0;
        for (customer, home) in &members {
            let at = due_at(started, index + count, campaign.per_minute);
            if queue_one(&txn, links, &campaign, &template, (*customer, *home), at).await? {
                count += 1;
            }
        }
        let next = members.last().map(|m| m.0).or(cursor);
        let until = Utc::now() + LEASE;
        if !Campaigns::advance(&txn, id, token, next, count, (last, until)).await? {
            // Cancelled, or taken over: what was queued before stands.
            txn.rollback().await?;
            return Ok(queued);
        }
        txn.commit().await?;
        queued += u64::try_from(count).unwrap_or(0);
        index += count;
        cursor = next;
        if last {
            return Ok(queued);
        }
    }
}

async fn queue_one(
    txn: &jewel_persistence::DatabaseTransaction,
    links: &UnsubscribeLinks,
    campaign: &Campaign,
    template: &Option<Template>,
    (customer, home): (uuid::Uuid, Option<uuid::Uuid>),
    at: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let asked = Asked {
        trigger: Trigger::Campaign,
        channel: campaign.channel,
        customer,
        // A whole-business campaign speaks for each customer's branch.
        branch: campaign.branch_id.or(home),
        key: format!("campaign:{}:{customer}", campaign.id),
        about: (ABOUT, campaign.id),
    };
    let unsubscribe = links.url(customer, campaign.channel, Utc::now());
    let values = |name: &str, branch: &str, _: chrono_tz::Tz| {
        BTreeMap::from([
            ("customer_name", name.to_owned()),
            ("branch_name", branch.to_owned()),
            ("unsubscribe_url", unsubscribe),
        ])
    };
    queue_written(
        txn,
        (campaign.language, template.clone()),
        asked,
        at,
        values,
    )
    .await
}

/// Sends `campaign`'s message once, now, to a staff member trying it
/// (`to` on its channel, by `name`): through the channel's transport, with
/// an unsubscribe link that names no customer and, for an SMS to India
/// under the shop's `dlt` registration, its template's DLT ids; an app
/// notification to the staff member's own `devices`. Nothing is kept but
/// that a device the provider no longer knows is taken away; the
/// provider's answer is returned.
pub async fn test_send(
    database: &Database,
    (notifiers, links, dlt): (&Notifiers, &UnsubscribeLinks, Option<&DltRegistration>),
    campaign: &Campaign,
    (to, name): (&str, &str),
    devices: &[String],
) -> Result<Answer, EngagementError> {
    let db = database.connection();
    let template = MessageTemplates::get(db, campaign.template_id)
        .await?
        .ok_or_else(|| Invalid::field("templateId", "not_found", "No such template."))?;
    let branch = match campaign.branch_id {
        Some(id) => Branches::get(db, id).await?.map(|b| b.name),
        None => None,
    };
    let values = BTreeMap::from([
        ("customer_name", name.to_owned()),
        ("branch_name", branch.unwrap_or_default()),
        (
            "unsubscribe_url",
            links.url(uuid::Uuid::nil(), campaign.channel, Utc::now()),
        ),
    ]);
    let rendered = render(&template.text, &values)?;
    let dlt = match dlt {
        Some(shop) if campaign.channel == MessageChannel::Sms && DltRegistration::applies_to(to) => {
            Some(
                shop.ids(template.text.dlt_template_id.as_deref())
                    .ok_or_else(|| {
                        Invalid::field(
                            "templateId",
                            "dlt_template_missing",
                            "The template has no DLT content template id; an SMS to India is not sent without one.",
                        )
                    })?,
            )
        }
        _ => None,
    };
    let unsubscribe = values.get("unsubscribe_url").cloned();
    let answer = notifiers
        .of(campaign.channel)
        .send(&Outgoing {
            id: uuid::Uuid::now_v7(),
            channel: campaign.channel,
            to,
            to_name: name,
            subject: rendered.subject.as_deref(),
            body: &rendered.body,
            attachments: &[],
            unsubscribe_url: unsubscribe.as_deref(),
            dlt,
            approved: template.text.whatsapp_name.as_deref().map(|name| Approved {
                name,
                language: template.language.as_str(),
                parameters: &rendered.parameters,
            }),
            devices,
        })
        .await;
    Devices::drop_tokens(db, &answer.unregistered)
        .await
        .map_err(RepoError::from)?;
    Ok(answer)
}

/// Today in `branch`'s zone (India's for the whole business), the day a
/// segment's occasions are counted from.
pub async fn today(
    database: &Database,
    branch: Option<uuid::Uuid>,
) -> Result<chrono::NaiveDate, RepoError> {
    let zone = zone_of(database.connection(), branch).await?;
    Ok(Utc::now().with_timezone(&zone).date_naive())
}

/// How many customers `segment` holds today.
pub async fn count(database: &Database, segment: &Segment) -> Result<u64, RepoError> {
    let today = today(database, segment.branch_id).await?;
    Segments::count(
        database.connection(),
        segment.branch_id,
        &segment.filter,
        today,
    )
    .await
}

/// What the audit trail keeps of a campaign.
fn record(campaign: &Campaign) -> serde_json::Value {
    serde_json::json!({
        "name": campaign.name, "branchId": campaign.branch_id,
        "segmentId": campaign.segment_id, "templateId": campaign.template_id,
        "status": campaign.status.as_str(), "scheduledAt": campaign.scheduled_at,
        "perMinute": campaign.per_minute,
    })
}
