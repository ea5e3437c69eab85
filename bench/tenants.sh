#!/usr/bin/env bash
# A hundred thousand events on one replica: `bash bench/tenants.sh` (or
# `make bench-tenants`).
#
# Builds marquee, withpg and bench/seed, starts a throwaway Postgres
# (cmd/withpg), seeds BENCH_EVENTS events (100,000: ev000001 … ev100000) and
# measures `marquee serve` on 127.0.0.1 (request log on, JSON to /dev/null):
#   - start-up: from the process's start to the first 200 of /readyz;
#   - RSS idle, right after it is ready (and a 2 s pause);
#   - the page rate over BENCH_BUSY events (10,000) against the rate over
#     BENCH_FEW events (10): BENCH_ROUNDS alternating rounds of wrk (a random
#     event's Host per request, bench/random-host.lua) after each set was
#     visited once, each round printed, and the median ratio (the goal of
#     issue 14: >= 0.9), with the RSS after them;
#   - RSS after every event's landing page was visited once (goal: <= 300 MB;
#     it needs the bounded event cache, EVENT_CACHE_SIZE).
# It prints the figures and the goals beside them, warns when other
# processes used the CPU during a measured run, and fails on any error or
# non-2xx response (a goal that is not met is printed, not a failure).
#
# Tunables (environment): BENCH_EVENTS (100000), BENCH_BUSY (10000),
# BENCH_FEW (10), BENCH_THREADS (1), BENCH_CONNECTIONS (64), BENCH_DURATION
# (10s), BENCH_ROUNDS (3), BENCH_WARMUP (3s), BENCH_SEED_WORKERS (8),
# BENCH_VISIT_ENCODING (the Accept-Encoding of the visits, "br" as a
# browser's would have it: a page keeps the encodings visitors ask for; none
# by default),
# BENCH_PORTS (a range such as 18900-18949; default any free port of
# 20000 up to the ephemeral range), BENCH_PROFILE_DIR (when set: marquee serve's CPU profile of
# each round and its heap profile after every event was visited, there). With TEST_DATABASE_URL set, that server is used instead of
# a throwaway one; the bench database and role are dropped at the end.
set -euo pipefail

# The helpers of the landing page benchmark: say, die, begin_inner,
# start_serve, run_inner_under_withpg, cleanup, free_port,
# wait_http, run_wrk (cpu lines), field, check_run, latency, median, us_ms.
# shellcheck source=bench/landing.sh
source "$(dirname "$0")/landing.sh"

