//! Pieces: receiving stock (one or a supplier's delivery of hundreds), reading
//! and listing pieces, their stock ledger, and the live price with its
//! breakup at the rates in force.

use std::collections::{HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::design::Design;
use jewel_domain::measure::{Carats, Money, Percent, Weight};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::piece::{
    Certificate, Epc, HallmarkRule, Huid, NewPiece, OtherCharge, Piece, PieceStatus, Stone,
    TagNumber, Weights, check_label,
};
use jewel_domain::pricing::{LinearPrice, StonePrice};
use jewel_domain::{FieldError, Invalid, Permission};
use jewel_domain::{Page, PageRequest};
use jewel_persistence::TransactionTrait;
use jewel_persistence::repos::designs::Designs;
use jewel_persistence::repos::pieces::{
    PieceFilter, PieceSort, Pieces, PriceBand, StockMovement, UniqueColumn,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::designs::{ImageAddress, MakingFields, check_images, check_text};
use super::metal_rates::{current_rates, rate_table};
use super::piece_price::live_total;
use super::{
    CaratsText, MetalName, MoneyText, Paged, Pagination, PercentText, WeightText, collect,
    with_etag,
};
use crate::auth::Caller;
use crate::auth::caller::{Authorized, needs};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::idempotency::{self, Answer, IdempotentJson};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(receive_piece)
        .service(receive_pieces)
        .service(list_pieces)
        .service(get_piece)
        .service(piece_movements);
}

wire_enum! {
    /// Where a piece stands.
    PieceStatusName mirrors PieceStatus {
        InStock = "in_stock", Reserved = "reserved", OnApproval = "on_approval",
        Sold = "sold", Returned = "returned", InRepair = "in_repair",
        InTransit = "in_transit", Melted = "melted",
    }
}

/// A grading certificate.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertificateFields {
    /// GIA, IGI, SGL...
    #[schema(max_length = 40)]
    lab: String,
    #[schema(max_length = 40)]
    number: String,
}

/// A stone, or a set of alike stones, with its price: per carat or fixed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "kind": "diamond", "count": 12, "carats": "0.480", "shape": "round", "colour": "G",
    "clarity": "VS1", "cut": "excellent", "certificate": {"lab": "IGI", "number": "LG123456"},
    "pricePerCarat": "65000.00"
}))]
pub struct StoneFields {
    /// diamond, ruby, emerald, pearl, ... (lower-cased).
    #[schema(max_length = 40)]
    kind: String,
    /// How many alike stones; 1 when left out.
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 10000)]
    count: u32,
    /// The carats of all of them together.
    #[schema(value_type = CaratsText)]
    carats: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 40)]
    shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 40)]
    colour: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 40)]
    clarity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 40)]
    cut: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    certificate: Option<CertificateFields>,
    /// The price per carat; give this or `price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MoneyText>)]
    price_per_carat: Option<String>,
    /// One price for these stones; give this or `pricePerCarat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MoneyText>)]
    price: Option<String>,
}

fn one() -> u32 {
    1
}

impl StoneFields {
    fn of(stone: &Stone) -> Self {
        let (price_per_carat, price) = match stone.price {
            StonePrice::PerCarat(rate) => (Some(rate.to_string()), None),
            StonePrice::Fixed(amount) => (None, Some(amount.to_string())),
        };
        Self {
            kind: stone.kind.clone(),
            count: stone.count,
            carats: stone.carats.to_string(),
            shape: stone.shape.clone(),
            colour: stone.colour.clone(),
            clarity: stone.clarity.clone(),
            cut: stone.cut.clone(),
            certificate: stone.certificate.as_ref().map(|c| CertificateFields {
                lab: c.lab.clone(),
                number: c.number.clone(),
            }),
            price_per_carat,
            price,
        }
    }

    fn check(&self, errors: &mut Vec<FieldError>, at: &str) -> Option<Stone> {
        let field = |name: &str| format!("{at}.{name}");
        let mut label = |name: &str, text: Option<&String>| {
            text.and_then(|t| {
                check_label(&field(name), t, 40)
                    .map_err(|e| errors.push(e))
                    .ok()
            })
        };
        let kind = label("kind", Some(&self.kind));
        let shape = label("shape", self.shape.as_ref());
        let colour = label("colour", self.colour.as_ref());
        let clarity = label("clarity", self.clarity.as_ref());
        let cut = label("cut", self.cut.as_ref());
        let certificate = self.certificate.as_ref().and_then(|c| {
            let lab = check_text(errors, &field("certificate.lab"), Some(&c.lab), 40);
            let number = check_text(errors, &field("certificate.number"), Some(&c.number), 40);
            match (lab, number) {
                (Some(lab), Some(number)) => Some(Certificate { lab, number }),
                _ => {
                    errors.push(FieldError::new(
                        field("certificate"),
                        "required",
                        "lab and number",
                    ));
                    None
                }
            }
        });
        if !(1..=10_000).contains(&self.count) {
            errors.push(FieldError::new(field("count"), "range", "1 to 10000"));
        }
        let carats = collect(errors, Carats::parse(&field("carats"), &self.carats));
        let price = match (&self.price_per_carat, &self.price) {
            (Some(rate), None) => collect(errors, Money::parse(&field("pricePerCarat"), rate))
                .map(StonePrice::PerCarat),
            (None, Some(amount)) => {
                collect(errors, Money::parse(&field("price"), amount)).map(StonePrice::Fixed)
            }
            _ => {
                errors.push(FieldError::new(
                    field("pricePerCarat"),
                    "one_of",
                    "give pricePerCarat or price, not both",
                ));
                None
            }
        };
        Some(Stone {
            kind: kind?,
            count: self.count,
            carats: carats?,
            shape,
            colour,
            clarity,
            cut,
            certificate,
            price: price?,
        })
    }
}

