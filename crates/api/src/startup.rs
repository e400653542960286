//! Building and running the HTTP server from settings.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_http::{HttpService, KeepAlive, Protocol, error::DispatchError};
use actix_service::{IntoServiceFactory, ServiceFactoryExt, fn_service, map_config};
use actix_web::dev::AppConfig;
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::web::{self, PayloadConfig};
use actix_web::{App, HttpResponse};

use crate::connection::ProblemAnswers;
use anyhow::Context;
use jewel_persistence::Database;
use jewel_persistence::repos::signing_keys::SigningKeys;
use jewel_persistence::repos::staff::Staff;
use secrecy::ExposeSecret;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use jewel_services::relay::{Relay, Subscriber};

use crate::auth::revocations::{self, Revocations};
use crate::auth::{TokenKeys, tokens};
use crate::cache::Cache;
use crate::config::{AuthSettings, ServerSettings, Settings};
use crate::contract::{self, RouteTable};
use crate::error::ApiError;
use crate::extract::BodyLimit;
use crate::openapi::{self, DOCUMENT_PATH, SWAGGER_UI_PATH};
use crate::request_context::{self, RequestTimeout};
use crate::sealing::Sealer;
use crate::state::AppState;
use crate::{compression, rate_limit, routes};

/// Extra routes mounted beside the API; the test suite uses it to reach the
/// request pipeline with bodies before any public JSON endpoint exists.
pub type ExtraRoutes = fn(&mut web::ServiceConfig);

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    /// The event relay, unless this server leaves delivery to others.
    relay: Option<Relay>,
    /// The message worker, unless this server leaves sending to others.
    courier: Option<crate::workers::Courier>,
    /// The webhook worker, unless this server leaves sending to others.
    webhooks: Option<crate::workers::WebhookCourier>,
    /// How often the import worker looks for a job, when this server runs it.
    imports: Option<Duration>,
}

