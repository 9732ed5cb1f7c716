# syntax=docker/dockerfile:1
# Build: a static binary (modernc.org/sqlite is pure Go, so CGO is off).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/pyqbot .

# Run: distroless static, non-root (uid 65532). Time zones are embedded in the binary (time/tzdata).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pyqbot /usr/local/bin/pyqbot
VOLUME /data
WORKDIR /data
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/pyqbot"]
CMD ["run", "--db", "/data/pyqbot.db"]
