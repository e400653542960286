//! The wire types of a job's estimate and of the price list of service
//! work.

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::job::{EstimateLine, EstimateLineKind, JobCard, ServiceTask, estimate_bill};
use jewel_domain::measure::{Money, Weight};
use jewel_domain::metal::Purity;
use jewel_domain::pricing::Supply;
use jewel_services::jobs::estimate::LineAsked;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::wire::price::TaxLineView;
use crate::routes::wire::{
    MetalName, MoneyText, PercentText, PositiveMoneyText, PositiveWeightText, SignedMoneyText,
    WeightText, text,
};

wire_enum! {
    /// `labour` (a task of the price list), `metal` (new metal at the
    /// day's rate), `stone` or `other`.
    EstimateLineKindName mirrors EstimateLineKind {
        Labour = "labour", Metal = "metal", Stone = "stone", Other = "other",
    }
}

/// A task of the price list as the owner or a manager sets it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Clasp replacement", "price": "850.00"}))]
pub struct ServiceTaskFields {
    #[schema(min_length = 1, max_length = 120)]
    pub(crate) name: String,
    /// Before tax, more than 0.
    #[schema(value_type = PositiveMoneyText)]
    pub(crate) price: String,
}

/// A task of the price list.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000d7", "name": "Clasp replacement",
    "price": "850.00", "active": true, "createdAt": "2026-12-06T10:00:00Z"
}))]
pub struct ServiceTaskView {
    id: uuid::Uuid,
    #[schema(max_length = 120)]
    name: String,
    #[schema(value_type = MoneyText)]
    price: String,
    active: bool,
    created_at: DateTime<Utc>,
}

impl From<ServiceTask> for ServiceTaskView {
    fn from(t: ServiceTask) -> Self {
        Self {
            id: t.id,
            name: t.name,
            price: t.price.to_string(),
            active: t.active,
            created_at: t.created_at,
        }
    }
}

/// One line of an estimate as asked: `labour` names its `taskId`;
/// `metal` its `metal`, `fineness` and `weight`; `stone` and `other`
/// their `description` and `amount`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"kind": "metal", "metal": "gold", "fineness": 916, "weight": "0.150"}))]
pub struct EstimateLineFields {
    pub(crate) kind: EstimateLineKindName,
    pub(crate) task_id: Option<uuid::Uuid>,
    #[schema(max_length = 200)]
    pub(crate) description: Option<String>,
    pub(crate) metal: Option<MetalName>,
    #[schema(minimum = 1, maximum = 999)]
    pub(crate) fineness: Option<u16>,
    #[schema(value_type = Option<PositiveWeightText>)]
    pub(crate) weight: Option<String>,
    #[schema(value_type = Option<PositiveMoneyText>)]
    pub(crate) amount: Option<String>,
}

/// An estimate, whole: it replaces the one before.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"lines": [
    {"kind": "labour", "taskId": "01936f0e-0000-7000-8000-0000000000d7"},
    {"kind": "metal", "metal": "gold", "fineness": 916, "weight": "0.150"}
]}))]
pub struct EstimateFields {
    /// 1 to 50 lines.
    #[schema(min_items = 1, max_items = 50)]
    pub(crate) lines: Vec<EstimateLineFields>,
}

impl EstimateFields {
    /// The lines as the service asks for them; the first refusal names
    /// its line's field.
    pub(crate) fn lines(&self) -> Result<Vec<LineAsked>, Invalid> {
        self.lines
            .iter()
            .enumerate()
            .map(|(index, line)| line.asked(index))
            .collect()
    }
}

impl EstimateLineFields {
    fn asked(&self, index: usize) -> Result<LineAsked, Invalid> {
        let at = |name: &str| format!("lines[{index}].{name}");
        let missing = |name: &str| {
            Invalid::field(
                at(name),
                "required",
                format!("needed for a {} line", self.kind_name()),
            )
        };
        let description = self
            .description
            .as_deref()
            .map(|d| text(&at("description"), d, 200))
            .transpose()?;
        let amount = || -> Result<Money, Invalid> {
            let text = self.amount.as_deref().ok_or_else(|| missing("amount"))?;
            let amount = Money::parse(&at("amount"), text)?;
            if amount.is_zero() {
                return Err(Invalid::field(at("amount"), "too_small", "more than 0"));
            }
            Ok(amount)
        };
        Ok(match self.kind {
            EstimateLineKindName::Labour => LineAsked::Labour {
                task_id: self.task_id.ok_or_else(|| missing("taskId"))?,
                description,
            },
            EstimateLineKindName::Metal => {
                let metal = self.metal.ok_or_else(|| missing("metal"))?;
                let fineness = self.fineness.ok_or_else(|| missing("fineness"))?;
                let weight = self.weight.as_deref().ok_or_else(|| missing("weight"))?;
                let weight = Weight::parse(&at("weight"), weight)?;
                if weight.is_zero() {
                    return Err(Invalid::field(at("weight"), "too_small", "more than 0"));
                }
                LineAsked::Metal {
                    purity: Purity::parse(&at("fineness"), metal.into(), fineness)?,
                    weight,
                }
            }
            EstimateLineKindName::Stone => LineAsked::Stone {
                description: description.ok_or_else(|| missing("description"))?,
                amount: amount()?,
            },
            EstimateLineKindName::Other => LineAsked::Other {
                description: description.ok_or_else(|| missing("description"))?,
                amount: amount()?,
            },
        })
    }

