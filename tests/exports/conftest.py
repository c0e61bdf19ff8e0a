"""The exports of `seedls export` read by the tools they are for: brat's own reader and project
configuration (as vendored by `bratiaa`), `bratiaa`'s agreement, `seqeval` on the CoNLL file, and
doccano's import rules on the JSONL. `run.sh` sets `SEEDLS` (the binary) and `GEN_CORPUS` (the
corpus generator example)."""

from __future__ import annotations

import pathlib

import pytest

import corpora
from support import REPO, export, generated


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory):
    made: dict[str, pathlib.Path] = {}

    def get(name: str) -> pathlib.Path:
        if name not in made:
            root = tmp_path_factory.mktemp(name)
            made[name] = {
                "seeds": lambda: REPO / "seeds",
                "tricky": lambda: corpora.write(root, corpora.TRICKY),
                "custom": lambda: corpora.write(root, corpora.CUSTOM),
                "generated": lambda: generated(root),
            }[name]()
        return made[name]

    return get


@pytest.fixture(scope="session")
def exported(corpus_dir, tmp_path_factory: pytest.TempPathFactory):
    """`exported(corpus, format)`: the folder of that export, made once a session."""
    made: dict[tuple[str, str], pathlib.Path] = {}

    def get(name: str, fmt: str) -> pathlib.Path:
        if (name, fmt) not in made:
            made[name, fmt] = export(corpus_dir(name), fmt, tmp_path_factory.mktemp(f"{name}-{fmt}") / "out")
        return made[name, fmt]

    return get
