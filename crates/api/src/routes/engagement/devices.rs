//! The devices the mobile apps register for notifications: a customer's
//! app at `/api/v1/me/devices`, the staff app at `/api/v1/staff/me/devices`.
//! An app registers its Firebase registration token at every start (seen
//! again) and after login (a token registered by someone else moves to
//! whoever registered it last); each person sees and removes only their
//! own.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use jewel_domain::engagement::device::{Device, Holder, NewDevice, Platform};
use jewel_persistence::repos::devices::Devices;
use jewel_services::engagement::devices;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::auth::caller::StaffLogin;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register_my_device)
        .service(list_my_devices)
        .service(remove_my_device)
        .service(register_staff_device)
        .service(list_staff_devices)
        .service(remove_staff_device);
}

wire_enum! {
    /// `android`, `ios` or `web` (a browser with the web app).
    PlatformName mirrors Platform { Android = "android", Ios = "ios", Web = "web" }
}

/// A device to notify: the registration token the app got from Firebase
/// Cloud Messaging.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"platform": "android", "token": "fcm-dGVzdA:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx", "name": "Asha's Pixel 8"}))]
pub struct DeviceRequest {
    pub platform: PlatformName,
    /// As the FCM SDK gave it (`getToken()`): visible ASCII, at most 512.
    #[schema(min_length = 1, max_length = 512, pattern = r"^[!-~]{1,512}$")]
    pub token: String,
    /// What the person calls the device, to tell theirs apart (no control
    /// characters).
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]{1,120}$"
    )]
    pub name: Option<String>,
}

/// A registered device (its token is not shown again).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "01930a7e-5c1d-7b2a-9f00-5d2c1e0a4b11", "platform": "android",
    "name": "Asha's Pixel 8", "tokenEnding": "1RYqx", "createdAt": "2026-12-07T10:00:00Z",
    "lastSeenAt": "2026-12-07T18:30:00Z"}))]
pub struct DeviceView {
    pub id: uuid::Uuid,
    pub platform: PlatformName,
    #[schema(max_length = 120)]
    pub name: Option<String>,
    /// The token's last five characters, to match it with the app's.
    #[schema(max_length = 5)]
    pub token_ending: String,
    pub created_at: DateTime<Utc>,
    /// When the app last registered it.
    pub last_seen_at: DateTime<Utc>,
}

impl From<Device> for DeviceView {
    fn from(device: Device) -> Self {
        let skip = device.token.len().saturating_sub(5);
        Self {
            id: device.id,
            platform: device.platform.into(),
            name: device.name,
            token_ending: device.token.get(skip..).unwrap_or_default().to_owned(),
            created_at: device.created_at,
            last_seen_at: device.last_seen_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DevicesView {
    /// The one seen last first (at most 10: registering an eleventh takes
    /// away the one seen longest ago).
    #[schema(max_items = 10)]
    pub items: Vec<DeviceView>,
}

async fn register(
    state: &AppState,
    caller: &Caller,
    holder: Holder,
    body: DeviceRequest,
) -> Result<HttpResponse, ApiError> {
    let new = NewDevice {
        platform: body.platform.into(),
        token: body.token,
        name: body.name,
    };
    let mut unit = state.unit(caller);
    let (device, created) = devices::register(&mut unit, holder, &new).await?;
    unit.commit().await?;
    let view = DeviceView::from(device);
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

async fn list(state: &AppState, holder: Holder) -> Result<web::Json<DevicesView>, ApiError> {
    let found = Devices::of(state.database.connection(), holder).await?;
    Ok(web::Json(DevicesView {
        items: found.into_iter().map(DeviceView::from).collect(),
    }))
}

async fn remove(
    state: &AppState,
    caller: &Caller,
    holder: Holder,
    id: uuid::Uuid,
) -> Result<HttpResponse, ApiError> {
    let mut unit = state.unit(caller);
    if !devices::remove(&mut unit, holder, id).await? {
        return Err(ApiError::NotFound);
    }
    unit.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Register this phone for notifications from the shop (customers only):
/// the app calls it at every start and after login. A bill and a job ready
/// to collect then also come to the app, as the customer's consents allow
/// (channel `push`).
#[utoipa::path(
    tag = "me",
    operation_id = "registerMyDevice",
    security(("bearer" = [])),
    request_body = DeviceRequest,
    responses(
        (status = 201, description = "Registered.", body = DeviceView),
        (status = 200, description = "Registered already: seen again (and now yours, if it was someone else's).", body = DeviceView),
        (status = 422, description = "A bad `token` or `name`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/me/devices")]
pub async fn register_my_device(
    state: web::Data<AppState>,
    caller: Caller,
    Json(body): Json<DeviceRequest>,
) -> Result<HttpResponse, ApiError> {
    let holder = Holder::Customer(caller.customer()?);
    register(&state, &caller, holder, body).await
}

/// Your registered devices (customers only).
#[utoipa::path(
    tag = "me",
    operation_id = "listMyDevices",
    security(("bearer" = [])),
    responses((status = 200, description = "Your devices.", body = DevicesView))
)]
#[get("/api/v1/me/devices")]
pub async fn list_my_devices(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<DevicesView>, ApiError> {
    list(&state, Holder::Customer(caller.customer()?)).await
}

/// Stop notifications to a device of yours (customers only; the app calls
/// it at logout).
#[utoipa::path(
    tag = "me",
    operation_id = "removeMyDevice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The device's id")),
    responses(
        (status = 204, description = "Taken away."),
        (status = 404, description = "No such device of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/me/devices/{id}")]
pub async fn remove_my_device(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let holder = Holder::Customer(caller.customer()?);
    remove(&state, &caller, holder, id.into_inner()).await
}

/// Register the staff app on this phone (staff logins only): a campaign's
/// app notification is tried on it (`POST /api/v1/campaigns/{id}/test-send`).
#[utoipa::path(
    tag = "staff",
    operation_id = "registerStaffDevice",
    security(("bearer" = [])),
    request_body = DeviceRequest,
    responses(
        (status = 201, description = "Registered.", body = DeviceView),
        (status = 200, description = "Registered already: seen again (and now yours, if it was someone else's).", body = DeviceView),
        (status = 422, description = "A bad `token` or `name`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/staff/me/devices")]
pub async fn register_staff_device(
    state: web::Data<AppState>,
    login: StaffLogin,
    Json(body): Json<DeviceRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = login.caller;
    register(&state, &caller, Holder::Staff(caller.id), body).await
}

/// Your registered devices (staff logins only).
#[utoipa::path(
    tag = "staff",
    operation_id = "listStaffDevices",
    security(("bearer" = [])),
    responses((status = 200, description = "Your devices.", body = DevicesView))
)]
#[get("/api/v1/staff/me/devices")]
pub async fn list_staff_devices(
    state: web::Data<AppState>,
    login: StaffLogin,
) -> Result<web::Json<DevicesView>, ApiError> {
    list(&state, Holder::Staff(login.caller.id)).await
}

/// Stop notifications to a device of yours (staff logins only).
#[utoipa::path(
    tag = "staff",
    operation_id = "removeStaffDevice",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The device's id")),
    responses(
        (status = 204, description = "Taken away."),
        (status = 404, description = "No such device of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api/v1/staff/me/devices/{id}")]
pub async fn remove_staff_device(
    state: web::Data<AppState>,
    login: StaffLogin,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = login.caller;
    remove(&state, &caller, Holder::Staff(caller.id), id.into_inner()).await
}
