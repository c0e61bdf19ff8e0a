#!/usr/bin/env bash
# Protocol conformance of `seedls serve` with pytest-lsp, under the client capabilities of real
# editors (Neovim 0.7 and 0.11, VS Code). Creates its own venv under target/, installs the pinned
# requirements, and tests the binary cargo built (building it if missing). Extra arguments go to
# pytest, e.g. `tests/conformance/run.sh -k hover -x`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
venv="$target/conformance-venv"

if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
# Install again only when the pins change.
if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/requirements.txt"
fi

# The release binary when one was built, else the debug one. Cargo does nothing when it is up
# to date, and rebuilds it when the sources changed since.
if [ -z "${SEEDLS:-}" ]; then
    if [ -x "$target/release/seedls" ]; then
        (cd "$repo" && cargo build --locked --quiet --release --bin seedls)
        SEEDLS="$target/release/seedls"
    else
        (cd "$repo" && cargo build --locked --quiet --bin seedls)
        SEEDLS="$target/debug/seedls"
    fi
fi
export SEEDLS

cd "$here"
export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest "$@"
