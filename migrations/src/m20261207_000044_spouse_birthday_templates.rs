//! The first templates of the spouse's birthday greeting (SMS, marketing:
//! the customer is reminded, a gift suggested) in English, Hindi and Tamil.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FIRST: [crate::first_templates::FirstTemplate; 3] = [
    (
        "01930000-0000-7000-8000-00000000000d",
        "spouse_birthday",
        "en",
        "Dear {{ customer_name }}, {{ spouse_name }}'s birthday is on {{ occasion_on }}. Find a gift they will treasure at {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-00000000000e",
        "spouse_birthday",
        "hi",
        "प्रिय {{ customer_name }}, {{ occasion_on }} को {{ spouse_name }} का जन्मदिन है। {{ branch_name }} में एक यादगार उपहार चुनें।",
    ),
    (
        "01930000-0000-7000-8000-00000000000f",
        "spouse_birthday",
        "ta",
        "அன்புள்ள {{ customer_name }}, {{ occasion_on }} அன்று {{ spouse_name }} அவர்களின் பிறந்தநாள். {{ branch_name }} இல் நினைவில் நிற்கும் பரிசைத் தேர்ந்தெடுங்கள்.",
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
