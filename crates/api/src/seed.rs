//! `jewel-crm seed`: a shop of a given size for the benchmarks, made the
//! same way every time from a seed: branches with their staff, a year of
//! daily metal rates, customers, pieces in stock, the customers' logged
//! calls and visits, and a year of paid bills (pieces sold at the day's
//! rate, and repairs), numbered without gaps per branch and financial year.
//! Rows go in through the repositories' bulk inserts (a few hundred rows a
//! statement), in one transaction per batch.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Days, NaiveDate, TimeDelta, TimeZone, Utc};
use jewel_domain::access::{NewStaffUser, Role};
use jewel_domain::billing::{FinancialYear, invoice_number};
use jewel_domain::branch::{BranchCode, NewBranch, StateCode, TimeZoneName};
use jewel_domain::contact::{Email, HomeCountry, Password, PersonName, Phone};
use jewel_domain::customer::profile::{Preferences, Profile, Source};
use jewel_domain::customer::{InteractionKind, NewCustomer, NewInteraction, Occasions};
use jewel_domain::invoice::{
    BillLine, Invoice, InvoiceStatus, LineKind, LineSnapshot, Payment, PaymentMethod, price_lines,
};
use jewel_domain::measure::{Money, Percent, Weight};
use jewel_domain::metal::{Metal, Purity};
use jewel_domain::metal_rate::{Currency, NewMetalRate, RateSession};
use jewel_domain::piece::{Hallmark, Huid, NewPiece, Piece, PieceStatus, TagNumber, Weights};
use jewel_domain::pricing::{MakingCharge, Supply};
use jewel_persistence::repos::branches::Branches;
use jewel_persistence::repos::customers::Customers;
use jewel_persistence::repos::interactions::Interactions;
use jewel_persistence::repos::invoices::Invoices;
use jewel_persistence::repos::metal_rates::MetalRates;
use jewel_persistence::repos::pieces::Pieces;
use jewel_persistence::repos::staff::Staff;
use jewel_persistence::{Database, begin_writing};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::auth::password;
use jewel_domain::invoice::SAC_SERVICES;

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

const FIRST_NAMES: &[&str] = &[
    "Lakshmi",
    "Meenakshi",
    "Priya",
    "Anitha",
    "Kavya",
    "Divya",
    "Revathi",
    "Sangeetha",
    "Deepa",
    "Gayathri",
    "Nithya",
    "Shalini",
    "Radha",
    "Uma",
    "Vidya",
    "Janani",
    "Aarthi",
    "Bhavani",
    "Saranya",
    "Keerthana",
    "Ravi",
    "Karthik",
    "Suresh",
    "Ramesh",
    "Arun",
    "Vignesh",
    "Senthil",
    "Murugan",
    "Ganesh",
    "Prakash",
    "Rajesh",
    "Sathish",
    "Balaji",
    "Harish",
    "Manoj",
    "Naveen",
    "Anand",
    "Srinivasan",
    "Venkatesh",
    "Dinesh",
];
const FAMILY_NAMES: &[&str] = &[
    "Narayanan",
    "Sundaram",
    "Iyer",
    "Raman",
    "Krishnan",
    "Subramanian",
    "Venkataraman",
    "Rajagopal",
    "Balasubramanian",
    "Chandrasekaran",
    "Ramasamy",
    "Natarajan",
    "Pillai",
    "Menon",
    "Nair",
    "Reddy",
    "Naidu",
    "Rao",
    "Sharma",
    "Gupta",
    "Agarwal",
    "Jain",
    "Shah",
    "Mehta",
    "Patel",
    "Kumar",
    "Murthy",
    "Shetty",
    "Hegde",
    "Kamath",
];
const AREAS: &[&str] = &[
    "T. Nagar",
    "Mylapore",
    "Adyar",
    "Anna Nagar",
    "Velachery",
    "Tambaram",
    "Porur",
    "Madurai",
    "Coimbatore",
    "Tiruchirappalli",
    "Salem",
    "Tirunelveli",
    "Vellore",
    "Erode",
    "Thanjavur",
    "Puducherry",
    "Hosur",
    "Karur",
    "Dindigul",
    "Kumbakonam",
    "Nagercoil",
    "Kanchipuram",
    "Cuddalore",
    "Sivakasi",
    "Pollachi",
];
/// Who works at each branch, and their e-mail's first part.
const BRANCH_STAFF: [(Role, &str); 4] = [
    (Role::Manager, "manager"),
    (Role::Sales, "sales1"),
    (Role::Sales, "sales2"),
    (Role::Accountant, "accounts"),
];
const TAGS: &[&str] = &[
    "bridal",
    "vip",
    "regular",
    "gold scheme",
    "diamond",
    "wholesale",
];
const CATEGORIES: &[(&str, u32, u32)] = &[
    // (category, lightest, heaviest) in tenths of a gram
    ("ring", 20, 80),
    ("chain", 80, 400),
    ("necklace", 150, 900),
    ("bangle", 100, 400),
    ("earrings", 20, 120),
    ("pendant", 15, 80),
    ("bracelet", 60, 250),
    ("anklet", 50, 300),
];

