"""brat's own reader and project configuration, as `bratiaa` vendors them (`bratsubset`), and the
checks of brat's `verify_annotations` written against that configuration."""

from __future__ import annotations

import pathlib
import re
from collections import Counter

from bratsubset import annotation
from bratsubset.projectconfig import ProjectConfiguration
from bratsubset.realmessage import Messager


def messages() -> list[tuple[str, str]]:
    """The errors and warnings brat reported since the last call: its reader and configuration
    report there (a line it cannot parse is kept aside, not raised)."""
    pending = Messager._Messager__pending_messages  # type: ignore[attr-defined]
    out = [(kind, text) for text, kind, _ in pending if kind in ("error", "warning")]
    pending.clear()
    return out


def read(ann: pathlib.Path) -> annotation.TextAnnotations:
    """Reads `ann` and the `.txt` beside it as brat does (texts checked against the `.txt`,
    references resolved, triggers referenced by events only); anything brat would not show as
    written fails."""
    messages()
    doc = annotation.TextAnnotations(str(ann.with_suffix("")), read_only=True)
    failed = [str(doc[i]).rstrip("\n") for i in doc.failed_lines]
    assert not failed, f"{ann}: brat could not parse {failed}"
    said = messages()
    assert not said, f"{ann}: {said}"
    return doc


def config(project: pathlib.Path) -> ProjectConfiguration:
    """The project's `annotation.conf` as brat reads it; a warning (a line brat cannot parse, a
    missing section) fails."""
    messages()
    conf = ProjectConfiguration(str(project.resolve()))
    conf.get_entity_types(), conf.get_event_types(), conf.get_attribute_types(), conf.get_relation_types()
    said = messages()
    assert not said, f"{project / 'annotation.conf'}: {said}"
    return conf


def role_of(arg: str) -> str:
    """An argument's role without brat's number (`where2` → `where`)."""
    return re.match(r"^(.*?)\d*$", arg).group(1)


def issues(doc: annotation.TextAnnotations, conf: ProjectConfiguration) -> list[str]:
    """What brat's `verify_annotations` reports of `doc` under `conf`: unknown types, triggers
    no event uses, entity overlaps the `<OVERLAP>` rules forbid, event arguments of a role or
    type not declared, too many or too few of a role, attributes and values not declared,
    references to nothing."""
    out: list[str] = []
    entities, events = set(conf.get_entity_types()), set(conf.get_event_types())
    bounds = list(doc.get_textbounds())
    used = {e.trigger for e in doc.get_events()}
    for t in bounds:
        if t.type not in entities | events:
            out.append(f"{t.id}: {t.type} is not a type of annotation.conf")
        elif t.type in events and t.id not in used:
            out.append(f"{t.id}: trigger of no event")
    physical = [t for t in bounds if conf.is_physical_entity_type(t.type)]
    for a in physical:
        for b in physical:
            if a is b or not (b.first_start() < a.last_end() and b.last_end() > a.first_start()):
                continue
            if a.same_span(b):
                ok = conf.spans_can_be_equal(a.type, b.type)
            elif b.contains(a):
                ok = conf.span_can_contain(a.type, b.type)
            elif a.contains(b):
                ok = conf.span_can_contain(b.type, a.type)
            else:
                ok = conf.spans_can_cross(a.type, b.type)
            if not ok:
                out.append(f"{a.id} and {b.id}: overlap not allowed")
    for e in doc.get_events():
        if e.type not in events:
            out.append(f"{e.id}: {e.type} is not an event type")
            continue
        allowed = conf.arc_types_from(e.type)
        counts = Counter(role_of(r) for r, _ in e.args)
        for arg, target in e.args:
            role, to = role_of(arg), doc.get_ann_by_id(target)
            if role not in allowed:
                out.append(f"{e.id}: {e.type} takes no {role}")
            elif role not in conf.arc_types_from_to(e.type, to.type):
                out.append(f"{e.id}: {role} of {e.type} cannot be a {to.type}")
        for role, n in counts.items():
            if n > conf.argument_maximum_count(e.type, role):
                out.append(f"{e.id}: {n} {role} arguments, at most {conf.argument_maximum_count(e.type, role)}")
        for role in conf.mandatory_arguments(e.type):
            if counts[role] < conf.argument_minimum_count(e.type, role):
                out.append(f"{e.id}: {role} required")
    values = {n.storage_form(): n.arguments.get("Value", []) for n in conf.get_attribute_type_hierarchy()}
    for a in doc.get_attributes():
        target = doc.get_ann_by_id(a.target)
        if a.type not in conf.attributes_for(target.type):
            out.append(f"{a.id}: {target.type} takes no {a.type}")
        elif a.value not in values.get(a.type, []):
            out.append(f"{a.id}: {a.value} is not a value of {a.type}")
    for n in [*doc.get_normalizations(), *doc.get_oneline_comments()]:
        doc.get_ann_by_id(n.target)
    return out
