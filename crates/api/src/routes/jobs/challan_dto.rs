//! The wire types of artisans and challans.

use chrono::{DateTime, Utc};
use jewel_domain::Invalid;
use jewel_domain::job::{Artisan, Challan, ChallanReceipt, ChallanStatus};
use jewel_domain::measure::{Carats, Percent, Weight};
use jewel_services::jobs::challans::{Issue, Receipt};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::wire::{MetalName, PercentText, PositiveWeightText, WeightText, collect, text};

wire_enum! {
    /// `open` (nothing back yet), `partly_received` or `closed`
    /// (reconciled).
    ChallanStatusName mirrors ChallanStatus {
        Open = "open", PartlyReceived = "partly_received", Closed = "closed",
    }
}

/// The stones of a challan or a receipt, in carats (none when not given).
fn stones(errors: &mut Vec<jewel_domain::FieldError>, carats: Option<&str>) -> Option<Carats> {
    match carats {
        Some(c) => collect(errors, Carats::parse("stonesCarats", c)),
        None => Some(Carats::ZERO),
    }
}

/// An artisan as registered.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Ramesh Soni", "phone": "9820012345", "defaultWastage": "1.00"}))]
pub struct ArtisanFields {
    #[schema(min_length = 1, max_length = 120)]
    pub(crate) name: String,
    /// 6 to 16 digits, `+`, spaces or `-`; blank for none.
    #[schema(max_length = 16, pattern = "^[0-9+ -]{0,16}$")]
    pub(crate) phone: Option<String>,
    /// The wastage allowed on a challan unless it says otherwise (1.00
    /// when not given).
    #[schema(value_type = Option<PercentText>)]
    pub(crate) default_wastage: Option<String>,
}

impl ArtisanFields {
    pub(crate) fn artisan(&self, now: DateTime<Utc>) -> Result<Artisan, Invalid> {
        let mut errors = Vec::new();
        let name = collect(&mut errors, text("name", &self.name, 120));
        let phone = self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let digits = phone
            .as_deref()
            .map_or(0, |p| p.chars().filter(char::is_ascii_digit).count());
        if phone.is_some() && digits < 6 {
            errors.push(jewel_domain::FieldError::new(
                "phone",
                "format",
                "6 to 16 digits, `+`, spaces or `-`",
            ));
        }
        let wastage = self.default_wastage.as_deref().unwrap_or("1.00");
        let default_wastage = collect(&mut errors, Percent::parse("defaultWastage", wastage));
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        Ok(Artisan {
            id: uuid::Uuid::now_v7(),
            name: name.unwrap_or_default(),
            phone,
            default_wastage: default_wastage.unwrap_or_default(),
            active: true,
            created_at: now,
        })
    }
}

/// An artisan.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000a7", "name": "Ramesh Soni",
    "phone": "9820012345", "defaultWastage": "1.00", "active": true,
    "createdAt": "2026-12-06T10:00:00Z"
}))]
pub struct ArtisanView {
    id: uuid::Uuid,
    #[schema(max_length = 120)]
    name: String,
    #[schema(max_length = 16)]
    phone: Option<String>,
    #[schema(value_type = PercentText)]
    default_wastage: String,
    active: bool,
    created_at: DateTime<Utc>,
}

impl From<Artisan> for ArtisanView {
    fn from(a: Artisan) -> Self {
        Self {
            id: a.id,
            name: a.name,
            phone: a.phone,
            default_wastage: a.default_wastage.to_string(),
            active: a.active,
            created_at: a.created_at,
        }
    }
}

/// Metal of a job issued to an artisan: one metal at one fineness a
/// challan (gold and silver go on two).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "artisanId": "01936f0e-0000-7000-8000-0000000000a7", "metal": "gold", "fineness": 916,
    "grossWeight": "12.480", "stonesCarats": "0.000", "allowedWastage": "1.00"
}))]
pub struct ChallanIssueFields {
    pub(crate) artisan_id: uuid::Uuid,
    pub(crate) metal: MetalName,
    /// As tested, 1 to 999.
    #[schema(minimum = 1, maximum = 999)]
    pub(crate) fineness: u16,
    #[schema(value_type = PositiveWeightText)]
    pub(crate) gross_weight: String,
    /// Stones in it, in carats (none when not given).
    #[schema(value_type = Option<String>, pattern = r"^[0-9]{1,6}(\.[0-9]{1,3})?$", max_length = 10)]
    pub(crate) stones_carats: Option<String>,
    /// The loss allowed, in percent of the metal (the artisan's default
    /// when not given).
    #[schema(value_type = Option<PercentText>)]
    pub(crate) allowed_wastage: Option<String>,
}

