//! Structured logs with tracing: JSON when standard output is not a
//! terminal, readable lines when it is. Every line about a request carries
//! its `request_id` from the request span.

use std::io::IsTerminal;

use tracing::{Event, Level, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{LogFormat, LogSettings};

/// Installs the global subscriber. `RUST_LOG`, when set, wins over the
/// configured level. Calling it twice is harmless (the second call is a no-op).
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match settings.format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !std::io::stdout().is_terminal(),
    };
    // The layer that logs connection errors again comes last: its own event
    // must not be dispatched while the fmt layer still weighs the first.
    let registry = tracing_subscriber::registry().with(filter);
    let not_the_dispatchers_errors = NotConnectionErrors;
    let _already_set = if json {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_filter(not_the_dispatchers_errors),
            )
            .with(ConnectionErrorsAtInfo)
            .try_init()
    } else {
        registry
            .with(tracing_subscriber::fmt::layer().with_filter(not_the_dispatchers_errors))
            .with(ConnectionErrorsAtInfo)
            .try_init()
    };
}

/// actix-http's HTTP/1 dispatcher logs at ERROR what a client did to its
/// connection: bytes that are no HTTP request, a reset, a slow head. Those
/// are client errors, so they are logged at INFO instead.
const DISPATCHER: &str = "actix_http::h1::dispatcher";

/// Whether `event` is one of those. actix-http's events may come through
/// the `log` bridge, so its own target is read from the normalized metadata.
fn is_connection_error(event: &Event<'_>) -> bool {
    let normalized = event.normalized_metadata();
    let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
    meta.target() == DISPATCHER && *meta.level() == Level::ERROR
}

/// Keeps those events out of the log output (they are logged again at INFO).
#[derive(Clone, Copy)]
struct NotConnectionErrors;

impl<S> tracing_subscriber::layer::Filter<S> for NotConnectionErrors {
    fn enabled(&self, _: &tracing::Metadata<'_>, _: &Context<'_, S>) -> bool {
        true
    }

    fn event_enabled(&self, event: &Event<'_>, _: &Context<'_, S>) -> bool {
        !is_connection_error(event)
    }
}

/// Logs the dispatcher's ERROR events again at INFO (the originals are
/// filtered out of the output).
struct ConnectionErrorsAtInfo;

impl<S: Subscriber> Layer<S> for ConnectionErrorsAtInfo {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if !is_connection_error(event) {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        tracing::info!(
            target: "jewel_api::connection",
            error = %message.0,
            "a connection ended on a malformed or broken request"
        );
    }
}

struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}