impl Application {
    /// Opens the database (migrating it unless switched off), the cache and
    /// the listener. The server does not serve until [`Self::run_until_stopped`].
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with(settings, |_| {}).await
    }

    pub async fn build_with(settings: Settings, extra: ExtraRoutes) -> anyhow::Result<Self> {
        Self::build_with_subscribers(settings, extra, Vec::new()).await
    }

    /// [`Self::build_with`], with `subscribers` of the event relay beside
    /// the server's own (the test suite counts deliveries with them).
    pub async fn build_with_subscribers(
        settings: Settings,
        extra: ExtraRoutes,
        subscribers: Vec<Arc<dyn Subscriber>>,
    ) -> anyhow::Result<Self> {
        let database = Database::connect(&settings.database.options()).await?;
        if settings.database.run_migrations {
            database
                .migrate_up(None)
                .await
                .context("applying database migrations")?;
        }
        let sealer = Sealer::new(&settings.identity, &settings.database.data_dir)?;
        let sealed = sealer
            .seal_what_is_left(&database)
            .await
            .context("sealing stored PANs")?;
        if sealed > 0 {
            tracing::info!(sealed, "stored PANs sealed with the current identity key");
        }
        let cache = Cache::new(&settings.cache).context("setting up the cache")?;
        let tokens = token_keys(&database, &settings.auth).await?;
        let revocations = Revocations::load(
            database.connection(),
            tokens.access_ttl(),
            Duration::from_secs(settings.auth.leeway_secs),
        )
        .await
        .map_err(|error| anyhow::anyhow!("reading token revocations: {error}"))?;
        warn_when_there_is_no_owner(&database).await;
        let notifiers = crate::notifiers::from_settings(&settings.notify, &database)
            .context("setting up notify.*")?;
        let relay = Relay::new(
            database.clone(),
            settings.events.relay(),
            jewel_services::subscribers()
                .into_iter()
                .chain(std::iter::once(notifications(&settings)))
                .chain(subscribers)
                .collect(),
        );
        let unsubscribe = jewel_services::engagement::unsubscribe::UnsubscribeLinks::new(
            &settings.notify.public_url,
            sealer.derived_key(b"jewel-crm unsubscribe links v1"),
            settings.notify.unsubscribe_link_days,
        );
        let courier = settings.notify.deliver.then(|| crate::workers::Courier {
            database: database.clone(),
            notifiers: notifiers.clone(),
            unsubscribe: unsubscribe.clone(),
            settings: settings.notify.delivery(unsubscribe.clone()),
            poll: Duration::from_millis(settings.notify.poll_ms),
        });
        let webhooks = match settings.webhooks.deliver {
            true => Some(crate::workers::WebhookCourier {
                database: database.clone(),
                poster: crate::webhook_poster::HttpPoster::new(&settings.webhooks)
                    .context("setting up webhooks.*")?,
                sealer: sealer.clone(),
                settings: settings.webhooks.sending(),
                poll: Duration::from_millis(settings.webhooks.poll_ms),
            }),
            false => None,
        };
        let state = AppState {
            database,
            cache,
            tokens,
            revocations,
            auth: Arc::new(settings.auth.clone()),
            rate_limit: Arc::new(settings.rate_limit.clone()),
            sso: Arc::new(settings.sso.clone()),
            home_country: settings.phones.default_country,
            pricing: Arc::new(settings.inventory.clone()),
            billing: Arc::new(settings.billing.clone()),
            sealer,
            relay_wake: relay.wake(),
            imports_wake: jewel_services::unit::Wake::default(),
            price_keys: crate::price_keys::PriceKeys::default(),
            holds: crate::holds::Lapses::default(),
            photos: crate::photo_store::PhotoKeeping::from_settings(
                &settings.jobs,
                &settings.database.data_dir,
            )?,
            notify: Arc::new(settings.notify.clone()),
            notifiers,
            unsubscribe,
            webhooks: Arc::new(settings.webhooks.clone()),
        };

        let listener = TcpListener::bind(settings.server.bind)
            .with_context(|| format!("cannot listen on {}", settings.server.bind))?;
        let port = listener.local_addr()?.port();
        let server = serve(
            listener,
            &settings.server,
            settings.database.max_connections,
            state.clone(),
            extra,
        )?;
        tracing::info!(
            address = %listener_address(&settings, port),
            storage = state.database.kind().as_str(),
            cache = state.cache.kind().as_str(),
            "jewel-crm is listening; API docs at {SWAGGER_UI_PATH}"
        );
        Ok(Self {
            port,
            server,
            state,
            relay: settings.events.deliver.then_some(relay),
            courier,
            webhooks,
            imports: settings
                .imports
                .work
                .then(|| Duration::from_millis(settings.imports.poll_ms)),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT, then lets in-flight requests finish
    /// (up to `server.shutdown_timeout_secs`).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let worker = tokio::spawn(crate::workers::release_expired_holds(self.state.clone()));
        let loyalty = tokio::spawn(crate::workers::loyalty_daily(self.state.clone()));
        let occasions = tokio::spawn(crate::workers::occasions_daily(self.state.clone()));
        let revocations = tokio::spawn(revocations::keep_current(
            self.state.revocations.clone(),
            self.state.database.clone(),
        ));
        let relay = self.relay.map(|relay| tokio::spawn(relay.run()));
        let courier = self
            .courier
            .map(|courier| tokio::spawn(crate::workers::deliver_messages(courier)));
        let webhooks = self
            .webhooks
            .map(|courier| tokio::spawn(crate::workers::deliver_webhooks(courier)));
        let imports = self
            .imports
            .map(|poll| tokio::spawn(crate::import_worker::run_imports(self.state.clone(), poll)));
        let stopped = self.server.await;
        for worker in [courier, webhooks, imports].into_iter().flatten() {
            worker.abort();
        }
        worker.abort();
        loyalty.abort();
        occasions.abort();
        revocations.abort();
        if let Some(relay) = relay {
            relay.abort();
        }
        stopped
    }
}

/// The subscriber that queues messages, speaking the business's language
/// to customers who have not said theirs.
fn notifications(settings: &Settings) -> Arc<dyn Subscriber> {
    Arc::new(jewel_services::engagement::notifications::Notifications {
        language: settings.notify.language(),
        quote_expiring_minutes: settings.notify.quote_expiring_minutes,
        actions: settings.notify.actions(),
    })
}

/// The configured secret, or the one made on first start and kept in the
/// database (so restarts and replicas keep sessions valid).
async fn token_keys(database: &Database, settings: &AuthSettings) -> anyhow::Result<TokenKeys> {
    if let (Some(private), Some(public)) = (
        &settings.jwt_private_key_file,
        &settings.jwt_public_key_file,
    ) {
        let read = |path: &std::path::Path| {
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))
        };
        return TokenKeys::ed25519(&settings.jwt_kid, &read(private)?, &read(public)?, settings);
    }
    match &settings.jwt_secret {
        Some(secret) => TokenKeys::new(
            tokens::CONFIGURED_KID,
            secret.expose_secret().as_bytes(),
            settings,
        ),
        None => {
            let secret = SigningKeys::get_or_create(
                database.connection(),
                tokens::GENERATED_KID,
                "HS256",
                || tokens::new_secret().unwrap_or_default(),
            )
            .await
            .context("loading the token signing key")?;
            TokenKeys::new(tokens::GENERATED_KID, secret.as_bytes(), settings)
        }
    }
}

async fn warn_when_there_is_no_owner(database: &Database) {
    if let Ok(0) = Staff::active_owners(database.connection()).await {
        tracing::warn!(
            "no owner account yet: create one with \
             `jewel-crm create-owner --email you@example.com --name \"Your Name\"` \
             (the password is asked for, or read from JEWEL_OWNER_PASSWORD)"
        );
    }
}