/// A charge beyond metal, making and stones.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"label": "hallmarking", "amount": "45.00"}))]
pub struct OtherChargeFields {
    /// hallmarking, certificate, ...
    #[schema(max_length = 40)]
    label: String,
    #[schema(value_type = MoneyText)]
    amount: String,
}

impl OtherChargeFields {
    fn of(charge: &OtherCharge) -> Self {
        Self {
            label: charge.label.clone(),
            amount: charge.amount.to_string(),
        }
    }
}

/// A piece to receive into stock.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "tagNumber": "GN-22-000123", "designId": "01936f0e-0000-7000-8000-0000000000d1",
    "category": "necklace", "metal": "gold", "fineness": 916, "grossWeight": "3.390",
    "making": {"mode": "percent", "value": "16.00"}, "huid": "AB12CD",
    "costPrice": "41000.00", "branchId": "01936f0e-0000-7000-8000-000000000001"
}))]
pub struct PieceFields {
    /// Printed as a barcode; letters, digits and dashes, unique.
    #[schema(max_length = 32, pattern = "^[A-Za-z0-9-]{1,32}$")]
    tag_number: String,
    /// The RFID tag's EPC in hexadecimal; unique.
    #[schema(max_length = 64, pattern = "^[0-9A-Fa-f]{8,64}$")]
    epc: Option<String>,
    /// The design; its category, making and wastage apply unless given here.
    design_id: Option<uuid::Uuid>,
    /// Required without a design.
    #[schema(max_length = 40)]
    category: Option<String>,
    metal: MetalName,
    #[schema(minimum = 375, maximum = 999)]
    fineness: u16,
    #[schema(value_type = WeightText)]
    gross_weight: String,
    /// The stones' weight in grams; their carats at 0.2 g each when left out.
    #[schema(value_type = Option<WeightText>)]
    stone_weight: Option<String>,
    /// As weighed; gross − stones when left out.
    #[schema(value_type = Option<WeightText>)]
    net_weight: Option<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    stones: Vec<StoneFields>,
    /// Required unless the design has one.
    making: Option<MakingFields>,
    /// The design's, or 0, when left out.
    #[schema(value_type = Option<PercentText>)]
    wastage_percent: Option<String>,
    #[serde(default)]
    #[schema(max_items = 10)]
    other_charges: Vec<OtherChargeFields>,
    /// Six upper-case letters and digits; unique. Without one, a piece that
    /// needs a HUID (gold of 2 g or more, by default) is `pending` and
    /// cannot be sold or reserved.
    #[schema(max_length = 6, pattern = "^[A-Z0-9]{6}$")]
    huid: Option<String>,
    /// What the store paid; never shown to the sales role.
    #[schema(value_type = Option<MoneyText>)]
    cost_price: Option<String>,
    branch_id: uuid::Uuid,
    #[serde(default)]
    #[schema(max_items = 10, value_type = Vec<ImageAddress>)]
    images: Vec<String>,
}

impl PieceFields {
    /// The fields of a stored piece: the base of a merge patch.
    pub(crate) fn of(piece: &Piece) -> Self {
        Self {
            tag_number: piece.tag_number.as_str().to_owned(),
            epc: piece.epc.as_ref().map(|e| e.as_str().to_owned()),
            design_id: piece.design_id,
            category: Some(piece.category.clone()),
            metal: piece.purity.metal().into(),
            fineness: piece.purity.fineness(),
            gross_weight: piece.weights.gross.to_string(),
            stone_weight: Some(piece.weights.stones.to_string()),
            net_weight: Some(piece.weights.net.to_string()),
            stones: piece.stones.iter().map(StoneFields::of).collect(),
            making: Some(MakingFields::of(piece.making)),
            wastage_percent: Some(piece.wastage.to_string()),
            other_charges: piece
                .other_charges
                .iter()
                .map(OtherChargeFields::of)
                .collect(),
            huid: piece.hallmark.huid().map(|h| h.as_str().to_owned()),
            cost_price: piece.cost_price.map(|c| c.to_string()),
            branch_id: piece.branch_id,
            images: piece.images.clone(),
        }
    }

    /// The branch the piece is at.
    pub(crate) fn branch_id(&self) -> uuid::Uuid {
        self.branch_id
    }

