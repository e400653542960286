//! A bill of several lines: each line priced by the engine, line and bill
//! discounts, the tax lines summed by kind and rate, one round-off for the
//! bill, and where the bill stands as it is paid.

mod bill;
mod issuing;
mod line;
mod payment;

pub use bill::*;
pub use issuing::*;
pub use line::*;
pub use payment::*;

use crate::measure::Money;
use crate::validation::Invalid;

/// The SAC code of job work on goods sold at the counter (engraving,
/// sizing), billed with the services' GST.
pub const SAC_SERVICES: &str = "9988";

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// Being put together: no number, stock untouched.
    Draft,
    /// Numbered, pieces sold, nothing paid yet.
    Issued,
    PartiallyPaid,
    Paid,
    /// Cancelled by a manager; its stock is back and its number stays used.
    Cancelled,
}

impl InvoiceStatus {
    pub const ALL: [Self; 5] = [
        Self::Draft,
        Self::Issued,
        Self::PartiallyPaid,
        Self::Paid,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Issued => "issued",
            Self::PartiallyPaid => "partially_paid",
            Self::Paid => "paid",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Issued and not cancelled: counts as a sale.
    pub fn is_sale(self) -> bool {
        matches!(self, Self::Issued | Self::PartiallyPaid | Self::Paid)
    }

    /// Where an issued invoice of `total` stands once `paid` is received.
    pub fn of_payments(total: Money, paid: Money) -> Self {
        if paid.is_zero() {
            Self::Issued
        } else if paid < total {
            Self::PartiallyPaid
        } else {
            Self::Paid
        }
    }
}

/// Old gold taken on a bill, with what it was worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    pub metal: crate::metal::Metal,
    pub old_gold: crate::billing::OldGold,
    pub value: crate::billing::OldGoldValue,
}

/// A payment received against an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: uuid::Uuid,
    pub method: PaymentMethod,
    pub amount: Money,
    pub reference: Option<String>,
    pub exchange: Option<Exchange>,
    pub received_by: uuid::Uuid,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

/// An invoice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub id: uuid::Uuid,
    pub branch_id: uuid::Uuid,
    pub customer_id: Option<uuid::Uuid>,
    pub quote_id: Option<uuid::Uuid>,
    pub status: InvoiceStatus,
    pub number: Option<String>,
    pub financial_year: Option<String>,
    /// The state code of the place of supply (`33`).
    pub place_of_supply: String,
    pub supply: crate::pricing::Supply,
    pub currency: String,
    pub lines: Vec<BillLine>,
    /// One id per line, in order.
    pub line_ids: Vec<uuid::Uuid>,
    pub discount: Option<Discount>,
    /// The savings scheme enrolment whose making-charge waiver the bill
    /// takes (its jewellery lines' discounts); the bill is paid from it.
    pub waiver_enrolment_id: Option<uuid::Uuid>,
    pub bill: Bill,
    pub paid: Money,
    pub payments: Vec<Payment>,
    /// Returns against it.
    pub credit_notes: Vec<CreditNote>,
    pub approval_needed: bool,
    pub approved_by: Option<uuid::Uuid>,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub sales_people: Vec<uuid::Uuid>,
    pub note: Option<String>,
    pub priced_at: chrono::DateTime<chrono::Utc>,
    pub created_by: uuid::Uuid,
    pub issued_by: Option<uuid::Uuid>,
    pub issued_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancelled_by: Option<uuid::Uuid>,
    pub cancelled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancel_reason: Option<String>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Invoice {
    /// What is still to be paid.
    pub fn balance(&self) -> Money {
        if self.paid >= self.bill.total {
            Money::ZERO
        } else {
            self.bill.total - self.paid
        }
    }

    /// What was paid on this bill `method`'s way.
    pub fn paid_by(&self, method: PaymentMethod) -> Money {
        self.payments
            .iter()
            .filter(|p| p.method == method)
            .map(|p| p.amount)
            .sum()
    }

    /// Of `credit` (what a return of some of its lines comes to), what goes
    /// back as money (refunded, or kept as store credit): the share paid in
    /// points goes back as points instead, in proportion to the bill's total.
    pub fn money_back(&self, credit: Money) -> Money {
        let in_points = self.paid_by(PaymentMethod::Points);
        if in_points.is_zero() || self.bill.total.is_zero() {
            return credit;
        }
        let share = Money::rounded(in_points.value() * credit.value() / self.bill.total.value());
        if share >= credit {
            Money::ZERO
        } else {
            credit - share
        }
    }

    /// Cash received on this bill so far.
    pub fn cash_received(&self) -> Money {
        self.payments
            .iter()
            .filter(|p| p.method == PaymentMethod::Cash)
            .map(|p| p.amount)
            .sum()
    }

    /// Whether it may be issued now: a draft whose discount, if beyond the
    /// creator's limit, a manager approved.
    pub fn check_issuable(&self) -> Result<(), Invalid> {
        if self.approval_needed && self.approved_by.is_none() {
            return Err(Invalid::field(
                "discount",
                "approval_needed",
                "the discount is beyond the limit of the role that gave it; a manager must approve it first",
            ));
        }
        Ok(())
    }
}

