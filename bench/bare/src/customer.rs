//! One customer as jewel-crm reads and shows it: its statement, word for
//! word, and its JSON, key for key.

use serde_json::{Value, json};
use sqlx::Row;
use sqlx::mysql::MySqlRow;

pub const SELECT: &str = "SELECT `customers`.`id`, `customers`.`name`, `customers`.`mobile`, \
`customers`.`email`, `customers`.`home_branch_id`, `customers`.`mobile_reversed`, \
`customers`.`date_of_birth`, `customers`.`birthday_md`, `customers`.`anniversary`, \
`customers`.`anniversary_md`, `customers`.`spouse_name`, `customers`.`spouse_date_of_birth`, \
`customers`.`spouse_birthday_md`, `customers`.`ring_size`, `customers`.`pan`, \
`customers`.`pan_sealed`, `customers`.`pan_lookup`, `customers`.`pan_last_four`, \
`customers`.`addresses`, `customers`.`preferences`, `customers`.`budget_band`, \
`customers`.`notes`, `customers`.`assigned_staff_id`, `customers`.`source`, \
`customers`.`external_id`, `customers`.`archived_at`, `customers`.`merged_into_id`, \
`customers`.`erased_at`, `customers`.`purchase_count`, `customers`.`lifetime_value`, \
`customers`.`last_purchase_at`, `customers`.`version`, `customers`.`created_at`, \
`customers`.`updated_at`, (SELECT GROUP_CONCAT(`customer_phones`.`phone`) FROM \
`customer_phones` WHERE `customer_phones`.`customer_id` = `customers`.`id`) AS \
`other_phones`, (SELECT GROUP_CONCAT(`customer_tags`.`tag`) FROM `customer_tags` WHERE \
`customer_tags`.`customer_id` = `customers`.`id`) AS `tag_list` FROM `customers` WHERE \
`customers`.`id` = ?";

type Time = Option<chrono::DateTime<chrono::Utc>>;
type Day = Option<chrono::NaiveDate>;

/// The customer's JSON, as `GET /api/v1/customers/{id}` renders it.
pub fn render(row: &MySqlRow) -> Result<Value, sqlx::Error> {
    let text = |column: &str| row.try_get::<Option<String>, _>(column);
    let list = |column: &str| -> Result<Vec<String>, sqlx::Error> {
        let mut items: Vec<String> = text(column)?
            .iter()
            .flat_map(|l| l.split(','))
            .map(str::to_owned)
            .collect();
        items.sort();
        Ok(items)
    };
    let stored = |column: &str, none: Value| -> Result<Value, sqlx::Error> {
        match text(column)? {
            Some(json) => serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(e.into())),
            None => Ok(none),
        }
    };
    let time = |column: &str| -> Result<Option<String>, sqlx::Error> {
        Ok(row
            .try_get::<Time, _>(column)?
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()))
    };
    let day = |column: &str| -> Result<Option<String>, sqlx::Error> {
        Ok(row.try_get::<Day, _>(column)?.map(|d| d.to_string()))
    };
    let paise: i64 = row.try_get("lifetime_value")?;
    Ok(json!({
        "id": row.try_get::<String, _>("id")?,
        "name": row.try_get::<String, _>("name")?,
        "mobile": row.try_get::<String, _>("mobile")?,
        "otherPhones": list("other_phones")?,
        "email": text("email")?,
        "addresses": stored("addresses", json!([]))?,
        "homeBranchId": text("home_branch_id")?,
        "assignedStaffId": text("assigned_staff_id")?,
        "dateOfBirth": day("date_of_birth")?,
        "anniversary": day("anniversary")?,
        "spouseName": text("spouse_name")?,
        "spouseDateOfBirth": day("spouse_date_of_birth")?,
        "ringSize": text("ring_size")?,
        "preferences": stored(
            "preferences",
            json!({"metals": [], "purities": [], "categories": [], "styles": []}),
        )?,
        "budgetBand": text("budget_band")?,
        "tags": list("tag_list")?,
        "notes": text("notes")?,
        "source": row.try_get::<String, _>("source")?,
        "externalId": text("external_id")?,
        "pan": text("pan_last_four")?.map(|last| format!("XXXXXX{last}")),
        "archivedAt": time("archived_at")?,
        "mergedIntoId": text("merged_into_id")?,
        "erasedAt": time("erased_at")?,
        "purchases": {
            "count": row.try_get::<i32, _>("purchase_count")?,
            "lifetimeValue": format!(
                "{}{}.{:02}",
                if paise < 0 { "-" } else { "" },
                paise.unsigned_abs() / 100,
                paise.unsigned_abs() % 100
            ),
            "lastPurchaseAt": time("last_purchase_at")?,
        },
        "version": row.try_get::<i32, _>("version")?,
        "createdAt": time("created_at")?,
        "updatedAt": time("updated_at")?,
    }))
}
