//! The first reminders of savings schemes by SMS (transactional) in
//! English, Hindi and Tamil: an instalment due, and maturity.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FIRST: [crate::first_templates::FirstTemplate; 6] = [
    (
        "01930000-0000-7000-8000-00000000001c",
        "instalment_due",
        "en",
        "Dear {{ customer_name }}, instalment {{ period }} of {{ instalments }} of your {{ plan_name }} scheme, {{ amount }}, is due on {{ due_on }}. Pay at {{ branch_name }} to keep your bonus.",
    ),
    (
        "01930000-0000-7000-8000-00000000001d",
        "instalment_due",
        "hi",
        "प्रिय {{ customer_name }}, आपकी {{ plan_name }} योजना की {{ instalments }} में से {{ period }}वीं किस्त, {{ amount }}, {{ due_on }} को देय है। बोनस बनाए रखने के लिए {{ branch_name }} में जमा करें।",
    ),
    (
        "01930000-0000-7000-8000-00000000001e",
        "instalment_due",
        "ta",
        "அன்புள்ள {{ customer_name }}, உங்கள் {{ plan_name }} திட்டத்தின் {{ instalments }} இல் {{ period }} ஆவது தவணை, {{ amount }}, {{ due_on }} அன்று செலுத்த வேண்டும். போனஸ் பெற {{ branch_name }} இல் செலுத்துங்கள்.",
    ),
    (
        "01930000-0000-7000-8000-00000000001f",
        "scheme_maturity",
        "en",
        "Dear {{ customer_name }}, your {{ plan_name }} scheme matures on {{ matures_on }}. Visit {{ branch_name }} to choose your jewellery.",
    ),
    (
        "01930000-0000-7000-8000-000000000020",
        "scheme_maturity",
        "hi",
        "प्रिय {{ customer_name }}, आपकी {{ plan_name }} योजना {{ matures_on }} को पूर्ण होगी। अपने आभूषण चुनने {{ branch_name }} पधारें।",
    ),
    (
        "01930000-0000-7000-8000-000000000021",
        "scheme_maturity",
        "ta",
        "அன்புள்ள {{ customer_name }}, உங்கள் {{ plan_name }} திட்டம் {{ matures_on }} அன்று முதிர்வடைகிறது. உங்கள் நகைகளைத் தேர்ந்தெடுக்க {{ branch_name }} க்கு வாருங்கள்.",
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
