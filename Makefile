# Dossier — `make run` starts the product on embedded defaults; `make test`
# installs what the tests need (Debian packages, a MinIO server built once into
# a cache) and runs every suite against real PostgreSQL and MinIO.

SHELL     := /bin/bash
.SHELLFLAGS := -o pipefail -c
GO        ?= go
BIN       := bin/dossier
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
CACHE     ?= $(if $(HOME),$(HOME)/.cache/dossier,$(CURDIR)/.cache)
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
MINIO     := $(CACHE)/minio-$(MINIO_VERSION)/minio
APT_PKGS  := chromium poppler-utils qpdf tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-microhei
PGURL     ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
TEST_TIMEOUT ?= 45m

.PHONY: all build run test test-go bench bench-quick lint clean deps minio postgres help

all: build

help:
	@echo "make run    start Dossier on embedded defaults (SQLite, blobs and index under ./storage)"
	@echo "make test   install test dependencies, then run every test (PostgreSQL, MinIO, Chromium)"
	@echo "make bench  run the benchmarks and print their figures"
	@echo "make build | lint | clean"

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/dossier

run: build
	DOSSIER_LOG_FORMAT=$${DOSSIER_LOG_FORMAT:-text} ./$(BIN) serve

# Debian packages the tests use: chromium (browser tests), poppler/qpdf (reading
# generated PDFs back), tesseract (OCR), a CJK font. Installed only when missing.
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# MinIO is built from source once (about 3 minutes) and kept in the cache.
minio: $(MINIO)
$(MINIO):
	@echo "building MinIO $(MINIO_VERSION) into $(dir $@) (once; about 3 minutes)"
	@mkdir -p $(dir $@)
	cd /tmp && GOBIN=$(abspath $(dir $@)) GOFLAGS=-mod=mod $(GO) install github.com/minio/minio@$(MINIO_VERSION)

# PostgreSQL runs on this machine kind; start it if it was stopped.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

test: deps minio postgres
	$(GO) vet ./...
	$(MAKE) test-go

test-go:
	DOSSIER_TEST_REQUIRE=postgres,minio,chromium,poppler,tesseract \
	DOSSIER_MINIO_BIN=$(MINIO) DOSSIER_TEST_POSTGRES='$(PGURL)' \
	  $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

# Each capability's benchmark, sized as its issue asks, with the peer it is
# compared to measured in the same run (ratios are reported as metrics).
# `make bench-quick` runs the same benchmarks on small inputs.
BENCH_ENV = DOSSIER_TEST_REQUIRE=postgres,minio,chromium DOSSIER_MINIO_BIN=$(MINIO) DOSSIER_TEST_POSTGRES='$(PGURL)'
BENCH = $(BENCH_ENV) $(GO) test -run '^$$' -timeout 90m
bench: deps minio postgres
	@rm -f bench.out
	$(BENCH) -bench 'BenchmarkPut' -benchtime 3x ./internal/blob/disk ./internal/blob/s3 | tee -a bench.out
	$(BENCH) -bench 'BenchmarkFormReader' -benchtime 10x ./internal/evidence | tee -a bench.out
	$(BENCH) -bench 'BenchmarkEvidenceUpload' -benchtime 1x ./cmd/dossier | tee -a bench.out
	$(BENCH) -bench 'BenchmarkEvidenceDownload' -benchtime 1x ./cmd/dossier | tee -a bench.out
	$(BENCH) -bench 'BenchmarkScanEvidence' -benchtime 1x ./internal/sqlstore | tee -a bench.out
	$(BENCH) -bench 'BenchmarkEvidenceReadAudit' -benchtime 1x ./internal/httpapi | tee -a bench.out
	$(BENCH) -bench 'BenchmarkRecord' -benchtime 50000x ./internal/audit | tee -a bench.out
	$(BENCH) -bench 'BenchmarkVerify' -benchtime 1x ./internal/audit | tee -a bench.out
	$(BENCH) -bench 'BenchmarkSearch' -benchtime 1x ./internal/search | tee -a bench.out
	$(BENCH) -bench 'BenchmarkFoldTraditional' -benchtime 20x ./internal/search | tee -a bench.out
	DOSSIER_BENCH_REBUILD_ITEMS=$${DOSSIER_BENCH_REBUILD_ITEMS:-500} \
	$(BENCH) -bench 'BenchmarkRebuildIndexReuse' -benchtime 1x ./cmd/dossier | tee -a bench.out
	$(BENCH) -bench 'BenchmarkLawyerLetter' -benchtime 200x ./internal/document | tee -a bench.out
	$(BENCH) -bench 'BenchmarkBundleStream' -benchtime 1x ./internal/bundle | tee -a bench.out
	$(BENCH) -bench 'BenchmarkLimitation|BenchmarkDashboard' -benchtime 1x ./internal/recovery | tee -a bench.out
	@echo; echo "== figures (full output in bench.out) =="; grep -E '^Benchmark' bench.out

bench-quick:
	DOSSIER_BENCH_DOCS=2000 DOSSIER_BENCH_EVENTS=20000 DOSSIER_BENCH_UPLOAD_MB=64 DOSSIER_BENCH_BUNDLE_MB=64 \
	DOSSIER_BENCH_REQUESTS=800 DOSSIER_BENCH_CASES=1000 $(MAKE) bench

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin bench.out test-artifacts
