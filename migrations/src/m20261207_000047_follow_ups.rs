//! Follow-ups after a sale: a task made for one keeps the follow-up's key
//! (one task per sale and follow-up however often the day's run is made),
//! and the first templates of the purchase and bridal follow-ups (SMS,
//! marketing) in English, Hindi and Tamil.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FIRST: [crate::first_templates::FirstTemplate; 6] = [
    (
        "01930000-0000-7000-8000-000000000016",
        "purchase_follow_up",
        "en",
        "Dear {{ customer_name }}, it is {{ months }} months since your purchase at {{ branch_name }} (bill {{ invoice_number }}). Visit us for a free cleaning and check of your jewellery.",
    ),
    (
        "01930000-0000-7000-8000-000000000017",
        "purchase_follow_up",
        "hi",
        "प्रिय {{ customer_name }}, {{ branch_name }} से आपकी खरीदारी (बिल {{ invoice_number }}) को {{ months }} महीने हो गए। अपने आभूषणों की मुफ़्त सफ़ाई और जाँच के लिए पधारें।",
    ),
    (
        "01930000-0000-7000-8000-000000000018",
        "purchase_follow_up",
        "ta",
        "அன்புள்ள {{ customer_name }}, {{ branch_name }} இல் நீங்கள் வாங்கி (பில் {{ invoice_number }}) {{ months }} மாதங்கள் ஆகின்றன. உங்கள் நகைகளை இலவசமாகச் சுத்தம் செய்து சரிபார்க்க வாருங்கள்.",
    ),
    (
        "01930000-0000-7000-8000-000000000019",
        "bridal_follow_up",
        "en",
        "Dear {{ customer_name }}, we hope the wedding jewellery from {{ branch_name }} brings joy. Anything to resize, polish or add? We are here for you.",
    ),
    (
        "01930000-0000-7000-8000-00000000001a",
        "bridal_follow_up",
        "hi",
        "प्रिय {{ customer_name }}, आशा है {{ branch_name }} के विवाह आभूषण खुशियाँ ला रहे हैं। नाप बदलना, पॉलिश या कुछ और जोड़ना हो तो हम हाज़िर हैं।",
    ),
    (
        "01930000-0000-7000-8000-00000000001b",
        "bridal_follow_up",
        "ta",
        "அன்புள்ள {{ customer_name }}, {{ branch_name }} இன் திருமண நகைகள் மகிழ்ச்சி தரும் என நம்புகிறோம். அளவு மாற்ற, மெருகேற்ற அல்லது சேர்க்க ஏதேனும் இருந்தால் நாங்கள் இருக்கிறோம்.",
    ),
];

const KEYED: &str = "ux_follow_up_tasks_source_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FollowUpTasks::Table)
                    .add_column(
                        ColumnDef::new(FollowUpTasks::SourceKey)
                            .string_len(120)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(KEYED)
                    .table(FollowUpTasks::Table)
                    .col(FollowUpTasks::SourceKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        crate::first_templates::seed(manager, &FIRST).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::first_templates::unseed(manager, &FIRST).await?;
        manager
            .drop_index(
                Index::drop()
                    .name(KEYED)
                    .table(FollowUpTasks::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(FollowUpTasks::Table)
                    .drop_column(FollowUpTasks::SourceKey)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum FollowUpTasks {
    Table,
    SourceKey,
}
