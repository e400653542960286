//! Customers: the people the business sells to, one per mobile number.

pub mod consent;
mod interaction;
pub mod profile;

use unicode_segmentation::UnicodeSegmentation;

pub use interaction::*;
pub use profile::{Address, BudgetBand, Preferences, Profile, Source};

/// A customer's purchases at a glance: issued bills not cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purchases {
    pub count: u32,
    /// What the bills came to, less what was returned.
    pub lifetime_value: crate::measure::Money,
    pub last_purchase_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A customer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: uuid::Uuid,
    pub name: String,
    /// E.164, unique.
    pub mobile: String,
    pub email: Option<String>,
    pub home_branch_id: Option<uuid::Uuid>,
    pub occasions: Occasions,
    /// Sealed as kept at rest; views decide who sees it opened.
    pub pan: Option<SealedPan>,
    pub profile: Profile,
    /// Archived customers are left out of lists and searches.
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Set when this record was merged into another: the survivor.
    pub merged_into: Option<uuid::Uuid>,
    /// Set when the person's data was erased.
    pub erased_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Issued bills not cancelled, kept by the billing transactions.
    pub purchases: Purchases,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Customer {
    /// Whether the customer already holds every field of `new` (a sealed
    /// PAN compared by its keyed hash): writing `new` would change nothing.
    pub fn holds(&self, new: &NewCustomer) -> bool {
        let same_pan = match (&self.pan, &new.pan) {
            (None, None) => true,
            (Some(kept), Some(given)) => kept.lookup == given.lookup,
            _ => false,
        };
        self.name == new.name.as_str()
            && self.mobile == new.mobile.as_str()
            && self.email.as_deref() == new.email.as_ref().map(crate::contact::Email::as_str)
            && self.home_branch_id == new.home_branch_id
            && self.occasions == new.occasions
            && self.profile == new.profile
            && same_pan
    }
}

/// A PAN (permanent account number): five letters, four digits, a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pan(String);

impl Pan {
    pub fn parse(field: &str, text: &str) -> Result<Self, crate::Invalid> {
        let text = text.trim().to_uppercase();
        let b = text.as_bytes();
        let valid = b.len() == 10
            && b[..5].iter().all(u8::is_ascii_uppercase)
            && b[5..9].iter().all(u8::is_ascii_digit)
            && b[9].is_ascii_uppercase();
        if valid {
            Ok(Self(text))
        } else {
            Err(crate::Invalid::field(
                field,
                "format",
                "a PAN such as ABCDE1234F",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A PAN as it is kept at rest: encrypted with an authenticated cipher
/// (`sealed`, which names the key that sealed it), a keyed hash for exact
/// look-ups, and the last four characters everyone who sees the customer
/// may see (`XXXXXX234F`). Only the holder of the key opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedPan {
    pub sealed: String,
    pub lookup: String,
    pub last_four: String,
}

impl SealedPan {
    /// The PAN as shown to someone who may not see it whole.
    pub fn masked(&self) -> String {
        format!("XXXXXX{}", self.last_four)
    }
}

/// A stored PAN as shown to someone who may not see it whole: the last four
/// characters only (`XXXXXX234F`).
pub fn masked_pan(pan: &str) -> String {
    let keep = pan.chars().count().saturating_sub(4);
    pan.chars()
        .enumerate()
        .map(|(i, c)| if i < keep { 'X' } else { c })
        .collect()
}

/// The dates and sizes a jeweller keeps for clienteling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Occasions {
    pub date_of_birth: Option<chrono::NaiveDate>,
    pub anniversary: Option<chrono::NaiveDate>,
    pub spouse_name: Option<String>,
    pub spouse_date_of_birth: Option<chrono::NaiveDate>,
    pub ring_size: Option<String>,
}

/// A customer to add, every field already valid.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: crate::contact::PersonName,
    pub mobile: crate::contact::Phone,
    pub email: Option<crate::contact::Email>,
    pub home_branch_id: Option<uuid::Uuid>,
    pub occasions: Occasions,
    /// Sealed already: a PAN is never held open longer than a request.
    pub pan: Option<SealedPan>,
    pub profile: Profile,
}

/// What a quick-search box asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerQuery {
    /// The last 4 to 9 digits of a mobile number, reversed (how they are indexed).
    MobileEnding(String),
    /// A whole mobile number.
    Mobile(crate::contact::Phone),
    /// An e-mail address (lower case).
    Email(String),
    /// Prefixes of words of the name, each at least 2 characters.
    NameWords(Vec<String>),
}

impl CustomerQuery {
    /// Reads what a sales person typed: digits are a mobile number or its
    /// ending, an `@` makes an e-mail, anything else is words of the name.
    pub fn parse(
        field: &str,
        text: &str,
        home: crate::contact::HomeCountry,
    ) -> Result<Self, crate::Invalid> {
        let text = text.trim();
        if text.contains('@') {
            return Ok(Self::Email(text.to_lowercase()));
        }
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '+'))
            .collect();
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            return match digits.len() {
                0..=3 => Err(crate::Invalid::field(
                    field,
                    "too_short",
                    "at least the last 4 digits of a mobile number",
                )),
                4..=9 => Ok(Self::MobileEnding(digits.chars().rev().collect())),
                _ => crate::contact::Phone::parse(field, text, home).map(Self::Mobile),
            };
        }
        let words = search_terms(text);
        if words.is_empty() || words.iter().any(|w| w.graphemes(true).count() < 2) {
            return Err(crate::Invalid::field(
                field,
                "too_short",
                "words of at least 2 letters, 4 or more digits of a mobile, or an e-mail",
            ));
        }
        Ok(Self::NameWords(words))
    }
}

