# syntax=docker/dockerfile:1
# Build: a static binary (modernc.org/sqlite is pure Go, so CGO is off). The base is pinned by digest
# (golang:1.26.2-bookworm); go.mod needs Go 1.26.0 or newer, so the image's own toolchain builds it.
FROM golang:1.26.2-bookworm@sha256:47ce5636e9936b2c5cbf708925578ef386b4f8872aec74a67bd13a627d242b19 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/pyqbot .
# The database directory, owned by the runtime user: a new named volume copies this ownership, and
# the runtime image has no shell to create it.
RUN mkdir -p /out/data && chown 65532:65532 /out/data

# Run: distroless static (no shell, no package manager), non-root (uid 65532), pinned by digest
# (gcr.io/distroless/static-debian12:nonroot). Time zones are embedded in the binary (time/tzdata).
FROM gcr.io/distroless/static-debian12:nonroot@sha256:2b7c93f6d6648c11f0e80a48558c8f77885eb0445213b8e69a6a0d7c89fc6ae4
COPY --from=build /out/pyqbot /usr/local/bin/pyqbot
COPY --from=build --chown=65532:65532 /out/data /data
USER nonroot:nonroot
# The database is ./pyqbot.db in the volume unless [storage] path says otherwise.
VOLUME /data
WORKDIR /data
# Config: /etc/pyqbot/config.toml when one is mounted there, and the environment over it
# (PYQBOT_SECTION_KEY, e.g. PYQBOT_SLACK_ENABLED=true; secrets as SLACK_BOT_TOKEN, DISCORD_BOT_TOKEN…).
# /healthz and /metrics are always served in the container: the HEALTHCHECK below needs them. They
# listen on loopback unless PYQBOT_HTTP_LISTEN=0.0.0.0:8080 (with -p 8080:8080) opens them up.
ENV PYQBOT_HTTP_ENABLED=true
EXPOSE 8080
# Distroless has no shell or curl: the binary asks its own /healthz ([http] listen, loopback).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["/usr/local/bin/pyqbot","healthcheck"]
ENTRYPOINT ["/usr/local/bin/pyqbot"]
CMD ["run"]
