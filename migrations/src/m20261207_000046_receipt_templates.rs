//! The first receipts by SMS (transactional) in English, Hindi and Tamil:
//! of a payment towards a bill issued earlier, with what is left to pay,
//! and of a savings scheme's instalment.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FIRST: [crate::first_templates::FirstTemplate; 6] = [
    (
        "01930000-0000-7000-8000-000000000010",
        "payment_received",
        "en",
        "Dear {{ customer_name }}, we received {{ currency }} {{ amount }} towards bill {{ invoice_number }} on {{ received_on }}. Balance due: {{ currency }} {{ balance }}. Thank you, {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-000000000011",
        "payment_received",
        "hi",
        "प्रिय {{ customer_name }}, बिल {{ invoice_number }} के लिए {{ received_on }} को {{ currency }} {{ amount }} प्राप्त हुए। शेष राशि: {{ currency }} {{ balance }}। धन्यवाद, {{ branch_name }}।",
    ),
    (
        "01930000-0000-7000-8000-000000000012",
        "payment_received",
        "ta",
        "அன்புள்ள {{ customer_name }}, பில் {{ invoice_number }} க்கு {{ received_on }} அன்று {{ currency }} {{ amount }} பெற்றோம். நிலுவை: {{ currency }} {{ balance }}. நன்றி, {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-000000000013",
        "instalment_received",
        "en",
        "Dear {{ customer_name }}, instalment {{ period }} of {{ instalments }} of your savings scheme, {{ amount }}, received on {{ received_on }}. Receipt {{ receipt_number }}. Thank you, {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-000000000014",
        "instalment_received",
        "hi",
        "प्रिय {{ customer_name }}, आपकी बचत योजना की {{ instalments }} में से {{ period }}वीं किस्त, {{ amount }}, {{ received_on }} को प्राप्त हुई। रसीद {{ receipt_number }}। धन्यवाद, {{ branch_name }}।",
    ),
    (
        "01930000-0000-7000-8000-000000000015",
        "instalment_received",
        "ta",
        "அன்புள்ள {{ customer_name }}, உங்கள் சேமிப்புத் திட்டத்தின் {{ instalments }} இல் {{ period }} ஆவது தவணை, {{ amount }}, {{ received_on }} அன்று பெறப்பட்டது. ரசீது {{ receipt_number }}. நன்றி, {{ branch_name }}.",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::first_templates::seed(manager, &FIRST).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::first_templates::unseed(manager, &FIRST).await
    }
}