/// The most characters (code points) an indexed word keeps.
const TERM_CHARS: usize = 64;

/// The lower-cased words of a name, as indexed for search.
///
/// A word is a run of grapheme clusters that each begin with a letter or a
/// digit, so a vowel sign, a virama or a joiner stays with the letter it
/// belongs to (`லக்ஷ்மி`, `लक्ष्मी` are one word each, not four). A word
/// keeps at most 64 characters, cut between clusters, never inside one.
pub fn search_terms(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut terms = Vec::new();
    let mut word = String::new();
    // Characters in the word so far; `None` once a cluster did not fit.
    let mut chars = Some(0);
    for cluster in lower.graphemes(true) {
        if cluster.chars().next().is_some_and(char::is_alphanumeric) {
            let count = cluster.chars().count();
            chars = chars.map(|n| n + count).filter(|&n| n <= TERM_CHARS);
            if chars.is_some() {
                word.push_str(cluster);
            }
        } else {
            if !word.is_empty() {
                terms.push(std::mem::take(&mut word));
            }
            chars = Some(0);
        }
    }
    if !word.is_empty() {
        terms.push(word);
    }
    terms.sort();
    terms.dedup();
    terms
}

/// The mobile number as indexed for "ends with" searches.
pub fn reversed_mobile(mobile: &str) -> String {
    mobile.chars().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::HomeCountry;

    #[test]
    fn quick_search_reads_digits_words_and_emails() {
        assert_eq!(
            CustomerQuery::parse("q", "3210", HomeCountry::INDIA).expect("valid"),
            CustomerQuery::MobileEnding("0123".to_owned())
        );
        assert!(
            matches!(CustomerQuery::parse("q", "98765 43210", HomeCountry::INDIA), Ok(CustomerQuery::Mobile(p)) if p.as_str() == "+919876543210")
        );
        assert_eq!(
            CustomerQuery::parse("q", " Lakshmi@Example.com ", HomeCountry::INDIA).expect("valid"),
            CustomerQuery::Email("lakshmi@example.com".to_owned())
        );
        assert_eq!(
            CustomerQuery::parse("q", "Nara Lak", HomeCountry::INDIA).expect("valid"),
            CustomerQuery::NameWords(vec!["lak".to_owned(), "nara".to_owned()])
        );
        assert!(CustomerQuery::parse("q", "12", HomeCountry::INDIA).is_err());
        assert!(CustomerQuery::parse("q", "a", HomeCountry::INDIA).is_err());
        assert!(CustomerQuery::parse("q", "   ", HomeCountry::INDIA).is_err());
    }

    /// A name in each of these scripts is one word per word, and a
    /// conjunct counts as the letters a reader sees.
    #[test]
    fn indic_words_keep_their_signs() {
        for (name, first) in [
            ("லக்ஷ்மி நாராயணன்", "லக்ஷ்மி"),
            ("लक्ष्मी नारायण", "लक्ष्मी"),
            ("ശ്രീലക്ഷ്മി നായർ", "ശ്രീലക്ഷ്മി"),
            ("ಲಕ್ಷ್ಮಿ ರಾವ್", "ಲಕ್ಷ್ಮಿ"),
            ("లక్ష్మి రెడ్డి", "లక్ష్మి"),
            ("લક્ષ્મી પટેલ", "લક્ષ્મી"),
            ("লক্ষ্মী দাস", "লক্ষ্মী"),
        ] {
            let terms = search_terms(name);
            assert_eq!(terms.len(), 2, "{name}: {terms:?}");
            assert!(terms.contains(&first.to_owned()), "{name}: {terms:?}");
            assert_eq!(
                CustomerQuery::parse("q", first, HomeCountry::INDIA).expect(first),
                CustomerQuery::NameWords(vec![first.to_owned()])
            );
        }
        assert_eq!(search_terms("O'Brien-Shah"), ["brien", "o", "shah"]);
    }

    #[test]
    fn long_words_are_cut_between_clusters() {
        let word = "क्ष".repeat(30);
        let terms = search_terms(&word);
        assert_eq!(terms[0].chars().count(), 63, "21 whole clusters of 3");
        assert_eq!(search_terms(&"a".repeat(100))[0].len(), 64);
    }

    #[test]
    fn pans_are_checked_and_masked() {
        assert_eq!(
            Pan::parse("pan", " abcde1234f ").expect("valid").as_str(),
            "ABCDE1234F"
        );
        assert!(Pan::parse("pan", "ABCDE12345").is_err());
        assert_eq!(masked_pan("ABCDE1234F"), "XXXXXX234F");
    }

    #[test]
    fn names_become_lower_case_words() {
        assert_eq!(
            search_terms("Lakshmi  Narayanan-Iyer"),
            ["iyer", "lakshmi", "narayanan"]
        );
        assert_eq!(reversed_mobile("+919876543210"), "012345678919+");
    }
}

