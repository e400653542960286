//! The first templates of the occasion greetings (birthday, wedding
//! anniversary; SMS, marketing) in English, Hindi and Tamil.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FIRST: [crate::first_templates::FirstTemplate; 6] = [
    (
        "01930000-0000-7000-8000-000000000007",
        "birthday",
        "en",
        "Happy birthday, {{ customer_name }}! Warm wishes from all of us at {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-000000000008",
        "birthday",
        "hi",
        "जन्मदिन की हार्दिक शुभकामनाएँ, {{ customer_name }}! {{ branch_name }} परिवार की ओर से।",
    ),
    (
        "01930000-0000-7000-8000-000000000009",
        "birthday",
        "ta",
        "இனிய பிறந்தநாள் வாழ்த்துகள், {{ customer_name }}! {{ branch_name }} குடும்பத்தினரின் அன்பான வாழ்த்துகள்.",
    ),
    (
        "01930000-0000-7000-8000-00000000000a",
        "anniversary",
        "en",
        "Happy anniversary, {{ customer_name }}! Best wishes on {{ occasion_on }} from {{ branch_name }}.",
    ),
    (
        "01930000-0000-7000-8000-00000000000b",
        "anniversary",
        "hi",
        "विवाह वर्षगाँठ की शुभकामनाएँ, {{ customer_name }}! {{ branch_name }} की ओर से।",
    ),
    (
        "01930000-0000-7000-8000-00000000000c",
        "anniversary",
        "ta",
        "இனிய திருமண நாள் வாழ்த்துகள், {{ customer_name }}! {{ branch_name }} சார்பில்.",
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
