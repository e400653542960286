//! Message templates: what each trigger may say, on which channel and in
//! which language, with the variables it names checked when it is saved.
//! Rendered with minijinja: `{{ customer_name }}`, filters and conditions
//! allowed, every name it reads one of its trigger's variables.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior};

use super::{Language, MessageChannel, Trigger};
use crate::{FieldError, Invalid};

/// The longest subject line kept (RFC 5322 suggests 78 characters a line;
/// a subject folds, so a little more is fine).
pub const SUBJECT_MAX_CHARS: usize = 200;
/// The longest body kept, in characters.
pub const BODY_MAX_CHARS: usize = 20_000;
/// An SMS body longer than ten segments of Unicode text is refused.
pub const SMS_MAX_CHARS: usize = 670;
/// The longest body of a WhatsApp template Meta approves.
pub const WHATSAPP_MAX_CHARS: usize = 1_024;
/// The longest title of an app notification (what a phone shows whole).
pub const PUSH_TITLE_MAX_CHARS: usize = 65;
/// The longest text of an app notification (FCM's whole payload is 4 KiB).
pub const PUSH_MAX_CHARS: usize = 1_000;
/// The most parameters a WhatsApp template is given here.
pub const WHATSAPP_MAX_PARAMETERS: usize = 20;
/// The work one rendering may do: a template looping without end is
/// stopped, not the server.
const FUEL: u64 = 50_000;

/// A template's words for one trigger, channel and language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    /// An e-mail's subject, an app notification's title; the other
    /// channels have none.
    pub subject: Option<String>,
    pub body: String,
    /// SMS only: the DLT content template id these exact words were
    /// registered under (India).
    pub dlt_template_id: Option<String>,
    /// WhatsApp only (and needed there): the name of the template Meta
    /// approved with these words, `diwali_offer_2026`.
    pub whatsapp_name: Option<String>,
    /// WhatsApp only: the trigger's variables that fill the approved
    /// template's `{{1}}`, `{{2}}`, ... in that order.
    pub whatsapp_parameters: Vec<String>,
}

/// A message as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: Option<String>,
    pub body: String,
    /// A WhatsApp template's parameters, in order.
    pub parameters: Vec<String>,
}

/// One saved version of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: uuid::Uuid,
    pub trigger: Trigger,
    pub channel: MessageChannel,
    pub language: Language,
    /// 1 for the first; each save of the same trigger, channel and language
    /// adds one. A message keeps the version it was rendered from.
    pub version: i32,
    pub text: TemplateText,
    pub created_by: uuid::Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env
}

/// Checks `text` for `trigger` on `channel`: it parses, names only the
/// trigger's variables, has a subject exactly when it is an e-mail (a
/// title when it is an app notification), and
/// fits the channel. Says every fault at once.
pub fn check(
    trigger: Trigger,
    channel: MessageChannel,
    text: &TemplateText,
) -> Result<(), Invalid> {
    let mut errors = Vec::new();
    match (channel, &text.subject) {
        (MessageChannel::Email, Some(subject)) => {
            check_part(&mut errors, trigger, "subject", subject, SUBJECT_MAX_CHARS);
        }
        (MessageChannel::Email, None) => errors.push(FieldError::new(
            "subject",
            "required",
            "An e-mail needs a subject.",
        )),
        (MessageChannel::Push, Some(title)) => {
            check_part(&mut errors, trigger, "subject", title, PUSH_TITLE_MAX_CHARS);
        }
        (MessageChannel::Push, None) => errors.push(FieldError::new(
            "subject",
            "required",
            "An app notification needs a title (its subject).",
        )),
        (_, Some(_)) => errors.push(FieldError::new(
            "subject",
            "not_for_channel",
            "Only an e-mail has a subject (and an app notification a title).",
        )),
        (_, None) => {}
    }
    match (channel, &text.dlt_template_id) {
        (MessageChannel::Sms, Some(id)) if !super::dlt::is_ledger_id(id) => {
            errors.push(FieldError::new(
                "dltTemplateId",
                "format",
                "A DLT content template id is 10 to 30 digits.",
            ));
        }
        (MessageChannel::Sms, _) | (_, None) => {}
        (_, Some(_)) => errors.push(FieldError::new(
            "dltTemplateId",
            "not_for_channel",
            "Only an SMS template is registered on DLT.",
        )),
    }
    check_whatsapp(&mut errors, trigger, channel, text);
    let max = match channel {
        MessageChannel::Email => BODY_MAX_CHARS,
        MessageChannel::Sms => SMS_MAX_CHARS,
        MessageChannel::Whatsapp => WHATSAPP_MAX_CHARS,
        MessageChannel::Push => PUSH_MAX_CHARS,
    };
    check_part(&mut errors, trigger, "body", &text.body, max);
    Invalid::from_errors(errors).map_or(Ok(()), Err)
}

