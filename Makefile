# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing
# first (scripts/setup.sh is idempotent and quick when everything is there).

GO        ?= go
BIN       := bin/xiaozhi
# Packages that must build without cgo: the domain and the pure adapters never pull in
# OpenCV or Tesseract (ARCHITECTURE.md).
PURE_PKGS := ./ident/... ./rules/... ./kiosk/... ./api/... ./store/...

.PHONY: setup build run test test-pure vet

setup:
	@bash scripts/setup.sh

build: setup
	$(GO) build -o $(BIN) ./cmd/xiaozhi

run: build
	./$(BIN) serve --demo

vet:
	$(GO) vet ./...

test-pure:
	CGO_ENABLED=0 $(GO) build $(PURE_PKGS)

# Tesseract's OpenMP threads only fight each other on a small machine; one each is faster.
export OMP_THREAD_LIMIT := 1

test: setup vet test-pure
	$(GO) test ./...
	# gocv counts every Mat under the matprofile tag: reading and capturing must free them all.
	$(GO) test -tags matprofile -count=1 -run 'TestNoMatLeak' ./ocr/ ./device/
