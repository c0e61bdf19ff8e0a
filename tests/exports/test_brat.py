"""Every brat export read by brat's own reader and checked against its `annotation.conf`."""

from __future__ import annotations

import pathlib
import shutil

import pytest

import brat
from support import CORPORA, VALID, seedls


def anns(out: pathlib.Path) -> list[pathlib.Path]:
    found = sorted(out.rglob("*.ann"))
    assert found, f"no .ann in {out}"
    assert sorted(p.with_suffix("") for p in out.rglob("*.txt")) == [p.with_suffix("") for p in found]
    return found


@pytest.mark.parametrize("name", CORPORA)
def test_brat_reads_every_ann(name, exported):
    out = exported(name, "brat")
    for ann in anns(out):
        brat.read(ann)


@pytest.mark.parametrize("name", VALID)
def test_brat_finds_nothing_to_verify(name, exported):
    """The annotations of a valid corpus break no rule of its own annotation.conf."""
    out = exported(name, "brat")
    conf = brat.config(out)
    for ann in anns(out):
        assert brat.issues(brat.read(ann), conf) == [], ann


@pytest.mark.parametrize("name", CORPORA)
def test_brat_txt_is_the_text_as_brat_reads_it(name, exported):
    """The `.txt` is the text export with brat's universal newlines applied: every reader,
    whether it translates line ends or not, counts the same offsets."""
    brat_out, text_out = exported(name, "brat"), exported(name, "text")
    for txt in sorted(text_out.rglob("*.txt")):
        original = txt.read_bytes().decode("utf-8")
        written = (brat_out / txt.relative_to(text_out)).read_bytes().decode("utf-8")
        assert written == original.replace("\r\n", "\n").replace("\r", "\n"), txt
        assert "\r" not in written


def schema_of(corpus: pathlib.Path) -> dict[str, dict]:
    """The schema in effect, read from its TSV: the corpus's `schema.tsv`, else `seedls schema`."""
    own = corpus / "schema.tsv"
    text = own.read_text(encoding="utf-8") if own.exists() else seedls("schema")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    header, types = rows[0], {}
    for row in rows[1:]:
        cell = dict(zip(header, row))
        roles = {}
        for word in cell.get("roles", "").split():
            role, allowed = word.split(":", 1)
            card = allowed[-1] if allowed[-1] in "?*+" and allowed != "*" else ""
            allowed = allowed[: len(allowed) - len(card)].split("|")
            roles[role] = (card, [a for a in allowed if a != "date"])
        types[cell["type"]] = {"class": cell["class"], "roles": roles, "modes": cell.get("modes", "").split()}
    return types


BOUNDS = {"": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None)}


@pytest.mark.parametrize("name", CORPORA)
def test_annotation_conf_declares_the_schema_as_brat_reads_it(name, exported, corpus_dir):
    out = exported(name, "brat")
    text = (out / "annotation.conf").read_text(encoding="utf-8")
    assert text.endswith("\n"), "annotation.conf ends with a line end"
    for section in ("[entities]", "[relations]", "[events]", "[attributes]"):
        assert f"\n{section}\n" in text
    assert "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>\n" in text
    conf = brat.config(out)
    schema = schema_of(corpus_dir(name))
    entities = [t for t, d in schema.items() if d["class"] == "entity"]
    events = [t for t, d in schema.items() if d["class"] == "event"]
    assert conf.get_entity_types() == entities
    assert conf.get_event_types() == events
    for ty in events:
        declared = {}
        for role, (card, allowed) in schema[ty]["roles"].items():
            if allowed:
                # brat reads trailing digits as a repeated role's number.
                declared[role + "_" if role[-1].isdigit() else role] = (card, allowed)
        assert sorted(conf.arc_types_from(ty)) == sorted(declared), ty
        for role, (card, allowed) in declared.items():
            low, high = BOUNDS[card]
            assert conf.argument_minimum_count(ty, role) == low, (ty, role)
            if high is not None:
                assert conf.argument_maximum_count(ty, role) == high, (ty, role)
            for to in entities:
                can = role in conf.arc_types_from_to(ty, to)
                assert can == (to in allowed or "*" in allowed), (ty, role, to)
    modes = {m for d in schema.values() for m in d["modes"]}
    if modes:
        assert conf.get_attribute_types() == ["Mode"]
        (mode,) = conf.get_attribute_type_hierarchy()
        assert set(mode.arguments["Value"]) == modes
        assert all(conf.attributes_for(ty) == ["Mode"] for ty in events)
        assert all(conf.attributes_for(ty) == [] for ty in entities)