/// Fills an empty database with a shop of `tier`'s size, the same for the
/// same `seed`. Refuses a database that already has branches.
pub async fn seed(database: &Database, tier: Tier, seed: u64) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let db = database.connection();
    let existing = Branches::count(db).await?;
    anyhow::ensure!(
        existing == 0,
        "the database already has {existing} branch(es): seed an empty one"
    );
    let counts = tier.counts();
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

/// What the bills are made of.
struct Shop<'a> {
    branches: &'a [uuid::Uuid],
    codes: &'a [String],
    /// Two per branch, in branch order.
    sales_people: &'a [uuid::Uuid],
    customers: &'a [uuid::Uuid],
    /// Six a day (gold 999, 916, 750; silver 999, 925; platinum 950).
    rates: &'a [NewMetalRate],
}

const SERVICES: &[(&str, i64, i64)] = &[
    // (what, cheapest, dearest) in rupees
    ("Polishing", 200, 1_500),
    ("Ring resizing", 300, 1_200),
    ("Engraving", 250, 800),
    ("Rhodium plating", 500, 2_500),
    ("Chain repair", 150, 900),
    ("Stone setting", 400, 3_000),
];

/// A year of paid bills with about `lines` lines, day by day, numbered in
/// order per branch and financial year; a piece line sells a piece of the
/// branch's stock at that day's rate. Returns how many bills.
async fn bills(
    db: &jewel_persistence::DatabaseConnection,
    rng: &mut ChaCha8Rng,
    shop: &Shop<'_>,
    stock: &mut [Vec<Piece>],
    lines: usize,
    owner: uuid::Uuid,
) -> anyhow::Result<usize> {
    let first_day = Utc
        .with_ymd_and_hms(2025, 11, 21, 4, 30, 0)
        .single()
        .context("a fixed date")?;
    // A piece line sells stock: at most half of it over the year.
    let pieces: usize = stock.iter().map(Vec::len).sum();
    let piece_chance = (
        u32::try_from((pieces / 2).min(lines * 15 / 100)).unwrap_or(u32::MAX),
        u32::try_from(lines.max(1)).unwrap_or(u32::MAX),
    );
    let mut numbers: BTreeMap<(usize, String), i64> = BTreeMap::new();
    let mut batch: Vec<(Invoice, i64)> = Vec::new();
    let mut sold = Vec::new();
    let (mut made_lines, mut made_bills) = (0, 0);
    for day in 0..365_u64 {
        let opening = first_day + Days::new(day);
        // What is left, spread over the days left (two lines a bill on
        // average); the last day makes up what chance left short.
        let days_left = (365 - day) as usize;
        let today = (lines - made_lines).div_ceil(2).div_ceil(days_left).max(1);
        let mut slot = 0;
        while made_lines < lines && (slot < today || day == 364) {
            let at = opening + TimeDelta::seconds((slot.min(today - 1) * 36_000 / today) as i64);
            slot += 1;
            let branch = rng.random_range(0..shop.branches.len());
            let seller = shop.sales_people[branch * 2 + rng.random_range(0..2)];
            let day_rates = &shop.rates[day as usize * 6..day as usize * 6 + 6];
            let wanted = rng.random_range(1..=3_usize).min(lines - made_lines);
            let mut bill_lines = Vec::with_capacity(wanted);
            let mut pieces = Vec::new();
            for _ in 0..wanted {
                let piece = (rng.random_ratio(piece_chance.0, piece_chance.1)
                    && !stock[branch].is_empty())
                .then(|| {
                    let at = rng.random_range(0..stock[branch].len());
                    stock[branch].swap_remove(at)
                });
                bill_lines.push(match piece {
                    Some(piece) => {
                        pieces.push(piece.id);
                        piece_line(&piece, day_rates)
                    }
                    None => service_line(rng),
                });
            }
            let local = (at + TimeDelta::minutes(330)).date_naive();
            let year = FinancialYear::of(local, 4).label(4);
            let number = numbers.entry((branch, year.clone())).or_insert(0);
            *number += 1;
            let invoice = paid_bill(rng, shop, branch, seller, at, &year, *number, bill_lines)?;
            sold.extend(pieces.into_iter().map(|piece| {
                let number = invoice.number.clone().unwrap_or_default();
                (piece, shop.branches[branch], invoice.id, number, at)
            }));
            made_lines += wanted;
            made_bills += 1;
            batch.push((invoice, *number));
            if batch.len() >= BATCH / 2 {
                store_bills(db, &mut batch, &mut sold, owner).await?;
            }
        }
    }
    store_bills(db, &mut batch, &mut sold, owner).await?;
    let transaction = begin_writing(db).await?;
    for ((branch, year), last) in &numbers {
        Invoices::raise_sequence(&transaction, shop.branches[*branch], year, *last).await?;
    }
    Invoices::refresh_all_purchases(&transaction).await?;
    transaction.commit().await?;
    Ok(made_bills)
}

