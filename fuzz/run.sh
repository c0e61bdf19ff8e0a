#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one process at a time, at low
# priority. Works on a stable toolchain: RUSTC_BOOTSTRAP=1 unlocks the nightly-only flags
# cargo-fuzz passes (no sanitizer: the library has no unsafe code; debug assertions stay on).
# Usage: fuzz/run.sh SECONDS [TARGET ...]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(header annotation registry schema idpass server)
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer none
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    dirs=("corpus/$t")
    [ -d "seeds/$t" ] && dirs+=("seeds/$t")
    # The id pass reads what the annotation parser reads.
    [ "$t" = idpass ] && dirs+=("seeds/annotation")
    extra=()
    # The server target's input is a recipe of up to 24 messages: let it be long at once.
    [ "$t" = server ] && extra=(-len_control=0)
    echo "== fuzz $t for ${secs}s"
    # libFuzzer prints its statistics on stderr; keep the last lines (runs, coverage).
    log=$(mktemp)
    nice -n 19 cargo fuzz run --sanitizer none "$t" "${dirs[@]}" -- \
        -max_total_time="$secs" -max_len=16384 -rss_limit_mb=4096 -timeout=60 -print_final_stats=1 "${extra[@]}" 2>"$log" \
        || { tail -n 60 "$log"; exit 1; }
    grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)|cov:' "$log" | tail -n 4
    rm -f "$log"
done
