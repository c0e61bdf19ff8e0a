"""Small corpora written byte for byte by the tests, for what the shipped seeds lack: line ends
in CRLF, characters outside the Basic Multilingual Plane, deep and equal-span nesting, repeated
roles, notes, a legacy header, and (in `messy`) what brat cannot show as it is."""

from __future__ import annotations

import pathlib

REGISTRY = (
    "id\ttype\tname\taliases\twikidata\tcameo\n"
    "kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev\tQ1333212\tKAZGOV\n"
    "kz.almaty\tplace\tAlmaty\t\tQ35493\t\n"
    "kz.aktau\tplace\tAktau\t\t\t\n"
    "kz.zhanaozen\tplace\tJanaozen\t\t\t\n"
    "kz.protesters\tgroup\tmanifestants kazakhs\tmanifestants\t\t\n"
    "kz.police\tgroup\tpolice kazakhe\tpolice\t\tKAZCOP\n"
    "kz.gov\tgov\tgouvernement du Kazakhstan\t\t\tKAZGOV\n"
    "kz.almaty-akimat\tgov\tmairie d’Almaty\t\t\tKAZGOV\n"
    "org.twitter\torg\tTwitter 🐦\t\t\t\n"
    "kz.protests-2022-01\tprotest\tmanifestations de janvier 2022 𝕂ℤ\t\t\t\n"
)

# Non-BMP characters before, inside and after mentions; nesting three deep; equal spans of two
# types; a role repeated (`where=a,b`) and one with an id that has no mention (a note).
EMOJI = (
    " date 2022-01-05 https://example.org/2022/01/05/emoji\n"
    "\n"
    "😀 Émoji et 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 avant [Almaty]{place:kz.almaty} 🇰🇿\n"
    "\n"
    "[[Les 😀 manifestants]{group:kz.protesters} ont défilé à [Almaty]{place:kz.almaty} et à"
    " [Aktau]{place:kz.aktau} 𝄞]{protest.demo:kz.protests-2022-01 actor=kz.protesters"
    " where=kz.almaty,kz.aktau,kz.zhanaozen when=2022-01-05}.\n"
    "[[[Tokaïev]{person:kz.tokayev}, le président 🎩]{person:kz.tokayev} a limogé le"
    " [gouvernement]{gov:kz.gov}]{concede actor=kz.tokayev recipient=kz.gov,kz.police}.\n"
    "La [[mairie]{place:kz.almaty}]{gov:kz.almaty-akimat} a été prise 🔥 ; «\u00a0[grève]{protest.strike}\u00a0» sur"
    " [Twitter 🐦]{org:org.twitter}.\n"
)

# CRLF line ends, a tab inside a surface, an event with no arguments, an argument found
# only outside the event.
CRLF = (
    " date 2022-01 https://example.org/2022/01/crlf\r\n"
    "\r\n"
    "[Almaty]{place:kz.almaty} sous couvre-feu\r\n"
    "\r\n"
    "La [police]{group:kz.police} a [arrêté [200\tpersonnes]{group:kz.protesters}]"
    "{coerce.arrest actor=kz.police recipient=kz.protesters where=kz.almaty when=2022-01-05}.\r\n"
    "À [Aktau]{place:kz.aktau}, [des heurts]{protest.riot actor=kz.protesters where=kz.aktau}"
    " 😀 ; [un calme précaire]{concede}.\r\n"
)

# A legacy header: the body on the header line, no URL; CRLF, no final line end.
LEGACY = (
    " date 2022-01 Après des [manifestations]{protest.demo:kz.protests-2022-01 actor=kz.protesters"
    " where=kz.zhanaozen} à [Janaozen]{place:kz.zhanaozen} 😀\r\n"
    "\r\n"
    "Le [président]{person:kz.tokayev} a parlé."
)

TRICKY = {
    "entities.tsv": REGISTRY,
    "001_0000000000000001.txt": EMOJI,
    "sub/002_0000000000000002.txt": CRLF,
    "003_0000000000000003.txt": LEGACY,
}

# A schema of its own: a role whose name ends in a digit, which brat reads as a number.
SCHEMA = (
    "type\tclass\troles\tmodes\ttoken\tdescription\n"
    "person\tentity\t\t\tclass\tA person\n"
    "place\tentity\t\t\tstring\tA place\n"
    "meet\tevent\tparty1:person party2:person* where:place? when:date?\tvisit phone\tfunction\tA meeting\n"
)

# What brat cannot show as it is: an empty mention, a lone CR inside a surface (brat reads it
# as a line break), a surface that is only a line break, a role naming an event mention,
# repeated role words; and a control character Python splits fields at (U+001F).
MESSY = (
    " date 2022-02-01 https://example.org/messy\n"
    "\n"
    "[A]{person:p.a} a vu [B]{person:p.b} et []{person:p.c} à [Pa\rris]{place:fr.paris}.\x1f\n"
    "[Rencontre de [A]{person:p.a} et [B]{person:p.b}]{meet.visit:m.1 party1=p.a party2=p.b party2=p.c"
    " where=fr.paris when=2022-02-01} ; [\r]{place:fr.nowhere}\n"
    "[Appel]{meet.phone party1=m.1 party2=p.b,p.a}.\n"
)

CUSTOM = {"schema.tsv": SCHEMA, "001_0000000000000001.txt": MESSY}


def write(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    """Writes `files` under `root` exactly (no newline translation) and returns `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root
