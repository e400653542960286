//! The first reminders of a quote whose prices are about to end (SMS,
//! transactional) in English, Hindi and Tamil.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FIRST: [crate::first_templates::FirstTemplate; 3] = [
    (
        "01930000-0000-7000-8000-000000000028",
        "quote_expiring",
        "en",
        "Dear {{ customer_name }}, the prices we quoted you at {{ branch_name }} ({{ currency }} {{ total }}) hold until {{ valid_until }}. Visit or call us to confirm.",
    ),
    (
        "01930000-0000-7000-8000-000000000029",
        "quote_expiring",
        "hi",
        "प्रिय {{ customer_name }}, {{ branch_name }} द्वारा दिया गया भाव ({{ currency }} {{ total }}) {{ valid_until }} तक मान्य है। पुष्टि के लिए पधारें या फ़ोन करें।",
    ),
    (
        "01930000-0000-7000-8000-00000000002a",
        "quote_expiring",
        "ta",
        "அன்புள்ள {{ customer_name }}, {{ branch_name }} உங்களுக்குக் கொடுத்த விலை ({{ currency }} {{ total }}) {{ valid_until }} வரை செல்லும். உறுதிசெய்ய வாருங்கள் அல்லது அழையுங்கள்.",
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
