#!/usr/bin/env bash
# Compression: `bash bench/compress.sh` (or `make bench-compress`).
#
# Builds marquee, withpg and bench/seed, starts a throwaway Postgres
# (cmd/withpg), seeds BENCH_EVENTS events (1,000) and serves them with
# `marquee serve` on 127.0.0.1 (request log on, JSON to /dev/null). It prints
#   - the bytes sent for the landing page, the order form and the style
#     sheets when the client asks for nothing, gzip or br (and checks that
#     each compressed answer decompresses to the plain one's bytes);
#   - the landing page rate over all events with each Accept-Encoding, in
#     BENCH_ROUNDS alternating rounds of wrk (bench/random-host.lua), and the
#     median ratio of each encoding to plain pages: pages are compressed once
#     per cached page, so asking for gzip or br should cost about nothing.
# It warns when other processes used the CPU during a measured run and fails
# on any error or non-2xx response.
#
# Tunables (environment): BENCH_EVENTS (1000), BENCH_THREADS (1),
# BENCH_CONNECTIONS (64), BENCH_DURATION (10s), BENCH_ROUNDS (3),
# BENCH_WARMUP (3s), BENCH_PORTS (default any free port from 20000 up to the ephemeral range).
set -euo pipefail

# The helpers of the landing page benchmark: say, die, begin_inner,
# start_serve, run_inner_under_withpg, cleanup, free_port,
# wait_http, run_wrk, field, check_run, median.
# shellcheck source=bench/landing.sh
source "$(dirname "$0")/landing.sh"

outer() {
	cd "$(dirname "$0")/.."
	for tool in go wrk psql curl awk cmp gzip; do
		command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
	done
	if ! command -v brotli >/dev/null; then
		say "brotli is missing (it checks the br answers): installing Debian's brotli"
		local sudo=()
		((EUID == 0)) || sudo=(sudo)
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends brotli >&2 ||
			die "could not install brotli (apt-get install -y brotli)"
	fi
	BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/marquee-compress.XXXXXX")
	export BENCH_TMP
	trap 'rm -rf "$BENCH_TMP"' EXIT
	say "building marquee, withpg and bench/seed into $BENCH_TMP"
	go build -o "$BENCH_TMP/" ./cmd/marquee ./cmd/withpg ./bench/seed
	run_inner_under_withpg
}

# same_page FILE: whether the page on stdin is FILE's, but for the values
# every order form gets new (its form token and idempotency key).
same_page() {
	local strip='s/name="(csrf|idempotency_key)" value="[^"]*"//g'
	cmp -s <(sed -E "$strip") <(sed -E "$strip" "$1")
}

# sizes PORT PATH: "plain gzip br" bytes of PATH on ev0001, each compressed
# answer checked against the plain one.
sizes() {
	local port=$1 path=$2 enc out=() f
	for enc in identity gzip br; do
		f="$BENCH_TMP/size.$enc"
		local got
		got=$(curl -sS --max-time 5 -o "$f" -w '%{http_code} %{size_download} %header{content-encoding}' \
			-H "Host: ev0001.$BASE_DOMAIN" -H "Accept-Encoding: $enc" "http://127.0.0.1:$port$path")
		read -r code bytes ce <<<"$got"
		[[ "$code" == 200 ]] || die "$path with Accept-Encoding $enc: status $code"
		case $enc in
		identity) [[ -z "$ce" ]] || die "$path: encoded as $ce when the client asked for none" ;;
		gzip) [[ "$ce" == gzip ]] || die "$path: not gzip when asked (Content-Encoding '$ce')"
			gzip -dc <"$f" | same_page "$BENCH_TMP/size.identity" || die "$path: gzip does not decompress to the plain bytes" ;;
		br) [[ "$ce" == br ]] || die "$path: not br when asked (Content-Encoding '$ce')"
			brotli -dc <"$f" | same_page "$BENCH_TMP/size.identity" || die "$path: br does not decompress to the plain bytes" ;;
		esac
		out+=("$bytes")
	done
	echo "${out[*]}"
}

