//! The wire types of message templates and triggers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jewel_domain::engagement::template::{Rendered, Template, TemplateText};
use jewel_domain::engagement::{MessageChannel, Trigger};
use jewel_domain::{FieldError, Invalid};
use jewel_services::engagement::templates::NewTemplate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::wire::Paged;
pub use crate::routes::wire::language::MessageLanguageName;

wire_enum! {
    /// What happened that a customer is told of: `invoice_issued` (a tax
    /// invoice issued to them, by e-mail, and on the app), `job_ready`
    /// (their repair or order ready to collect, by SMS, and on the app), `birthday` and `anniversary`
    /// (greetings by SMS, marketing), `spouse_birthday` (a reminder of the
    /// spouse's birthday, by SMS, marketing), `campaign` (an offer to a segment,
    /// marketing, on the channel its template is written for: e-mail, SMS,
    /// WhatsApp or the app), `payment_received` (a receipt of a payment towards a bill
    /// issued earlier, by SMS), `instalment_received` (a receipt of a
    /// savings scheme's instalment, by SMS), `purchase_follow_up` (6 and 11
    /// months after a big purchase, by SMS, marketing), `bridal_follow_up`
    /// (30, 60 and 90 days after a sale to a bridal customer, by SMS,
    /// marketing), `instalment_due` and `scheme_maturity` (a savings
    /// scheme's instalment due, its maturity, `notify.scheme_reminder_days`
    /// ahead, by SMS), `quote_expiring` (a quote's prices about to end,
    /// `notify.quote_expiring_minutes` before, by SMS; skipped once it
    /// became a bill), `task_assigned` (a follow-up task a trigger gave a
    /// staff member, on the staff app's devices).
    MessageTriggerName mirrors Trigger {
        InvoiceIssued = "invoice_issued", JobReady = "job_ready", Birthday = "birthday",
        Anniversary = "anniversary", SpouseBirthday = "spouse_birthday", Campaign = "campaign",
        PaymentReceived = "payment_received", InstalmentReceived = "instalment_received",
        PurchaseFollowUp = "purchase_follow_up", BridalFollowUp = "bridal_follow_up",
        InstalmentDue = "instalment_due", SchemeMaturity = "scheme_maturity",
        QuoteExpiring = "quote_expiring", TaskAssigned = "task_assigned",
    }
}

wire_enum! {
    /// `email`, `sms` or `whatsapp` (a template Meta approved, its
    /// parameters filled).
    MessageChannelName mirrors MessageChannel {
        Email = "email", Sms = "sms", Whatsapp = "whatsapp", Push = "push",
    }
}

bounded_string!(
    /// A variable's name, as its trigger lists it.
    VariableNameText, 1, 40, Some("^[a-z_]{1,40}$")
);
bounded_string!(
    /// A variable's value for a preview: at most 500 characters.
    VariableValueText, 0, 500, None::<String>
);

/// A template to save as the next version of its trigger, channel and
/// language. Variables are written `{{ customer_name }}`; conditions and
/// filters of minijinja (Jinja2) may be used.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"trigger": "job_ready", "channel": "sms", "language": "hi",
    "body": "प्रिय {{ customer_name }}, आपका काम {{ job_number }} तैयार है।"}))]
pub struct TemplateFields {
    pub(crate) trigger: MessageTriggerName,
    pub(crate) channel: MessageChannelName,
    pub(crate) language: MessageLanguageName,
    /// E-mail only (and needed there).
    #[schema(max_length = 200)]
    pub(crate) subject: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub(crate) body: String,
    /// SMS only: the DLT content template id these exact words are
    /// registered under (India; 10 to 30 digits). When the shop's DLT
    /// registration is set (`notify.dlt`), an SMS from a template without
    /// one is skipped with the reason `dlt_template_missing`.
    #[schema(
        max_length = 30,
        pattern = "^[0-9]{10,30}$",
        example = "1107160000000012345"
    )]
    pub(crate) dlt_template_id: Option<String>,
    /// WhatsApp only (and needed there): the name of the template Meta
    /// approved with these words. `body` is kept as the words read, for
    /// previews and the message record.
    #[schema(
        max_length = 512,
        pattern = "^[a-z0-9_]{1,512}$",
        example = "diwali_offer_2026"
    )]
    pub(crate) whatsapp_name: Option<String>,
    /// WhatsApp only: the trigger's variables that fill the approved
    /// template's `{{1}}`, `{{2}}`, ... in that order (at most 20).
    #[schema(value_type = Option<Vec<VariableNameText>>, max_items = 20,
        example = json!(["customer_name", "branch_name"]))]
    pub(crate) whatsapp_parameters: Option<Vec<String>>,
}

