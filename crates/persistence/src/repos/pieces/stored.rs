//! A piece to and from its rows: the row of a new piece, a ledger line of a
//! move, and rows read back into the domain's piece and ledger lines (stones
//! and other charges kept as JSON).

use chrono::{DateTime, Utc};
use jewel_domain::measure::{Carats, Money, Percent, Weight};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::movement::MovementKind;
use jewel_domain::piece::{
    Certificate, Epc, Hallmark, Huid, NewPiece, OtherCharge, Piece, PieceStatus, Reservation,
    Stone, TagNumber, Weights,
};
use jewel_domain::pricing::{MakingCharge, MakingMode, StonePrice};
use sea_orm::ActiveValue::Set;
use serde::{Deserialize, Serialize};

use super::*;
use crate::entities::pieces::{self, Model};
use crate::entities::stock_movements;
use crate::error::{RepoError, uuid_of};
use crate::repos::designs::{images_json, images_of};

pub(super) fn movement(
    piece: uuid::Uuid,
    kind: MovementKind,
    (from_branch, to_branch): (Option<uuid::Uuid>, Option<uuid::Uuid>),
    (from_status, to_status): (Option<PieceStatus>, PieceStatus),
    reason: Option<String>,
    (actor_kind, actor_id): Actor,
    at: DateTime<Utc>,
) -> stock_movements::ActiveModel {
    stock_movements::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        piece_id: Set(piece.to_string()),
        kind: Set(kind.as_str().to_owned()),
        from_branch_id: Set(from_branch.map(|b| b.to_string())),
        to_branch_id: Set(to_branch.map(|b| b.to_string())),
        from_status: Set(from_status.map(|s| s.as_str().to_owned())),
        to_status: Set(to_status.as_str().to_owned()),
        reason: Set(reason),
        reference: Set(None),
        actor_kind: Set(actor_kind.to_owned()),
        actor_id: Set(actor_id.to_string()),
        at: Set(at),
    }
}

/// A stone as kept in the piece's `stones` column.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StoredStone {
    kind: String,
    count: u32,
    /// Thousandths of a carat.
    carats: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    colour: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    clarity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cut: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    certificate: Option<Certificate>,
    /// Paise per carat, or for the stones when `fixed`.
    price: i64,
    fixed: bool,
}

#[derive(Serialize, Deserialize)]
pub(super) struct StoredCharge {
    label: String,
    /// Paise.
    amount: i64,
}