/// Whether `name` is a WhatsApp template's name as Meta allows them:
/// lower-case letters, digits and underscores, at most 512.
pub fn is_whatsapp_name(name: &str) -> bool {
    (1..=512).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A WhatsApp template names the one Meta approved and fills it with its
/// trigger's variables; no other channel's does.
fn check_whatsapp(
    errors: &mut Vec<FieldError>,
    trigger: Trigger,
    channel: MessageChannel,
    text: &TemplateText,
) {
    if channel != MessageChannel::Whatsapp {
        if text.whatsapp_name.is_some() || !text.whatsapp_parameters.is_empty() {
            errors.push(FieldError::new(
                "whatsappName",
                "not_for_channel",
                "Only a WhatsApp template names one Meta approved.",
            ));
        }
        return;
    }
    match &text.whatsapp_name {
        None => errors.push(FieldError::new(
            "whatsappName",
            "required",
            "A WhatsApp message is the template Meta approved: name it.",
        )),
        Some(name) if !is_whatsapp_name(name) => errors.push(FieldError::new(
            "whatsappName",
            "format",
            "Lower-case letters, digits and underscores, at most 512.",
        )),
        Some(_) => {}
    }
    if text.whatsapp_parameters.len() > WHATSAPP_MAX_PARAMETERS {
        errors.push(FieldError::new(
            "whatsappParameters",
            "too_many",
            format!("At most {WHATSAPP_MAX_PARAMETERS} parameters."),
        ));
        return;
    }
    let known = trigger.variables();
    for (i, name) in text.whatsapp_parameters.iter().enumerate() {
        if !known.contains(&name.as_str()) {
            errors.push(FieldError::new(
                format!("whatsappParameters[{i}]"),
                "unknown_variable",
                format!("{} knows {}.", trigger.as_str(), known.join(", ")),
            ));
        }
    }
}

/// One part (`field`) of a template: said, short enough, parsing, naming
/// only `trigger`'s variables.
fn check_part(
    errors: &mut Vec<FieldError>,
    trigger: Trigger,
    field: &str,
    source: &str,
    max: usize,
) {
    if source.trim().is_empty() {
        errors.push(FieldError::new(field, "required", "Say something."));
        return;
    }
    if source.chars().count() > max {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("At most {max} characters."),
        ));
        return;
    }
    let env = environment();
    let template = match env.template_from_str(source) {
        Ok(template) => template,
        Err(error) => {
            errors.push(FieldError::new(
                field,
                "template_syntax",
                format!(
                    "The template does not parse: {}.",
                    error.detail().unwrap_or("syntax error")
                ),
            ));
            return;
        }
    };
    let known = trigger.variables();
    let mut unknown: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|name| !known.contains(&name.as_str()))
        .collect();
    unknown.sort();
    if !unknown.is_empty() {
        errors.push(FieldError::new(
            field,
            "unknown_variable",
            format!(
                "{} knows {}; not {}.",
                trigger.as_str(),
                known.join(", "),
                unknown.join(", ")
            ),
        ));
        return;
    }
    // A filter or test it does not have, a loop without end: found now,
    // with the trigger's examples, not when a customer's message is made.
    if let Err(error) = template.render(trigger.sample()) {
        errors.push(FieldError::new(
            field,
            "template_render",
            format!(
                "The template cannot be rendered: {}.",
                error.detail().unwrap_or("error")
            ),
        ));
    }
}