impl TemplateFields {
    pub(crate) fn asked(&self) -> NewTemplate {
        NewTemplate {
            trigger: self.trigger.into(),
            channel: self.channel.into(),
            language: self.language.into(),
            text: TemplateText {
                subject: self.subject.clone(),
                body: self.body.clone(),
                dlt_template_id: self.dlt_template_id.clone(),
                whatsapp_name: self.whatsapp_name.clone(),
                whatsapp_parameters: self.whatsapp_parameters.clone().unwrap_or_default(),
            },
        }
    }
}

/// A template's words tried out: with the trigger's example values, or
/// with `values` given.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"trigger": "invoice_issued", "channel": "email",
    "subject": "Invoice {{ invoice_number }}", "body": "Dear {{ customer_name }}, total {{ total }}.",
    "values": {"customer_name": "Meena Pillai"}}))]
pub struct PreviewFields {
    pub(crate) trigger: MessageTriggerName,
    pub(crate) channel: MessageChannelName,
    #[schema(max_length = 200)]
    pub(crate) subject: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub(crate) body: String,
    /// Values for some of the trigger's variables (each at most 500
    /// characters); the others take their examples.
    #[schema(value_type = Option<BTreeMap<VariableNameText, VariableValueText>>)]
    pub(crate) values: Option<BTreeMap<String, String>>,
    /// WhatsApp only (and needed there): the approved template's name.
    #[schema(max_length = 512, pattern = "^[a-z0-9_]{1,512}$")]
    pub(crate) whatsapp_name: Option<String>,
    /// WhatsApp only: the variables filling `{{1}}`, `{{2}}`, ... in order.
    #[schema(value_type = Option<Vec<VariableNameText>>, max_items = 20)]
    pub(crate) whatsapp_parameters: Option<Vec<String>>,
}

impl PreviewFields {
    /// The trigger's examples with `values` over them; a value for a
    /// variable the trigger has not is named.
    pub(crate) fn values(&self) -> Result<BTreeMap<&'static str, String>, Invalid> {
        let trigger: Trigger = self.trigger.into();
        let mut values = trigger.sample();
        let mut errors = Vec::new();
        for (name, value) in self.values.iter().flatten() {
            match trigger.variables().into_iter().find(|known| known == name) {
                Some(known) if value.chars().count() <= 500 => {
                    values.insert(known, value.clone());
                }
                Some(_) => errors.push(FieldError::new(
                    format!("values.{name}"),
                    "too_long",
                    "At most 500 characters.",
                )),
                None => errors.push(FieldError::new(
                    format!("values.{name}"),
                    "unknown_variable",
                    format!("{} has no such variable", trigger.as_str()),
                )),
            }
        }
        Invalid::from_errors(errors).map_or(Ok(values), Err)
    }

    pub(crate) fn text(&self) -> TemplateText {
        TemplateText {
            subject: self.subject.clone(),
            body: self.body.clone(),
            dlt_template_id: None,
            whatsapp_name: self.whatsapp_name.clone(),
            whatsapp_parameters: self.whatsapp_parameters.clone().unwrap_or_default(),
        }
    }
}

/// A message as it would be sent.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"subject": "Invoice MUM1/INV/2026-27/000042",
    "body": "Dear Meena Pillai, total 1,16,175.00.", "parameters": []}))]
pub struct PreviewView {
    #[schema(max_length = 1000)]
    subject: Option<String>,
    #[schema(max_length = 200000)]
    body: String,
    /// A WhatsApp template's parameters as they would fill it, in order
    /// (empty for other channels).
    #[schema(value_type = Vec<VariableValueText>, max_items = 20)]
    parameters: Vec<String>,
}

impl From<Rendered> for PreviewView {
    fn from(rendered: Rendered) -> Self {
        Self {
            subject: rendered.subject,
            body: rendered.body,
            parameters: rendered.parameters,
        }
    }
}

/// One version of a template.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "01930000-0000-7000-8000-000000000004", "trigger": "job_ready",
    "channel": "sms", "language": "en", "version": 1, "subject": null,
    "body": "Dear {{ customer_name }}, your job {{ job_number }} is ready to collect at {{ branch_name }}.",
    "dltTemplateId": "1107160000000012345", "whatsappName": null, "whatsappParameters": [],
    "createdBy": "00000000-0000-0000-0000-000000000000", "createdAt": "2026-12-07T00:00:00Z"}))]
