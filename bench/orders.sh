#!/usr/bin/env bash
# Order placement benchmark: `bash bench/orders.sh` (or `make bench-orders`).
# Builds marquee and bench/orders, which starts a throwaway Postgres with
# default durability, provisions one event, runs `marquee serve` on
# 127.0.0.1 and measures orders/s from concurrent clients, then pgbench with
# a transaction of the same shape (bench/orders/order.pgbench.sql) on the
# same database. Tunables: BENCH_CLIENTS (16), BENCH_DURATION (10s),
# BENCH_DURABLE (true; false turns fsync off to compare CPU cost), BENCH_MAIL
# (false; true lets serve's workers send every confirmation to a local SMTP
# sink during the run and reports the send rate beside the order rate),
# BENCH_HOT_ORDERS (1000: orders on one variant, then as many spread over 100
# variants, their rates and ratio printed; 0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/marquee-orders.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/" ./cmd/marquee ./bench/orders
"$tmp/orders" -marquee "$tmp/marquee" -clients "${BENCH_CLIENTS:-16}" -duration "${BENCH_DURATION:-10s}" -durable="${BENCH_DURABLE:-true}" -mail="${BENCH_MAIL:-false}" -hot-orders "${BENCH_HOT_ORDERS:-1000}"
