//! The loyalty rules' worked examples.

use super::*;

fn money(text: &str) -> Money {
    Money::parse("m", text).expect("amount")
}

#[test]
fn the_worked_bill_earns_503_points_and_755_at_one_and_a_half() {
    let programme = Programme::default();
    let taxable = money("50334.72");
    assert_eq!(programme.points(taxable, Factor::from_units(100)), 503);
    assert_eq!(programme.points(taxable, Factor::from_units(150)), 755);
    assert_eq!(programme.points(money("99.99"), Factor::from_units(100)), 0);
}

#[test]
fn coins_and_bullion_earn_nothing_by_default() {
    let programme = Programme::default();
    assert!(!programme.earns(Some("Coin")));
    assert!(!programme.earns(Some("bullion")));
    assert!(programme.earns(Some("ring")));
    assert!(programme.earns(None));
}

#[test]
fn tiers_are_judged_on_qualifying_points() {
    let programme = Programme::default();
    assert_eq!(
        programme.tier_for(0).map(|t| t.name.as_str()),
        Some("Silver")
    );
    assert_eq!(
        programme.tier_for(2_499).map(|t| t.name.as_str()),
        Some("Silver")
    );
    assert_eq!(
        programme.tier_for(2_500).map(|t| t.name.as_str()),
        Some("Gold")
    );
    assert_eq!(
        programme.tier_for(50_000).map(|t| t.name.as_str()),
        Some("Platinum")
    );
    assert_eq!(
        programme.multiplier_of(Some("Gold")),
        Factor::from_units(125)
    );
    assert_eq!(programme.multiplier_of(None), Factor::from_units(100));
}

#[test]
fn a_bad_programme_names_every_field() {
    let mut programme = Programme {
        points_per_100: Factor::ZERO,
        ..Programme::default()
    };
    programme.tiers[1].threshold = 0;
    programme.tiers[2].multiplier = Factor::from_units(50);
    let fields: Vec<String> = programme
        .validate()
        .expect_err("invalid")
        .into_errors()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        ["pointsPer100", "tiers[1].threshold", "tiers[2].multiplier"]
    );
    assert!(Programme::default().validate().is_ok());
}

#[test]
fn spending_draws_the_soonest_to_lapse_first_and_never_pending_points() {
    let at = |day: u32| {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 1, day, 0, 0, 0)
            .single()
            .expect("day")
    };
    let award = |n: u128, remaining, active, expires: Option<u32>| Award {
        entry_id: uuid::Uuid::from_u128(n),
        remaining,
        active_at: at(active),
        expires_at: expires.map(at),
        created_at: at(1),
    };
    let awards = [
        award(1, 100, 1, Some(20)),
        award(2, 50, 1, Some(10)),
        award(3, 500, 30, Some(5)),
    ];
    let now = at(15);
    assert_eq!(
        draw(&awards, 120, now),
        Some(vec![
            (uuid::Uuid::from_u128(2), 50),
            (uuid::Uuid::from_u128(1), 70)
        ])
    );
    assert_eq!(draw(&awards, 151, now), None);
    // Taking back: the earning's own award first, then pending, then active.
    assert_eq!(
        take_back(&awards, 610, Some(uuid::Uuid::from_u128(1)), now),
        vec![
            (uuid::Uuid::from_u128(1), 100),
            (uuid::Uuid::from_u128(3), 500),
            (uuid::Uuid::from_u128(2), 10)
        ]
    );
    assert_eq!(
        take_back(&awards, 1_000, None, now)
            .iter()
            .map(|t| t.1)
            .sum::<i64>(),
        650
    );
}

#[test]
fn points_lapse_by_award_or_all_after_a_quiet_spell() {
    let at = |y: i32, m: u32| {
        chrono::TimeZone::with_ymd_and_hms(&Utc, y, m, 1, 0, 0, 0)
            .single()
            .expect("month")
    };
    let award = |n: u128, remaining, earned: DateTime<Utc>, expires| Award {
        entry_id: uuid::Uuid::from_u128(n),
        remaining,
        active_at: earned,
        expires_at: expires,
        created_at: earned,
    };
    let quiet = Programme::default();
    let awards = [
        award(1, 100, at(2026, 1), None),
        award(2, 0, at(2026, 2), None),
        award(3, 40, at(2026, 3), None),
    ];
    assert!(
        quiet
            .lapsing(&awards, Some(at(2026, 3)), at(2028, 2))
            .is_empty()
    );
    assert_eq!(
        quiet.lapsing(&awards, Some(at(2026, 3)), at(2028, 3)),
        [
            (uuid::Uuid::from_u128(1), 100),
            (uuid::Uuid::from_u128(3), 40)
        ]
    );
    // No earning or spending yet: the newest award stands for it.
    assert_eq!(quiet.lapsing(&awards, None, at(2028, 3)).len(), 2);
    let by_award = Programme {
        expiry: Expiry::PerAward,
        ..Programme::default()
    };
    let awards = [
        award(1, 100, at(2026, 1), by_award.award_expires_at(at(2026, 1))),
        award(3, 40, at(2026, 3), by_award.award_expires_at(at(2026, 3))),
    ];
    assert_eq!(
        by_award.lapsing(&awards, Some(at(2026, 3)), at(2028, 2)),
        [(uuid::Uuid::from_u128(1), 100)]
    );
}

#[test]
fn occasions_look_back_and_a_leap_day_falls_on_the_28th() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
    assert_eq!(
        occasion_days(day(2027, 3, 1), 2),
        [
            (301, day(2027, 3, 1)),
            (228, day(2027, 2, 28)),
            (229, day(2027, 2, 28))
        ]
    );
    assert_eq!(
        occasion_days(day(2028, 2, 29), 1),
        [(229, day(2028, 2, 29))]
    );
    assert_eq!(
        occasion_days(day(2027, 1, 1), 2)[1],
        (1231, day(2026, 12, 31))
    );
}

#[test]
fn a_return_takes_back_its_share_rounded_up() {
    assert_eq!(share(503, money("25167.36"), money("50334.72")), 252);
    assert_eq!(share(503, money("50334.72"), money("50334.72")), 503);
    assert_eq!(share(503, money("0.00"), money("50334.72")), 0);
    assert_eq!(share(503, money("1.00"), money("0.00")), 503);
}