    /// The design the piece is of.
    pub(crate) fn design_id(&self) -> Option<uuid::Uuid> {
        self.design_id
    }

    /// The piece this describes, with field names as sent.
    pub(crate) fn check(
        &self,
        design: Option<&Design>,
        rule: &HallmarkRule,
    ) -> Result<NewPiece, Invalid> {
        let mut errors = Vec::new();
        let tag_number = collect(&mut errors, TagNumber::parse("tagNumber", &self.tag_number));
        let epc = self
            .epc
            .as_deref()
            .and_then(|e| collect(&mut errors, Epc::parse("epc", e)));
        let category = match (&self.category, design) {
            (Some(category), _) => check_label("category", category, 40)
                .map_err(|e| errors.push(e))
                .ok(),
            (None, Some(design)) => Some(design.category.clone()),
            (None, None) => {
                errors.push(FieldError::new(
                    "category",
                    "required",
                    "required without a design",
                ));
                None
            }
        };
        let purity = collect(
            &mut errors,
            Purity::parse("fineness", self.metal.into(), self.fineness),
        );
        let mut weight = |field: &str, text: Option<&String>| {
            text.and_then(|t| collect(&mut errors, Weight::parse(field, t)))
        };
        let gross = weight("grossWeight", Some(&self.gross_weight));
        let stone_weight = weight("stoneWeight", self.stone_weight.as_ref());
        let net = weight("netWeight", self.net_weight.as_ref());
        if self.stones.len() > 50 {
            errors.push(FieldError::new("stones", "too_many", "at most 50"));
        }
        let stones: Vec<Option<Stone>> = self
            .stones
            .iter()
            .enumerate()
            .map(|(i, s)| s.check(&mut errors, &format!("stones[{i}]")))
            .collect();
        let making = match (&self.making, design.and_then(|d| d.making)) {
            (Some(making), _) => collect(&mut errors, making.check("making")),
            (None, Some(making)) => Some(making),
            (None, None) => {
                errors.push(FieldError::new(
                    "making",
                    "required",
                    "required unless the design has one",
                ));
                None
            }
        };
        let wastage = match (&self.wastage_percent, design.and_then(|d| d.wastage)) {
            (Some(w), _) => collect(&mut errors, Percent::parse_share("wastagePercent", w)),
            (None, design_wastage) => Some(design_wastage.unwrap_or(Percent::ZERO)),
        };
        if self.other_charges.len() > 10 {
            errors.push(FieldError::new("otherCharges", "too_many", "at most 10"));
        }
        let other_charges: Vec<Option<OtherCharge>> = self
            .other_charges
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let label = check_label(&format!("otherCharges[{i}].label"), &c.label, 40)
                    .map_err(|e| errors.push(e))
                    .ok();
                let amount = collect(
                    &mut errors,
                    Money::parse(&format!("otherCharges[{i}].amount"), &c.amount),
                );
                Some(OtherCharge {
                    label: label?,
                    amount: amount?,
                })
            })
            .collect();
        let huid = self
            .huid
            .as_deref()
            .and_then(|h| collect(&mut errors, Huid::parse("huid", h)));
        let cost_price = self
            .cost_price
            .as_deref()
            .and_then(|c| collect(&mut errors, Money::parse("costPrice", c)));
        let images = check_images(&mut errors, &self.images);
        let stones: Option<Vec<Stone>> = stones.into_iter().collect();
        let weights = match (gross, &stones) {
            (Some(gross), Some(stones)) => {
                let carats = stones.iter().map(|s| s.carats).sum();
                collect(
                    &mut errors,
                    Weights::resolve(gross, stone_weight, net, carats),
                )
            }
            _ => None,
        };
        let other_charges: Option<Vec<OtherCharge>> = other_charges.into_iter().collect();
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        match (
            tag_number,
            category,
            purity,
            weights,
            stones,
            making,
            wastage,
            other_charges,
        ) {
            (
                Some(tag_number),
                Some(category),
                Some(purity),
                Some(weights),
                Some(stones),
                Some(making),
                Some(wastage),
                Some(other_charges),
            ) => Ok(NewPiece {
                tag_number,
                epc,
                design_id: self.design_id,
                category,
                purity,
                hallmark: rule.hallmark(purity, weights.gross, huid),
                weights,
                stones,
                making,
                wastage,
                other_charges,
                cost_price,
                branch_id: self.branch_id,
                images,
            }),
            _ => Err(Invalid::field("body", "invalid", "invalid piece")),
        }
    }
}

/// A piece's hallmark: `hallmarked` with its HUID, `exempt`, or `pending`
/// (needs a HUID before it can be sold).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HallmarkView {
    #[schema(pattern = "^(hallmarked|exempt|pending)$", max_length = 10)]
    state: &'static str,
    #[schema(max_length = 6, pattern = "^[A-Z0-9]{6}$")]
    huid: Option<String>,
}

/// A hold on a piece.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReservationView {
    customer_id: uuid::Uuid,
    /// The hold lapses by itself at this time.
    until: DateTime<Utc>,
}

