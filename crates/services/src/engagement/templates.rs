//! Saving a template: checked (syntax, variables, channel), then kept as
//! the next version of its trigger, channel and language, and audited.

use chrono::Utc;
use jewel_domain::engagement::template::{Template, TemplateText, check};
use jewel_domain::engagement::{Language, MessageChannel, Trigger};
use jewel_persistence::RepoError;
use jewel_persistence::repos::message_templates::MessageTemplates;
use jewel_persistence::repos::schemes::to_second;

use super::EngagementError;
use crate::Unit;

/// A template as asked to be saved.
#[derive(Debug, Clone)]
pub struct NewTemplate {
    pub trigger: Trigger,
    pub channel: MessageChannel,
    pub language: Language,
    pub text: TemplateText,
}

/// Saves `asked` as the next version of its trigger, channel and language.
pub async fn save(unit: &mut Unit, asked: NewTemplate) -> Result<Template, EngagementError> {
    check(asked.trigger, asked.channel, &asked.text)?;
    let (_, by) = unit.actor().author();
    let txn = unit.txn().await?;
    let last =
        MessageTemplates::last_version(txn, asked.trigger, asked.channel, asked.language).await?;
    let before =
        MessageTemplates::current(txn, asked.trigger, asked.channel, asked.language).await?;
    let template = Template {
        id: uuid::Uuid::now_v7(),
        trigger: asked.trigger,
        channel: asked.channel,
        language: asked.language,
        version: last + 1,
        text: asked.text,
        created_by: by,
        created_at: to_second(Utc::now()),
    };
    match MessageTemplates::insert(txn, &template).await {
        Err(RepoError::Taken { .. }) => return Err(EngagementError::ChangedMeanwhile),
        other => other?,
    }
    unit.audit(
        "save",
        "message_template",
        template.id,
        before.as_ref().map(record).as_ref(),
        Some(&record(&template)),
    )?;
    Ok(template)
}

/// What the audit trail keeps of a template (its words are the business's,
/// not a customer's).
fn record(template: &Template) -> serde_json::Value {
    serde_json::json!({
        "trigger": template.trigger.as_str(), "channel": template.channel.as_str(),
        "language": template.language.as_str(), "version": template.version,
        "subject": template.text.subject, "body": template.text.body,
    })
}
