//! Message templates in versions: a save adds the next version of its
//! trigger, channel and language; the newest is the one in use, and the
//! older stay for the messages rendered from them.

use jewel_domain::engagement::template::{Template, TemplateText};
use jewel_domain::engagement::{Language, MessageChannel, Trigger};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::message_templates;
use crate::error::{OnConstraint, RepoError, uuid_of};

pub struct MessageTemplates;

impl MessageTemplates {
    /// The version in use for `trigger`, `channel` and `language`.
    pub async fn current(
        db: &impl ConnectionTrait,
        trigger: Trigger,
        channel: MessageChannel,
        language: Language,
    ) -> Result<Option<Template>, RepoError> {
        use message_templates::Column;
        message_templates::Entity::find()
            .filter(Column::Trigger.eq(trigger.as_str()))
            .filter(Column::Channel.eq(channel.as_str()))
            .filter(Column::Language.eq(language.as_str()))
            .order_by_desc(Column::Version)
            .one(db)
            .await?
            .map(into_template)
            .transpose()
    }

    pub async fn get(
        db: &impl ConnectionTrait,
        id: uuid::Uuid,
    ) -> Result<Option<Template>, RepoError> {
        message_templates::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .map(into_template)
            .transpose()
    }

    /// Every version, newest first within each trigger, channel and
    /// language; `current_only` keeps the newest of each.
    pub async fn all(
        db: &impl ConnectionTrait,
        current_only: bool,
    ) -> Result<Vec<Template>, RepoError> {
        use message_templates::Column;
        let all = message_templates::Entity::find()
            .order_by_asc(Column::Trigger)
            .order_by_asc(Column::Channel)
            .order_by_asc(Column::Language)
            .order_by_desc(Column::Version)
            .all(db)
            .await?
            .into_iter()
            .map(into_template)
            .collect::<Result<Vec<_>, _>>()?;
        if !current_only {
            return Ok(all);
        }
        let mut newest: Vec<Template> = Vec::new();
        for template in all {
            let seen = newest.last().is_some_and(|last| {
                (last.trigger, last.channel, last.language)
                    == (template.trigger, template.channel, template.language)
            });
            if !seen {
                newest.push(template);
            }
        }
        Ok(newest)
    }

    /// The highest version of `trigger`, `channel` and `language` (0 when
    /// none), read with the rows locked.
    pub async fn last_version(
        db: &impl ConnectionTrait,
        trigger: Trigger,
        channel: MessageChannel,
        language: Language,
    ) -> Result<i32, RepoError> {
        use message_templates::Column;
        let versions: Vec<i32> = message_templates::Entity::find()
            .select_only()
            .column(Column::Version)
            .filter(Column::Trigger.eq(trigger.as_str()))
            .filter(Column::Channel.eq(channel.as_str()))
            .filter(Column::Language.eq(language.as_str()))
            .lock_exclusive()
            .into_tuple()
            .all(db)
            .await?;
        Ok(versions.into_iter().max().unwrap_or(0))
    }

    /// Adds `template`; its version taken meanwhile is `Taken { version }`.
    pub async fn insert(db: &impl ConnectionTrait, template: &Template) -> Result<(), RepoError> {
        message_templates::Entity::insert(message_templates::ActiveModel {
            id: Set(template.id.to_string()),
            trigger: Set(template.trigger.as_str().to_owned()),
            channel: Set(template.channel.as_str().to_owned()),
            language: Set(template.language.as_str().to_owned()),
            version: Set(template.version),
            subject: Set(template.text.subject.clone()),
            body: Set(template.text.body.clone()),
            dlt_template_id: Set(template.text.dlt_template_id.clone()),
            whatsapp_name: Set(template.text.whatsapp_name.clone()),
            whatsapp_parameters: Set((!template.text.whatsapp_parameters.is_empty()).then(|| {
                serde_json::to_string(&template.text.whatsapp_parameters).unwrap_or_default()
            })),
            created_by: Set(template.created_by.to_string()),
            created_at: Set(template.created_at),
        })
        .exec_without_returning(db)
        .await
        .on_unique("version")?;
        Ok(())
    }
}

fn bad(what: &str) -> RepoError {
    RepoError::Database(sea_orm::DbErr::Custom(format!("stored template {what}")))
}

fn into_template(m: message_templates::Model) -> Result<Template, RepoError> {
    Ok(Template {
        id: uuid_of(&m.id)?,
        trigger: Trigger::parse(&m.trigger).ok_or_else(|| bad("trigger"))?,
        channel: MessageChannel::parse(&m.channel).ok_or_else(|| bad("channel"))?,
        language: Language::parse(&m.language).ok_or_else(|| bad("language"))?,
        version: m.version,
        text: TemplateText {
            subject: m.subject,
            body: m.body,
            dlt_template_id: m.dlt_template_id,
            whatsapp_name: m.whatsapp_name,
            whatsapp_parameters: match m.whatsapp_parameters.as_deref() {
                Some(json) => serde_json::from_str(json).map_err(|_| bad("parameters"))?,
                None => Vec::new(),
            },
        },
        created_by: uuid_of(&m.created_by)?,
        created_at: m.created_at,
    })
}
