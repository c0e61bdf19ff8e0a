"""The CoNLL export read by seqeval, the JSONL export by doccano's import rules."""

from __future__ import annotations

import json
import pathlib

import pytest
from seqeval.metrics import classification_report
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Tokens

import brat
from support import CORPORA


def event_types(exported, name: str) -> set[str]:
    """The event types of the corpus's schema, as its brat export declares them."""
    return set(brat.config(exported(name, "brat")).get_event_types())


def jsonl(out: pathlib.Path) -> list[dict]:
    """The records as doccano's JSONL import reads them: line by line, each stripped and loaded."""
    with open(out / "corpus.jsonl", encoding="utf-8") as f:
        return [json.loads(line.rstrip()) for line in f]


def conll(out: pathlib.Path) -> list[list[list[tuple[str, str]]]]:
    """Documents of sentences of (token, label), as CoNLL readers split them: lines, blank
    lines between sentences, fields split on any whitespace."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    with open(out / "corpus.conll", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                if sentence:
                    docs[-1].append(sentence)
                sentence = []
                continue
            fields = line.split()
            assert len(fields) == 2 and line.split(" ") == fields, f"line {n}: {line!r}"
            if fields == ["-DOCSTART-", "O"]:
                assert not sentence, f"line {n}: a document starts inside a sentence"
                docs.append([])
            else:
                sentence.append((fields[0], fields[1]))
    assert not sentence, "the file ends inside a sentence"
    return docs


@pytest.mark.parametrize("name", CORPORA)
def test_jsonl_is_what_doccano_imports(name, exported):
    """doccano's rules: `text` a non-empty string; `label` a list of [start, end, label] with
    0 <= start < end (a label that breaks this drops every label of its line); offsets are
    Python string indices (code points) into `text`. Extra keys are kept as metadata."""
    out = exported(name, "jsonl")
    records = jsonl(out)
    assert records
    for rec in records:
        text, labels = rec["text"], rec["label"]
        assert isinstance(text, str) and text, rec["id"]
        assert len(rec["ids"]) == len(labels)
        for start, end, label in labels:
            assert isinstance(start, int) and isinstance(end, int) and isinstance(label, str) and label
            assert 0 <= start < end <= len(text), (rec["id"], start, end, label)


def test_jsonl_labels_are_the_brat_spans(exported):
    """On the tricky corpus (non-BMP characters, CRLF, a legacy header), the labels slice the
    surfaces brat's reader finds in the article body, with the same types."""
    records = {rec["id"]: rec for rec in jsonl(exported("tricky", "jsonl"))}
    out = exported("tricky", "brat")
    for ann in sorted(out.rglob("*.ann")):
        rec = records[ann.stem]
        doc = brat.read(ann)
        text, body = doc.get_document_text(), rec["text"].replace("\r\n", "\n")
        assert text.endswith(body)
        start = len(text) - len(body)
        want = sorted((t.get_text(), t.type) for t in doc.get_textbounds() if t.spans[0][0] >= start)
        got = sorted((rec["text"][s:e], ty) for s, e, ty in rec["label"])
        assert got == want and len(got) >= 3, rec["id"]


@pytest.mark.parametrize("name", CORPORA)
def test_seqeval_reads_the_conll_entities_seedls_tagged(name, exported):
    """seqeval's report of the file against itself covers every entity type with F1 1; its
    chunks (default and strict IOB2) are the outermost entity mentions over the tokens."""
    docs = conll(exported(name, "conll"))
    records = jsonl(exported(name, "jsonl"))
    assert len(docs) == len(records)
    y = [[label for _, label in sentence] for doc in docs for sentence in doc]
    events = event_types(exported, name)
    report = classification_report(y, y, output_dict=True, zero_division=0)
    types = {ty for rec in records for _, _, ty in rec["label"] if ty not in events}
    assert {k for k in report if not k.endswith(" avg")} == types
    assert all(report[t]["f1-score"] == 1.0 for t in types)
    assert classification_report(y, y, mode="strict", scheme=IOB2, output_dict=True, zero_division=0) == report

    for doc, rec in zip(docs, records):
        text = rec["text"]
        # Each token where the file says, in order, between whitespace.
        places, at = [], 0
        for sentence in doc:
            for token, _ in sentence:
                while text[at].isspace():
                    at += 1
                assert text.startswith(token, at), (rec["id"], token, text[at : at + 20])
                places.append((at, at + len(token)))
                at += len(token)
        assert text[at:].strip() == "", rec["id"]
        got, first = [], 0
        for sentence in doc:
            labels = [label for _, label in sentence]
            chunks = get_entities(labels)
            assert chunks == [(e.tag, e.start, e.end - 1) for e in Tokens(labels, IOB2).entities]
            got += [(ty, first + s, first + e) for ty, s, e in chunks]
            first += len(sentence)
        entities = [(s, e, ty) for s, e, ty in rec["label"] if ty not in events]
        # The outermost: in no other entity mention; of equal spans, the first tagged (the outer).
        outer = [
            (s, e, ty)
            for i, (s, e, ty) in enumerate(entities)
            if not any(o[0] <= s and e <= o[1] and (o[:2] != (s, e) or j < i) for j, o in enumerate(entities) if j != i)
        ]
        want = []
        for s, e, ty in sorted(outer):
            if text[s:e].isspace():
                continue  # no token to label
            inside = [k for k, (ts, te) in enumerate(places) if ts < e and s < te]
            want.append((ty, inside[0], inside[-1]))
        assert sorted(got, key=lambda c: c[1:]) == want, rec["id"]
