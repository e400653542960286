//! `jewel-crm seed`: a shop of a given size for the benchmarks, made the
//! same way every time from a seed: branches with their staff, a year of
//! daily metal rates, customers, pieces in stock, the customers' logged
//! calls and visits, and a year of paid bills (pieces sold at the day's
//! rate, and repairs), numbered without gaps per branch and financial year.
//! Rows go in through the repositories' bulk inserts (a few hundred rows a
//! statement), in one transaction per batch.

mod bills;
mod names;

use bills::*;
use names::*;

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use jewel_domain::access::{NewStaffUser, Role};
use jewel_domain::branch::{BranchCode, NewBranch, StateCode, TimeZoneName};
use jewel_domain::contact::{Email, HomeCountry, Password, PersonName, Phone};
use jewel_domain::customer::profile::{Preferences, Profile, Source};
use jewel_domain::customer::{InteractionKind, NewCustomer, NewInteraction, Occasions};
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::metal_rate::{Currency, NewMetalRate, RateSession};
use jewel_domain::piece::{Hallmark, Huid, NewPiece, Piece, TagNumber, Weights};
use jewel_domain::pricing::MakingCharge;
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::interactions::Interactions;
use jewel_persistence::repos::metal_rates::MetalRates;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::staff::Staff;
use jewel_persistence::{Database, begin_writing};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::auth::password;

/// How big a shop to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tier {
    /// 10 thousand customers, 5 thousand pieces.
    S,
    /// 100 thousand customers, 50 thousand pieces.
    M,
    /// A million customers, 200 thousand pieces.
    L,
    /// A few of everything, for tests.
    Tiny,
}

/// How many of each a tier makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub branches: usize,
    pub customers: usize,
    pub pieces: usize,
    pub interactions: usize,
    /// Lines of paid bills over the year (about two a bill).
    pub invoice_lines: usize,
}

impl Tier {
    pub fn counts(self) -> Counts {
        let (branches, customers, pieces, invoice_lines) = match self {
            Self::Tiny => (2, 40, 20, 60),
            Self::S => (4, 10_000, 5_000, 100_000),
            Self::M => (10, 100_000, 50_000, 1_000_000),
            Self::L => (25, 1_000_000, 200_000, 10_000_000),
        };
        Counts {
            branches,
            customers,
            pieces,
            interactions: customers / 2,
            invoice_lines,
        }
    }
}

/// What was made, and how long it took.
#[derive(Debug)]
pub struct Seeded {
    pub counts: Counts,
    pub staff: usize,
    pub rates: usize,
    pub invoices: usize,
    pub took: Duration,
}

/// Every seeded staff member's password; the owner is `owner@seed.example`.
pub const STAFF_PASSWORD: &str = "seed passphrase 2026";

/// Rows per transaction: big enough to be quick, small enough that an L
/// seed never holds a million rows in memory at once.
const BATCH: usize = 10_000;

/// Fills an empty database with a shop of `tier`'s size, the same for the
/// same `seed`. Refuses a database that already has branches.
pub async fn seed(database: &Database, tier: Tier, seed: u64) -> anyhow::Result<Seeded> {
    seed_counts(database, tier.counts(), seed).await
}

