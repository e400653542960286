//! Response compression: gzip, for bodies of 1 KiB or more, when the client
//! accepts it.
//!
//! Not brotli: actix's brotli encoder sets up a 4 MiB window for every
//! response, which on this API's JSON cost more CPU than the whole request
//! and most of the server's memory under load (bench/README.md). Not small
//! bodies either: a customer or a price fits one packet as it is.

use actix_http::encoding::Encoder;
use actix_web::HttpMessage;
use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding};
use actix_web::middleware::Next;

/// Bodies shorter than this go as they are.
pub const MIN_COMPRESSED_BYTES: u64 = 1024;

pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B, Encoder<B>>>, actix_web::Error> {
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
        return Ok(response.map_into_left_body());
    }
    Ok(response.map_body(|head, body| {
        EitherBody::right(Encoder::response(ContentEncoding::Gzip, head, body))
    }))
}
