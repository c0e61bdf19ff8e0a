#!/usr/bin/env bash
# The exports read by the tools they are for: brat's reader and configuration (vendored by
# bratiaa), bratiaa's agreement against `seedls agree`, seqeval on the CoNLL file, doccano's
# import rules on the JSONL. Creates its own venv under target/, installs the pinned
# requirements, and tests the binary cargo built (building it if missing) and the corpus
# generator example. Extra arguments go to pytest, e.g. `tests/exports/run.sh -k brat -x`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
source "$repo/tests/support/pytest_env.sh"
pinned_venv exports-venv
seedls_binary
# The corpus generator is the benchmark's, built as `cargo test` builds it.
if [ -z "${GEN_CORPUS:-}" ]; then
    (cd "$repo" && cargo build --locked --quiet --example gen_corpus)
    GEN_CORPUS="$target/debug/examples/gen_corpus"
fi
export GEN_CORPUS

cd "$here"
export PYTHONDONTWRITEBYTECODE=1 MPLBACKEND=Agg
exec "$venv/bin/python" -m pytest "$@"
