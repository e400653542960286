//! What each artisan holds of the store's: the challans not yet back in
//! full, the metal still out (what went out less what came back, each
//! metal apart), and how long the oldest has been out. Job-work goods not
//! back within a year become a taxable supply: those out
//! [`SUPPLY_DUE_DAYS`] days or more are counted to be acted on.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Challan, ChallanStatus, fine_of};
use crate::measure::Weight;
use crate::metal::Metal;

/// Days out from which a challan is flagged: a year less a margin to act.
pub const SUPPLY_DUE_DAYS: i64 = 300;

/// Metal of one kind still with an artisan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetalOut {
    pub metal: Metal,
    pub gross_weight: Weight,
    /// At each challan's fineness, stones left out, rounded down.
    pub fine_weight: Weight,
}

/// What one artisan holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outstanding {
    pub artisan_id: uuid::Uuid,
    pub challans: u32,
    pub jobs: u32,
    /// By metal, in the order of [`Metal::ALL`].
    pub metals: Vec<MetalOut>,
    pub oldest_days_out: i64,
    /// Out [`SUPPLY_DUE_DAYS`] or more.
    pub supply_due: u32,
}

impl Challan {
    /// What is still out of it: gross weight and fine weight (the net of
    /// stones not back, at its fineness).
    pub fn still_out(&self) -> (Weight, Weight) {
        if self.status == ChallanStatus::Closed {
            return (Weight::ZERO, Weight::ZERO);
        }
        let (gross_back, stones_back) = self.received();
        let gross = (self.gross_weight - gross_back).max(Weight::ZERO);
        let stones = Weight::of_carats(self.stones) - Weight::of_carats(stones_back);
        let net = (gross - stones.max(Weight::ZERO)).max(Weight::ZERO);
        (gross, fine_of(net, self.fineness))
    }
}

/// What each artisan holds at `now`, of `challans` (closed ones count for
/// nothing), by artisan id.
pub fn outstanding(challans: &[Challan], now: DateTime<Utc>) -> Vec<Outstanding> {
    let mut by_artisan: BTreeMap<uuid::Uuid, Vec<&Challan>> = BTreeMap::new();
    for challan in challans
        .iter()
        .filter(|c| c.status != ChallanStatus::Closed)
    {
        by_artisan
            .entry(challan.artisan_id)
            .or_default()
            .push(challan);
    }
    by_artisan
        .into_iter()
        .map(|(artisan_id, held)| {
            let mut jobs: Vec<uuid::Uuid> = held.iter().map(|c| c.job_id).collect();
            jobs.sort_unstable();
            jobs.dedup();
            let metals = Metal::ALL
                .iter()
                .filter_map(|metal| {
                    let out: Vec<(Weight, Weight)> = held
                        .iter()
                        .filter(|c| c.metal == *metal)
                        .map(|c| c.still_out())
                        .collect();
                    (!out.is_empty()).then(|| MetalOut {
                        metal: *metal,
                        gross_weight: out.iter().map(|o| o.0).sum(),
                        fine_weight: out.iter().map(|o| o.1).sum(),
                    })
                })
                .collect();
            let days: Vec<i64> = held.iter().map(|c| c.days_out(now)).collect();
            Outstanding {
                artisan_id,
                challans: u32::try_from(held.len()).unwrap_or(u32::MAX),
                jobs: u32::try_from(jobs.len()).unwrap_or(u32::MAX),
                metals,
                oldest_days_out: days.iter().copied().max().unwrap_or(0),
                supply_due: u32::try_from(days.iter().filter(|d| **d >= SUPPLY_DUE_DAYS).count())
                    .unwrap_or(u32::MAX),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{ChallanReceipt, ChallanStatus};
    use crate::measure::{Carats, Percent};

    fn challan(metal: Metal, grams: i64, days_ago: i64, now: DateTime<Utc>) -> Challan {
        Challan {
            id: uuid::Uuid::now_v7(),
            number: "MUM1/CHL/2026-27/000001".to_owned(),
            financial_year: "2026-27".to_owned(),
            branch_id: uuid::Uuid::nil(),
            job_id: uuid::Uuid::now_v7(),
            artisan_id: uuid::Uuid::nil(),
            metal,
            fineness: 916,
            gross_weight: Weight::from_units(grams),
            stones: Carats::ZERO,
            allowed_wastage: Percent::from_units(100),
            status: ChallanStatus::Open,
            flagged: false,
            loss_reason: None,
            issued_by: uuid::Uuid::nil(),
            issued_at: now - chrono::Duration::days(days_ago),
            receipts: Vec::new(),
            version: 1,
        }
    }

    #[test]
    fn an_artisan_holds_what_went_out_less_what_came_back_metal_by_metal() {
        let now = Utc::now();
        let chain = challan(Metal::Gold, 12_480, 3, now);
        let mut bangle = challan(Metal::Gold, 10_000, 301, now);
        bangle.status = ChallanStatus::PartlyReceived;
        bangle.receipts.push(ChallanReceipt {
            id: uuid::Uuid::now_v7(),
            challan_id: bangle.id,
            gross_weight: Weight::from_units(4_000),
            stones: Carats::ZERO,
            closes: false,
            received_by: uuid::Uuid::nil(),
            received_at: now,
        });
        let anklet = challan(Metal::Silver, 50_000, 10, now);
        let mut back = challan(Metal::Gold, 5_000, 400, now);
        back.status = ChallanStatus::Closed;
        let report = outstanding(&[chain, bangle, anklet, back], now);
        assert_eq!(report.len(), 1);
        let held = &report[0];
        assert_eq!((held.challans, held.jobs), (3, 3));
        assert_eq!(held.oldest_days_out, 301);
        assert_eq!(held.supply_due, 1);
        assert_eq!(held.metals[0].metal, Metal::Gold);
        assert_eq!(held.metals[0].gross_weight.to_string(), "18.480");
        // 12.480 at 916 is 11.431; 6.000 at 916 is 5.496.
        assert_eq!(held.metals[0].fine_weight.to_string(), "16.927");
        assert_eq!(held.metals[1].metal, Metal::Silver);
    }
}