/// A piece.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01936f0e-0000-7000-8000-0000000000e1", "tagNumber": "GN-22-000123",
    "epc": null, "designId": "01936f0e-0000-7000-8000-0000000000d1", "category": "necklace",
    "metal": "gold", "fineness": 916, "grossWeight": "3.390", "stoneWeight": "0.000",
    "netWeight": "3.390", "stones": [], "making": {"mode": "percent", "value": "16.00"},
    "wastagePercent": "0.00", "otherCharges": [],
    "hallmark": {"state": "hallmarked", "huid": "AB12CD"}, "costPrice": "41000.00",
    "branchId": "01936f0e-0000-7000-8000-000000000001", "status": "in_stock",
    "reservation": null, "images": [],
    "version": 1, "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}))]
pub struct PieceView {
    id: uuid::Uuid,
    #[schema(max_length = 32)]
    tag_number: String,
    #[schema(max_length = 64)]
    epc: Option<String>,
    design_id: Option<uuid::Uuid>,
    #[schema(max_length = 40)]
    category: String,
    metal: MetalName,
    #[schema(minimum = 375, maximum = 999)]
    fineness: u16,
    #[schema(value_type = WeightText)]
    gross_weight: String,
    #[schema(value_type = WeightText)]
    stone_weight: String,
    #[schema(value_type = WeightText)]
    net_weight: String,
    #[schema(max_items = 50)]
    stones: Vec<StoneFields>,
    making: MakingFields,
    #[schema(value_type = PercentText)]
    wastage_percent: String,
    #[schema(max_items = 10)]
    other_charges: Vec<OtherChargeFields>,
    hallmark: HallmarkView,
    /// The total at the rates in force now (GST within the state); `null`
    /// without a rate for its metal and fineness. In lists only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MoneyText>)]
    live_price: Option<String>,
    /// Only for callers with `inventory:cost` (owner, manager, accountant).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MoneyText>)]
    cost_price: Option<String>,
    branch_id: uuid::Uuid,
    status: PieceStatusName,
    /// Who the piece is held for and until when, while it is reserved.
    reservation: Option<ReservationView>,
    #[schema(max_items = 10, value_type = Vec<ImageAddress>)]
    images: Vec<String>,
    #[schema(minimum = 1)]
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl PieceView {
    /// The piece as `caller` may see it: cost price only with `inventory:cost`.
    pub fn for_caller(piece: Piece, caller: &Caller) -> Self {
        let sees_cost = caller.require(Permission::InventoryCost).is_ok();
        Self {
            id: piece.id,
            tag_number: piece.tag_number.as_str().to_owned(),
            epc: piece.epc.as_ref().map(|e| e.as_str().to_owned()),
            design_id: piece.design_id,
            metal: piece.purity.metal().into(),
            fineness: piece.purity.fineness(),
            gross_weight: piece.weights.gross.to_string(),
            stone_weight: piece.weights.stones.to_string(),
            net_weight: piece.weights.net.to_string(),
            stones: piece.stones.iter().map(StoneFields::of).collect(),
            making: MakingFields::of(piece.making),
            wastage_percent: piece.wastage.to_string(),
            other_charges: piece
                .other_charges
                .iter()
                .map(OtherChargeFields::of)
                .collect(),
            hallmark: HallmarkView {
                state: piece.hallmark.state(),
                huid: piece.hallmark.huid().map(|h| h.as_str().to_owned()),
            },
            live_price: None,
            cost_price: piece
                .cost_price
                .filter(|_| sees_cost)
                .map(|c| c.to_string()),
            branch_id: piece.branch_id,
            status: piece.status.into(),
            reservation: piece.reservation.map(|r| ReservationView {
                customer_id: r.customer_id,
                until: r.until,
            }),
            category: piece.category,
            images: piece.images,
            version: piece.version,
            created_at: piece.created_at,
            updated_at: piece.updated_at,
        }
    }
}

/// Audits a change of a piece, commits it and answers with the piece as
/// `caller` may see it and its new `ETag`.
pub(crate) async fn changed(
    txn: jewel_persistence::DatabaseTransaction,
    caller: &Caller,
    action: &str,
    before: Piece,
    after: Piece,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = (after.id, after.version);
    let (before, after) = (
        PieceView::for_caller(before, caller),
        PieceView::for_caller(after, caller),
    );
    crate::audit::record(
        &txn,
        caller,
        action,
        "piece",
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(with_etag(version, after))
}

/// The hallmark rule of the settings.
pub(crate) fn hallmark_rule(state: &AppState) -> HallmarkRule {
    HallmarkRule {
        metals: state.pricing.hallmark_metals.clone(),
        exempt_below: state.pricing.hallmark_exempt_below_grams,
    }
}

/// Each piece checked on its own, as sent: the piece, or what is wrong
/// with it (field names without a prefix). Tag numbers, EPCs and HUIDs
/// taken by other pieces or repeated in `fields` are wrong too, with the
/// codes `taken` and `repeated`.
pub(crate) async fn check_pieces(
    state: &AppState,
    caller: &Caller,
    fields: &[PieceFields],
) -> Result<Vec<Result<NewPiece, Vec<FieldError>>>, ApiError> {
    let db = state.database.connection();
    let mut designs: HashMap<uuid::Uuid, Design> = HashMap::new();
    for id in fields
        .iter()
        .filter_map(|f| f.design_id)
        .collect::<HashSet<_>>()
    {
        if let Some(design) = Designs::get(db, id).await? {
            designs.insert(id, design);
        }
    }
    let rule = hallmark_rule(state);
    let mut checked: Vec<Result<NewPiece, Vec<FieldError>>> = fields
        .iter()
        .map(|f| {
            let design = match f.design_id {
                Some(id) => match designs.get(&id) {
                    Some(design) => Some(design),
                    None => {
                        return Err(vec![FieldError::new(
                            "designId",
                            "not_found",
                            "no such design",
                        )]);
                    }
                },
                None => None,
            };
            let mut errors = Vec::new();
            if !caller.acts_in(f.branch_id) {
                errors.push(FieldError::new(
                    "branchId",
                    "out_of_scope",
                    "not one of your branches",
                ));
            }
            match f.check(design, &rule) {
                Ok(piece) if errors.is_empty() => Ok(piece),
                Ok(_) => Err(errors),
                Err(invalid) => {
                    errors.extend(invalid.into_errors());
                    Err(errors)
                }
            }
        })
        .collect();
    let problems = {
        let valid: Vec<(usize, &NewPiece)> = checked
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.as_ref().ok().map(|p| (i, p)))
            .collect();
        unique_problems(db, &valid).await?
    };
    for (i, errors) in problems {
        checked[i] = Err(errors);
    }
    Ok(checked)
}

/// Receives checked pieces, all or none, audited.
pub(crate) async fn store(
    state: &AppState,
    caller: &Caller,
    pieces: &[NewPiece],
) -> Result<Vec<Piece>, ApiError> {
    let txn = state.database.connection().begin().await?;
    let ids = Pieces::receive(&txn, pieces, caller.author()).await?;
    let received = Pieces::many(&txn, &ids).await?;
    crate::audit::record_created(
        &txn,
        caller,
        "receive",
        "piece",
        received
            .iter()
            .map(|p| (p.id, PieceView::for_caller(p.clone(), caller))),
    )
    .await?;
    txn.commit().await?;
    Ok(received)
}

/// Checks a delivery of pieces and receives them, all or none. Errors name
/// `pieces[i].field` when `indexed`: 422 for invalid pieces, 409 when the
/// only trouble is a taken or repeated tag number, EPC or HUID.
async fn receive(
    state: &AppState,
    caller: &Caller,
    fields: &[PieceFields],
    indexed: bool,
) -> Result<Vec<Piece>, ApiError> {
    let checked = check_pieces(state, caller, fields).await?;
    let mut errors = Vec::new();
    let mut pieces = Vec::with_capacity(checked.len());
    for (i, result) in checked.into_iter().enumerate() {
        match result {
            Ok(piece) => pieces.push(piece),
            Err(row) => errors.extend(row.into_iter().map(|mut e| {
                if indexed {
                    e.field = format!("pieces[{i}].{}", e.field);
                }
                e
            })),
        }
    }
    if errors.is_empty() {
        return store(state, caller, &pieces).await;
    }
    if errors
        .iter()
        .all(|e| e.code == "taken" || e.code == "repeated")
    {
        return Err(ApiError::Conflict {
            detail: "a tag number, EPC or HUID is already taken".to_owned(),
            errors,
        });
    }
    Err(Invalid::from_errors(errors)
        .map_or_else(|| ApiError::bad_request("invalid pieces"), ApiError::from))
}

/// Per piece (by its index), the tag numbers, EPCs or HUIDs taken by
/// another piece or repeated among `pieces`.
async fn unique_problems(
    db: &impl jewel_persistence::ConnectionTrait,
    pieces: &[(usize, &NewPiece)],
) -> Result<HashMap<usize, Vec<FieldError>>, ApiError> {
    type Value = fn(&NewPiece) -> Option<String>;
    let columns: [(UniqueColumn, &str, Value); 3] = [
        (UniqueColumn::TagNumber, "tagNumber", |p| {
            Some(p.tag_number.as_str().to_owned())
        }),
        (UniqueColumn::Epc, "epc", |p| {
            p.epc.as_ref().map(|e| e.as_str().to_owned())
        }),
        (UniqueColumn::Huid, "huid", |p| {
            p.hallmark.huid().map(|h| h.as_str().to_owned())
        }),
    ];
    let mut problems: HashMap<usize, Vec<FieldError>> = HashMap::new();
    for (column, field, value) in columns {
        let values: Vec<(usize, String)> = pieces
            .iter()
            .filter_map(|(i, p)| value(p).map(|v| (*i, v)))
            .collect();
        let all: Vec<String> = values.iter().map(|(_, v)| v.clone()).collect();
        let taken: HashSet<String> = Pieces::taken(db, column, &all).await?.into_iter().collect();
        let mut seen = HashSet::new();
        for (i, v) in values {
            let error = if taken.contains(&v) {
                FieldError::new(field, "taken", format!("{v} belongs to another piece"))
            } else if !seen.insert(v.clone()) {
                FieldError::new(field, "repeated", format!("{v} is given twice"))
            } else {
                continue;
            };
            problems.entry(i).or_default().push(error);
        }
    }
    Ok(problems)
}

/// Receive one piece into stock (in stock at its branch, with a receipt in
/// the stock ledger). Needs `inventory:write` (owner, manager).
#[utoipa::path(
    tag = "pieces",
    operation_id = "receivePiece",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = PieceFields,
    responses(
        (status = 201, description = "Received.", body = PieceView),
        (status = 409, description = "The tag number, EPC or HUID belongs to another piece.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/pieces")]
pub async fn receive_piece(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    request: IdempotentJson<PieceFields>,
) -> Result<HttpResponse, ApiError> {
    let body = request.body;
    idempotency::once(&state, &caller, request.key, || async {
        let mut received = receive(&state, &caller, std::slice::from_ref(&body), false).await?;
        let piece = received.pop().ok_or(ApiError::NotFound)?;
        let location = format!("/api/v1/pieces/{}", piece.id);
        Answer::new(
            StatusCode::CREATED,
            Some(location),
            &PieceView::for_caller(piece, &caller),
        )
    })
    .await
}

/// A delivery of pieces, received all or none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"pieces": [
    {"tagNumber": "GR-22-000124", "category": "ring", "metal": "gold", "fineness": 916,
     "grossWeight": "4.250", "making": {"mode": "per_gram", "value": "450.00"},
     "huid": "QW12ER", "costPrice": "52000.00", "branchId": "01936f0e-0000-7000-8000-000000000001"},
    {"tagNumber": "ER-18-000031", "category": "earrings", "metal": "gold", "fineness": 750,
     "grossWeight": "3.120", "stones": [{"kind": "diamond", "count": 12, "carats": "0.480",
     "pricePerCarat": "65000.00"}], "making": {"mode": "percent", "value": "14.00"},
     "huid": "TY34UI", "branchId": "01936f0e-0000-7000-8000-000000000001"}
]}))]
pub struct Delivery {
    #[schema(min_items = 1, max_items = 1000)]
    pieces: Vec<PieceFields>,
}

