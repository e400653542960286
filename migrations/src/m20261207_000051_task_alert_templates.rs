//! The first notifications on the staff app of a follow-up task a trigger
//! gave a staff member, in English, Hindi and Tamil.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FIRST: [crate::first_templates::FirstTitled; 3] = [
    (
        "01930000-0000-7000-8000-00000000002b",
        "task_assigned",
        "en",
        "A call to make: {{ customer_name }}",
        "{{ reason }} Due {{ due_at }}.",
    ),
    (
        "01930000-0000-7000-8000-00000000002c",
        "task_assigned",
        "hi",
        "कॉल करना है: {{ customer_name }}",
        "{{ reason }} समय: {{ due_at }}।",
    ),
    (
        "01930000-0000-7000-8000-00000000002d",
        "task_assigned",
        "ta",
        "அழைக்க வேண்டியவர்: {{ customer_name }}",
        "{{ reason }} நேரம்: {{ due_at }}.",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::first_templates::seed_titled(manager, "push", &FIRST).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::first_templates::unseed_titled(manager, &FIRST).await
    }
}
