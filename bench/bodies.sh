#!/usr/bin/env bash
# Memory under declared-but-unsent request bodies: `bash bench/bodies.sh`
# (or `make bench-bodies`). Builds marquee and bench/bodies, which starts a
# throwaway Postgres, provisions one event and, for each scenario (an event's
# order form; the console's image upload), starts a fresh `marquee serve`,
# opens BENCH_CONNS (200) connections that each declare a Content-Length of
# BENCH_LENGTH (11000000) bytes and send nothing more, and reports the
# server's RSS before and at its peak while they are held (BENCH_HOLD, 3s).
# MARQUEE_BIN measures another build of marquee (an older commit, say).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/marquee-bodies.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/" ./cmd/marquee ./bench/bodies
"$tmp/bodies" -marquee "${MARQUEE_BIN:-$tmp/marquee}" -conns "${BENCH_CONNS:-200}" -length "${BENCH_LENGTH:-11000000}" -hold "${BENCH_HOLD:-3s}"