/// The pieces received, in the order sent.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"pieces": [{
    "id": "01936f0e-0000-7000-8000-0000000000e1", "tagNumber": "GR-22-000124", "epc": null,
    "designId": null, "category": "ring", "metal": "gold", "fineness": 916,
    "grossWeight": "4.250", "stoneWeight": "0.000", "netWeight": "4.250", "stones": [],
    "making": {"mode": "per_gram", "value": "450.00"}, "wastagePercent": "0.00",
    "otherCharges": [], "hallmark": {"state": "hallmarked", "huid": "QW12ER"},
    "costPrice": "52000.00", "branchId": "01936f0e-0000-7000-8000-000000000001",
    "status": "in_stock", "reservation": null, "images": [], "version": 1,
    "createdAt": "2026-11-21T09:30:00Z", "updatedAt": "2026-11-21T09:30:00Z"
}]}))]
pub struct Received {
    #[schema(max_items = 1000)]
    pieces: Vec<PieceView>,
}

/// Receive a supplier's delivery: up to 1,000 pieces in one call, all or
/// none; errors name `pieces[i].field`. Needs `inventory:write`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "receivePieces",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Makes a retry safe: the same key and body within 24 h replay the first answer (with `Idempotent-Replayed: true`) and change nothing; the same key with another body is 422; while the first is still running, 409."),
    ),
    request_body = Delivery,
    responses(
        (status = 201, description = "Received.", body = Received),
        (status = 409, description = "A tag number, EPC or HUID is taken or repeated.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/pieces/deliveries")]