/// [`seed`] with counts of one's own (a test's shop).
pub async fn seed_counts(database: &Database, counts: Counts, seed: u64) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let db = database.connection();
    let existing = Branches::count(db).await?;
    anyhow::ensure!(
        existing == 0,
        "the database already has {existing} branch(es): seed an empty one"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let password_hash = password::hash(&Password::parse("password", STAFF_PASSWORD)?).await?;

    let transaction = begin_writing(db).await?;
    let owner = Staff::create(
        &transaction,
        &NewStaffUser {
            name: PersonName::parse("name", "Seed Owner")?,
            email: Email::parse("email", "owner@seed.example")?,
            phone: None,
            role: Role::Owner,
            branch_ids: Vec::new(),
            password_hash: password_hash.clone(),
        },
    )
    .await?;
    let mut branches = Vec::with_capacity(counts.branches);
    let mut codes = Vec::with_capacity(counts.branches);
    let mut sales_people = Vec::new();
    for number in 1..=counts.branches {
        let area = AREAS[(number - 1) % AREAS.len()];
        let branch = Branches::create(
            &transaction,
            &NewBranch {
                code: BranchCode::parse("code", &format!("B{number:03}"))?,
                name: area.to_owned(),
                address: format!("{number} Big Bazaar Street, {area}"),
                state: StateCode::parse("stateCode", "33")?,
                gstin: None,
                timezone: TimeZoneName::parse("timezone", "Asia/Kolkata")?,
            },
        )
        .await?;
        for (role, who) in BRANCH_STAFF {
            let first = FIRST_NAMES.choose(&mut rng).copied().unwrap_or("Ravi");
            let member = Staff::create(
                &transaction,
                &NewStaffUser {
                    name: PersonName::parse("name", &format!("{first} ({who}, B{number:03})"))?,
                    email: Email::parse("email", &format!("{who}.b{number:03}@seed.example"))?,
                    phone: None,
                    role,
                    branch_ids: vec![branch.id],
                    password_hash: password_hash.clone(),
                },
            )
            .await?;
            if role == Role::Sales {
                sales_people.push(member.id);
            }
        }
        branches.push(branch.id);
        codes.push(branch.code.as_str().to_owned());
    }
    let rates = daily_rates(&mut rng)?;
    MetalRates::set(&transaction, &rates, owner.id).await?;
    transaction.commit().await?;

    let home = HomeCountry::default();
    let mut customer_ids = Vec::with_capacity(counts.customers);
    for start in (0..counts.customers).step_by(BATCH) {
        let end = (start + BATCH).min(counts.customers);
        let batch: Vec<(uuid::Uuid, NewCustomer)> = (start..end)
            .map(|number| {
                let customer = customer(&mut rng, number, &branches, &sales_people, home)?;
                Ok((id_from(&mut rng), customer))
            })
            .collect::<anyhow::Result<_>>()?;
        let transaction = begin_writing(db).await?;
        let rows: Vec<(uuid::Uuid, &NewCustomer)> = batch.iter().map(|(id, c)| (*id, c)).collect();
        Customers::insert_many(&transaction, &rows).await?;
        transaction.commit().await?;
        customer_ids.extend(batch.iter().map(|(id, _)| *id));
    }

    // What each branch has in stock to sell, by its index.
    let mut stock: Vec<Vec<Piece>> = vec![Vec::new(); branches.len()];
    for start in (0..counts.pieces).step_by(BATCH) {
        let end = (start + BATCH).min(counts.pieces);
        let batch: Vec<NewPiece> = (start..end)
            .map(|number| piece(&mut rng, number, &branches))
            .collect::<anyhow::Result<_>>()?;
        let transaction = begin_writing(db).await?;
        let ids = Pieces::receive(&transaction, &batch, ("staff", owner.id)).await?;
        transaction.commit().await?;
        let now = Utc::now();
        for (id, piece) in ids.into_iter().zip(batch) {
            let at = branches
                .iter()
                .position(|b| *b == piece.branch_id)
                .unwrap_or(0);
            stock[at].push(in_stock(id, piece, now));
        }
    }

    for start in (0..counts.interactions).step_by(BATCH) {
        let end = (start + BATCH).min(counts.interactions);
        let rows: Vec<(uuid::Uuid, NewInteraction)> = (start..end)
            .map(|_| {
                (
                    id_from(&mut rng),
                    interaction(&mut rng, &customer_ids, &sales_people),
                )
            })
            .collect();
        let transaction = begin_writing(db).await?;
        Interactions::insert_many(&transaction, &rows).await?;
        transaction.commit().await?;
    }

    let shop = Shop {
        branches: &branches,
        codes: &codes,
        sales_people: &sales_people,
        customers: &customer_ids,
        rates: &rates,
    };
    let invoices = bills(
        db,
        &mut rng,
        &shop,
        &mut stock,
        counts.invoice_lines,
        owner.id,
    )
    .await?;
    // The price keys the catalogue searches by, at the rates in force.
    jewel_services::inventory::refresh_price_keys(db).await?;

    Ok(Seeded {
        counts,
        // The owner and each branch's staff.
        staff: 1 + counts.branches * BRANCH_STAFF.len(),
        rates: rates.len(),
        invoices,
        took: started.elapsed(),
    })
}

