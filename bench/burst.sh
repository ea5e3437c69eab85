#!/usr/bin/env bash
# Shop-opening benchmark: `bash bench/burst.sh` (or `make bench-burst`).
# Builds marquee and bench/burst, which starts a throwaway Postgres with
# default durability, provisions the hot event (a product of 1,500 units
# over 10 sizes) and 1,000 others, runs `marquee serve` on 127.0.0.1 with
# its workers sending to a local SMTP sink, and measures:
# - the burst: 2,000 attendees, 64 at a time, each loading the page and the
#   form, submitting, following the redirect: orders/s, submit p50/p99,
#   errors, units oversold, and the time from the burst's end to the last
#   confirmation email;
# - the mixed run: after a warm-up (every event's page viewed once, then
#   3 s of page views with orders), page views at full rate over the 1,000
#   events and on the hot event, without and with 100 orders/s on the hot
#   event: the ratios and the database transactions the page views caused;
#   then the time from the order for a sticker's last unit to the hot
#   event's page showing it sold out, under the same load.
# It fails on any error or unexpected status. Tunables: BURST_ATTENDEES
# (2000), BURST_CONCURRENCY (64), BURST_UNITS (1500), BURST_EVENTS (1000),
# BURST_MIXED (true), BURST_MIXED_DURATION (10s), BURST_ORDER_RATE (100),
# BURST_PAGE_CLIENTS (64), BURST_STATS_WAIT (11s), BURST_WARM_UP (3s),
# BURST_STICKER_UNITS (5), BURST_PAST_EVENTS (200), BURST_PAST_ORDERS (5).
# Before measuring, it gives the platform a history (past events with
# orders, then ANALYZE): on brand-new tables Postgres has no statistics and
# looks an event's orders up through the wrong index (see bench/burst).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/marquee-burst.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/" ./cmd/marquee ./bench/burst
"$tmp/burst" -marquee "$tmp/marquee" -attendees "${BURST_ATTENDEES:-2000}" -concurrency "${BURST_CONCURRENCY:-64}" \
	-units "${BURST_UNITS:-1500}" -events "${BURST_EVENTS:-1000}" -mixed="${BURST_MIXED:-true}" \
	-mixed-duration "${BURST_MIXED_DURATION:-10s}" -order-rate "${BURST_ORDER_RATE:-100}" \
	-page-clients "${BURST_PAGE_CLIENTS:-64}" -stats-wait "${BURST_STATS_WAIT:-11s}" -warm-up "${BURST_WARM_UP:-3s}" \
	-sticker-units "${BURST_STICKER_UNITS:-5}" -past-events "${BURST_PAST_EVENTS:-200}" -past-orders "${BURST_PAST_ORDERS:-5}"
