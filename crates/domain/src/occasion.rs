//! Occasions: birthdays, wedding anniversaries and spouses' birthdays, the
//! classic reasons for a jeweller to call.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OccasionKind {
    Birthday,
    Anniversary,
    SpouseBirthday,
}

impl OccasionKind {
    pub const ALL: [Self; 3] = [Self::Birthday, Self::Anniversary, Self::SpouseBirthday];
}

/// A date's month and day as one number (`MMDD`; 29 February = 229), the
/// way occasions are indexed.
pub fn month_day(date: NaiveDate) -> i32 {
    i32::try_from(date.month() * 100 + date.day()).unwrap_or(0)
}

/// The inclusive `MMDD` ranges covering `today` and the `days` after it:
/// one range, or two when the window crosses the year end. A 29 February
/// occasion is kept on 28 February in common years, so a window that ends
/// on 28 February of such a year takes in 229 too.
pub fn month_day_ranges(today: NaiveDate, days: u32) -> Vec<(i32, i32)> {
    let days = days.min(365);
    let last = today + chrono::Duration::days(i64::from(days));
    let leap_day_for = |date: NaiveDate, md: i32| {
        if md == 228 && NaiveDate::from_ymd_opt(date.year(), 2, 29).is_none() {
            229
        } else {
            md
        }
    };
    let (start, end) = (month_day(today), leap_day_for(last, month_day(last)));
    if days >= 365 {
        vec![(101, 1231)]
    } else if last.year() == today.year() {
        vec![(start, end)]
    } else {
        vec![(start, 1231), (101, end)]
    }
}

/// When an occasion on `md` next falls, on or after `today` (29 February
/// is kept on 28 February in common years).
pub fn next_on(md: i32, today: NaiveDate) -> Option<NaiveDate> {
    let (month, day) = (u32::try_from(md / 100).ok()?, u32::try_from(md % 100).ok()?);
    let on = |year: i32| {
        NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
            (month == 2 && day == 29)
                .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
                .flatten()
        })
    };
    let this_year = on(today.year())?;
    if this_year >= today {
        Some(this_year)
    } else {
        on(today.year() + 1)
    }
}

/// A ring size as jewellers write it (Indian `14`, US `7.5`, UK `N`):
/// 1 to 8 letters, digits or a point.
pub fn parse_ring_size(field: &str, text: &str) -> Result<String, crate::Invalid> {
    let text = text.trim();
    if (1..=8).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
    {
        Ok(text.to_uppercase())
    } else {
        Err(crate::Invalid::field(
            field,
            "format",
            "1 to 8 letters, digits or a point, such as 14 or 7.5",
        ))
    }
}

/// A date an occasion is kept on must be in the past (a birthday, a wedding).
pub fn parse_past_date(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, crate::Invalid> {
    if date > today {
        Err(crate::Invalid::field(
            field,
            "future",
            "must not be in the future",
        ))
    } else {
        Ok(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    #[test]
    fn windows_split_at_the_year_end() {
        assert_eq!(month_day_ranges(date(2026, 11, 21), 7), [(1121, 1128)]);
        assert_eq!(
            month_day_ranges(date(2026, 12, 28), 7),
            [(1228, 1231), (101, 104)]
        );
        assert_eq!(
            month_day_ranges(date(2026, 2, 21), 7),
            [(221, 229)],
            "28 Feb 2026 takes in 29 Feb"
        );
        assert_eq!(
            month_day_ranges(date(2028, 2, 21), 7),
            [(221, 228)],
            "2028 has its own 29 Feb"
        );
        assert_eq!(month_day_ranges(date(2026, 5, 1), 400), [(101, 1231)]);
    }

    #[test]
    fn the_next_occasion_wraps_and_keeps_leap_days() {
        assert_eq!(next_on(1125, date(2026, 11, 21)), Some(date(2026, 11, 25)));
        assert_eq!(next_on(102, date(2026, 12, 28)), Some(date(2027, 1, 2)));
        assert_eq!(next_on(229, date(2026, 2, 21)), Some(date(2026, 2, 28)));
        assert_eq!(next_on(229, date(2028, 2, 21)), Some(date(2028, 2, 29)));
        assert_eq!(
            next_on(1121, date(2026, 11, 21)),
            Some(date(2026, 11, 21)),
            "today counts"
        );
    }

    #[test]
    fn ring_sizes_and_past_dates() {
        assert_eq!(parse_ring_size("ringSize", " 7.5 ").expect("valid"), "7.5");
        assert!(parse_ring_size("ringSize", "seven and a half").is_err());
        assert!(parse_past_date("dateOfBirth", date(2030, 1, 1), date(2026, 11, 21)).is_err());
    }
}