/// A UUIDv7 whose time and random bits come from the seeded generator, so
/// the same seed gives the same ids.
fn id_from(rng: &mut ChaCha8Rng) -> uuid::Uuid {
    let millis = rng.random_range(1_735_689_600_000_i64..1_763_683_200_000);
    id_at(
        rng,
        DateTime::from_timestamp_millis(millis).unwrap_or_default(),
    )
}

/// A UUIDv7 of something made at `at` (as the server would have made it,
/// so a year of bills goes in in the order of their keys), its random bits
/// from the seeded generator.
fn id_at(rng: &mut ChaCha8Rng, at: DateTime<Utc>) -> uuid::Uuid {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
    let random: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

/// A year of rates, one a day at 09:30 IST, drifting a little day to day.
fn daily_rates(rng: &mut ChaCha8Rng) -> anyhow::Result<Vec<NewMetalRate>> {
    let first = Utc
        .with_ymd_and_hms(2025, 11, 21, 4, 0, 0)
        .single()
        .context("a fixed date")?;
    let inr = Currency::parse("currency", "INR")?;
    // Per gram of fine (999) metal, in paise.
    let mut gold: i64 = 1_250_000;
    let mut silver: i64 = 9_500;
    let mut platinum: i64 = 320_000;
    let mut rates = Vec::new();
    for day in 0..365_u64 {
        let at = first + Days::new(day);
        gold += rng.random_range(-6_000..=6_500);
        silver += rng.random_range(-60..=65);
        platinum += rng.random_range(-2_000..=2_050);
        for (metal, fine, grades) in [
            (Metal::Gold, gold, &[999_u16, 916, 750][..]),
            (Metal::Silver, silver, &[999, 925][..]),
            (Metal::Platinum, platinum, &[950][..]),
        ] {
            for &fineness in grades {
                rates.push(NewMetalRate {
                    purity: Purity::parse("fineness", metal, fineness)?,
                    per_gram: Money::from_units(fine * i64::from(fineness) / 999),
                    currency: inr.clone(),
                    effective_at: at,
                    session: Some(RateSession::Am),
                    source: Some("IBJA".to_owned()),
                });
            }
        }
    }
    Ok(rates)
}

fn customer(
    rng: &mut ChaCha8Rng,
    number: usize,
    branches: &[uuid::Uuid],
    sales_people: &[uuid::Uuid],
    home: HomeCountry,
) -> anyhow::Result<NewCustomer> {
    let first = FIRST_NAMES.choose(rng).copied().unwrap_or("Lakshmi");
    let family = FAMILY_NAMES.choose(rng).copied().unwrap_or("Iyer");
    // 98 and 8 digits: every number below 10^8 once, scattered.
    let digits = (number as u64 * 48_271 + 11) % 100_000_000;
    let mobile = Phone::parse("mobile", &format!("98{digits:08}"), home)?;
    let born = date_between(rng, 1950, 2004);
    let married = rng
        .random_ratio(60, 100)
        .then(|| date_between(rng, 1975, 2025));
    let mut tags: Vec<String> = TAGS
        .iter()
        .filter(|_| rng.random_ratio(15, 100))
        .map(|t| (*t).to_owned())
        .collect();
    tags.sort();
    Ok(NewCustomer {
        name: PersonName::parse("name", &format!("{first} {family}"))?,
        mobile,
        email: rng
            .random_ratio(40, 100)
            .then(|| {
                Email::parse(
                    "email",
                    &format!("{}.{number}@mail.example", first.to_lowercase()),
                )
            })
            .transpose()?,
        home_branch_id: branches.choose(rng).copied(),
        occasions: Occasions {
            date_of_birth: rng.random_ratio(70, 100).then_some(born),
            anniversary: married,
            spouse_name: None,
            spouse_date_of_birth: None,
            ring_size: None,
        },
        pan: None,
        profile: Profile {
            other_phones: Vec::new(),
            addresses: Vec::new(),
            preferences: Preferences::default(),
            budget_band: None,
            tags,
            notes: None,
            assigned_staff_id: sales_people.choose(rng).copied(),
            source: *[
                Source::WalkIn,
                Source::Referral,
                Source::Website,
                Source::Campaign,
            ]
            .choose(rng)
            .unwrap_or(&Source::WalkIn),
            external_id: None,
        },
    })
}

fn date_between(rng: &mut ChaCha8Rng, from: i32, to: i32) -> NaiveDate {
    let year = rng.random_range(from..=to);
    let ordinal = rng.random_range(1..=365);
    NaiveDate::from_yo_opt(year, ordinal).unwrap_or_default()
}

fn piece(rng: &mut ChaCha8Rng, number: usize, branches: &[uuid::Uuid]) -> anyhow::Result<NewPiece> {
    let (category, lightest, heaviest) = *CATEGORIES.choose(rng).context("categories")?;
    let grams = Weight::from_units(i64::from(rng.random_range(lightest..=heaviest)) * 100);
    let (purity, hallmark) = if rng.random_ratio(85, 100) {
        let fineness = if rng.random_ratio(80, 100) { 916 } else { 750 };
        let huid = Huid::parse("huid", &base36(number as u64 + 36_u64.pow(5)))?;
        (
            Purity::parse("fineness", Metal::Gold, fineness)?,
            Hallmark::Marked(huid),
        )
    } else {
        (
            Purity::parse("fineness", Metal::Silver, 925)?,
            Hallmark::Exempt,
        )
    };
    let making = if rng.random_ratio(70, 100) {
        MakingCharge::PercentOfMetal(Percent::from_units(rng.random_range(800..=1800)))
    } else {
        MakingCharge::PerGram(Money::from_units(rng.random_range(30_000..=90_000)))
    };
    let branch = *branches.choose(rng).context("branches")?;
    Ok(NewPiece {
        tag_number: TagNumber::parse("tagNumber", &format!("SD-{number:07}"))?,
        epc: None,
        design_id: None,
        category: category.to_owned(),
        purity,
        weights: Weights::resolve(grams, None, None, Default::default())?,
        stones: Vec::new(),
        making,
        wastage: Percent::from_units(rng.random_range(0..=600)),
        other_charges: Vec::new(),
        hallmark,
        cost_price: None,
        branch_id: branch,
        images: Vec::new(),
    })
}

/// `n` in 6 upper-case base-36 digits (an HUID's shape).
fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn interaction(
    rng: &mut ChaCha8Rng,
    customers: &[uuid::Uuid],
    sales_people: &[uuid::Uuid],
) -> NewInteraction {
    let kind = *InteractionKind::ALL
        .choose(rng)
        .unwrap_or(&InteractionKind::Visit);
    let at: DateTime<Utc> = Utc
        .timestamp_opt(rng.random_range(1_735_689_600..1_763_683_200), 0)
        .single()
        .unwrap_or_default();
    let summary = match kind {
        InteractionKind::Visit => "Looked at bridal sets; will come back with family",
        InteractionKind::Call => "Asked about today's 22K rate",
        InteractionKind::WhatsApp => "Sent photos of temple necklaces",
        InteractionKind::Email => "Sent the savings scheme brochure",
        _ => "Prefers antique finish",
    };
    NewInteraction {
        customer_id: customers.choose(rng).copied().unwrap_or_default(),
        kind,
        occurred_at: at,
        actor_kind: "staff",
        actor_id: sales_people.choose(rng).copied().unwrap_or_default(),
        summary: summary.to_owned(),
        outcome: None,
    }
}