    fn kind_name(&self) -> &'static str {
        EstimateLineKind::from(self.kind).as_str()
    }
}

/// A line of an estimate as priced.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "kind": "metal", "description": "gold 916 at 12800.00/g", "taskId": null,
    "metal": "gold", "fineness": 916, "weight": "0.150", "rate": "12800.00",
    "amount": "1920.00", "code": "7113", "taxRate": "3.00"
}))]
pub struct EstimateLineView {
    kind: EstimateLineKindName,
    #[schema(max_length = 200)]
    description: String,
    task_id: Option<uuid::Uuid>,
    metal: Option<MetalName>,
    #[schema(minimum = 1, maximum = 999)]
    fineness: Option<u16>,
    #[schema(value_type = Option<WeightText>)]
    weight: Option<String>,
    /// The day's rate a gram, for new metal.
    #[schema(value_type = Option<MoneyText>)]
    rate: Option<String>,
    /// Before tax.
    #[schema(value_type = MoneyText)]
    amount: String,
    /// HSN 7113 for goods (new metal, stones), SAC 9988 for work.
    #[schema(pattern = "^(7113|9988)$", max_length = 4)]
    code: &'static str,
    #[schema(value_type = PercentText)]
    tax_rate: String,
}

impl From<&EstimateLine> for EstimateLineView {
    fn from(l: &EstimateLine) -> Self {
        Self {
            kind: l.kind.into(),
            description: l.description.clone(),
            task_id: l.task_id,
            metal: l.purity.map(|p| p.metal().into()),
            fineness: l.purity.map(Purity::fineness),
            weight: l.weight.map(|w| w.to_string()),
            rate: l.rate.map(|r| r.to_string()),
            amount: l.amount.to_string(),
            code: l.kind.code(),
            tax_rate: l.tax_rate.to_string(),
        }
    }
}

/// A job's estimate as it stands, priced as a bill is, and whether the
/// customer approved it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "revision": 1, "approved": false, "approvedRevision": 0, "approvedByKind": null,
    "approvedAt": null, "lines": [],
    "taxableValue": "2770.00",
    "taxes": [{"kind": "CGST", "rate": "2.5", "amount": "21.25"},
              {"kind": "SGST", "rate": "2.5", "amount": "21.25"},
              {"kind": "CGST", "rate": "1.5", "amount": "28.80"},
              {"kind": "SGST", "rate": "1.5", "amount": "28.80"}],
    "taxTotal": "100.10", "roundOff": "-0.10", "total": "2870.00"
}))]
pub struct EstimateView {
    /// 1 for the first estimate, one more each change.
    #[schema(minimum = 1)]
    revision: u32,
    /// The customer approved it as it stands.
    approved: bool,
    /// The last revision approved (0: none yet).
    approved_revision: u32,
    /// `staff` (recorded at the counter) or `customer`.
    #[schema(max_length = 16)]
    approved_by_kind: Option<String>,
    approved_at: Option<DateTime<Utc>>,
    #[schema(max_items = 50)]
    lines: Vec<EstimateLineView>,
    #[schema(value_type = MoneyText)]
    taxable_value: String,
    #[schema(max_items = 10)]
    taxes: Vec<TaxLineView>,
    #[schema(value_type = MoneyText)]
    tax_total: String,
    #[schema(value_type = SignedMoneyText)]
    round_off: String,
    #[schema(value_type = MoneyText)]
    total: String,
}

impl EstimateView {
    /// `job`'s estimate of `lines` (its revision as it stands); `None`
    /// before the first.
    pub(crate) fn of(job: &JobCard, lines: &[EstimateLine]) -> Option<Self> {
        if job.estimate_revision == 0 {
            return None;
        }
        let bill = estimate_bill(lines, Supply::WithinState).ok()?;
        Some(Self {
            revision: job.estimate_revision,
            approved: job.estimate_approved(),
            approved_revision: job.approved_revision,
            approved_by_kind: job.approved_by.as_ref().map(|a| a.0.clone()),
            approved_at: job.approved_at,
            lines: lines.iter().map(EstimateLineView::from).collect(),
            taxable_value: bill.taxable_value.to_string(),
            taxes: bill.taxes.iter().map(TaxLineView::from).collect(),
            tax_total: bill.tax_total.to_string(),
            round_off: bill.round_off.to_string(),
            total: bill.total.to_string(),
        })
    }
}
