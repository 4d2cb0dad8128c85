"""One document of a correspondence → a TEI letter: its body, correspondents, date and
archival description, checked lossless."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from tei.encode import footnotes as fn
from tei.encode.conventions import Conventions
from tei.encode.letters.archive import source_description
from tei.encode.letters.body import PROVISIONAL_ID, build_body
from tei.encode.letters.correspondents import (
    corresp_desc,
    header_parties,
    id_part,
    read_parties,
)
from tei.encode.letters.dating import date_key, human_date, letter_date
from tei.encode.letters.segment import RawDocument
from tei.encode.lossless import check
from tei.encode.persons import Register
from tei.encode.reading import SourceText
from tei.encode.teidoc import XML_ID, E, new_document


@dataclass
class Letter:
    """A letter ready to be written: its TEI root, id stem and what the encoder noticed."""

    root: etree._Element
    id_stem: str
    warnings: list[str]
    footnotes: int
    persons: set[str]


def build_letter(
    raw: RawDocument,
    source: SourceText,
    register: Register,
    *,
    last: bool = False,
    conventions: Conventions | None = None,
) -> Letter:
    """Interpret one document of the correspondence as a TEI letter; the ``last`` one of a
    source may be followed by the editors' closing note. ``conventions``: the source's
    profile (the default one without)."""
    where = f"{source.path}:{raw.first_line}"
    named = header_parties(raw.header, register)
    body = build_body(
        raw,
        register,
        where,
        last=last,
        conventions=conventions,
        addressee=named.addressee,
        sender=(named.sender.ref, named.sender.forename) if named.sender else None,
    )
    parties = read_parties(named, body.div, register, where, conventions=conventions)
    date, date_text = letter_date(raw.header, body.div, body.context.year)
    notes = list(body.context.notes.values())
    corresp = corresp_desc(parties, date, date_text, body.div, notes, register)
    source_desc, archive_ps = source_description(
        [archive for archive, _ in raw.archives],
        [block.text for _, block in body.opener],
        source.name,
        conventions=conventions,
    )
    id_stem = f"L{date_key(date)}-{id_part(parties.senders)}-{id_part(parties.recipients)}"
    title = (
        f"{', '.join(p.short_name for p in parties.senders) or 'Unknown'} to "
        f"{', '.join(p.short_name for p in parties.recipients) or 'unknown'}, {human_date(date)}"
    )
    root, tei_body = new_document(
        id_stem,
        "letter",
        title,
        f"Encoded with teitool from {source.name}, lines {raw.first_line}–{raw.last_line}.",
        source_desc,
        E.profileDesc(corresp),
    )
    tei_body.append(body.div)

    # The lossless check: the archive lines moved into the header, everything else in order.
    segment_lines = [line.text for _, line in raw.archives]
    segment_lines += [line.text for line in (*raw.furniture, *raw.headings)]
    segment_lines += [raw.header_line.text] if raw.header_line else []
    segment_lines += [line.text for line in raw.lines if not fn.is_rule(line.text)]
    check("\n".join(segment_lines), [*archive_ps, body.div], where)

    warnings = body.warnings + parties.warnings
    if date is None or not date.has_year:
        warnings.append(
            f"{where}: no date for this letter (no header date, no dateline with a year): "
            "add the date it was sent, e.g. a header date in brackets as the editors would"
        )
    persons = {person for el in root.iter("{*}persName") if (person := el.get("ref"))}
    return Letter(root, id_stem, warnings, len(body.context.notes), persons)


def assign_ids(letters: list[Letter]) -> None:
    """Give each letter its final id: the stem, with -2, -3 … for ties in source order."""
    seen: dict[str, int] = {}
    for letter in letters:
        count = seen.get(letter.id_stem, 0) + 1
        seen[letter.id_stem] = count
        doc_id = letter.id_stem if count == 1 else f"{letter.id_stem}-{count}"
        letter.root.set(XML_ID, doc_id)
        for note in letter.root.iter("{*}note"):
            note_id = note.get(XML_ID, "")
            if note_id.startswith(PROVISIONAL_ID + "-"):
                note.set(XML_ID, doc_id + note_id[len(PROVISIONAL_ID) :])
        for ref in letter.root.iter("{*}ref"):
            target = ref.get("target", "")
            if target.startswith(f"#{PROVISIONAL_ID}-"):
                ref.set("target", "#" + doc_id + target[len(PROVISIONAL_ID) + 1 :])
