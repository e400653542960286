//! The branches each audit event concerns, so that a manager of one branch
//! reads the trail of that branch and not another's.
//!
//! An event concerns the branches its before and after views name
//! (`branchId`, `fromBranchId`, `toBranchId`, `branchIds`; a branch's own
//! events concern that branch). An event that names none is business-wide
//! when its record belongs to the whole business (customers and what hangs
//! off them, designs, rates, lots); otherwise (an owner's staff record, an
//! API client) only readers of every branch see it. Existing events are read
//! once here with that rule, copied as it stands today.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BATCH: u64 = 1000;

/// Records that belong to the whole business rather than to a branch.
const BUSINESS_WIDE: [&str; 8] = [
    "customer",
    "consent",
    "interaction",
    "task",
    "wish",
    "design",
    "metal_rate",
    "lot",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .add_column(
                        ColumnDef::new(AuditEvents::BusinessWide)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEventBranches::Table)
                    .col(
                        ColumnDef::new(AuditEventBranches::BranchId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEventBranches::EventId)
                            .string_len(36)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(AuditEventBranches::BranchId)
                            .col(AuditEventBranches::EventId),
                    )
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let mut after = String::new();
        loop {
            let select = Query::select()
                .columns([
                    AuditEvents::Id,
                    AuditEvents::EntityType,
                    AuditEvents::EntityId,
                    AuditEvents::Before,
                    AuditEvents::After,
                ])
                .from(AuditEvents::Table)
                .and_where(Expr::col(AuditEvents::Id).gt(after.clone()))
                .order_by(AuditEvents::Id, Order::Asc)
                .limit(BATCH)
                .to_owned();
            let rows = db.query_all(&select).await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.try_get("", "id")?;
            for row in rows {
                let id: String = row.try_get("", "id")?;
                let entity_type: String = row.try_get("", "entity_type")?;
                let entity_id: String = row.try_get("", "entity_id")?;
                let views: [Option<String>; 2] =
                    [row.try_get("", "before")?, row.try_get("", "after")?];
                let mut branches = Vec::new();
                if entity_type == "branch" {
                    branches.push(entity_id);
                }
                for view in views.iter().flatten() {
                    if let Ok(view) = serde_json::from_str::<serde_json::Value>(view) {
                        branches_named(&view, &mut branches);
                    }
                }
                branches.sort();
                branches.dedup();
                if branches.is_empty() && BUSINESS_WIDE.contains(&entity_type.as_str()) {
                    let update = Query::update()
                        .table(AuditEvents::Table)
                        .value(AuditEvents::BusinessWide, true)
                        .and_where(Expr::col(AuditEvents::Id).eq(id.clone()))
                        .to_owned();
                    manager.exec_stmt(update).await?;
                }
                for branch in branches {
                    let insert = Query::insert()
                        .into_table(AuditEventBranches::Table)
                        .columns([AuditEventBranches::BranchId, AuditEventBranches::EventId])
                        .values_panic([branch.into(), id.clone().into()])
                        .to_owned();
                    manager.exec_stmt(insert).await?;
                }
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEventBranches::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .drop_column(AuditEvents::BusinessWide)
                    .to_owned(),
            )
            .await
    }
}

/// The branch ids a view names at its top level.
fn branches_named(view: &serde_json::Value, into: &mut Vec<String>) {
    for field in ["branchId", "fromBranchId", "toBranchId"] {
        if let Some(id) = view.get(field).and_then(|v| v.as_str()) {
            into.push(id.to_owned());
        }
    }
    if let Some(ids) = view.get("branchIds").and_then(|v| v.as_array()) {
        into.extend(ids.iter().filter_map(|v| v.as_str()).map(str::to_owned));
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    EntityType,
    EntityId,
    Before,
    After,
    BusinessWide,
}

#[derive(DeriveIden)]
enum AuditEventBranches {
    Table,
    BranchId,
    EventId,
}
