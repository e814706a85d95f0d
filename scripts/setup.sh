#!/usr/bin/env bash
# Installs everything Xiaozhi needs on a Debian 12 machine: the C libraries behind gocv and
# gosseract, Tesseract's language data, the fonts the synthetic test cards are rendered with,
# Chromium for the browser tests, and the Go modules. Idempotent: when everything is present it
# only checks and returns in a second or two.
set -euo pipefail

cd "$(dirname "$0")/.."

packages=(
  build-essential pkg-config
  libopencv-dev
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim
  fonts-noto-cjk fonts-noto-cjk-extra fonts-wqy-zenhei fonts-wqy-microhei
  fonts-arphic-uming fonts-arphic-ukai fonts-ocr-b fonts-dejavu-core
  chromium chromium-driver
  postgresql-client
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present"
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    echo "setup: Go 1.23 or newer is required (https://go.dev/dl/)" >&2
    exit 1
  fi
fi

go mod download
echo "setup: ready"
