//! Response compression: gzip, for bodies of 1 KiB or more, when the client
//! accepts it.
//!
//! A whole answer (every JSON answer of this API) is compressed in place,
//! on the worker thread, and sent with its length in one write. actix's own
//! encoder hands every chunk of 1 KiB or more to a blocking thread: a
//! thread hop per answer, and under load a thread and its buffers for each
//! answer being compressed (bench/README.md). Streamed bodies still go
//! through actix's encoder.
//!
//! Not brotli: actix's brotli encoder sets up a 4 MiB window for every
//! response, which on this API's JSON cost more CPU than the whole request
//! and most of the server's memory under load. Not small bodies either: a
//! customer or a price fits one packet as it is.

use std::io::Write;

use actix_http::encoding::Encoder;
use actix_web::HttpMessage;
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, HeaderValue};
use actix_web::middleware::Next;
use flate2::Compression;
use flate2::write::GzEncoder;

/// Bodies shorter than this go as they are.
pub const MIN_COMPRESSED_BYTES: u64 = 1024;

pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let gzip = req.get_header::<AcceptEncoding>().is_some_and(|accepted| {
        accepted.negotiate([Encoding::gzip(), Encoding::identity()].iter())
            == Some(Encoding::gzip())
    });
    let response = next.call(req).await?;
    let large = match response.response().body().size() {
        BodySize::Sized(length) => length >= MIN_COMPRESSED_BYTES,
        BodySize::Stream => true,
        BodySize::None => false,
    };
    if !gzip || !large || response.headers().contains_key(header::CONTENT_ENCODING) {
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let body = match body.try_into_bytes() {
        Ok(whole) => match gzipped(&whole) {
            Ok(compressed) => {
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
                BoxBody::new(compressed)
            }
            Err(error) => {
                tracing::warn!(%error, "gzip failed: the answer goes uncompressed");
                BoxBody::new(whole)
            }
        },
        Err(stream) => BoxBody::new(Encoder::response(
            ContentEncoding::Gzip,
            response.head_mut(),
            stream,
        )),
    };
    Ok(ServiceResponse::new(request, response.set_body(body)))
}

/// `body` gzipped at the fastest level (as actix's encoder does): JSON
/// shrinks to about a seventh at a fraction of the CPU of the higher levels.
fn gzipped(body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 4 + 64), Compression::fast());
    encoder.write_all(body)?;
    encoder.finish()
}