EVENTS=${BENCH_EVENTS:-100000}
BUSY=${BENCH_BUSY:-10000}
FEW=${BENCH_FEW:-10}
SEED_WORKERS=${BENCH_SEED_WORKERS:-8}
WIDTH=$((${#EVENTS} > 4 ? ${#EVENTS} : 4)) # digits of the slugs (bench/seed)
ALL_EVENTS=$EVENTS                         # run_wrk picks hosts among the first $EVENTS

outer() {
	cd "$(dirname "$0")/.."
	for tool in go wrk psql curl awk; do
		command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
	done
	((BUSY <= EVENTS && FEW <= BUSY)) || die "BENCH_FEW <= BENCH_BUSY <= BENCH_EVENTS, please"
	BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/marquee-tenants.XXXXXX")
	export BENCH_TMP
	trap 'rm -rf "$BENCH_TMP"' EXIT

	say "building marquee, withpg and bench/seed into $BENCH_TMP"
	go build -o "$BENCH_TMP/" ./cmd/marquee ./cmd/withpg ./bench/seed

	run_inner_under_withpg
}

# rss_mb PID: resident memory of PID in MB.
rss_mb() {
	awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# visit FROM TO PORT NAME: every landing page of events FROM … TO once, 16 at
# a time; fails unless every one answered 200. The URLs have no port, so the
# Host header is the one wrk sends (evNNNN.BASE): a page is kept per origin
# (its links carry it), and a visit as evNNNN.BASE:PORT would warm, and
# keep, a second copy that the runs never ask for.
visit() {
	local from=$1 to=$2 port=$3 name=$4 i ok
	for ((i = from; i <= to; i++)); do
		printf 'url = "http://ev%0*d.%s/"\noutput = "/dev/null"\n' "$WIDTH" "$i" "$BASE_DOMAIN"
	done >"$BENCH_TMP/$name.curl"
	curl -s --parallel --parallel-max 16 --max-time 60 --connect-to "::127.0.0.1:$port" -w '%{http_code}\n' \
		${BENCH_VISIT_ENCODING:+-H "Accept-Encoding: $BENCH_VISIT_ENCODING"} -K "$BENCH_TMP/$name.curl" >"$BENCH_TMP/$name.codes" 2>"$BENCH_TMP/$name.err" ||
		{ tail -5 "$BENCH_TMP/$name.err" >&2; die "$name: curl failed"; }
	ok=$(grep -c '^200$' "$BENCH_TMP/$name.codes" || true)
	((ok == to - from + 1)) || die "$name: $ok of $((to - from + 1)) landing pages answered 200 ($(sort "$BENCH_TMP/$name.codes" | uniq -c | tr '\n' ' '))"
}

inner() {
	cd "$(dirname "$0")/.."
	begin_inner bench/tenants.sh
	local owner_url=$OWNER_URL
	say "seeding $EVENTS events ($SEED_WORKERS at a time)"
	DATABASE_URL=$owner_url "$BENCH_TMP/seed" -n "$EVENTS" -workers "$SEED_WORKERS" -timeout 60m >&2

	local port
	port=$(free_port)
	local started ready startup_ms
	started=$(date +%s%N)
	start_serve "$port"
	local marquee_pid=$MARQUEE_PID
	local i
	for ((i = 0; i < 3000; i++)); do
		kill -0 "$marquee_pid" 2>/dev/null || { cat "$BENCH_TMP/marquee.err" >&2; die "marquee serve exited"; }
		if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/readyz" || true)" == 200 ]]; then
			break
		fi
		sleep 0.01
	done
	ready=$(date +%s%N)
	((i < 3000)) || { cat "$BENCH_TMP/marquee.err" >&2; die "marquee serve was not ready within 30 s"; }
	startup_ms=$(((ready - started) / 1000000))
	say "ready after $startup_ms ms"
	sleep 2
	local rss_idle
	rss_idle=$(rss_mb "$marquee_pid")
	say "RSS idle: $rss_idle MB"

	say "visiting the $BUSY busy events once"
	visit 1 "$BUSY" "$port" busy
	local wrk_settings="-t$THREADS -c$CONNECTIONS -d$DURATION"
	say "warm-up under load, $WARMUP over $BUSY events"
	EVENTS=$BUSY run_wrk warmup "http://127.0.0.1:$port/" "$marquee_pid" -d"$WARMUP"
	check_run warmup

	local round name n
	for ((round = 1; round <= ROUNDS; round++)); do
		for name in few busy; do
			n=$FEW
			[[ "$name" == busy ]] && n=$BUSY
			say "round $round of $ROUNDS: random Host of $n events ($wrk_settings)"
			profile_cpu "$name-$round" "${DURATION%s}"
			EVENTS=$n run_wrk "$name-$round" "http://127.0.0.1:$port/" "$marquee_pid" -d"$DURATION" --latency
			check_run "$name-$round"
			kill -0 "$marquee_pid" 2>/dev/null || die "marquee serve exited during the run"
			printf 'round %d  %6d events %8s requests/s  p99 %s\n' "$round" "$n" "$(field "$name-$round" rps)" \
				"$(awk '$1 == "99%" {print $2}' "$BENCH_TMP/$name-$round.wrk")" | tee -a "$BENCH_TMP/rounds" >&2
		done
	done
	local rss_busy
	rss_busy=$(rss_mb "$marquee_pid")
	say "RSS after the runs over $BUSY events: $rss_busy MB"

	say "visiting all $ALL_EVENTS events once"
	local visit_started=$SECONDS
	visit 1 "$ALL_EVENTS" "$port" all
	local visit_s=$((SECONDS - visit_started))
	sleep 2
	local rss_all
	rss_all=$(rss_mb "$marquee_pid")
	say "RSS after visiting all $ALL_EVENTS events: $rss_all MB"
	profile_heap all-visited
	profile_wait

	local ratios=() few_rps=() busy_rps=()
	for ((round = 1; round <= ROUNDS; round++)); do
		few_rps+=("$(field "few-$round" rps)")
		busy_rps+=("$(field "busy-$round" rps)")
		ratios+=("$(awk -v b="${busy_rps[-1]}" -v f="${few_rps[-1]}" 'BEGIN { printf "%.3f", b / f }')")
	done
	local ratio
	ratio=$(median "${ratios[@]}")
	local v_start v_rss v_ratio
	v_start=$(awk -v m="$startup_ms" 'BEGIN { print (m < 1000 ? "met" : "NOT met") }')
	v_rss=$(awk -v m="$rss_all" 'BEGIN { print (m <= 300 ? "met" : "NOT met") }')
	v_ratio=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.9 ? "met" : "NOT met") }')
	local noisy
	noisy=$(noise few busy)

	cat <<EOF

================ many events on one replica (bench/tenants.sh) ================
machine       $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | sed 's/.*: //'), $(go env GOVERSION), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')
events        $ALL_EVENTS seeded (ev$(printf '%0*d' "$WIDTH" 1) … ev$(printf '%0*d' "$WIDTH" "$ALL_EVENTS").$BASE_DOMAIN)
start-up      $startup_ms ms to the first 200 of /readyz (target < 1000 ms: $v_start)
RSS idle      $rss_idle MB
$(cat "$BENCH_TMP/rounds")
page rate     $BUSY events $(median "${busy_rps[@]}") requests/s, $FEW events $(median "${few_rps[@]}") requests/s (medians; $wrk_settings)
ratio         $ratio ($BUSY events / $FEW events, median of ${ratios[*]}; target >= 0.9: $v_ratio)
RSS busy      $rss_busy MB after the runs over $BUSY events
RSS all       $rss_all MB after every event's landing page once ($visit_s s to visit them; target <= 300 MB: $v_rss)
cpu (last round)
              $(cat "$BENCH_TMP/few-$ROUNDS.cpu")
              $(cat "$BENCH_TMP/busy-$ROUNDS.cpu")
===============================================================================
EOF
	if [[ -n "$noisy" ]]; then
		printf '%s\n' "$noisy"
	fi
	return 0
}

if [[ "${1:-}" == "--inner" ]]; then
	inner
else
	outer
fi
