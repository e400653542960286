//! Branches (stores) of the business and what identifies them for tax.

use crate::validation::Invalid;

/// Short upper-case code of a branch, used in invoice numbers (`CHN1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchCode(String);

impl BranchCode {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        if (2..=8).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            Ok(Self(text.to_owned()))
        } else {
            Err(Invalid::field(
                field,
                "format",
                "2 to 8 upper-case letters or digits, such as CHN1",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The two-digit GST state code of the branch's state (`33` is Tamil Nadu);
/// it decides the place of supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateCode(u8);

impl StateCode {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let two_digits = text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit());
        match text.parse::<u8>() {
            Ok(code) if two_digits && ((1..=38).contains(&code) || code == 97 || code == 99) => {
                Ok(Self(code))
            }
            _ => Err(Invalid::field(
                field,
                "format",
                "a two-digit GST state code such as 33 (01 to 38, 97 or 99)",
            )),
        }
    }

    pub fn as_string(self) -> String {
        format!("{:02}", self.0)
    }
}

/// A GST identification number: 15 characters, beginning with the state code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gstin(String);

impl Gstin {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let text = text.trim().to_uppercase();
        let b = text.as_bytes();
        let shaped = b.len() == 15
            && b[..2].iter().all(u8::is_ascii_digit)
            && b[2..7].iter().all(u8::is_ascii_uppercase)
            && b[7..11].iter().all(u8::is_ascii_digit)
            && b[11].is_ascii_uppercase()
            && (b[12].is_ascii_digit() && b[12] != b'0' || b[12].is_ascii_uppercase())
            && b[13] == b'Z'
            && b[14].is_ascii_alphanumeric();
        if shaped {
            Ok(Self(text))
        } else {
            Err(Invalid::field(
                field,
                "format",
                "a 15-character GSTIN such as 33AABCU9603R1ZM",
            ))
        }
    }

    pub fn state_code(&self) -> &str {
        &self.0[..2]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone name such as `Asia/Kolkata`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(field: &str, text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        match text.parse::<chrono_tz::Tz>() {
            Ok(zone) => Ok(Self(zone.name().to_owned())),
            Err(_) => Err(Invalid::field(
                field,
                "format",
                "an IANA time zone such as Asia/Kolkata",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free-text address: 1 to 500 characters.
pub fn parse_address(field: &str, text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    match text.chars().count() {
        0 => Err(Invalid::field(field, "required", "must not be blank")),
        n if n > 500 => Err(Invalid::field(field, "too_long", "at most 500 characters")),
        _ => Ok(text.to_owned()),
    }
}

/// A GSTIN, when given, must belong to the branch's state.
pub fn check_gstin_state(gstin: Option<&Gstin>, state: StateCode) -> Result<(), Invalid> {
    match gstin {
        Some(gstin) if gstin.state_code() != state.as_string() => Err(Invalid::field(
            "gstin",
            "state_mismatch",
            format!(
                "begins with {} but the branch is in state {}",
                gstin.state_code(),
                state.as_string()
            ),
        )),
        _ => Ok(()),
    }
}

/// A branch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub id: uuid::Uuid,
    pub code: String,
    pub name: String,
    pub address: String,
    pub state_code: String,
    pub gstin: Option<String>,
    pub timezone: String,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Branch {
    /// The day `at` falls on by the branch's own clock; `None` when its
    /// time zone cannot be read.
    pub fn day_of(&self, at: chrono::DateTime<chrono::Utc>) -> Option<chrono::NaiveDate> {
        let zone: chrono_tz::Tz = self.timezone.parse().ok()?;
        Some(at.with_timezone(&zone).date_naive())
    }
}

/// A branch to open, every field already valid.
#[derive(Debug, Clone)]
pub struct NewBranch {
    pub code: BranchCode,
    pub name: String,
    pub address: String,
    pub state: StateCode,
    pub gstin: Option<Gstin>,
    pub timezone: TimeZoneName,
}

/// Changes to a branch; `None` leaves a field as it is. The code never
/// changes: it is printed on every invoice the branch issued.
#[derive(Debug, Clone, Default)]
pub struct BranchPatch {
    pub name: Option<String>,
    pub address: Option<String>,
    pub state: Option<StateCode>,
    pub gstin: Option<Option<Gstin>>,
    pub timezone: Option<TimeZoneName>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_gstins() {
        assert!(BranchCode::parse("code", "CHN1").is_ok());
        assert!(BranchCode::parse("code", "chn1").is_err());
        assert!(BranchCode::parse("code", "C").is_err());
        assert_eq!(
            StateCode::parse("stateCode", "33")
                .expect("valid")
                .as_string(),
            "33"
        );
        assert!(StateCode::parse("stateCode", "3").is_err());
        assert!(StateCode::parse("stateCode", "55").is_err());
        let gstin = Gstin::parse("gstin", "33aabcu9603r1zm").expect("valid");
        assert_eq!(gstin.as_str(), "33AABCU9603R1ZM");
        assert!(Gstin::parse("gstin", "33AABCU9603R1Z").is_err());
        let tamil_nadu = StateCode::parse("stateCode", "33").expect("valid");
        let karnataka = StateCode::parse("stateCode", "29").expect("valid");
        assert!(check_gstin_state(Some(&gstin), tamil_nadu).is_ok());
        assert!(check_gstin_state(Some(&gstin), karnataka).is_err());
        assert!(TimeZoneName::parse("timezone", "Asia/Kolkata").is_ok());
        assert!(TimeZoneName::parse("timezone", "not a zone").is_err());
    }
}
