//! The changes feed: the kinds of record an integrator can follow by
//! polling, and the permission that reads each (the same as reading one
//! such record by its id).

use crate::access::Permission;

/// A kind of record the feed tells of, named as its events name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Customer,
    Piece,
    Transfer,
    MetalRate,
    Quote,
    Invoice,
    CreditNote,
    GiftVoucher,
    SchemeEnrolment,
    Job,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 10] = [
        Self::Customer,
        Self::Piece,
        Self::Transfer,
        Self::MetalRate,
        Self::Quote,
        Self::Invoice,
        Self::CreditNote,
        Self::GiftVoucher,
        Self::SchemeEnrolment,
        Self::Job,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Piece => "piece",
            Self::Transfer => "transfer",
            Self::MetalRate => "metal_rate",
            Self::Quote => "quote",
            Self::Invoice => "invoice",
            Self::CreditNote => "credit_note",
            Self::GiftVoucher => "gift_voucher",
            Self::SchemeEnrolment => "scheme_enrolment",
            Self::Job => "job",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The permission that reads a record of this kind.
    pub fn reader(self) -> Permission {
        match self {
            Self::Customer => Permission::CustomersRead,
            Self::Piece | Self::Transfer | Self::MetalRate => Permission::InventoryRead,
            Self::Quote | Self::Invoice | Self::CreditNote => Permission::SalesRead,
            Self::GiftVoucher | Self::SchemeEnrolment => Permission::LoyaltyRead,
            Self::Job => Permission::JobsRead,
        }
    }

    /// Whether a record of this kind never changes once made, so that what
    /// its event told is its state (a rate, a credit note).
    pub fn unchanging(self) -> bool {
        matches!(self, Self::MetalRate | Self::CreditNote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back() {
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ChangeKind::parse("staff"), None);
        assert_eq!(ChangeKind::parse("Piece"), None);
    }
}