/// Whether two names are very likely one person's: the same words in any
/// order, or, with the words sorted, at most 3 edits apart and no more than
/// one edit in five characters (`Lakshmi Narayanan` and `Laxmi Narayanan`).
pub fn names_look_alike(a: &str, b: &str) -> bool {
    let a = search_terms(a).join(" ");
    let b = search_terms(b).join(" ");
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let distance = strsim::levenshtein(&a, &b);
    let longer = a.chars().count().max(b.chars().count());
    distance <= 3 && distance * 5 <= longer
}

#[cfg(test)]
mod look_alike_tests {
    use super::names_look_alike;

    #[test]
    fn similar_names_look_alike() {
        assert!(names_look_alike("Lakshmi Narayanan", "Narayanan lakshmi"));
        assert!(names_look_alike("Lakshmi Narayanan", "Laxmi Narayanan"));
        assert!(names_look_alike("Ravi Kumar", "Ravi Kumaar"));
        assert!(!names_look_alike("Priya Narayanan", "Lakshmi Narayanan"));
        assert!(!names_look_alike("Anil Kumar", "Sunil Kumar"));
        assert!(!names_look_alike("Om", "Jo"));
    }
}

/// A field the customer list may be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Name,
    CreatedAt,
    UpdatedAt,
}

/// How to order customers: fields in turn, each ascending or descending;
/// the id breaks ties, so paging is stable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerSort(pub Vec<(SortField, bool)>);

