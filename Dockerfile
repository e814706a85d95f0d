# Build: Debian 12's OpenCV 4.6 (what gocv v0.31.0 binds) and Tesseract 5 headers.
FROM debian:bookworm AS build
ARG GO_VERSION=1.26.8
RUN apt-get update && apt-get install -y --no-install-recommends \
        ca-certificates curl build-essential pkg-config \
        libopencv-dev libtesseract-dev libleptonica-dev \
    && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL "https://go.dev/dl/go${GO_VERSION}.linux-amd64.tar.gz" | tar -C /usr/local -xz
ENV PATH=/usr/local/go/bin:$PATH CGO_ENABLED=1
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The domain and the pure adapters must build without cgo; fail the image if they stop to.
RUN CGO_ENABLED=0 go build ./ident/... ./rules/... ./kiosk/... ./api/... ./store/...
RUN go build -trimpath -ldflags "-s -w" -o /out/xiaozhi ./cmd/xiaozhi
# gocv links every OpenCV module pkg-config lists; record the Debian packages that own the
# shared libraries the binary really needs, so the runtime image installs exactly those.
RUN scripts/runtime-packages.sh /out/xiaozhi > /out/runtime-packages.txt

# Runtime: only the shared libraries and Tesseract's language data, as a non-root user.
FROM debian:bookworm-slim
COPY --from=build /out/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update && apt-get install -y --no-install-recommends \
        ca-certificates tzdata tesseract-ocr-eng tesseract-ocr-chi-sim \
        $(cat /tmp/runtime-packages.txt) \
    && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
    && useradd --system --uid 10001 --home /var/lib/xiaozhi --create-home xiaozhi \
    && usermod -aG video xiaozhi
COPY --from=build /out/xiaozhi /usr/local/bin/xiaozhi
ENV TESSDATA_PREFIX=/usr/share/tesseract-ocr/5/tessdata \
    XIAOZHI_ADDR=:8080 \
    XIAOZHI_DATABASE_URL=/var/lib/xiaozhi/xiaozhi.db \
    XIAOZHI_LOG_FORMAT=json
USER xiaozhi
WORKDIR /var/lib/xiaozhi
VOLUME /var/lib/xiaozhi
EXPOSE 8080
# Pass the document camera in at run time: docker run --device /dev/video0 …
ENTRYPOINT ["/usr/local/bin/xiaozhi"]
CMD ["serve"]
