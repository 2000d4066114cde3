# syntax=docker/dockerfile:1
# The headliner binary in a small image. libpq, OpenSSL and SQLite are compiled in.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p headliner \
 && install -D target/release/headliner /out/headliner

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/headliner --create-home headliner
COPY --from=build /out/headliner /usr/local/bin/headliner
USER headliner
WORKDIR /var/lib/headliner
ENV HEADLINER_BIND=0.0.0.0:8080 \
    HEADLINER_DATA_DIR=/var/lib/headliner/data \
    HEADLINER_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["headliner"]
CMD ["serve"]
