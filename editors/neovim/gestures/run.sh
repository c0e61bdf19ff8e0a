#!/bin/bash
# Counts the gestures an annotator needs in Neovim (0.11) with seedls to annotate a new article:
# the shipped seeds/ and their registry as the corpus, gold_010_otsc.txt's plain text as the
# new article, and count.lua taking the cheapest route for each of its mentions (a code action
# applied, a completion item accepted, a token typed, a span wrapped by hand: one gesture each).
#
#   editors/neovim/gestures/run.sh [SEEDLS_BINARY] [--suggestions]
#
# NVIM names the Neovim binary (default: nvim on the PATH). Prints the per-mention log and the total.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=${1:-$root/target/release/seedls}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root"/seeds/*.txt "$root"/seeds/entities.tsv "$work"/
python3 - "$here/gold_010_otsc.txt" "$work/010_otsc.txt" <<'PY'
import re, sys
out = []
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    prev = None
    while prev != line:
        prev, line = line, re.sub(r"\[([^\[\]]*)\]\{[^}]*\}", r"\1", line)
    out.append(line)
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out))
PY
cd "$work"
SUGGEST=$([[ "${2:-}" == --suggestions ]] && echo 1 || true) PLUGIN="$root/editors/neovim" SEEDLS="$bin" \
  GOLD="$here/gold_010_otsc.txt" FILE=010_otsc.txt OUT="$work/out.txt" \
  NEWIDS="org.otsc ru.soldats-russes kz.noursoultan-nazarbaiev" \
  timeout 1200 "${NVIM:-nvim}" --headless -u NONE -i NONE --cmd 'filetype plugin on' -c "luafile $here/count.lua"
cat out.txt