impl CustomerSort {
    /// Reads `name,-createdAt`: a `-` sorts that field newest or last first.
    pub fn parse(field: &str, text: &str) -> Result<Self, crate::Invalid> {
        let mut keys: Vec<(SortField, bool)> = Vec::new();
        for part in text.split(',').map(str::trim) {
            let (name, descending) = match part.strip_prefix('-') {
                Some(name) => (name, true),
                None => (part, false),
            };
            let key = match name {
                "name" => SortField::Name,
                "createdAt" => SortField::CreatedAt,
                "updatedAt" => SortField::UpdatedAt,
                _ => {
                    return Err(crate::Invalid::field(
                        field,
                        "unknown_field",
                        "fields to sort by: name, createdAt, updatedAt, each optionally with a leading -",
                    ));
                }
            };
            if keys.iter().any(|(k, _)| *k == key) {
                return Err(crate::Invalid::field(
                    field,
                    "repeated",
                    "each field at most once",
                ));
            }
            keys.push((key, descending));
        }
        Ok(Self(keys))
    }
}

#[cfg(test)]
mod sort_tests {
    use super::*;

    #[test]
    fn sort_reads_fields_and_directions() {
        assert_eq!(
            CustomerSort::parse("sort", "name,-createdAt")
                .expect("valid")
                .0,
            [(SortField::Name, false), (SortField::CreatedAt, true)]
        );
        assert!(CustomerSort::parse("sort", "mobile").is_err());
        assert!(CustomerSort::parse("sort", "name,-name").is_err());
        assert!(CustomerSort::parse("sort", "").is_err());
    }
}

/// Something a customer liked: a description (a piece or design once
/// inventory is here) and a photo's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wish {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    pub description: String,
    pub photo_url: Option<String>,
    pub actor_kind: String,
    pub actor_id: uuid::Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A wish to record, checked by [`NewWish::check`].
#[derive(Debug, Clone)]
pub struct NewWish {
    pub customer_id: uuid::Uuid,
    pub description: String,
    pub photo_url: Option<String>,
    pub actor_kind: &'static str,
    pub actor_id: uuid::Uuid,
}

impl NewWish {
    /// Trims the description (1 to 500 characters) and checks the photo is
    /// an `http(s)` address of at most 2000 characters.
    pub fn check(mut self) -> Result<Self, crate::Invalid> {
        let mut errors = Vec::new();
        self.description = self.description.trim().to_owned();
        match self.description.chars().count() {
            0 => errors.push(crate::FieldError::new(
                "description",
                "required",
                "must not be blank",
            )),
            501.. => errors.push(crate::FieldError::new(
                "description",
                "too_long",
                "at most 500 characters",
            )),
            _ => {}
        }
        if let Some(url) = &self.photo_url {
            let url = url.trim();
            let web = url.starts_with("https://") || url.starts_with("http://");
            if !web || url.len() > 2000 || url.contains(char::is_whitespace) {
                errors.push(crate::FieldError::new(
                    "photoUrl",
                    "format",
                    "an http(s) address of at most 2000 characters",
                ));
            }
            self.photo_url = Some(url.to_owned());
        }
        match crate::Invalid::from_errors(errors) {
            Some(invalid) => Err(invalid),
            None => Ok(self),
        }
    }
}