/// How a return is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Money back, by this method.
    Refund(PaymentMethod),
    /// Kept by the store as credit for the customer's next purchase.
    StoreCredit,
}

/// A credit note: lines of an invoice taken back, with their value and
/// tax reversed exactly as they were billed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNote {
    pub id: uuid::Uuid,
    pub invoice_id: uuid::Uuid,
    pub number: String,
    pub reason: String,
    pub settlement: Settlement,
    /// The invoice's lines it took back.
    pub line_ids: Vec<uuid::Uuid>,
    /// Their taxable value, taxes and total (rounded once, as a bill).
    pub bill: Bill,
    pub created_by: uuid::Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Invoice {
    /// The credit for taking back the lines `line_ids` (each a line of this
    /// invoice not returned before): their taxable value and tax as billed,
    /// rounded once. Names `lineIds[i]` when one cannot be returned.
    pub fn credit_for(&self, line_ids: &[uuid::Uuid]) -> Result<Bill, Invalid> {
        let mut lines = Vec::with_capacity(line_ids.len());
        let mut errors = Vec::new();
        for (i, id) in line_ids.iter().enumerate() {
            let field = format!("lineIds[{i}]");
            if line_ids[..i].contains(id) {
                errors.push(crate::FieldError::new(field, "repeated", "given twice"));
                continue;
            }
            match self.line_ids.iter().position(|l| l == id) {
                None => errors.push(crate::FieldError::new(
                    field,
                    "not_found",
                    "not a line of this invoice",
                )),
                Some(p) if self.lines[p].returned_by.is_some() => {
                    errors.push(crate::FieldError::new(field, "returned", "returned before"))
                }
                Some(p) if self.lines[p].kind == LineKind::GiftVoucher => {
                    errors.push(crate::FieldError::new(
                        field,
                        "gift_voucher",
                        "a gift voucher is not taken back; an unspent one goes with a cancel of its bill",
                    ))
                }
                Some(p) => lines.push(self.bill.lines[p].clone()),
            }
        }
        if let Some(invalid) = Invalid::from_errors(errors) {
            return Err(invalid);
        }
        Ok(Bill::of_lines(lines))
    }

    /// What the credit notes against it came to.
    pub fn credited(&self) -> Money {
        self.credit_notes.iter().map(|c| c.bill.total).sum()
    }
}

/// An estimate: a bill priced at one rate snapshot, holding its prices
/// until `valid_until`; converting it makes a draft invoice at those prices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Priced as a draft invoice would be; its id is the quote's.
    pub bill: Invoice,
    pub valid_until: chrono::DateTime<chrono::Utc>,
    /// The invoice it became, once converted.
    pub invoice_id: Option<uuid::Uuid>,
}

impl Quote {
    pub fn is_valid_at(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        at <= self.valid_until
    }