pub async fn receive_pieces(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryWrite>,
    request: IdempotentJson<Delivery>,
) -> Result<HttpResponse, ApiError> {
    let body = request.body;
    if body.pieces.is_empty() || body.pieces.len() > 1000 {
        return Err(Invalid::field("pieces", "count", "1 to 1000 pieces").into());
    }
    idempotency::once(&state, &caller, request.key, || async {
        let received = receive(&state, &caller, &body.pieces, true).await?;
        let pieces = received
            .into_iter()
            .map(|p| PieceView::for_caller(p, &caller))
            .collect();
        Answer::new(StatusCode::CREATED, None, &Received { pieces })
    })
    .await
}

/// Filters of the piece list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PieceQuery {
    branch_id: Option<uuid::Uuid>,
    status: Option<PieceStatusName>,
    #[param(max_length = 40)]
    category: Option<String>,
    metal: Option<MetalName>,
    #[param(minimum = 375, maximum = 999)]
    fineness: Option<u16>,
    design_id: Option<uuid::Uuid>,
    /// Net weight at least this many grams.
    #[param(value_type = Option<WeightText>)]
    min_weight: Option<String>,
    /// Net weight at most this many grams.
    #[param(value_type = Option<WeightText>)]
    max_weight: Option<String>,
    /// Live price (total with GST within the state, at the rates in force)
    /// at least this much. Pieces without a rate have no price and are left
    /// out of price searches.
    #[param(value_type = Option<MoneyText>)]
    min_price: Option<String>,
    /// Live price at most this much.
    #[param(value_type = Option<MoneyText>)]
    max_price: Option<String>,
    /// `received` (the default, oldest first), `weight` or `-weight` (net
    /// weight), `price` or `-price` (live price; lists only pieces with a
    /// rate; pieces within a rupee of each other may come in either order).
    #[param(pattern = "^(received|-?weight|-?price)$", max_length = 8)]
    sort: Option<String>,
}

