#!/usr/bin/env bash
# Protocol conformance of `seedls serve` with pytest-lsp, under the client capabilities of real
# editors (Neovim 0.7 and 0.11, VS Code). Creates its own venv under target/, installs the pinned
# requirements, and tests the binary cargo built (building it if missing). Extra arguments go to
# pytest, e.g. `tests/conformance/run.sh -k hover -x`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
source "$repo/tests/support/pytest_env.sh"
pinned_venv conformance-venv
seedls_binary

cd "$here"
export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest "$@"
