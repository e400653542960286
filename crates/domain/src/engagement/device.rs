//! The devices a customer's or a staff member's mobile app registered for
//! notifications: the registration token Firebase Cloud Messaging gave the
//! app, its platform and a name the person may give it. A token belongs to
//! one person: registered again by someone else (a shared phone, a new
//! login), it moves to them.

use crate::{FieldError, Invalid};

/// The longest registration token kept (FCM's are about 160 characters).
pub const TOKEN_MAX_CHARS: usize = 512;
/// The longest name of a device.
pub const NAME_MAX_CHARS: usize = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Android,
    Ios,
    Web,
}

impl Platform {
    pub const ALL: [Self; 3] = [Self::Android, Self::Ios, Self::Web];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Android => "android",
            Self::Ios => "ios",
            Self::Web => "web",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// Whose device it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Customer(uuid::Uuid),
    Staff(uuid::Uuid),
}

/// A device as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: uuid::Uuid,
    pub holder: Holder,
    pub platform: Platform,
    pub token: String,
    pub name: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the app last registered it (apps do so at every start).
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
}

/// What an app registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub platform: Platform,
    pub token: String,
    pub name: Option<String>,
}

/// Checks a registration: the token is 1 to 512 visible ASCII characters
/// (FCM's are letters, digits and `-_:`), the name at most 120 characters
/// with no control characters. Says every fault at once.
pub fn check(device: &NewDevice) -> Result<(), Invalid> {
    let mut errors = Vec::new();
    let token = &device.token;
    if token.is_empty()
        || token.len() > TOKEN_MAX_CHARS
        || !token.bytes().all(|b| b.is_ascii_graphic())
    {
        errors.push(FieldError::new(
            "token",
            "format",
            "A registration token is 1 to 512 visible ASCII characters, as Firebase gives it.",
        ));
    }
    if let Some(name) = &device.name {
        let length = name.chars().count();
        if length == 0 || length > NAME_MAX_CHARS || name.chars().any(char::is_control) {
            errors.push(FieldError::new(
                "name",
                "format",
                "A device's name is 1 to 120 characters, none of them control characters.",
            ));
        }
    }
    Invalid::from_errors(errors).map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(token: &str, name: Option<&str>) -> NewDevice {
        NewDevice {
            platform: Platform::Android,
            token: token.to_owned(),
            name: name.map(str::to_owned),
        }
    }

    #[test]
    fn a_token_as_firebase_gives_it_is_fine() {
        let token = "fcm-dGVzdA:APA91bH_x-1";
        check(&device(token, Some("Asha's Pixel 8"))).expect("fine");
    }

    #[test]
    fn an_empty_spaced_or_long_token_and_a_bad_name_are_refused_together() {
        for token in ["", "with space", &"x".repeat(513)] {
            let refused = check(&device(token, Some("a\nb"))).expect_err("refused");
            let fields: Vec<_> = refused.errors().iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["token", "name"], "{token:?}");
        }
    }
}