/// An amount in a query parameter.
fn money(field: &str, text: &Option<String>) -> Result<Option<Money>, ApiError> {
    text.as_deref()
        .map(|t| Money::parse(field, t))
        .transpose()
        .map_err(bad_parameter)
}

/// The taxable-value band in which the live total can fall between `min`
/// and `max`, widened for rounding (see `LinearPrice`).
fn price_band(gst: Percent, min: Option<Money>, max: Option<Money>) -> PriceBand {
    let taxable = |total: Money| LinearPrice::taxable_for_total(total, gst);
    PriceBand {
        min_taxable: min.map(|m| taxable(m) - LinearPrice::SLACK_PAISE),
        max_taxable: max.map(|m| taxable(m) + LinearPrice::SLACK_PAISE),
    }
}

/// A query parameter's parse failure as a 400 naming it.
fn bad_parameter(invalid: Invalid) -> ApiError {
    let error = invalid.into_errors().remove(0);
    ApiError::bad_field(
        format!("{} {}", error.field, error.message),
        error.field,
        error.code,
        error.message,
    )
}

/// List pieces in the caller's branches, filtered. Needs `inventory:read`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "listPieces",
    security(("bearer" = [])),
    params(PieceQuery, Pagination),
    responses((status = 200, description = "One page of pieces.", body = Paged<PieceView>))
)]
#[get("/api/v1/pieces")]
pub async fn list_pieces(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    Query(query): Query<PieceQuery>,
    Query(pagination): Query<Pagination>,
) -> Result<web::Json<Paged<PieceView>>, ApiError> {
    let weight = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| Weight::parse(field, t))
            .transpose()
            .map_err(bad_parameter)
    };
    let branches = match (caller.branch_scope(), query.branch_id) {
        (None, None) => None,
        (None, Some(branch)) => Some(vec![branch]),
        (Some(scope), None) => Some(scope.to_vec()),
        (Some(scope), Some(branch)) => {
            Some(scope.iter().copied().filter(|b| *b == branch).collect())
        }
    };
    let filter = PieceFilter {
        branches,
        status: query.status.map(Into::into),
        category: query.category.map(|c| c.trim().to_lowercase()),
        metal: query.metal.map(Metal::from),
        fineness: query.fineness,
        design_id: query.design_id,
        min_net_weight: weight("minWeight", &query.min_weight)?,
        max_net_weight: weight("maxWeight", &query.max_weight)?,
        price_band: None,
        sort: PieceSort::Received,
    };
    let db = state.database.connection();
    Pieces::release_expired(db, Utc::now()).await?;
    let rates = current_rates(&state).await?;
    let gst = state.pricing.gst_percent;
    let page = pagination.page()?;
    let (min_price, max_price) = (
        money("minPrice", &query.min_price)?,
        money("maxPrice", &query.max_price)?,
    );
    let priced = min_price.is_some() || max_price.is_some();
    let mut filter = filter;
    if priced {
        filter.price_band = Some(price_band(gst, min_price, max_price));
    }
    filter.sort = match query.sort.as_deref() {
        None | Some("received") => PieceSort::Received,
        Some("weight") => PieceSort::NetWeight(false),
        Some("-weight") => PieceSort::NetWeight(true),
        Some("price") => PieceSort::Price(false),
        Some("-price") => PieceSort::Price(true),
        Some(_) => {
            return Err(ApiError::bad_field(
                "sort must be received, weight, -weight, price or -price",
                "sort",
                "invalid",
                "received, weight, -weight, price or -price",
            ));
        }
    };
    if priced || matches!(filter.sort, PieceSort::Price(_)) {
        Pieces::refresh_price_keys(db, &rate_table(&rates)).await?;
    }
    // The band is coarse: price each candidate exactly, reading on until
    // the page is full or the pieces run out.
    let mut kept = Vec::new();
    let mut after = page.after;
    loop {
        let batch = Pieces::list(
            db,
            &filter,
            PageRequest {
                after,
                limit: page.limit,
            },
        )
        .await?;
        let exhausted = batch.next.is_none();
        after = batch.items.last().map(|p| p.id);
        for piece in batch.items {
            let total = live_total(&piece, &rates, gst);
            let in_range = total.is_some_and(|t| {
                min_price.is_none_or(|min| t >= min) && max_price.is_none_or(|max| t <= max)
            });
            if !priced || in_range {
                kept.push((piece, total));
            }
        }
        if exhausted || kept.len() as u64 > page.limit {
            break;
        }
    }
    let page = Page::from_overfetch(kept, page.limit, |(p, _)| p.id);
    Ok(web::Json(Paged::from_page(page, |(piece, total)| {
        let mut view = PieceView::for_caller(piece, &caller);
        view.live_price = total.map(|t| t.to_string());
        view
    })))
}