/// Renders `text` with `values` (every variable its trigger has). A
/// checked template fails only when it runs out of fuel; then `field`
/// names the part.
pub fn render(text: &TemplateText, values: &BTreeMap<&str, String>) -> Result<Rendered, Invalid> {
    let env = environment();
    let one = |field: &str, source: &str| {
        env.render_str(source, values).map_err(|error| {
            Invalid::field(
                field,
                "template_render",
                format!(
                    "The template could not be rendered: {}.",
                    error.detail().unwrap_or("error")
                ),
            )
        })
    };
    Ok(Rendered {
        subject: text
            .subject
            .as_deref()
            .map(|s| one("subject", s).map(|s| s.trim().to_owned()))
            .transpose()?,
        body: one("body", &text.body)?,
        parameters: text
            .whatsapp_parameters
            .iter()
            .map(|name| values.get(name.as_str()).cloned().unwrap_or_default())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(subject: &str, body: &str) -> TemplateText {
        TemplateText {
            subject: Some(subject.into()),
            body: body.into(),
            dlt_template_id: None,
            whatsapp_name: None,
            whatsapp_parameters: Vec::new(),
        }
    }

    #[test]
    fn an_unknown_variable_is_named() {
        let text = email(
            "Bill {{ invoice_number }}",
            "Dear {{ customer_name }}, {{ balance_due }}",
        );
        let refused =
            check(Trigger::InvoiceIssued, MessageChannel::Email, &text).expect_err("refused");
        assert_eq!(refused.errors()[0].field, "body");
        assert_eq!(refused.errors()[0].code, "unknown_variable");
        assert!(refused.errors()[0].message.contains("balance_due"));
    }

    #[test]
    fn a_known_template_renders_in_any_script() {
        let text = email(
            "बिल {{ invoice_number }}",
            "{{ customer_name }} அவர்களே, மொத்தம் ₹{{ total }}{% if total %}.{% endif %}",
        );
        check(Trigger::InvoiceIssued, MessageChannel::Email, &text).expect("fine");
        let values: BTreeMap<&str, String> = Trigger::InvoiceIssued.sample();
        let out = render(&text, &values).expect("rendered");
        assert_eq!(out.subject.as_deref(), Some("बिल MUM1/INV/2026-27/000042"));
        assert!(
            out.body
                .starts_with("Asha Iyer அவர்களே, மொத்தம் ₹1,16,175.00."),
            "{}",
            out.body
        );
    }

    #[test]
    fn an_sms_has_no_subject_and_bad_syntax_is_said() {
        let text = TemplateText {
            subject: Some("x".into()),
            body: "{{ job_number".into(),
            dlt_template_id: Some("12".into()),
            whatsapp_name: None,
            whatsapp_parameters: Vec::new(),
        };
        let refused = check(Trigger::JobReady, MessageChannel::Sms, &text).expect_err("refused");
        let codes: Vec<_> = refused
            .errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("subject", "not_for_channel"),
                ("dltTemplateId", "format"),
                ("body", "template_syntax")
            ]
        );
    }

    #[test]
    fn a_whatsapp_template_names_the_approved_one_and_fills_it_in_order() {
        let mut text = TemplateText {
            subject: None,
            body: "Dear {{ customer_name }}, our Diwali collection is at {{ branch_name }}.".into(),
            dlt_template_id: None,
            whatsapp_name: None,
            whatsapp_parameters: vec!["customer_name".into(), "invoice_number".into()],
        };
        let refused =
            check(Trigger::Campaign, MessageChannel::Whatsapp, &text).expect_err("refused");
        let codes: Vec<_> = refused
            .errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("whatsappName", "required"),
                ("whatsappParameters[1]", "unknown_variable")
            ]
        );
        text.whatsapp_name = Some("diwali_offer_2026".into());
        text.whatsapp_parameters = vec!["branch_name".into(), "customer_name".into()];
        check(Trigger::Campaign, MessageChannel::Whatsapp, &text).expect("fine");
        let out = render(&text, &Trigger::Campaign.sample()).expect("rendered");
        assert_eq!(out.parameters, ["Mumbai Zaveri Bazaar", "Asha Iyer"]);
        let refused = check(Trigger::Campaign, MessageChannel::Sms, &text).expect_err("refused");
        assert_eq!(refused.errors()[0].code, "not_for_channel");
    }

    #[test]
    fn an_unknown_filter_is_found_when_saved() {
        let text = TemplateText {
            subject: None,
            body: "{{ job_number|shout }}".into(),
            dlt_template_id: None,
            whatsapp_name: None,
            whatsapp_parameters: Vec::new(),
        };
        let refused = check(Trigger::JobReady, MessageChannel::Sms, &text).expect_err("refused");
        assert_eq!(refused.errors()[0].code, "template_render");
    }

    #[test]
    fn a_runaway_template_is_stopped() {
        let text = TemplateText {
            subject: None,
            body: "{% for a in range(10000) %}{% for b in range(10000) %}.{% endfor %}{% endfor %}"
                .into(),
            dlt_template_id: None,
            whatsapp_name: None,
            whatsapp_parameters: Vec::new(),
        };
        let refused = render(&text, &Trigger::JobReady.sample()).expect_err("stopped");
        assert_eq!(refused.errors()[0].code, "template_render");
    }
}
