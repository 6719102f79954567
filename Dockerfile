# Tribune's container image: a multi-stage build (the SQLite driver needs cgo and a C
# compiler, so the binary is built on a Go image with gcc) into a small Debian runtime that
# runs as an unprivileged user with the database on a volume.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t tribune .
#   docker run -d -p 8080:8080 -v tribune-data:/var/lib/tribune tribune
#   docker exec -it CONTAINER tribune apikey create --name example.org
#
# See docs/operations.md. cmd/tribune/deploy_test.go runs this file's ENV, ENTRYPOINT and CMD
# against a temporary directory.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/tribune ./cmd/tribune

FROM debian:bookworm-slim
# No packages are installed: the binary needs only glibc, and the model is embedded in it.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/tribune --shell /usr/sbin/nologin tribune \
    && mkdir -p /var/lib/tribune && chown tribune:tribune /var/lib/tribune && chmod 0700 /var/lib/tribune
COPY --from=build /out/tribune /usr/local/bin/tribune
USER 10001:10001
WORKDIR /var/lib/tribune
VOLUME /var/lib/tribune
ENV TRIBUNE_DB=/var/lib/tribune/tribune.db
ENV TRIBUNE_ADDR=0.0.0.0:8080
ENV TRIBUNE_LOG_FORMAT=json
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["tribune"]
CMD ["serve"]