async fn store_bills(
    db: &jewel_persistence::DatabaseConnection,
    batch: &mut Vec<(Invoice, i64)>,
    sold: &mut Vec<(uuid::Uuid, uuid::Uuid, uuid::Uuid, String, DateTime<Utc>)>,
    owner: uuid::Uuid,
) -> anyhow::Result<()> {
    let transaction = begin_writing(db).await?;
    Invoices::insert_issued(&transaction, batch, ("staff", owner)).await?;
    Pieces::sell_many(&transaction, sold, ("staff", owner)).await?;
    transaction.commit().await?;
    batch.clear();
    sold.clear();
    Ok(())
}

/// `piece` as stored on receipt: in stock at its branch.
fn in_stock(id: uuid::Uuid, piece: NewPiece, at: DateTime<Utc>) -> Piece {
    Piece {
        id,
        tag_number: piece.tag_number,
        epc: piece.epc,
        design_id: piece.design_id,
        category: piece.category,
        purity: piece.purity,
        weights: piece.weights,
        stones: piece.stones,
        making: piece.making,
        wastage: piece.wastage,
        other_charges: piece.other_charges,
        hallmark: piece.hallmark,
        cost_price: piece.cost_price,
        branch_id: piece.branch_id,
        status: PieceStatus::InStock,
        reservation: None,
        images: piece.images,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

fn piece_line(piece: &Piece, day_rates: &[NewMetalRate]) -> BillLine {
    let rate = day_rates
        .iter()
        .find(|r| r.purity == piece.purity)
        .map_or(Money::ZERO, |r| r.per_gram);
    BillLine::of_piece(piece, rate, Percent::from_units(300))
}

fn service_line(rng: &mut ChaCha8Rng) -> BillLine {
    let (what, cheapest, dearest) = *SERVICES.choose(rng).unwrap_or(&SERVICES[0]);
    let rupees = rng.random_range(cheapest / 50..=dearest / 50) * 50;
    BillLine {
        kind: LineKind::Service,
        piece_id: None,
        lot_id: None,
        quantity: None,
        description: what.to_owned(),
        hsn: SAC_SERVICES.to_owned(),
        snapshot: LineSnapshot::of_amount(
            what,
            Money::from_units(rupees * 100),
            Percent::from_units(1_800),
        ),
        discount: None,
        discount_amount: Money::ZERO,
        returned_by: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn paid_bill(
    rng: &mut ChaCha8Rng,
    shop: &Shop<'_>,
    branch: usize,
    seller: uuid::Uuid,
    at: DateTime<Utc>,
    year: &str,
    number: i64,
    mut lines: Vec<BillLine>,
) -> anyhow::Result<Invoice> {
    let bill = price_lines(&mut lines, None, Supply::WithinState)
        .map_err(|error| anyhow::anyhow!("pricing a seeded bill: {}", error.into_invalid()))?;
    let method = if bill.total < Money::from_units(20_000_000) && rng.random_ratio(40, 100) {
        PaymentMethod::Cash
    } else {
        *[PaymentMethod::Upi, PaymentMethod::Card]
            .choose(rng)
            .unwrap_or(&PaymentMethod::Upi)
    };
    let id = id_at(rng, at);
    let payment = Payment {
        id: id_at(rng, at),
        method,
        amount: bill.total,
        reference: method.needs_reference().then(|| format!("REF-{number:08}")),
        exchange: None,
        received_by: seller,
        received_at: at,
    };
    Ok(Invoice {
        id,
        branch_id: shop.branches[branch],
        customer_id: rng
            .random_ratio(85, 100)
            .then(|| shop.customers.choose(rng).copied())
            .flatten(),
        quote_id: None,
        status: InvoiceStatus::Paid,
        number: Some(invoice_number(&shop.codes[branch], year, number as u64)),
        financial_year: Some(year.to_owned()),
        place_of_supply: "33".to_owned(),
        supply: Supply::WithinState,
        currency: "INR".to_owned(),
        line_ids: lines.iter().map(|_| id_at(rng, at)).collect(),
        lines,
        discount: None,
        paid: bill.total,
        bill,
        payments: vec![payment],
        credit_notes: Vec::new(),
        approval_needed: false,
        approved_by: None,
        approved_at: None,
        sales_people: vec![seller],
        note: None,
        priced_at: at,
        created_by: seller,
        issued_by: Some(seller),
        issued_at: Some(at),
        cancelled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        version: 3,
        created_at: at,
        updated_at: at,
    })
}