/// The survivor of a merge, with what only the duplicate knew: every empty
/// field of the survivor takes the duplicate's value, lists are united
/// (the duplicate's mobile becomes one of the other phones), notes are
/// joined. The survivor's own values always win.
pub fn absorb(survivor: &Customer, duplicate: &Customer) -> Customer {
    fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
        if mine.is_none() {
            mine.clone_from(theirs);
        }
    }
    fn unite<T: Clone + Ord>(mine: &mut Vec<T>, theirs: &[T], cap: usize) {
        for item in theirs {
            if !mine.contains(item) && mine.len() < cap {
                mine.push(item.clone());
            }
        }
        mine.sort();
    }
    let mut merged = survivor.clone();
    fill(&mut merged.email, &duplicate.email);
    fill(&mut merged.home_branch_id, &duplicate.home_branch_id);
    fill(&mut merged.pan, &duplicate.pan);
    let (mine, theirs) = (&mut merged.occasions, &duplicate.occasions);
    fill(&mut mine.date_of_birth, &theirs.date_of_birth);
    fill(&mut mine.anniversary, &theirs.anniversary);
    fill(&mut mine.spouse_name, &theirs.spouse_name);
    fill(&mut mine.spouse_date_of_birth, &theirs.spouse_date_of_birth);
    fill(&mut mine.ring_size, &theirs.ring_size);
    let (mine, theirs) = (&mut merged.profile, &duplicate.profile);
    let mut phones = theirs.other_phones.clone();
    phones.push(duplicate.mobile.clone());
    phones.retain(|p| *p != survivor.mobile);
    unite(&mut mine.other_phones, &phones, 5);
    if mine.addresses.is_empty() {
        mine.addresses.clone_from(&theirs.addresses);
    }
    let (likes, their_likes) = (&mut mine.preferences, &theirs.preferences);
    unite(&mut likes.metals, &their_likes.metals, 3);
    unite(&mut likes.purities, &their_likes.purities, 20);
    likes.purities.reverse();
    unite(&mut likes.categories, &their_likes.categories, 20);
    unite(&mut likes.styles, &their_likes.styles, 20);
    fill(&mut mine.budget_band, &theirs.budget_band);
    unite(&mut mine.tags, &theirs.tags, 20);
    mine.notes = match (mine.notes.take(), &theirs.notes) {
        (Some(a), Some(b)) if a != *b => Some(format!("{a}\n\n{b}").chars().take(4000).collect()),
        (Some(a), _) => Some(a),
        (None, b) => b.clone(),
    };
    fill(&mut mine.assigned_staff_id, &theirs.assigned_staff_id);
    fill(&mut mine.external_id, &theirs.external_id);
    merged
}

#[cfg(test)]
mod absorb_tests {
    use super::*;

    fn customer(name: &str, mobile: &str) -> Customer {
        Customer {
            id: uuid::Uuid::now_v7(),
            name: name.to_owned(),
            mobile: mobile.to_owned(),
            email: None,
            home_branch_id: None,
            occasions: Occasions::default(),
            pan: None,
            profile: Profile::default(),
            archived_at: None,
            merged_into: None,
            erased_at: None,
            purchases: Purchases::default(),
            version: 1,
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_survivor_keeps_its_values_and_gains_the_rest() {
        let mut survivor = customer("Lakshmi Narayanan", "+919876543210");
        survivor.email = Some("lakshmi@example.com".into());
        survivor.profile.tags = vec!["vip".into()];
        survivor.profile.notes = Some("Likes temple work.".into());
        let mut duplicate = customer("Laxmi N", "+919000012345");
        duplicate.email = Some("laxmi@example.com".into());
        duplicate.occasions.date_of_birth = chrono::NaiveDate::from_ymd_opt(1988, 3, 14);
        duplicate.profile.tags = vec!["bridal".into(), "vip".into()];
        duplicate.profile.other_phones = vec!["+919876543210".into()];
        duplicate.profile.notes = Some("Daughter's wedding in May.".into());

        let merged = absorb(&survivor, &duplicate);
        assert_eq!(merged.name, "Lakshmi Narayanan");
        assert_eq!(merged.email.as_deref(), Some("lakshmi@example.com"));
        assert_eq!(
            merged.occasions.date_of_birth,
            duplicate.occasions.date_of_birth
        );
        assert_eq!(merged.profile.tags, ["bridal", "vip"]);
        assert_eq!(merged.profile.other_phones, ["+919000012345"]);
        assert_eq!(
            merged.profile.notes.as_deref(),
            Some("Likes temple work.\n\nDaughter's wedding in May.")
        );
    }
}
