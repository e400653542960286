//! Devices the mobile apps register for notifications. An app registers
//! its token at every start (it is seen again, or moves to whoever logged
//! in on that phone last); a person keeps at most [`MOST_DEVICES`], the
//! ones seen longest ago going first. Registrations are app plumbing, so
//! they are not in the audit trail.

use chrono::Utc;
use jewel_domain::engagement::device::{Device, Holder, NewDevice, check};
use jewel_persistence::repos::devices::Devices;
use jewel_persistence::repos::schemes::to_second;
use jewel_persistence::{ConnectionTrait, RepoError};

use super::EngagementError;
use crate::Unit;

/// The most devices one person keeps registered.
pub const MOST_DEVICES: usize = 10;

/// Registers `new` for `holder`; the device, and `true` when it is new.
pub async fn register(
    unit: &mut Unit,
    holder: Holder,
    new: &NewDevice,
) -> Result<(Device, bool), EngagementError> {
    check(new)?;
    let txn = unit.txn().await?;
    let (device, created) = Devices::register(txn, holder, new, to_second(Utc::now())).await?;
    for stale in Devices::of(txn, holder).await?.iter().skip(MOST_DEVICES) {
        Devices::remove(txn, holder, stale.id).await?;
    }
    Ok((device, created))
}

/// The registration tokens of `holder`'s devices, the one seen last first.
pub async fn tokens_of(
    db: &impl ConnectionTrait,
    holder: Holder,
) -> Result<Vec<String>, RepoError> {
    Ok(Devices::of(db, holder)
        .await?
        .into_iter()
        .map(|d| d.token)
        .collect())
}

/// `1 device`, `2 devices`: where an app notification went.
pub fn devices_word(count: usize) -> String {
    match count {
        1 => "1 device".to_owned(),
        n => format!("{n} devices"),
    }
}

/// Takes `holder`'s device `id` away; `false` when they have none such.
pub async fn remove(
    unit: &mut Unit,
    holder: Holder,
    id: uuid::Uuid,
) -> Result<bool, EngagementError> {
    Ok(Devices::remove(unit.txn().await?, holder, id).await?)
}
