#!/usr/bin/env bash
# The load benchmark: builds argmap in release, serves the shipped map (scale 1) and the
# shipped map plus `argmap generate --scale 1000` on argmap's embedded PostgreSQL, drives
# each page kind with wrk (2 threads, 32 connections, keep-alive), with reused pages on and
# off, and measures in the same run the ceiling: the same bytes served from memory by a
# bare axum handler (examples/ceiling.rs). Writes BENCHMARKS.md.
#
#   benches/http.sh                      # everything (about 27 minutes on 2 cores)
#   DURATION=3 ROUNDS=1 SCALES="1" benches/http.sh
#
# Generated clusters are kept in $BENCH_DIR (target/bench) and reused by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5}
# Each page is driven this many times at each scale, the scales in turn; the figures are
# the medians (errors: the sum).
ROUNDS=${ROUNDS:-3}
SCALES=${SCALES:-"1 1000"}
PORT=${PORT:-4080}
THREADS=2
CONNECTIONS=32
TARGET=${CARGO_TARGET_DIR:-target}
WORK=${BENCH_DIR:-$TARGET/bench}
OUT=${OUT:-BENCHMARKS.md}
mkdir -p "$WORK"
load=$(cut -d' ' -f1-3 /proc/loadavg)
results="$WORK/results.tsv"
facts="$WORK/facts.tsv"
: >"$results"
: >"$facts"

command -v wrk >/dev/null || { echo "http.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet --bin argmap --example ceiling
argmap="$TARGET/release/argmap"
ceiling="$TARGET/release/examples/ceiling"

PAGES=(
  "proposal /proposals/ics-statutory-footing"
  "debate /debates/2021-white-paper"
  "tension /tensions/local-autonomy-vs-national-control"
  "claim /claims/every-reorganisation-seeds-the-next"
  "source /sources/edwards-five-tensions"
  "search /search?q=integration"
  "home /"
  "map.svg /debates/2021-white-paper/map.svg"
  "summary /debates/2021-white-paper/summary.html"
  "json-export /debates/2021-white-paper/map.json"
  "stats /api/v1/stats"
  "tension-index /tensions"
  "source-index /sources"
  "proposal-index /proposals"
  "search-rare /search?q=waiting+list"
)

declare -A server_pid=()
ceiling_pid=""
stop_ceilings() {
  local pid
  for pid in $ceiling_pid; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  ceiling_pid=""
}
stop() {
  local pid
  for pid in "${server_pid[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  server_pid=()
  stop_ceilings
}
trap stop EXIT

wait_for() {
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.05
  done
  echo "http.sh: $1 did not come up" >&2
  return 1
}

# wrk's figures as "req/s p50_ms p99_ms errors".
drive() {
  # A request slower than wrk's default 2 s would be dropped uncounted, leaving a slow
  # page at "0 req/s, 0 errors"; 10 s lets it be measured, and a timeout is an error.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$1" | awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v
    }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $NF }
    /Socket errors/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, errors }'
}

