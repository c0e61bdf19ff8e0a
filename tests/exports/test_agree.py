"""`seedls agree` and bratiaa, on the same two copies of the seeds, give the same strict F1 over
the entity types: per article, per type and overall. Both are computed in the run."""

from __future__ import annotations

import json
import math
import pathlib
import shutil

import bratiaa
from bratiaa.evaluation import exact_match_instance_evaluation

import brat
from support import REPO, export, seedls

SEEDS = sorted(p.name for p in (REPO / "seeds").glob("*.txt"))


def edit(path: pathlib.Path, tag: str, into: str) -> None:
    """Replaces the first `tag` of the seed file (which must hold it) with `into`."""
    text = path.read_text(encoding="utf-8")
    assert tag in text, f"{tag} not in {path}"
    path.write_text(text.replace(tag, into, 1), encoding="utf-8")


def entity_f1(counts: dict, types: list[str]) -> float:
    """Strict F1 over `types` from `seedls agree`'s per-type counts: 2·both / (a + b)."""
    rows = [counts[t] for t in types if t in counts]
    both, total = sum(r["both"] for r in rows), sum(r["a"] + r["b"] for r in rows)
    return 2 * both / total if total else math.nan


def agree(a: pathlib.Path, b: pathlib.Path) -> dict:
    return json.loads(seedls("agree", a, b, "--format", "json"))


def close(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or abs(x - y) < 1e-12


def test_bratiaa_and_seedls_agree_on_entity_f1(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(REPO / "seeds", a)
    shutil.copytree(REPO / "seeds", b)
    # One entity tag dropped in the first article, one retyped in the second.
    edit(b / SEEDS[0], "[Sputnik]{org:org.sputnik}", "Sputnik")
    edit(b / SEEDS[1], "[Twitter]{org:org.twitter}", "[Twitter]{gov:org.twitter}")

    # bratiaa's project: one folder per annotator and the annotation.conf at the root.
    project = tmp_path / "project"
    export(a, "brat", project / "a")
    export(b, "brat", project / "b")
    shutil.copy(project / "a" / "annotation.conf", project / "annotation.conf")
    assert (project / "a" / "annotation.conf").read_bytes() == (project / "b" / "annotation.conf").read_bytes()
    entities = sorted(brat.config(project).get_entity_types())

    def entity_instances(ann_1, ann_2, tokens=None):
        # bratiaa counts every text-bound annotation and knows only the entity labels of the
        # configuration: event triggers are left to the event figures.
        tp, exp, pred = exact_match_instance_evaluation(ann_1, ann_2, tokens)
        keep = lambda found: {x for x in found if x.label in entities}  # noqa: E731
        return keep(tp), keep(exp), keep(pred)

    iaa = bratiaa.compute_f1_agreement(str(project), eval_func=entity_instances)
    assert iaa.labels == entities and iaa.annotators == ["a", "b"]
    assert iaa.documents == [n.replace(".txt", ".ann") for n in SEEDS]

    whole = agree(a, b)
    assert whole["articles"] == len(SEEDS)
    total, _ = iaa.mean_sd_total()
    ours = entity_f1(whole["strict_by_type"], entities)
    assert close(float(total), ours), (float(total), ours)
    # Sanity: one missed and one mistyped out of some 75 entity mentions.
    assert 0.95 < ours < 1

    by_label, _ = iaa.mean_sd_per_label()
    for label, f1 in zip(iaa.labels, by_label):
        assert close(float(f1), entity_f1(whole["strict_by_type"], [label])), label

    by_document, _ = iaa.mean_sd_per_document()
    for name, f1 in zip(SEEDS, by_document):
        one = agree(a / name, b / name)
        assert one["articles"] == 1
        assert close(float(f1), entity_f1(one["strict_by_type"], entities)), name
        assert float(f1) < 1, f"{name} was edited"
