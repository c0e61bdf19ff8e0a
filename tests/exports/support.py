"""What the export tests share: the binary, the corpora, running an export."""

from __future__ import annotations

import os
import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
SEEDLS = os.environ.get("SEEDLS", "seedls")
GEN_CORPUS = os.environ.get("GEN_CORPUS")


def seedls(*args: str | os.PathLike[str], cwd: pathlib.Path | None = None) -> str:
    """Runs seedls; a failure shows its standard error."""
    done = subprocess.run([SEEDLS, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"seedls {' '.join(map(str, args))} exited {done.returncode}:\n{done.stderr}"
    return done.stdout


def export(corpus: pathlib.Path, fmt: str, out: pathlib.Path) -> pathlib.Path:
    seedls("export", "--format", fmt, corpus, "-o", out)
    return out


def generated(root: pathlib.Path) -> pathlib.Path:
    """A corpus from the benchmark's generator (malformed headers included), 40 articles."""
    assert GEN_CORPUS, "GEN_CORPUS is not set: run tests/exports/run.sh"
    subprocess.run([GEN_CORPUS, "40", str(root)], check=True, capture_output=True)
    return root


# Corpora every export is read from: the shipped seeds, the tricky cases, a schema of its own
# with what brat cannot show as it is, and a generated one.
CORPORA = ["seeds", "tricky", "custom", "generated"]
# Those whose annotations are all valid (no error from `seedls check`): brat's checker must
# find nothing in their exports either.
VALID = ["seeds", "tricky"]