pub struct TemplateView {
    id: uuid::Uuid,
    trigger: MessageTriggerName,
    channel: MessageChannelName,
    language: MessageLanguageName,
    /// 1 for the first; each save adds one.
    version: i32,
    #[schema(max_length = 200)]
    subject: Option<String>,
    #[schema(max_length = 20000)]
    body: String,
    /// SMS only: the DLT content template id of these words (India).
    #[schema(max_length = 32)]
    dlt_template_id: Option<String>,
    /// WhatsApp only: the template Meta approved.
    #[schema(max_length = 512)]
    whatsapp_name: Option<String>,
    /// WhatsApp only: the variables filling it, in order.
    #[schema(value_type = Vec<VariableNameText>, max_items = 20)]
    whatsapp_parameters: Vec<String>,
    /// Who saved it (the nil id for the versions that came with the
    /// program).
    created_by: uuid::Uuid,
    created_at: DateTime<Utc>,
}

impl From<Template> for TemplateView {
    fn from(t: Template) -> Self {
        Self {
            id: t.id,
            trigger: t.trigger.into(),
            channel: t.channel.into(),
            language: t.language.into(),
            version: t.version,
            subject: t.text.subject,
            body: t.text.body,
            dlt_template_id: t.text.dlt_template_id,
            whatsapp_name: t.text.whatsapp_name,
            whatsapp_parameters: t.text.whatsapp_parameters,
            created_by: t.created_by,
            created_at: t.created_at,
        }
    }
}

/// One variable a trigger's templates may name.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"name": "customer_name", "example": "Asha Iyer"}))]
pub struct VariableView {
    #[schema(max_length = 40)]
    name: &'static str,
    #[schema(max_length = 100)]
    example: &'static str,
}

/// A trigger: its purpose, channel and variables.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"trigger": "job_ready", "purpose": "transactional", "channel": "sms",
    "variables": [{"name": "customer_name", "example": "Asha Iyer"}]}))]
pub struct TriggerView {
    trigger: MessageTriggerName,
    /// `transactional` (needs the channel's transactional consent unless
    /// the business relies on another legal basis) or `marketing`.
    #[schema(max_length = 16)]
    purpose: &'static str,
    channel: MessageChannelName,
    #[schema(max_items = 50)]
    variables: Vec<VariableView>,
}

/// Every trigger.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"items": [{"trigger": "job_ready", "purpose": "transactional",
    "channel": "sms", "variables": [{"name": "customer_name", "example": "Asha Iyer"}]}]}))]
pub struct TriggersView {
    #[schema(max_items = 50)]
    items: Vec<TriggerView>,
}

impl TriggersView {
    pub(crate) fn all() -> Self {
        Self {
            items: Trigger::ALL
                .into_iter()
                .map(|trigger| TriggerView {
                    trigger: trigger.into(),
                    purpose: trigger.purpose().as_str(),
                    channel: trigger.channel().into(),
                    variables: trigger
                        .examples()
                        .iter()
                        .map(|(name, example)| VariableView { name, example })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The templates in use (or every version).
pub type TemplatesView = Paged<TemplateView>;

/// A run of the occasion greetings, for a day.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"date": "2026-12-07"}))]
pub struct OccasionRunFields {
    /// The day the run is for (greetings for occasions
    /// `notify.occasion_days_ahead` later); today (UTC) when not given.
    pub(crate) date: Option<chrono::NaiveDate>,
}

/// What a run made new this time (a second run of a day makes none):
/// greetings and follow-up messages queued, follow-up tasks created.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"birthdays": 12, "anniversaries": 3, "spouseBirthdays": 2,
    "purchaseFollowUps": 4, "bridalFollowUps": 1, "tasks": 5, "instalmentsDue": 9,
    "maturities": 2}))]
pub struct OccasionRunView {
    birthdays: u64,
    anniversaries: u64,
    spouse_birthdays: u64,
    purchase_follow_ups: u64,
    bridal_follow_ups: u64,
    /// Follow-up tasks for sales people to call.
    tasks: u64,
    /// Reminders of schemes' instalments due.
    instalments_due: u64,
    /// Reminders of schemes maturing.
    maturities: u64,
}

impl OccasionRunView {
    pub(crate) fn of(
        run: jewel_services::engagement::occasions::OccasionRun,
        after: jewel_services::engagement::after_sales::FollowUpRun,
        schemes: jewel_services::engagement::scheme_reminders::SchemeReminderRun,
    ) -> Self {
        Self {
            birthdays: run.birthdays,
            anniversaries: run.anniversaries,
            spouse_birthdays: run.spouse_birthdays,
            purchase_follow_ups: after.purchase_follow_ups,
            bridal_follow_ups: after.bridal_follow_ups,
            tasks: after.tasks + run.tasks + schemes.tasks,
            instalments_due: schemes.instalments_due,
            maturities: schemes.maturities,
        }
    }
}