fn listener_address(settings: &Settings, port: u16) -> String {
    format!("http://{}:{port}", settings.server.bind.ip())
}

fn serve(
    listener: TcpListener,
    settings: &ServerSettings,
    database_connections: u32,
    state: AppState,
    extra: ExtraRoutes,
) -> anyhow::Result<Server> {
    let document = openapi::document();
    let route_table = web::Data::new(RouteTable::new(
        &document,
        &[
            DOCUMENT_PATH.to_owned(),
            SWAGGER_UI_PATH.to_owned(),
            format!("{SWAGGER_UI_PATH}/{{_:.*}}"),
        ],
    ));
    let body_limit = settings.body_limit_bytes;
    let timeout = RequestTimeout(settings.request_timeout());
    let origins: Arc<[String]> = settings.cors_allowed_origins.clone().into();
    let client_ip_header = request_context::ClientIpHeader(
        settings
            .client_ip_header
            .as_deref()
            .and_then(|name| header::HeaderName::try_from(name).ok()),
    );

    // actix-web's HttpServer, assembled by hand from actix-server and
    // actix-http so that each connection passes through `ProblemAnswers`
    // (answers the HTTP parser makes on its own become problem+json).
    let app = move |state: web::Data<AppState>| {
        App::new()
            .app_data(state)
            .app_data(route_table.clone())
            .app_data(PayloadConfig::new(body_limit))
            .app_data(BodyLimit(body_limit))
            .app_data(timeout)
            .app_data(client_ip_header.clone())
            .app_data(web::PathConfig::default().error_handler(|error, request| {
                let detail = format!("a path parameter is invalid: {error}");
                // Every typed path parameter is an id: name the one that is not.
                let field = request
                    .match_info()
                    .iter()
                    .find(|(_, value)| uuid::Uuid::parse_str(value).is_err())
                    .map(|(name, _)| name.to_owned());
                match field {
                    Some(field) => ApiError::bad_field(detail, field, "format", "a UUID").into(),
                    None => ApiError::bad_request(detail).into(),
                }
            }))
            .wrap(from_fn(contract::as_documented))
            .wrap(from_fn(rate_limit::middleware))
            .wrap(from_fn(compression::middleware))
            .wrap(cors(&origins))
            .wrap(from_fn(crate::request_guard::middleware))
            .into_utoipa_app()
            .configure(routes::configure)
            .into_app()
            .service(
                SwaggerUi::new(format!("{SWAGGER_UI_PATH}/{{_:.*}}"))
                    .external_url_unchecked(DOCUMENT_PATH, document.clone()),
            )
            .route(SWAGGER_UI_PATH, web::get().to(to_swagger_ui))
            .configure(extra)
            .default_service(web::to(contract::no_route))
    };
    let address = listener.local_addr()?;
    let mut builder =
        actix_server::Server::build().shutdown_timeout(settings.shutdown_timeout_secs);
    let workers = match settings.workers {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        workers => workers,
    };
    builder = builder.workers(workers);
    // Each worker thread reads MariaDB through a pool of its own, a share of
    // the configured connections (see `Database::for_this_thread`).
    let per_worker = u32::try_from(workers)
        .ok()
        .map_or(1, |w| database_connections.div_ceil(w.max(1)));
    let shutdown = builder.graceful_shutdown_signal();
    let server = builder
        .listen("jewel-crm", listener, move || {
            let shutdown = shutdown.clone();
            let state = web::Data::new(state.for_this_thread(per_worker));
            let http = HttpService::build()
                .graceful_shutdown_signal(move || {
                    let signal = shutdown.clone();
                    async move { signal.notified().await }
                })
                .keep_alive(KeepAlive::default())
                .client_request_timeout(Duration::from_secs(10))
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(address)
                .finish(map_config(
                    app(state)
                        .into_factory()
                        .map_err(|error| error.error_response()),
                    |_| AppConfig::default(),
                ));
            fn_service(|io: actix_rt::net::TcpStream| {
                // A compressed answer goes out in two writes (head, then
                // body); with Nagle's algorithm the second waits for the
                // client's delayed ACK of the first, 40 ms on Linux.
                if let Err(error) = io.set_nodelay(true) {
                    tracing::debug!(%error, "TCP_NODELAY not set");
                }
                let peer = io.peer_addr().ok();
                std::future::ready(Ok::<_, DispatchError>((
                    ProblemAnswers::new(io),
                    Protocol::Http1,
                    peer,
                )))
            })
            .and_then(http)
        })?
        .run();
    Ok(server)
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            request_context::REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
            request_context::REQUEST_ID,
            rate_limit::LIMIT,
            rate_limit::REMAINING,
            rate_limit::RESET,
        ])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}

async fn to_swagger_ui() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, format!("{SWAGGER_UI_PATH}/")))
        .finish()
}