@pytest.mark.parametrize("name", CORPORA)
def test_every_type_role_and_attribute_used_is_declared(name, exported):
    """Whatever a valid or invalid corpus's annotations use, brat finds it in annotation.conf
    (corpora with errors may use it wrongly: a role value of a disallowed type)."""
    out = exported(name, "brat")
    conf = brat.config(out)
    types = set(conf.get_entity_types()) | set(conf.get_event_types())
    for ann in anns(out):
        doc = brat.read(ann)
        for t in doc.get_textbounds():
            assert t.type in types, (ann, str(t))
        for e in doc.get_events():
            for arg, _ in e.args:
                assert brat.role_of(arg) in conf.arc_types_from(e.type), (ann, str(e))
        for a in doc.get_attributes():
            assert a.type in conf.get_attribute_types(), (ann, str(a))


def test_what_brat_cannot_show_as_written(exported):
    """The messy article: the empty mention is left out, a surface with a line break becomes a
    discontinuous span of its pieces, one that is only a line break is left out, a role whose
    name ends in a digit gets a `_`, repeated role words are numbered on, and a role value
    naming an event mention points at its event."""
    out = exported("custom", "brat")
    doc = brat.read(out / "001_0000000000000001.ann")
    text = doc.get_document_text()
    shown = {t.get_text(): (t.type, t.spans) for t in doc.get_textbounds()}
    assert "Pa ris" in shown and len(shown["Pa ris"][1]) == 2
    for start, end in shown["Pa ris"][1]:
        assert text[start:end] in ("Pa", "ris")
    assert [t for t in doc.get_textbounds() if t.get_text() == ""] == []
    events = {doc.get_ann_by_id(e.trigger).get_text(): e for e in doc.get_events()}
    meeting, call = events["Rencontre de A et B"], events["Appel"]
    assert [r for r, _ in meeting.args] == ["party1_", "party2_", "where"]
    assert [r for r, _ in call.args] == ["party1_", "party2_", "party2_2"]
    assert dict(call.args)["party1_"] == meeting.id
    notes = [c for c in doc.get_oneline_comments() if c.target == meeting.id]
    assert [n.get_text() for n in notes] == ["party2=p.c when=2022-02-01"]
    assert {n.target for n in doc.get_normalizations() if n.refid == "m.1"} == {meeting.id}


def test_events_are_normalized_on_their_event(exported):
    """A normalization on an event's trigger is refused by brat (TriggerReferenceError): the
    seeds' event ids go on the `E`, with the registry name as text."""
    out = exported("seeds", "brat")
    found = 0
    for ann in anns(out):
        doc = brat.read(ann)
        triggers = {e.trigger for e in doc.get_events()}
        for n in doc.get_normalizations():
            assert n.target not in triggers
            if n.refid == "kz.protests-2022-01":
                assert n.target.startswith("E") and n.reftext == "manifestations de janvier 2022 au Kazakhstan"
                found += 1
    assert found >= 2


def test_tricky_offsets_count_code_points_and_crlf_once(exported):
    """After non-BMP characters and CRLF line ends, every span still slices its surface."""
    out = exported("tricky", "brat")
    doc = brat.read(out / "sub" / "002_0000000000000002.ann")
    text = doc.get_document_text()
    spans = {t.get_text(): t.spans[0] for t in doc.get_textbounds()}
    start, end = spans["200\tpersonnes"]
    assert text[start:end] == "200\tpersonnes"
    assert text.index("200\tpersonnes") == start
    doc = brat.read(out / "001_0000000000000001.ann")
    text = doc.get_document_text()
    (twitter,) = [t for t in doc.get_textbounds() if t.type == "org"]
    assert text[slice(*twitter.spans[0])] == "Twitter 🐦" and "😀" in text[: twitter.spans[0][0]]


def test_the_checks_report_what_brat_would(exported, tmp_path):
    """The checks above can fail: lines brat's checker reports, added to a seeds export."""
    out = tmp_path / "brat"
    shutil.copytree(exported("seeds", "brat"), out)
    ann = out / "000_0e7cf4ddd4e04d16.ann"
    doc = brat.read(ann)
    event = next(e for e in doc.get_events() if e.type == "protest")
    place = next(t for t in doc.get_textbounds() if t.type == "place")
    added = [
        f"E900\tprotest:{event.trigger} actor:{place.id} where:{event.trigger}",
        "A900\tMode E900 nonsense",
        "T900\tweapon 1 5\tdate",
    ]
    ann.write_text(ann.read_text(encoding="utf-8") + "\n".join(added) + "\n", encoding="utf-8")
    found = brat.issues(brat.read(ann), brat.config(out))
    assert found == [
        "T900: weapon is not a type of annotation.conf",
        "E900: actor of protest cannot be a place",
        "E900: where of protest cannot be a protest",
        "A900: nonsense is not a value of Mode",
    ]