pub(super) fn active_model(
    id: uuid::Uuid,
    piece: &NewPiece,
    now: DateTime<Utc>,
) -> pieces::ActiveModel {
    let stones: Vec<StoredStone> = piece
        .stones
        .iter()
        .map(|s| {
            let (price, fixed) = match s.price {
                StonePrice::PerCarat(rate) => (rate.units(), false),
                StonePrice::Fixed(amount) => (amount.units(), true),
            };
            StoredStone {
                kind: s.kind.clone(),
                count: s.count,
                carats: s.carats.units(),
                shape: s.shape.clone(),
                colour: s.colour.clone(),
                clarity: s.clarity.clone(),
                cut: s.cut.clone(),
                certificate: s.certificate.clone(),
                price,
                fixed,
            }
        })
        .collect();
    let charges: Vec<StoredCharge> = piece
        .other_charges
        .iter()
        .map(|c| StoredCharge {
            label: c.label.clone(),
            amount: c.amount.units(),
        })
        .collect();
    pieces::ActiveModel {
        id: Set(id.to_string()),
        tag_number: Set(piece.tag_number.as_str().to_owned()),
        epc: Set(piece.epc.as_ref().map(|e| e.as_str().to_owned())),
        design_id: Set(piece.design_id.map(|d| d.to_string())),
        category: Set(piece.category.clone()),
        metal: Set(piece.purity.metal().as_str().to_owned()),
        fineness: Set(piece.purity.fineness() as i16),
        gross_weight: Set(piece.weights.gross.units()),
        stone_weight: Set(piece.weights.stones.units()),
        net_weight: Set(piece.weights.net.units()),
        stones: Set(serde_json::to_string(&stones).unwrap_or_else(|_| "[]".to_owned())),
        making_mode: Set(piece.making.mode().as_str().to_owned()),
        making_value: Set(piece.making.hundredths()),
        wastage: Set(piece.wastage.units()),
        other_charges: Set(serde_json::to_string(&charges).unwrap_or_else(|_| "[]".to_owned())),
        hallmark: Set(piece.hallmark.state().to_owned()),
        huid: Set(piece.hallmark.huid().map(|h| h.as_str().to_owned())),
        cost_price: Set(piece.cost_price.map(Money::units)),
        branch_id: Set(piece.branch_id.to_string()),
        status: Set(PieceStatus::InStock.as_str().to_owned()),
        images: Set(images_json(&piece.images)),
        version: Set(1),
        reserved_for_id: Set(None),
        reserved_until: Set(None),
        price_coefficient: Set(piece.price_line().coefficient),
        price_fixed: Set(piece.price_line().fixed),
        // Reckoned by the caller at the rates in force.
        price_key: Set(None),
        price_key_rate: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

pub(super) fn into_piece(model: Model) -> Result<Piece, RepoError> {
    let corrupt = |what: &str| {
        RepoError::Database(sea_orm::DbErr::Type(format!(
            "piece {}: stored {what}",
            model.id
        )))
    };
    let metal = Metal::parse(&model.metal).ok_or_else(|| corrupt("metal"))?;
    let fineness = u16::try_from(model.fineness).map_err(|_| corrupt("fineness"))?;
    let purity = Purity::parse("fineness", metal, fineness).map_err(|_| corrupt("fineness"))?;
    let stones: Vec<StoredStone> =
        serde_json::from_str(&model.stones).map_err(|_| corrupt("stones"))?;
    let charges: Vec<StoredCharge> =
        serde_json::from_str(&model.other_charges).map_err(|_| corrupt("other charges"))?;
    let mode = MakingMode::parse(&model.making_mode).ok_or_else(|| corrupt("making mode"))?;
    let hallmark = match (model.hallmark.as_str(), &model.huid) {
        ("hallmarked", Some(huid)) => {
            Hallmark::Marked(Huid::parse("huid", huid).map_err(|_| corrupt("huid"))?)
        }
        ("exempt", None) => Hallmark::Exempt,
        ("pending", None) => Hallmark::Pending,
        _ => return Err(corrupt("hallmark")),
    };
    let status = PieceStatus::parse(&model.status).ok_or_else(|| corrupt("status"))?;
    let tag_number =
        TagNumber::parse("tagNumber", &model.tag_number).map_err(|_| corrupt("tag number"))?;
    let epc = match &model.epc {
        Some(epc) => Some(Epc::parse("epc", epc).map_err(|_| corrupt("epc"))?),
        None => None,
    };
    Ok(Piece {
        id: uuid_of(&model.id)?,
        tag_number,
        epc,
        design_id: model.design_id.as_deref().map(uuid_of).transpose()?,
        category: model.category.clone(),
        purity,
        weights: Weights {
            gross: Weight::from_units(model.gross_weight),
            stones: Weight::from_units(model.stone_weight),
            net: Weight::from_units(model.net_weight),
        },
        stones: stones
            .into_iter()
            .map(|s| Stone {
                kind: s.kind,
                count: s.count,
                carats: Carats::from_units(s.carats),
                shape: s.shape,
                colour: s.colour,
                clarity: s.clarity,
                cut: s.cut,
                certificate: s.certificate,
                price: if s.fixed {
                    StonePrice::Fixed(Money::from_units(s.price))
                } else {
                    StonePrice::PerCarat(Money::from_units(s.price))
                },
            })
            .collect(),
        making: MakingCharge::from_parts(mode, model.making_value),
        wastage: Percent::from_units(model.wastage),
        other_charges: charges
            .into_iter()
            .map(|c| OtherCharge {
                label: c.label,
                amount: Money::from_units(c.amount),
            })
            .collect(),
        hallmark,
        cost_price: model.cost_price.map(Money::from_units),
        branch_id: uuid_of(&model.branch_id)?,
        status,
        reservation: match (&model.reserved_for_id, model.reserved_until) {
            (Some(customer), Some(until)) => Some(Reservation {
                customer_id: uuid_of(customer)?,
                until,
            }),
            _ => None,
        },
        images: images_of(&model.id, &model.images)?,
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

pub(super) fn into_movement(model: stock_movements::Model) -> Result<StockMovement, RepoError> {
    Ok(StockMovement {
        id: uuid_of(&model.id)?,
        piece_id: uuid_of(&model.piece_id)?,
        kind: model.kind,
        from_branch_id: model.from_branch_id.as_deref().map(uuid_of).transpose()?,
        to_branch_id: model.to_branch_id.as_deref().map(uuid_of).transpose()?,
        from_status: model.from_status,
        to_status: model.to_status,
        reason: model.reason,
        reference: model.reference.as_deref().map(uuid_of).transpose()?,
        actor_kind: model.actor_kind,
        actor_id: uuid_of(&model.actor_id)?,
        at: model.at,
    })
}
