//! Posting webhooks over HTTP with reqwest: redirects are not followed (a
//! 3xx is a failure), an endpoint has `webhooks.timeout_secs` to answer, the
//! first KiB of its answer is kept, and unless `webhooks.allow_private` a
//! host name is looked up to public addresses only (a name pointing at
//! the server's own network is refused at every try, not only when saved).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jewel_domain::webhook::delivery::{KEPT_RESPONSE, kept_response};
use jewel_domain::webhook::is_public;
use jewel_services::integrations::sending::{Post, Posted, Poster};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::config::WebhookSettings;

/// Posts signed messages to endpoints.
#[derive(Debug, Clone)]
pub struct HttpPoster {
    client: reqwest::Client,
    timeout: Duration,
}

/// Looks host names up to their public addresses only.
#[derive(Debug)]
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| is_public(address.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            let addresses: Addrs = Box::new(found.into_iter());
            Ok(addresses)
        })
    }
}

impl HttpPoster {
    pub fn new(settings: &WebhookSettings) -> anyhow::Result<Self> {
        let timeout = Duration::from_secs(settings.timeout_secs);
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .user_agent(concat!("jewel-crm-webhooks/", env!("CARGO_PKG_VERSION")));
        if !settings.allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            client: builder.build()?,
            timeout,
        })
    }

    fn why(&self, error: &reqwest::Error) -> String {
        if error.is_timeout() {
            return format!("no answer within {} s", self.timeout.as_secs());
        }
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text = format!("{text}: {cause}");
            source = cause.source();
        }
        kept_response(&text).chars().take(250).collect()
    }
}

#[async_trait::async_trait]
impl Poster for HttpPoster {
    async fn post(&self, post: Post<'_>) -> Posted {
        let started = Instant::now();
        let mut request = self
            .client
            .post(post.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in &post.headers {
            request = request.header(*name, value.as_str());
        }
        let latency =
            |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        match request.body(post.body.to_owned()).send().await {
            Ok(mut response) => {
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let retry_after = header("retry-after");
                let abort = header("webhook-delivery")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("abort-message"));
                let status = response.status().as_u16();
                let mut body = Vec::new();
                while body.len() < KEPT_RESPONSE {
                    match response.chunk().await {
                        Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                        _ => break,
                    }
                }
                body.truncate(KEPT_RESPONSE);
                Posted {
                    status: Some(status),
                    body: kept_response(&String::from_utf8_lossy(&body)),
                    retry_after,
                    abort,
                    error: None,
                    latency_ms: latency(started),
                }
            }
            Err(error) => Posted {
                error: Some(self.why(&error.without_url())),
                latency_ms: latency(started),
                ..Posted::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use reqwest::dns::{Name, Resolve};

    /// A name that points into the server's own network is not looked up
    /// to an address to post to (unless `webhooks.allow_private`).
    #[tokio::test]
    async fn loopback_names_are_not_resolved() {
        let name = Name::from_str("localhost").expect("a name");
        let refused = match super::PublicOnly.resolve(name).await {
            Ok(addresses) => panic!("resolved to {:?}", addresses.collect::<Vec<_>>()),
            Err(error) => error.to_string(),
        };
        assert!(refused.contains("no public address"), "{refused}");
    }
}
