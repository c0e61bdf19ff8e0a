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
venv="$target/exports-venv"

if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
# Install again only when the pins change.
if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/requirements.txt"
fi

# The release binary when one was built, else the debug one; cargo does nothing when they
# are up to date. The generator is the benchmark's, built as `cargo test` builds it.
if [ -z "${SEEDLS:-}" ]; then
    if [ -x "$target/release/seedls" ]; then
        (cd "$repo" && cargo build --locked --quiet --release --bin seedls)
        SEEDLS="$target/release/seedls"
    else
        (cd "$repo" && cargo build --locked --quiet --bin seedls)
        SEEDLS="$target/debug/seedls"
    fi
fi
if [ -z "${GEN_CORPUS:-}" ]; then
    (cd "$repo" && cargo build --locked --quiet --example gen_corpus)
    GEN_CORPUS="$target/debug/examples/gen_corpus"
fi
export SEEDLS GEN_CORPUS

cd "$here"
export PYTHONDONTWRITEBYTECODE=1 MPLBACKEND=Agg
exec "$venv/bin/python" -m pytest "$@"