# The median of column $1 of the lines on stdin.
median() { awk -v c="$1" 'NF { print $c }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

rss_mib() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# Every scale's cluster first, so that the servers below can run side by side.
for scale in $SCALES; do
  data="$WORK/data-$scale"
  if [[ ! -f "$data/.ready" ]]; then
    rm -rf "$data"
    "$argmap" --data-dir "$data" load-map data/nhs-reform >/dev/null
    if [[ "$scale" -gt 1 ]]; then
      start=$(date +%s.%N)
      "$argmap" --data-dir "$data" generate --scale "$scale" | tee "$WORK/generate-$scale.txt"
      end=$(date +%s.%N)
      printf "generate\t%s\t%.1f\n" "$scale" "$(echo "$end - $start" | bc)" >>"$facts"
    fi
    touch "$data/.ready"
  elif [[ -f "$WORK/generate-$scale.txt" ]]; then
    printf "generate\t%s\t%s\n" "$scale" "$(grep -o 'in [0-9.]* s' "$WORK/generate-$scale.txt" | tr -dc '0-9.')" >>"$facts"
  fi
done

# Each scale is served at once, by its own server on its own port, and each page is driven
# at every scale in turn: the scales are compared seconds apart, not minutes, so that the
# machine's drift in between (wider than a reused page's cost on a shared 2-core box) is
# not read as a cost of the map's size.
declare -A port=() ceiling_port=() peak=()
for cache in true false; do
  offset=0
  for scale in $SCALES; do
    port[$scale]=$((PORT + offset)); ceiling_port[$scale]=$((PORT + 100 + offset)); offset=$((offset + 1))
    start=$(date +%s.%N)
    "$argmap" --data-dir "$WORK/data-$scale" --addr "127.0.0.1:${port[$scale]}" --page-cache "$cache" serve \
      >"$WORK/serve-$scale-$cache.log" 2>&1 &
    server_pid[$scale]=$!
    wait_for "http://127.0.0.1:${port[$scale]}/healthz"
    end=$(date +%s.%N)
    printf "start\t%s-%s\t%.2f\n" "$scale" "$cache" "$(echo "$end - $start" | bc)" >>"$facts"
    claims=$(curl -s "http://127.0.0.1:${port[$scale]}/api/v1/stats" | grep -o '"claims":[0-9]*' | tr -dc '0-9')
    printf "claims\t%s\t%s\n" "$scale" "$claims" >>"$facts"
    peak[$scale]=0
  done
  for entry in "${PAGES[@]}"; do
    name=${entry%% *}
    path=${entry#* }
    declare -A code=() bytes=() type=() first=() runs=()
    declare -A ceiling_runs=()
    for scale in $SCALES; do
      read -r "code[$scale]" "bytes[$scale]" "type[$scale]" "first[$scale]" < <(
        curl -s -o "$WORK/body-$scale-$name" -w '%{http_code} %{size_download} %{content_type} %{time_total}\n' \
          "http://127.0.0.1:${port[$scale]}$path" | awk '{print $1, $2, $3, $NF}')
      [[ "${code[$scale]}" == 200 ]] || echo "http.sh: $path answered ${code[$scale]} at scale $scale" >&2
      runs[$scale]=""
      ceiling_runs[$scale]=""
      if [[ "$cache" == true ]]; then
        "$ceiling" "127.0.0.1:${ceiling_port[$scale]}" "$WORK/body-$scale-$name" "${type[$scale]}" &
        ceiling_pid+=" $!"
        wait_for "http://127.0.0.1:${ceiling_port[$scale]}/"
      fi
    done
    # The ceiling is driven in the same rounds, right after argmap at the same scale, so
    # the ratio compares runs seconds apart too.
    for _ in $(seq 1 "$ROUNDS"); do
      for scale in $SCALES; do
        runs[$scale]+="$(drive "http://127.0.0.1:${port[$scale]}$path")"$'\n'
        rss=$(rss_mib "${server_pid[$scale]}")
        ((rss > peak[$scale])) && peak[$scale]=$rss
        if [[ "$cache" == true ]]; then
          ceiling_runs[$scale]+="$(drive "http://127.0.0.1:${ceiling_port[$scale]}/")"$'\n'
        fi
      done
    done
    stop_ceilings
    for scale in $SCALES; do
      rps=$(median 1 <<<"${runs[$scale]}"); p50=$(median 2 <<<"${runs[$scale]}"); p99=$(median 3 <<<"${runs[$scale]}")
      errors=$(awk '{ n += $4 } END { print n + 0 }' <<<"${runs[$scale]}")
      if [[ "$cache" == true ]]; then
        c_runs=${ceiling_runs[$scale]}
        printf "ceiling\t%s\t%s\t%s\t%s\t%s\n" "$scale" "$name" \
          "$(median 1 <<<"$c_runs")" "$(median 2 <<<"$c_runs")" "$(median 3 <<<"$c_runs")" >>"$facts"
      fi
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" \
        "$name" "$scale" "$cache" "${bytes[$scale]}" "$rps" "$p50" "$p99" "$errors" "${first[$scale]}" "$path" >>"$results"
      echo "scale $scale cache $cache $name: ${bytes[$scale]} bytes, $rps req/s, p50 $p50 ms, p99 $p99 ms, $errors errors"
    done
  done
  for scale in $SCALES; do
    printf "rss\t%s-%s\t%s\n" "$scale" "$cache" "${peak[$scale]}" >>"$facts"
    [[ "$cache" == false ]] || continue
    # Eight whole-map JSON exports asked for at once: the server's memory while they run.
    pid=${server_pid[$scale]}
    before=$(rss_mib "$pid"); highest=$before
    start=$(date +%s.%N)
    pids=()
    for _ in 1 2 3 4 5 6 7 8; do
      curl -s -o /dev/null --max-time 600 "http://127.0.0.1:${port[$scale]}/export/map.json" & pids+=($!)
    done
    while kill -0 "${pids[@]}" 2>/dev/null; do
      rss=$(rss_mib "$pid"); ((rss > highest)) && highest=$rss
      sleep 0.2
    done
    wait "${pids[@]}" || true
    end=$(date +%s.%N)
    after=$(rss_mib "$pid")
    printf "exports\t%s\t%s\t%s\t%s\t%.1f\n" "$scale" "$before" "$highest" "$after" "$(echo "$end - $start" | bc)" >>"$facts"
  done
  stop
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
cores=$(nproc)
memory=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)

awk -F'\t' -v cpu="$cpu" -v cores="$cores" -v memory="$memory" -v load="$load" \
    -v duration="$DURATION" -v rounds="$ROUNDS" -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" \
    -v commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" '
  FNR == NR {
    if ($1 == "ceiling") { ceil[$2, $3] = $4 }
    if ($1 == "generate") { generate[$2] = $3 }
    if ($1 == "start") { start[$2] = $3 }
    if ($1 == "rss") { rss[$2] = $3 }
    if ($1 == "claims") { claims[$2] = $3 }
    if ($1 == "exports") { ex_before[$2] = $3; ex_peak[$2] = $4; ex_after[$2] = $5; ex_secs[$2] = $6 }
    next
  }
  {
    n++; name[n] = $1; scale[n] = $2; cache[n] = $3; bytes[n] = $4; rps[n] = $5
    p50[n] = $6; p99[n] = $7; errors[n] = $8; first[n] = $9; path[n] = $10
    key = $1 SUBSEP $2 SUBSEP $3
    P50[key] = $6; P99[key] = $7; RPS[key] = $5; BYTES[$1, $2] = $4; FIRST[$1, $2] = $9; ERR[key] = $8
    if (!($2 in seen)) { seen[$2] = 1; scales[++ns] = $2 }
    if (!($1 in named)) { named[$1] = 1; names[++nn] = $1 }
  }
  function ratio(r, c) { return c > 0 ? sprintf("%.0f%%", 100 * r / c) : "-" }
  function verdict(ok) { return ok ? "met" : "**not met**" }
  END {
    lo = scales[1]; hi = scales[ns]
    print "# Benchmarks"
    print ""
    print "Written by `benches/http.sh` (see the README); do not edit by hand."
    print ""
    printf "- When: %s, commit %s\n", when, commit
    printf "- Machine: %s, %s cores, %s; load average before the run: %s\n", cpu, cores, memory, load
    printf "- Load: wrk, 2 threads, 32 connections, keep-alive, %s s per run, %s runs per page and scale (the scales in turn; medians shown), on the same machine as the server and its PostgreSQL\n", duration, rounds
    printf "- Command: `benches/http.sh` (DURATION=%s ROUNDS=%s)\n", duration, rounds
    for (i = 1; i <= ns; i++) printf "- Scale %s: %s claims%s\n", scales[i], claims[scales[i]], (scales[i] in generate) ? sprintf(", generated in %s s (`argmap generate --scale %s`)", generate[scales[i]], scales[i]) : " (the shipped map)"
    print ""
    print "The ceiling is the same bytes served from memory by a bare axum handler (examples/ceiling.rs), measured in the same rounds, right after argmap at the same scale; the ratio is the median argmap req/s over the median ceiling req/s. Every scale is served at once, side by side, and each page is driven at each scale in turn, so that the scales are compared seconds apart; req/s, p50 and p99 are the medians of the runs. \"cache on\" reuses rendered pages for anonymous visitors until the map changes; \"cache off\" renders every request from the database (standings are still kept per map version)."
    print ""
    print "| page | scale | cache | bytes | req/s | p50 ms | p99 ms | errors | ceiling req/s | of ceiling | first request ms |"
    print "|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= n; i++) {
      c = ceil[scale[i], name[i]]
      printf "| %s `%s` | %s | %s | %d | %s | %s | %s | %s | %s | %s | %.0f |\n", name[i], path[i], scale[i], cache[i] == "true" ? "on" : "off", bytes[i], rps[i], p50[i], p99[i], errors[i], c, ratio(rps[i], c), first[i] * 1000
    }
    print ""
    print "## Targets"
    print ""
    print "| target | figure | verdict |"
    print "|---|---|---|"
    k = "proposal" SUBSEP hi SUBSEP "true"
    r = RPS[k] / ceil[hi, "proposal"]
    printf "| proposal page at scale %s, reused: >= 80%% of the ceiling | %s | %s |\n", hi, ratio(RPS[k], ceil[hi, "proposal"]), verdict(r >= 0.8)
    printf "| proposal page at scale %s, reused: p99 <= 10 ms | %s ms | %s |\n", hi, P99[k], verdict(P99[k] <= 10)
    k = "proposal" SUBSEP hi SUBSEP "false"
    r = RPS[k] / ceil[hi, "proposal"]
    printf "| proposal page at scale %s, not reused: >= 15%% of the ceiling | %s | %s |\n", hi, ratio(RPS[k], ceil[hi, "proposal"]), verdict(r >= 0.15)
    printf "| proposal page at scale %s, not reused: p99 <= 20 ms | %s ms | %s |\n", hi, P99[k], verdict(P99[k] <= 20)
    for (j = 1; j <= nn; j++) for (m = 0; m < 2; m++) {
      cm = m ? "false" : "true"
      a = P50[names[j], lo, cm]; b = P50[names[j], hi, cm]
      if (a == "" || b == "") continue
      f = a > 0 ? b / a : 0
      printf "| %s, cache %s: p50 at scale %s <= 1.2 x p50 at scale %s | %s ms vs %s ms (x%.2f) | %s |\n", names[j], m ? "off" : "on", hi, lo, b, a, f, verdict(f <= 1.2)
    }
    for (m = 0; m < 2; m++) {
      cm = m ? "false" : "true"; k = "search" SUBSEP hi SUBSEP cm
      printf "| search at scale %s, cache %s: p99 <= 30 ms, no errors | %s ms, %s errors | %s |\n", hi, m ? "off" : "on", P99[k], ERR[k], verdict(P99[k] <= 30 && ERR[k] == 0)
    }
    big = 0; bigname = ""
    for (key in BYTES) if (BYTES[key] + 0 > big && key !~ /json-export/) { big = BYTES[key] + 0; bigname = key }
    split(bigname, parts, SUBSEP)
    printf "| every page <= 150 KB (exports aside) | largest: %s at scale %s, %d bytes | %s |\n", parts[1], parts[2], big, verdict(big <= 150 * 1024)
    printf "| summary of a debate at scale %s <= 1 s | %.0f ms | %s |\n", hi, FIRST["summary", hi] * 1000, verdict(FIRST["summary", hi] <= 1)
    printf "| JSON export of a debate at scale %s <= 1 s | %.0f ms | %s |\n", hi, FIRST["json-export", hi] * 1000, verdict(FIRST["json-export", hi] <= 1)
    maxrss = 0; for (key in rss) if (rss[key] + 0 > maxrss) maxrss = rss[key] + 0
    printf "| server RSS under load <= 150 MiB | %d MiB (highest after any page) | %s |\n", maxrss, verdict(maxrss <= 150)
    for (i = 1; i <= ns; i++) if (scales[i] in ex_peak) printf "| 8 whole-map JSON exports at once, scale %s: server memory flat | %s MiB before, %s MiB at most while they ran, %s MiB after; %s s for all 8 | %s |\n", scales[i], ex_before[scales[i]], ex_peak[scales[i]], ex_after[scales[i]], ex_secs[scales[i]], verdict(ex_peak[scales[i]] <= 150)
    maxstart = 0; for (key in start) if (start[key] + 0 > maxstart) maxstart = start[key] + 0
    printf "| cold start with an existing cluster <= 1 s | %.2f s (slowest start) | %s |\n", maxstart, verdict(maxstart <= 1)
    if (hi in generate) printf "| `argmap generate --scale %s` <= 60 s | %s s | %s |\n", hi, generate[hi], verdict(generate[hi] <= 60)
  }' "$facts" "$results" >"$OUT"
echo "wrote $OUT"