/// A piece in the caller's branches; 404 otherwise.
pub(crate) async fn visible_piece(
    state: &AppState,
    caller: &Caller,
    id: uuid::Uuid,
) -> Result<Piece, ApiError> {
    let db = state.database.connection();
    Pieces::release_expired(db, Utc::now()).await?;
    Pieces::get(db, id)
        .await?
        .filter(|p| caller.acts_in(p.branch_id))
        .ok_or(ApiError::NotFound)
}

/// Read a piece; its `ETag` is its version. Needs `inventory:read`; the cost
/// price shows only with `inventory:cost`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "getPiece",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The piece's id")),
    responses((status = 200, description = "The piece.", body = PieceView))
)]
#[get("/api/v1/pieces/{id}")]
pub async fn get_piece(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let piece = visible_piece(&state, &caller, *id).await?;
    Ok(with_etag(
        piece.version,
        PieceView::for_caller(piece, &caller),
    ))
}

/// One line of the stock ledger.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MovementView {
    id: uuid::Uuid,
    piece_id: uuid::Uuid,
    /// receipt, transfer_out, transfer_in, sale, return, adjustment, melt, status
    #[schema(max_length = 16)]
    kind: String,
    from_branch_id: Option<uuid::Uuid>,
    to_branch_id: Option<uuid::Uuid>,
    from_status: Option<PieceStatusName>,
    to_status: PieceStatusName,
    #[schema(max_length = 500)]
    reason: Option<String>,
    /// The transfer, bill or audit that moved it.
    reference: Option<uuid::Uuid>,
    /// `staff` or `client`.
    #[schema(max_length = 16)]
    actor_kind: String,
    actor_id: uuid::Uuid,
    at: DateTime<Utc>,
}

impl From<StockMovement> for MovementView {
    fn from(m: StockMovement) -> Self {
        let status = |s: &str| PieceStatus::parse(s).map(PieceStatusName::from);
        Self {
            id: m.id,
            piece_id: m.piece_id,
            from_status: m.from_status.as_deref().and_then(status),
            to_status: status(&m.to_status).unwrap_or(PieceStatusName::InStock),
            kind: m.kind,
            from_branch_id: m.from_branch_id,
            to_branch_id: m.to_branch_id,
            reason: m.reason,
            reference: m.reference,
            actor_kind: m.actor_kind,
            actor_id: m.actor_id,
            at: m.at,
        }
    }
}

/// The stock ledger of one piece.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"movements": [
    {"id": "01936f0e-0000-7000-8000-0000000000f5", "pieceId": "01936f0e-0000-7000-8000-0000000000e1",
     "kind": "receipt", "fromBranchId": null, "toBranchId": "01936f0e-0000-7000-8000-000000000001",
     "fromStatus": null, "toStatus": "in_stock", "reason": null, "reference": null,
     "actorKind": "staff", "actorId": "01936f0e-0000-7000-8000-000000000010",
     "at": "2026-11-21T09:30:00Z"},
    {"id": "01936f0e-0000-7000-8000-0000000000f6", "pieceId": "01936f0e-0000-7000-8000-0000000000e1",
     "kind": "status", "fromBranchId": "01936f0e-0000-7000-8000-000000000001",
     "toBranchId": "01936f0e-0000-7000-8000-000000000001", "fromStatus": "in_stock",
     "toStatus": "reserved", "reason": null, "reference": "01936f0e-0000-7000-8000-0000000000c1",
     "actorKind": "staff", "actorId": "01936f0e-0000-7000-8000-000000000011",
     "at": "2026-11-21T11:00:00Z"}
]}))]
pub struct Ledger {
    /// Oldest first.
    #[schema(max_items = 10000)]
    movements: Vec<MovementView>,
}

/// The stock ledger of a piece, oldest first. Needs `inventory:read`.
#[utoipa::path(
    tag = "pieces",
    operation_id = "listPieceMovements",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The piece's id")),
    responses((status = 200, description = "Every movement of the piece.", body = Ledger))
)]
#[get("/api/v1/pieces/{id}/movements")]
pub async fn piece_movements(
    state: web::Data<AppState>,
    caller: Authorized<needs::InventoryRead>,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<Ledger>, ApiError> {
    let piece = visible_piece(&state, &caller, *id).await?;
    let movements = Pieces::movements(state.database.connection(), piece.id).await?;
    Ok(web::Json(Ledger {
        movements: movements.into_iter().map(MovementView::from).collect(),
    }))
}
