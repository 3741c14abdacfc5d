# Build: the same command as the README's, in release mode.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin linli

# Run: a small image with the binary, libpq, time zones and CA roots; non-root; data in a volume.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin linli \
 && mkdir -p /data && chown linli:linli /data
COPY --from=build /src/target/release/linli /usr/local/bin/linli
USER linli
ENV LINLI_BIND=0.0.0.0:8080 \
    LINLI_DATA_DIR=/data \
    LINLI_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["linli"]
CMD ["serve"]