impl ChallanIssueFields {
    pub(crate) fn issue(&self) -> Result<Issue, Invalid> {
        let mut errors = Vec::new();
        let gross = collect(
            &mut errors,
            Weight::parse("grossWeight", &self.gross_weight),
        );
        let stones = stones(&mut errors, self.stones_carats.as_deref());
        let allowed = match &self.allowed_wastage {
            Some(w) => collect(&mut errors, Percent::parse("allowedWastage", w)).map(Some),
            None => Some(None),
        };
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        Ok(Issue {
            artisan_id: self.artisan_id,
            metal: self.metal.into(),
            fineness: self.fineness,
            gross_weight: gross.unwrap_or_default(),
            stones: stones.unwrap_or_default(),
            allowed_wastage: allowed.flatten(),
        })
    }
}

/// Part or all of a challan back from the artisan.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"grossWeight": "12.410", "stonesCarats": "0.000", "closes": true}))]
pub struct ChallanReceiptFields {
    #[schema(value_type = WeightText)]
    pub(crate) gross_weight: String,
    #[schema(value_type = Option<String>, pattern = r"^[0-9]{1,6}(\.[0-9]{1,3})?$", max_length = 10)]
    pub(crate) stones_carats: Option<String>,
    /// The last part: the challan is reconciled and closed (the rest of a
    /// part stays open).
    pub(crate) closes: bool,
    /// Why the loss is beyond the allowance (needed then).
    #[schema(max_length = 500)]
    pub(crate) loss_reason: Option<String>,
}

impl ChallanReceiptFields {
    pub(crate) fn receipt(&self) -> Result<Receipt, Invalid> {
        let mut errors = Vec::new();
        let gross = collect(
            &mut errors,
            Weight::parse("grossWeight", &self.gross_weight),
        );
        let stones = stones(&mut errors, self.stones_carats.as_deref());
        let loss_reason = self
            .loss_reason
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .and_then(|r| collect(&mut errors, text("lossReason", r, 500)));
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        Ok(Receipt {
            gross_weight: gross.unwrap_or_default(),
            stones: stones.unwrap_or_default(),
            closes: self.closes,
            loss_reason,
        })
    }
}

/// A receipt of a challan.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "grossWeight": "12.410", "stonesCarats": "0.000", "closes": true,
    "receivedBy": "01936f0e-1111-7000-8000-000000000001", "receivedAt": "2026-12-09T16:00:00Z"
}))]
pub struct ChallanReceiptView {
    #[schema(value_type = WeightText)]
    gross_weight: String,
    #[schema(max_length = 10)]
    stones_carats: String,
    closes: bool,
    received_by: uuid::Uuid,
    received_at: DateTime<Utc>,
}

impl From<&ChallanReceipt> for ChallanReceiptView {
    fn from(r: &ChallanReceipt) -> Self {
        Self {
            gross_weight: r.gross_weight.to_string(),
            stones_carats: r.stones.to_string(),
            closes: r.closes,
            received_by: r.received_by,
            received_at: r.received_at,
        }
    }
}

/// What a closed challan came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"metalLoss": "0.070", "stoneLossCarats": "0.000",
                          "lossPercent": "0.56", "beyondAllowance": false}))]
pub struct ReconciliationView {
    /// The weight gone less the stones gone (0.2 g a carat).
    #[schema(value_type = WeightText)]
    metal_loss: String,
    #[schema(max_length = 10)]
    stone_loss_carats: String,
    /// Of the metal sent.
    #[schema(value_type = PercentText)]
    loss_percent: String,
    beyond_allowance: bool,
}