    /// The draft invoice this quote becomes, at the quote's prices (priced
    /// when the quote was), made by `by` at `now`.
    pub fn to_invoice(&self, by: uuid::Uuid, now: chrono::DateTime<chrono::Utc>) -> Invoice {
        Invoice {
            id: uuid::Uuid::now_v7(),
            quote_id: Some(self.bill.id),
            line_ids: self
                .bill
                .lines
                .iter()
                .map(|_| uuid::Uuid::now_v7())
                .collect(),
            created_by: by,
            version: 1,
            created_at: now,
            updated_at: now,
            ..self.bill.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::measure::Percent;
    use crate::measure::Weight;
    use crate::pricing::PriceInput;
    use crate::pricing::{MakingCharge, Supply, TaxKind};

    fn money(text: &str) -> Money {
        Money::parse("m", text).expect("money")
    }

    fn percent(text: &str) -> Percent {
        Percent::parse("p", text).expect("percent")
    }

    fn worked_example() -> PriceInput {
        PriceInput {
            net_weight: Weight::parse("w", "3.390").expect("weight"),
            rate: money("12800.00"),
            wastage: Percent::ZERO,
            making: MakingCharge::PercentOfMetal(percent("16")),
            stones: Vec::new(),
            other_charges: Vec::new(),
            discount: Money::ZERO,
            tax_rate: percent("3"),
            supply: Supply::WithinState,
        }
    }

    fn service(amount: &str, tax: &str) -> PriceInput {
        PriceInput {
            net_weight: Weight::ZERO,
            rate: Money::ZERO,
            wastage: Percent::ZERO,
            making: MakingCharge::Fixed(Money::ZERO),
            stones: Vec::new(),
            other_charges: vec![money(amount)],
            discount: Money::ZERO,
            tax_rate: percent(tax),
            supply: Supply::WithinState,
        }
    }

    #[test]
    fn one_line_bill_is_the_worked_example() {
        let bill = Bill::price(
            &[LineToPrice {
                input: worked_example(),
                discount: None,
            }],
            None,
        )
        .expect("priced");
        assert_eq!(bill.taxable_value, money("50334.72"));
        assert_eq!(bill.tax_total, money("1510.04"));
        assert_eq!(bill.total, money("51845.00"));
        assert_eq!(bill.round_off, money("0.24"));
        assert_eq!(bill.taxes.len(), 2);
        assert_eq!(bill.taxes[0].kind, TaxKind::Cgst);
        assert_eq!(bill.taxes[0].amount, money("755.02"));
    }

    #[test]
    fn taxes_are_summed_by_kind_and_rate_and_rounded_once() {
        let lines = [
            LineToPrice {
                input: worked_example(),
                discount: None,
            },
            LineToPrice {
                input: service("500.00", "5"),
                discount: None,
            },
            LineToPrice {
                input: service("300.00", "5"),
                discount: None,
            },
        ];
        let bill = Bill::price(&lines, None).expect("priced");
        // 3%: 755.02 + 755.02; 5%: 12.50 + 12.50 and 7.50 + 7.50.
        assert_eq!(bill.taxes.len(), 4);
        assert_eq!(bill.taxes[2].rate, Decimal::new(25, 1));
        assert_eq!(bill.taxes[2].amount, money("20.00"));
        assert_eq!(bill.taxable_value, money("51134.72"));
        assert_eq!(bill.tax_total, money("1550.04"));
        assert_eq!(bill.gross_total, money("52684.76"));
        assert_eq!(bill.total, money("52685.00"));
    }

    #[test]
    fn line_discount_on_making_and_bill_discount_spread_to_the_paisa() {
        let lines = [
            LineToPrice {
                input: worked_example(),
                // 10% of making 6,942.72 = 694.27
                discount: Some(Discount {
                    on: DiscountOn::Making,
                    size: DiscountSize::Percent(percent("10")),
                }),
            },
            LineToPrice {
                input: service("1000.00", "3"),
                discount: None,
            },
        ];
        let bill = Bill::price(
            &lines,
            Some(Discount {
                on: DiscountOn::Value,
                size: DiscountSize::Amount(money("100.01")),
            }),
        )
        .expect("priced");
        assert_eq!(bill.discount, money("794.28"));
        assert_eq!(bill.value, money("51334.72"));
        let shares: Vec<Money> = bill.lines.iter().map(|l| l.breakup.discount).collect();
        // 100.01 over 49,640.45 and 1,000.00: 98.04 and 1.97 (1.9747 and
        // 98.0352: the spare paisa goes to the larger remainder).
        assert_eq!(shares, vec![money("792.31"), money("1.97")]);
        assert_eq!(
            bill.taxable_value,
            bill.value - bill.discount,
            "the parts add up"
        );
        assert!(bill.discount_beyond(percent("1.5")));
        assert!(!bill.discount_beyond(percent("1.55")));
    }

    #[test]
    fn a_discount_beyond_its_base_names_the_line() {
        let lines = [LineToPrice {
            input: worked_example(),
            discount: Some(Discount {
                on: DiscountOn::Making,
                size: DiscountSize::Amount(money("7000.00")),
            }),
        }];
        assert_eq!(
            Bill::price(&lines, None),
            Err(BillError::Line {
                index: 0,
                base: DiscountOn::Making
            })
        );
        let invalid = BillError::Line {
            index: 0,
            base: DiscountOn::Making,
        }
        .into_invalid();
        assert_eq!(invalid.errors()[0].field, "lines[0].discount");
    }

    #[test]
    fn apportioned_shares_add_up() {
        let bases = [money("1.00"), money("1.00"), money("1.00")];
        let shares = apportion(money("0.10"), &bases);
        assert_eq!(shares, vec![money("0.04"), money("0.03"), money("0.03")]);
        assert_eq!(apportion(money("5.00"), &[Money::ZERO]), vec![Money::ZERO]);
    }

    #[test]
    fn a_quote_holds_until_its_time_and_becomes_a_draft_at_its_prices() {
        let now = chrono::Utc::now();
        let mut lines = vec![BillLine {
            kind: LineKind::Service,
            piece_id: None,
            lot_id: None,
            quantity: None,
            description: "Engraving".to_owned(),
            hsn: "9988".to_owned(),
            snapshot: LineSnapshot::of_amount("service", money("300.00"), percent("5")),
            discount: None,
            discount_amount: Money::ZERO,
            returned_by: None,
        }];
        let bill = price_lines(&mut lines, None, Supply::WithinState).expect("priced");
        let quote = Quote {
            bill: Invoice {
                id: uuid::Uuid::now_v7(),
                branch_id: uuid::Uuid::now_v7(),
                customer_id: None,
                quote_id: None,
                status: InvoiceStatus::Draft,
                number: None,
                financial_year: None,
                place_of_supply: "33".to_owned(),
                supply: Supply::WithinState,
                currency: "INR".to_owned(),
                line_ids: vec![uuid::Uuid::now_v7()],
                lines,
                discount: None,
                waiver_enrolment_id: None,
                bill,
                paid: Money::ZERO,
                payments: Vec::new(),
                credit_notes: Vec::new(),
                approval_needed: false,
                approved_by: None,
                approved_at: None,
                sales_people: Vec::new(),
                note: None,
                priced_at: now,
                created_by: uuid::Uuid::now_v7(),
                issued_by: None,
                issued_at: None,
                cancelled_by: None,
                cancelled_at: None,
                cancel_reason: None,
                version: 1,
                created_at: now,
                updated_at: now,
            },
            valid_until: now + chrono::Duration::minutes(60),
            invoice_id: None,
        };
        assert!(quote.is_valid_at(now + chrono::Duration::minutes(60)));
        assert!(!quote.is_valid_at(now + chrono::Duration::minutes(61)));
        let draft = quote.to_invoice(uuid::Uuid::now_v7(), now);
        assert_eq!(draft.quote_id, Some(quote.bill.id));
        assert_ne!(draft.id, quote.bill.id);
        assert_eq!(draft.bill.total, money("315.00"));
        assert_eq!(draft.priced_at, now, "the quote's snapshot time");
    }

    #[test]
    fn status_follows_payments() {
        let total = money("100.00");
        assert_eq!(
            InvoiceStatus::of_payments(total, Money::ZERO),
            InvoiceStatus::Issued
        );
        assert_eq!(
            InvoiceStatus::of_payments(total, money("40.00")),
            InvoiceStatus::PartiallyPaid
        );
        assert_eq!(
            InvoiceStatus::of_payments(total, total),
            InvoiceStatus::Paid
        );
    }

    #[test]
    fn payments_beyond_the_balance_are_refused() {
        let due = money("100.00");
        assert!(check_payments(due, &[("payments[0].amount".into(), due)]).is_ok());
        let error = check_payments(
            due,
            &[
                ("payments[0].amount".into(), money("60.00")),
                ("payments[1].amount".into(), money("40.01")),
            ],
        )
        .expect_err("too much");
        assert_eq!(error.errors()[0].code, "more_than_due");
        let error =
            check_payments(due, &[("payments[0].amount".into(), Money::ZERO)]).expect_err("zero");
        assert_eq!(error.errors()[0].field, "payments[0].amount");
    }
}
