//! A savings scheme's making-charge waiver: a draft naming a matured
//! enrolment of its customer, whose plan waives a share of the making
//! charge, takes that share as the making discount of each jewellery line
//! (of each goods line, when the plan allows coins and bullion), and no
//! other discount; the bill is then issued paid from that scheme.

use chrono::Utc;
use jewel_domain::Invalid;
use jewel_domain::invoice::{BillLine, Discount, DiscountOn, DiscountSize, Payment, PaymentMethod};
use jewel_persistence::ConnectionTrait;
use jewel_persistence::repos::schemes::Schemes;

use crate::billing::BillingError;

/// What the refusals of a waiver name.
const FIELD: &str = "schemeEnrolmentId";

/// Gives `lines` of a draft for `customer` the making waiver of enrolment
/// `id`; refused (422 naming the field) when the enrolment is not the
/// customer's, gives no waiver now, the bill has another discount
/// (`bill_discount`, or a line's own) or no line it applies to.
pub(crate) async fn apply(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
    customer: Option<uuid::Uuid>,
    bill_discount: Option<Discount>,
    lines: &mut [BillLine],
) -> Result<(), BillingError> {
    let enrolment = Schemes::enrolment(db, id)
        .await?
        .filter(|e| Some(e.customer_id) == customer)
        .ok_or_else(|| {
            Invalid::field(
                FIELD,
                "not_found",
                "no savings scheme of the bill's customer",
            )
        })?;
    let instalments = Schemes::instalments(db, id).await?;
    let waiver = enrolment.waiver_at(&instalments, Utc::now(), FIELD)?;
    if bill_discount.is_some() {
        return Err(Invalid::field(
            "discount",
            "with_waiver",
            "a bill with a scheme's making waiver takes no other discount",
        )
        .into());
    }
    let kinds = super::redemption::jewellery_of(db, lines).await?;
    let mut waived = 0;
    for (index, (line, kind)) in lines.iter_mut().zip(kinds).enumerate() {
        let applies = match kind {
            Some(jewellery) => jewellery || !enrolment.terms.jewellery_only,
            None => false,
        };
        if !applies {
            continue;
        }
        if line.discount.is_some() {
            return Err(Invalid::field(
                format!("lines[{index}].discount"),
                "with_waiver",
                "a line on a scheme's making waiver takes no other discount",
            )
            .into());
        }
        line.discount = Some(Discount {
            on: DiscountOn::Making,
            size: DiscountSize::Percent(waiver),
        });
        waived += 1;
    }
    if waived == 0 {
        return Err(Invalid::field(
            FIELD,
            "no_jewellery",
            "the bill has no jewellery for the scheme's making waiver",
        )
        .into());
    }
    Ok(())
}

/// Refuses to issue a bill that took enrolment `waiver`'s making waiver
/// without a `scheme` payment from it among `payments`.
pub(crate) fn check_paid(waiver: Option<uuid::Uuid>, payments: &[Payment]) -> Result<(), Invalid> {
    let Some(enrolment) = waiver else {
        return Ok(());
    };
    let paid_from_it = payments.iter().any(|p| {
        p.method == PaymentMethod::Scheme
            && p.reference
                .as_deref()
                .and_then(|r| uuid::Uuid::parse_str(r.trim()).ok())
                == Some(enrolment)
    });
    if paid_from_it {
        return Ok(());
    }
    Err(Invalid::field(
        "payments",
        "scheme_required",
        format!("the bill took the making waiver of scheme {enrolment}: pay it from that scheme"),
    ))
}
