# make test: every check and every test, on a throwaway Postgres that
# cmd/withpg starts and stops (unless TEST_DATABASE_URL names one).
GO ?= go

.PHONY: test test-inner check fmt-check vet staticcheck sqlc-check generate dev bench bench-orders bench-burst bench-bodies bench-tenants bench-compress

# make image: the OCI image as marquee.tar (docker load < marquee.tar),
# built offline by infra/image.sh.
.PHONY: image actionlint

test:
	$(GO) run ./cmd/withpg -- $(MAKE) --no-print-directory test-inner

test-inner: check
	$(GO) test -race -count=1 -timeout 25m ./...

check: fmt-check vet staticcheck sqlc-check actionlint

fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

# Fails when the committed sqlc output differs from what queries/ compiles to.
sqlc-check:
	$(GO) tool sqlc diff -f queries/sqlc.yaml

# The GitHub Actions workflows (.github/workflows); actionlint runs shellcheck
# on their scripts when it is installed (.ci/run installs it).
actionlint:
	$(GO) tool actionlint

generate:
	$(GO) tool sqlc generate -f queries/sqlc.yaml

dev:
	$(GO) run ./cmd/marquee dev

image:
	bash infra/image.sh

bench:
	bash bench/landing.sh

bench-orders:
	bash bench/orders.sh

bench-tenants:
	bash bench/tenants.sh

bench-burst:
	bash bench/burst.sh

bench-bodies:
	bash bench/bodies.sh

bench-compress:
	bash bench/compress.sh
