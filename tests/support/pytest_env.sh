# Sourced by the Python suites' run.sh (tests/conformance, tests/exports): a venv of their own
# under target/ with their pinned requirements, and the seedls binary cargo built.
# Expects `here` (the suite's folder), `repo` and `target` to be set.

# Creates `$target/$1` when missing and installs `$here/requirements.txt` into it again only
# when the pins changed; sets `venv`.
pinned_venv() {
    venv="$target/$1"
    if [ ! -x "$venv/bin/python" ]; then
        "${PYTHON:-python3}" -m venv "$venv"
    fi
    if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
        "$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$here/requirements.txt"
        cp "$here/requirements.txt" "$venv/requirements.txt"
    fi
}

# Exports SEEDLS unless set: the release binary when one was built, else the debug one. Cargo
# does nothing when it is up to date, and rebuilds it when the sources changed since.
seedls_binary() {
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
}