inner() {
	cd "$(dirname "$0")/.."
	begin_inner bench/compress.sh
	local owner_url=$OWNER_URL
	say "seeding $EVENTS events"
	DATABASE_URL=$owner_url "$BENCH_TMP/seed" -n "$EVENTS" -timeout 60s >&2

	local port
	port=$(free_port)
	start_serve "$port"
	local marquee_pid=$MARQUEE_PID
	wait_http "http://127.0.0.1:$port/readyz" "127.0.0.1" "$marquee_pid" ||
		{ cat "$BENCH_TMP/marquee.err" >&2; die "marquee serve did not become ready"; }

	local path table=""
	local css
	css=$(curl -sS --max-time 5 -H "Host: ev0001.$BASE_DOMAIN" "http://127.0.0.1:$port/" | grep -o '/static/[^"?]*\.css' | sort -u)
	[[ -n "$css" ]] || die "the landing page links no style sheet under /static/"
	for path in / /order $css; do
		local got
		got=$(sizes "$port" "$path") || exit 1 # die in the subshell ends only the subshell
		read -r plain gz br <<<"$got"
		table+=$(printf '%-28s %8d %8d (%4.1f %%) %8d (%4.1f %%)' "$path" "$plain" "$gz" \
			"$(awk -v a="$gz" -v b="$plain" 'BEGIN { print 100 * a / b }')" "$br" \
			"$(awk -v a="$br" -v b="$plain" 'BEGIN { print 100 * a / b }')")$'\n'
	done

	say "every event's landing page once with each encoding, then a warm-up"
	local i enc ok
	for ((i = 1; i <= EVENTS; i++)); do
		printf 'url = "http://ev%0*d.%s/"\noutput = "/dev/null"\n' "$WIDTH" "$i" "$BASE_DOMAIN"
	done >"$BENCH_TMP/visit.curl"
	for enc in identity gzip br; do # one run each: a header in the file would apply to every URL in it
		curl -s --parallel --parallel-max 16 --max-time 60 --connect-to "::127.0.0.1:$port" -w '%{http_code}\n' \
			-H "Accept-Encoding: $enc" -K "$BENCH_TMP/visit.curl" >"$BENCH_TMP/visit.codes"
		ok=$(grep -c '^200$' "$BENCH_TMP/visit.codes" || true)
		((ok == EVENTS)) || die "visit with $enc: $ok of $EVENTS answered 200 ($(sort "$BENCH_TMP/visit.codes" | uniq -c | tr '\n' ' '))"
	done
	ENCODING=br run_wrk warmup "http://127.0.0.1:$port/" "$marquee_pid" -d"$WARMUP"
	check_run warmup

	local round
	for ((round = 1; round <= ROUNDS; round++)); do
		for enc in plain gzip br; do
			local e=$enc
			[[ "$enc" == plain ]] && e=""
			say "round $round of $ROUNDS: Accept-Encoding ${e:-(none)}"
			ENCODING=$e run_wrk "$enc-$round" "http://127.0.0.1:$port/" "$marquee_pid" -d"$DURATION" --latency
			check_run "$enc-$round"
			printf 'round %d  %-5s %8s requests/s  p99 %s\n' "$round" "$enc" "$(field "$enc-$round" rps)" \
				"$(awk '$1 == "99%" {print $2}' "$BENCH_TMP/$enc-$round.wrk")" | tee -a "$BENCH_TMP/rounds" >&2
		done
	done
	kill -0 "$marquee_pid" 2>/dev/null || die "marquee serve exited during the runs"

	local summary=""
	for enc in plain gzip br; do
		local rates=() ratios=()
		for ((round = 1; round <= ROUNDS; round++)); do
			rates+=("$(field "$enc-$round" rps)")
			ratios+=("$(awk -v a="${rates[-1]}" -v b="$(field "plain-$round" rps)" 'BEGIN { printf "%.3f", a / b }')")
		done
		summary+=$(printf '%-6s %8s requests/s (median), %s of plain pages (median of %s)' "$enc" "$(median "${rates[@]}")" "$(median "${ratios[@]}")" "${ratios[*]}")$'\n'
	done
	local noisy
	noisy=$(noise plain gzip br)

	cat <<REPORT

================ compression (bench/compress.sh) ================
machine   $(nproc) cores, $(go env GOVERSION), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')
bytes sent (ev0001):         plain     gzip              br
${table}
landing page over $EVENTS events, -t$THREADS -c$CONNECTIONS -d$DURATION, by Accept-Encoding:
$(cat "$BENCH_TMP/rounds")
${summary}
cpu (last round)
          $(cat "$BENCH_TMP/plain-$ROUNDS.cpu")
          $(cat "$BENCH_TMP/gzip-$ROUNDS.cpu")
          $(cat "$BENCH_TMP/br-$ROUNDS.cpu")
=================================================================
REPORT
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
