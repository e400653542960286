//! Work that runs by the clock beside the server: expired holds lapse,
//! price keys follow rates that take over, loyalty's daily run.

use std::time::Duration;

use jewel_persistence::repos::pieces::Pieces;

use crate::state::AppState;

/// How often holds that ran out are let go (reads let them go too).
const RELEASE_EVERY: Duration = Duration::from_secs(60);

/// Lets expired reservations lapse, every minute, for as long as the server runs.
pub async fn release_expired_holds(state: AppState) {
    let mut interval = tokio::time::interval(RELEASE_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match Pieces::release_expired(state.database.connection(), chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "expired holds released"),
            Err(error) => tracing::warn!(%error, "releasing expired holds failed"),
        }
        // Rates set ahead take over by the clock: re-reckon price keys then.
        if let Err(error) =
            jewel_services::inventory::refresh_price_keys(state.database.connection()).await
        {
            tracing::warn!(%error, "refreshing price keys failed");
        }
    }
}

/// How often the loyalty run looks for the day's work (a second look the
/// same day finds it done).
const LOYALTY_EVERY: Duration = Duration::from_secs(3600);

/// How long after start-up the loyalty run first looks: a server started
/// and stopped again at once (a test, a deploy rolled back) does no
/// day's work.
const LOYALTY_FIRST_AFTER: Duration = Duration::from_secs(600);

/// Loyalty's daily run (points lapse, tiers at their anniversary, birthday
/// and anniversary points), looked at every hour for as long as the
/// server runs. Every replica may run it: each customer's work holds their
/// account's lock and is done once.
pub async fn loyalty_daily(state: AppState) {
    let first = tokio::time::Instant::now() + LOYALTY_FIRST_AFTER;
    let mut interval = tokio::time::interval_at(first, LOYALTY_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match jewel_services::loyalty::run_daily(&state.database, chrono::Utc::now()).await {
            Ok(run) => tracing::info!(?run, "loyalty's daily run"),
            Err(error) => tracing::warn!(%error, "loyalty's daily run failed"),
        }
    }
}

/// Occasion greetings (birthdays, anniversaries `notify.occasion_days_ahead`
/// away), follow-ups after sales and scheme reminders, looked at every hour from ten minutes after start-up; every
/// replica may run them (one greeting per customer, occasion and year).
pub async fn occasions_daily(state: AppState) {
    let first = tokio::time::Instant::now() + LOYALTY_FIRST_AFTER;
    let mut interval = tokio::time::interval_at(first, LOYALTY_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let run = jewel_services::engagement::occasions::run(
            &state.database,
            chrono::Utc::now(),
            state.notify.occasion_days_ahead,
            state.notify.language(),
            &state.notify.actions(),
        )
        .await;
        match run {
            Ok(run) => tracing::info!(?run, "occasion greetings queued"),
            Err(error) => tracing::warn!(%error, "queueing occasion greetings failed"),
        }
        let run = jewel_services::engagement::after_sales::run(
            &state.database,
            chrono::Utc::now().date_naive(),
            state.notify.language(),
            &state.notify.after_sales(),
        )
        .await;
        match run {
            Ok(run) => tracing::info!(?run, "follow-ups after sales made"),
            Err(error) => tracing::warn!(%error, "making follow-ups after sales failed"),
        }
        let run = jewel_services::engagement::scheme_reminders::run(
            &state.database,
            chrono::Utc::now().date_naive(),
            state.notify.scheme_reminder_days,
            state.notify.language(),
            &state.notify.actions(),
        )
        .await;
        match run {
            Ok(run) => tracing::info!(?run, "scheme reminders queued"),
            Err(error) => tracing::warn!(%error, "queueing scheme reminders failed"),
        }
    }
}

/// What the message worker needs: the database, the transports, the
/// unsubscribe links campaigns put in their messages and how it paces
/// itself.
#[derive(Debug, Clone)]
pub struct Courier {
    pub database: jewel_persistence::Database,
    pub notifiers: jewel_services::engagement::notifier::Notifiers,
    pub unsubscribe: jewel_services::engagement::unsubscribe::UnsubscribeLinks,
    pub settings: jewel_services::engagement::delivery::DeliverySettings,
    pub poll: Duration,
}

/// Queues the messages of campaigns whose time came, then sends due
/// messages, for as long as the server runs; every replica may run it
/// (each campaign and each message is taken by one lease).
pub async fn deliver_messages(courier: Courier) {
    loop {
        let campaigns = jewel_services::engagement::campaigns::pass(
            &courier.database,
            &courier.unsubscribe,
            chrono::Utc::now(),
        )
        .await;
        if let Err(error) = campaigns {
            tracing::warn!(%error, "queueing campaigns failed");
        }
        let pass = jewel_services::engagement::delivery::pass(
            &courier.database,
            &courier.notifiers,
            &courier.settings,
        )
        .await;
        rest_after(pass, courier.poll, "sending messages failed").await;
    }
}

/// Waits `poll` after a pass that found nothing to do or failed (said in
/// the log as `failed`); goes on at once after one that did work.
async fn rest_after(
    pass: Result<usize, jewel_persistence::RepoError>,
    poll: Duration,
    failed: &str,
) {
    match pass {
        Ok(0) => tokio::time::sleep(poll).await,
        Ok(_) => {}
        Err(error) => {
            tracing::warn!(%error, "{failed}");
            tokio::time::sleep(poll).await;
        }
    }
}

/// What the webhook worker needs: the database, the HTTP poster, the
/// sealer that opens endpoints' secrets and how it paces itself.
#[derive(Debug, Clone)]
pub struct WebhookCourier {
    pub database: jewel_persistence::Database,
    pub poster: crate::webhook_poster::HttpPoster,
    pub sealer: crate::sealing::Sealer,
    pub settings: jewel_services::integrations::sending::SendingSettings,
    pub poll: Duration,
}

/// Sends due webhooks for as long as the server runs; every replica may
/// run it (each delivery is taken by one lease).
pub async fn deliver_webhooks(courier: WebhookCourier) {
    loop {
        let pass = jewel_services::integrations::sending::pass(
            &courier.database,
            &courier.poster,
            &courier.sealer,
            &courier.settings,
        )
        .await;
        rest_after(pass, courier.poll, "sending webhooks failed").await;
    }
}
