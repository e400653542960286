# syntax=docker/dockerfile:1
# Multi-stage build of the jewel-crm API: compile with the Rust toolchain,
# run from a slim Debian image as an unprivileged user.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY migrations migrations
COPY bench/bare bench/bare
COPY openapi openapi
RUN cargo build --release --locked --bin jewel-crm

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /var/lib/jewel-crm jewel \
    && mkdir -p /var/lib/jewel-crm/data && chown -R jewel /var/lib/jewel-crm
COPY --from=build /src/target/release/jewel-crm /usr/local/bin/jewel-crm
USER jewel
WORKDIR /var/lib/jewel-crm
ENV JEWEL_SERVER__BIND=0.0.0.0:8080 \
    JEWEL_LOG__FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["jewel-crm"]
CMD ["serve"]