/// A challan: what went out, what came back, and what it came to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000c9", "number": "MUM1/CHL/2026-27/000001",
    "financialYear": "2026-27", "branchId": "01936f0e-0000-7000-8000-000000000001",
    "jobId": "01936f0e-0000-7000-8000-0000000000f1",
    "artisanId": "01936f0e-0000-7000-8000-0000000000a7", "metal": "gold", "fineness": 916,
    "grossWeight": "12.480", "stonesCarats": "0.000", "netWeight": "12.480",
    "fineWeight": "11.431", "allowedWastage": "1.00", "status": "closed",
    "receivedWeight": "12.410", "receivedStonesCarats": "0.000", "receipts": [],
    "reconciliation": {"metalLoss": "0.070", "stoneLossCarats": "0.000",
                       "lossPercent": "0.56", "beyondAllowance": false},
    "flagged": false, "lossReason": null,
    "issuedBy": "01936f0e-1111-7000-8000-000000000001", "issuedAt": "2026-12-06T11:00:00Z",
    "daysOut": 3, "supplyDue": false, "version": 2
}))]
pub struct ChallanView {
    id: uuid::Uuid,
    #[schema(max_length = 40)]
    number: String,
    #[schema(max_length = 9)]
    financial_year: String,
    branch_id: uuid::Uuid,
    job_id: uuid::Uuid,
    artisan_id: uuid::Uuid,
    metal: MetalName,
    #[schema(minimum = 1, maximum = 999)]
    fineness: u16,
    #[schema(value_type = WeightText)]
    gross_weight: String,
    #[schema(max_length = 10)]
    stones_carats: String,
    /// Without the stones.
    #[schema(value_type = WeightText)]
    net_weight: String,
    /// The net weight at its fineness, rounded down to the milligram.
    #[schema(value_type = WeightText)]
    fine_weight: String,
    #[schema(value_type = PercentText)]
    allowed_wastage: String,
    status: ChallanStatusName,
    #[schema(value_type = WeightText)]
    received_weight: String,
    #[schema(max_length = 10)]
    received_stones_carats: String,
    #[schema(max_items = 100)]
    receipts: Vec<ChallanReceiptView>,
    /// Once closed.
    reconciliation: Option<ReconciliationView>,
    /// The loss went beyond the allowance.
    flagged: bool,
    #[schema(max_length = 500)]
    loss_reason: Option<String>,
    issued_by: uuid::Uuid,
    issued_at: DateTime<Utc>,
    /// Days since it went out.
    days_out: i64,
    /// Out 300 days or more and not back: job-work goods not back within a
    /// year become a taxable supply.
    supply_due: bool,
    #[schema(minimum = 1)]
    version: i32,
}

impl ChallanView {
    pub(crate) fn of(c: &Challan, now: DateTime<Utc>) -> Self {
        let (back, stones_back) = c.received();
        let days_out = c.days_out(now);
        Self {
            id: c.id,
            number: c.number.clone(),
            financial_year: c.financial_year.clone(),
            branch_id: c.branch_id,
            job_id: c.job_id,
            artisan_id: c.artisan_id,
            metal: c.metal.into(),
            fineness: c.fineness,
            gross_weight: c.gross_weight.to_string(),
            stones_carats: c.stones.to_string(),
            net_weight: c.net_weight().to_string(),
            fine_weight: c.fine_weight().to_string(),
            allowed_wastage: c.allowed_wastage.to_string(),
            status: c.status.into(),
            received_weight: back.to_string(),
            received_stones_carats: stones_back.to_string(),
            receipts: c.receipts.iter().map(ChallanReceiptView::from).collect(),
            reconciliation: c.reconciliation().map(|r| ReconciliationView {
                metal_loss: r.metal_loss.to_string(),
                stone_loss_carats: r.stone_loss.to_string(),
                loss_percent: r.loss_percent.to_string(),
                beyond_allowance: r.beyond_allowance,
            }),
            flagged: c.flagged,
            loss_reason: c.loss_reason.clone(),
            issued_by: c.issued_by,
            issued_at: c.issued_at,
            days_out,
            supply_due: c.status != ChallanStatus::Closed && days_out >= 300,
            version: c.version,
        }
    }
}
