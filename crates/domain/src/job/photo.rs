//! Photos of a job's item: images only (JPEG, PNG or WebP, told by their
//! bytes, never by what the client says), stored once by their content's
//! SHA-256 and listed on the job.

use chrono::{DateTime, Utc};

/// The kinds of image a job's photo may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Jpeg,
    Png,
    Webp,
}

impl ImageType {
    pub const ALL: [Self; 3] = [Self::Jpeg, Self::Png, Self::Webp];

    /// Its media type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    /// The image type `bytes` are, told by their first bytes; `None` for
    /// anything but a JPEG, PNG or WebP image.
    pub fn of_bytes(bytes: &[u8]) -> Option<Self> {
        infer::get(bytes).and_then(|kind| Self::parse(kind.mime_type()))
    }

    /// The image type of a media type, if it is one of ours.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// A photo of a job's item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPhoto {
    pub id: uuid::Uuid,
    pub job_id: uuid::Uuid,
    /// Lowercase hex SHA-256 of the bytes: where they are stored.
    pub sha256: String,
    pub image_type: ImageType,
    pub bytes: u64,
    pub caption: Option<String>,
    pub uploaded_by: uuid::Uuid,
    pub uploaded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_is_told_by_its_bytes() {
        let png = [
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
        ];
        assert_eq!(ImageType::of_bytes(&png), Some(ImageType::Png));
        assert_eq!(
            ImageType::of_bytes(&[0xff, 0xd8, 0xff, 0xe0]),
            Some(ImageType::Jpeg)
        );
        assert_eq!(
            ImageType::of_bytes(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageType::Webp)
        );
        assert_eq!(
            ImageType::of_bytes(b"GIF89a"),
            None,
            "a GIF is not one of ours"
        );
        assert_eq!(ImageType::of_bytes(b"%PDF-1.7"), None);
        assert_eq!(ImageType::of_bytes(b""), None);
    }
}
