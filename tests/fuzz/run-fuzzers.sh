#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 30) on a corpus seeded from the fixtures and
# tests/fuzz/seeds, and prints each target's executions. A crash, leak, sanitizer report or timeout fails
# the run and leaves the input that caused it in the work folder (printed). Usage:
#   tests/fuzz/run-fuzzers.sh BUILD_DIR [SECONDS] [WORK_DIR]
set -euo pipefail
build="$(cd "${1:?usage: run-fuzzers.sh BUILD_DIR [SECONDS] [WORK_DIR]}" && pwd)"
seconds="${2:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${3:-$(mktemp -d)}"
mkdir -p "$work"

seeds_for() {
    case "$1" in
    webhook_body) echo "$root/tests/data/whatsapp" ;;
    registry_csv) echo "$work/registry-seeds" ;;
    media_file) echo "$root/resources/sandbox-media" ;;
    *) echo "$root/tests/fuzz/seeds/$1" ;;
    esac
}
mkdir -p "$work/registry-seeds"
cp "$root"/tests/data/registry*.csv "$work/registry-seeds/"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
status=0
for target in http_request webhook_body api_json registry_csv stream_message media_file; do
    corpus="$work/corpus/$target"
    artifacts="$work/artifacts/$target/"
    mkdir -p "$corpus" "$artifacts"
    log="$work/$target.log"
    if "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "$(seeds_for "$target")" >"$log" 2>&1; then
        runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
        echo "fuzz_$target: ${runs} executions in ${seconds} s, no finding (corpus: $(ls "$corpus" | wc -l) inputs)"
    else
        echo "fuzz_$target: FINDING after $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?') executions; input in $artifacts" >&2
        grep -E 'ERROR|SUMMARY|runtime error|deadly signal' "$log" | head -n 5 >&2 || true
        status=1
    fi
done
exit "$status"
