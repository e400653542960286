//! The wire types of `inventory::pieces`: what its requests send and its answers show.

use crate::auth::Caller;
use crate::routes::inventory::dto::designs::ImageAddress;
use crate::routes::inventory::dto::designs::{check_images, check_text};
use crate::routes::wire::price::MakingFields;
use crate::routes::{
    wire::CaratsText, wire::MetalName, wire::MoneyText, wire::PercentText, wire::WeightText,
    wire::collect,
};
use chrono::{DateTime, Utc};
use jewel_domain::design::Design;
use jewel_domain::measure::{Carats, Money, Percent, Weight};
use jewel_domain::metal::Purity;
use jewel_domain::piece::{
    Certificate, Epc, HallmarkRule, Huid, NewPiece, OtherCharge, Piece, PieceStatus, Stone,
    TagNumber, Weights, check_label,
};
use jewel_domain::pricing::StonePrice;
use jewel_domain::{FieldError, Invalid, Permission};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) lab: String,
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"[^\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    )]
    pub(crate) number: String,
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
    #[schema(value_type = crate::routes::wire::ShortText)]
    pub(crate) kind: String,
    /// How many alike stones; 1 when left out.
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 10000)]
    pub(crate) count: u32,
    /// The carats of all of them together.
    #[schema(value_type = CaratsText)]
    pub(crate) carats: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::routes::wire::ShortText>)]
    pub(crate) shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::routes::wire::ShortText>)]
    pub(crate) colour: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::routes::wire::ShortText>)]
    pub(crate) clarity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::routes::wire::ShortText>)]
    pub(crate) cut: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) certificate: Option<CertificateFields>,
    /// The price per carat; give this or `price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) price_per_carat: Option<String>,
    /// One price for these stones; give this or `pricePerCarat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) price: Option<String>,
}

impl StoneFields {
    pub(crate) fn of(stone: &Stone) -> Self {
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

    pub(crate) fn check(&self, errors: &mut Vec<FieldError>, at: &str) -> Option<Stone> {
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
    #[schema(value_type = crate::routes::wire::ShortText)]
    pub(crate) label: String,
    #[schema(value_type = MoneyText)]
    pub(crate) amount: String,
}

impl OtherChargeFields {
    pub(crate) fn of(charge: &OtherCharge) -> Self {
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
    pub(crate) tag_number: String,
    /// The RFID tag's EPC in hexadecimal; unique.
    #[schema(max_length = 64, pattern = "^([0-9A-Fa-f]{2}){4,32}$")]
    pub(crate) epc: Option<String>,
    /// The design; its category, making and wastage apply unless given here.
    pub(crate) design_id: Option<uuid::Uuid>,
    /// Required without a design.
    #[schema(value_type = Option<crate::routes::wire::ShortText>)]
    pub(crate) category: Option<String>,
    pub(crate) metal: MetalName,
    #[schema(value_type = crate::routes::wire::Fineness)]
    pub(crate) fineness: u16,
    #[schema(value_type = crate::routes::wire::PositiveWeightText)]
    pub(crate) gross_weight: String,
    /// The stones' weight in grams; their carats at 0.2 g each when left out.
    #[schema(value_type = Option<WeightText>)]
    pub(crate) stone_weight: Option<String>,
    /// As weighed; gross − stones when left out.
    #[schema(value_type = Option<WeightText>)]
    pub(crate) net_weight: Option<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub(crate) stones: Vec<StoneFields>,
    /// Required unless the design has one.
    pub(crate) making: Option<MakingFields>,
    /// The design's, or 0, when left out.
    #[schema(value_type = Option<PercentText>)]
    pub(crate) wastage_percent: Option<String>,
    #[serde(default)]
    #[schema(max_items = 10)]
    pub(crate) other_charges: Vec<OtherChargeFields>,
    /// Six upper-case letters and digits; unique. Without one, a piece that
    /// needs a HUID (gold of 2 g or more, by default) is `pending` and
    /// cannot be sold or reserved.
    #[schema(max_length = 6, pattern = "^[A-Z0-9]{6}$")]
    pub(crate) huid: Option<String>,
    /// What the store paid; never shown to the sales role.
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) cost_price: Option<String>,
    pub(crate) branch_id: uuid::Uuid,
    #[serde(default)]
    #[schema(max_items = 10, value_type = Vec<ImageAddress>)]
    pub(crate) images: Vec<String>,
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
    pub(crate) state: &'static str,
    #[schema(max_length = 6, pattern = "^[A-Z0-9]{6}$")]
    pub(crate) huid: Option<String>,
}

/// A hold on a piece.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReservationView {
    pub(crate) customer_id: uuid::Uuid,
    /// The hold lapses by itself at this time.
    pub(crate) until: DateTime<Utc>,
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
    pub(crate) id: uuid::Uuid,
    #[schema(max_length = 32)]
    pub(crate) tag_number: String,
    #[schema(max_length = 64)]
    pub(crate) epc: Option<String>,
    pub(crate) design_id: Option<uuid::Uuid>,
    #[schema(max_length = 40)]
    pub(crate) category: String,
    pub(crate) metal: MetalName,
    #[schema(minimum = 375, maximum = 999)]
    pub(crate) fineness: u16,
    #[schema(value_type = WeightText)]
    pub(crate) gross_weight: String,
    #[schema(value_type = WeightText)]
    pub(crate) stone_weight: String,
    #[schema(value_type = WeightText)]
    pub(crate) net_weight: String,
    #[schema(max_items = 50)]
    pub(crate) stones: Vec<StoneFields>,
    pub(crate) making: MakingFields,
    #[schema(value_type = PercentText)]
    pub(crate) wastage_percent: String,
    #[schema(max_items = 10)]
    pub(crate) other_charges: Vec<OtherChargeFields>,
    pub(crate) hallmark: HallmarkView,
    /// The total at the rates in force now (GST within the state); `null`
    /// without a rate for its metal and fineness. In lists only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) live_price: Option<String>,
    /// Only for callers with `inventory:cost` (owner, manager, accountant).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<MoneyText>)]
    pub(crate) cost_price: Option<String>,
    pub(crate) branch_id: uuid::Uuid,
    pub(crate) status: PieceStatusName,
    /// Who the piece is held for and until when, while it is reserved.
    pub(crate) reservation: Option<ReservationView>,
    #[schema(max_items = 10, value_type = Vec<ImageAddress>)]
    pub(crate) images: Vec<String>,
    #[schema(minimum = 1)]
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl PieceView {
    /// With the piece's total at the rates in force, as lists show it.
    pub fn with_live_price(self, total: Option<Money>) -> Self {
        Self {
            live_price: total.map(|t| t.to_string()),
            ..self
        }
    }

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

fn one() -> u32 {
    1
}
