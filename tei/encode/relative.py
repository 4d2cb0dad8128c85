"""Relative dates ("Ten days later", "That same day") dated from the date they count from.

Run on an encoded text (a chapter's or a letter's body, notes included) once its explicit
dates are tagged, because the anchor may stand paragraphs earlier: the most recent
``date`` before the expression in document order, which puts the same paragraph first.
The recognisers and the calendar arithmetic are pure and live in :mod:`tei.encode.dates`
(:func:`~tei.encode.dates.find_relative`, :func:`~tei.encode.dates.count_from`); this
module walks the tree, picks the anchor and wraps the expression (``docs/encoding.md``):

``<date when="1932-09-15" cert="medium" evidence="internal" corresp="#d1932-09-14">the
next day</date>``, the anchor given an ``xml:id`` to be pointed at. A date is inferred, so
it says so; an editor follows ``@corresp`` to check it.

Which dates anchor what:

* a bare year (``when="1932"``) is mostly a comparison in narrative ("down from 40 million
  in 1929"), as :class:`~tei.encode.dates.DateMatch` says, so it anchors only a count in
  years ("the same year");
* a date in a note anchors only the note's own expressions: a note's citations ("Pravda,
  June 5, 1932") are not the narrative's time; a note does see the text before it;
* a span or a bound before the expression ("June 20–25", "before 1956"), or a date too
  coarse for the count (days from a month), makes it ambiguous: reported, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from tei.encode.dates import ORDINAL_DAY, RelativeMatch, count_from, find_relative
from tei.encode.teidoc import XML_ID, tei

DATE = tei("date")
NOTE = tei("note")
#: Elements whose own text is a name or a date, not narrative to look in.
_NOT_TEXT = {tei(name) for name in ("date", "time", "persName", "orgName", "placeName", "name",
                                    "rs", "foreign", "idno")}  # fmt: skip
#: How a relative date says it was inferred: ``@cert`` and ``@evidence`` (att.editLike:
#: "internal", the text itself is the evidence).
INFERRED = {"cert": "medium", "evidence": "internal"}
#: Ordinals standing for a day with no month printed near ("on the 5th"): read as a date
#: only where the context knows the month (letters); in a chapter they are reported.
_LONE_DAY = re.compile(
    rf"\b(?:[Oo]n|[Bb]y|[Ss]ince|[Uu]ntil)\s+the\s+{ORDINAL_DAY}\b"
    r"(?!\s+(?:of|century|anniversary|[A-Z]))"
)


@dataclass
class _Anchor:
    """A date that later expressions may count from."""

    when: str | None  # its @when; None for a span or bound (which makes counting ambiguous)
    text: str
    note: etree._Element | None  # the note it is in, if any
    attrib: dict[str, str]  # the attributes to write; an xml:id is added when pointed at
    element: etree._Element | None = None
    year: str | None = None  # a span's or bound's year, when all its values are in one


#: Counts that need of their anchor no more than its year: a span or bound within one year
#: ("the last quarter of 1948 … that same autumn") anchors them as well as a day would.
_YEAR_UNITS = ("year", "year_end", "season")


@dataclass
class _Edit:
    """A relative date to wrap: ``slot`` is ``(element, "text" | "tail")``."""

    owner: etree._Element
    slot: str
    start: int
    end: int
    attrib: dict[str, str]


@dataclass
class _Walk:
    ids: set[str]
    anchors: list[_Anchor] = field(default_factory=list)
    edits: list[_Edit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def resolve_relative_dates(container: etree._Element, where: str) -> list[str]:
    """Tag and date the relative dates in ``container``; return warnings (``where`` opens
    them) for the ones left untagged: no anchor, or an ambiguous one."""
    ids = {value for el in container.iter() if (value := el.get(XML_ID))}
    walk = _Walk(ids)
    for owner, slot, note in _slots(container, None):
        if isinstance(owner, etree._Element) and slot == "date":
            walk.anchors.append(_anchor_of(owner, note))
            continue
        text = (owner.text if slot == "text" else owner.tail) or ""
        for match in find_relative(text):
            _resolve(walk, owner, slot, text, match, note, where)
        for lone in _LONE_DAY.finditer(text):
            walk.warnings.append(
                f"{where}: «{_around(text, lone.start(), lone.end())}»: a day without its month; "
                "not dated (which month is for an editor to say)"
            )
    for anchor in walk.anchors:
        if anchor.element is not None and XML_ID in anchor.attrib:
            anchor.element.set(XML_ID, anchor.attrib[XML_ID])
    for edit in sorted(walk.edits, key=lambda e: e.start, reverse=True):
        _wrap(edit)
    return walk.warnings


def _slots(
    element: etree._Element, note: etree._Element | None
) -> Iterator[tuple[etree._Element, str, etree._Element | None]]:
    """Text slots and dates in document order: (element, "text" | "tail" | "date", note)."""
    if element.tag == DATE:
        yield element, "date", note
        return
    own = element.tag not in _NOT_TEXT and isinstance(element.tag, str)
    if own and element.text:
        yield element, "text", note
    for child in element:
        if not isinstance(child.tag, str):
            if own and child.tail:
                yield child, "tail", note
            continue
        yield from _slots(child, child if child.tag == NOTE else note)
        if own and child.tail:
            yield child, "tail", note


def _anchor_of(element: etree._Element, note: etree._Element | None) -> _Anchor:
    when = element.get("when")
    text = "".join(element.itertext())
    if when is None and not any(element.get(a) for a in ("from", "to", "notBefore", "notAfter")):
        when = ""  # undated ("--06-29" left out): not an anchor, and no obstacle either
    attrib = {XML_ID: element.get(XML_ID, "")} if element.get(XML_ID) else {}
    values = [v for a in ("from", "to", "notBefore", "notAfter") if (v := element.get(a))]
    years = {v[:4] for v in values}
    year = years.pop() if len(years) == 1 else None
    return _Anchor(when, text, note, attrib, element, year)


def _resolve(
    walk: _Walk,
    owner: etree._Element,
    slot: str,
    text: str,
    match: RelativeMatch,
    note: etree._Element | None,
    where: str,
) -> None:
    printed = text[match.start : match.end]
    anchor = _pick(walk.anchors, match, note)
    if anchor is not None and anchor.when is None and anchor.year and match.unit in _YEAR_UNITS:
        counted_from: str | None = anchor.year
    else:
        counted_from = anchor.when if anchor is not None else None
    if anchor is None or not counted_from:
        what = "a span or bound" if anchor is not None else "no date before it"
        _report(
            walk,
            where,
            text,
            match,
            f"counts from {what}" + (f" («{anchor.text}»)" if anchor is not None else ""),
        )
        return
    value = count_from(counted_from, match)
    if value is None:
        _report(walk, where, text, match, f"cannot count from «{anchor.text}» ({counted_from})")
        return
    if XML_ID not in anchor.attrib:
        anchor.attrib[XML_ID] = _new_id(walk.ids, counted_from)
    attrib = {k: v for k, v in value.attrib().items() if k != "cert"}
    attrib |= INFERRED | {"corresp": "#" + anchor.attrib[XML_ID]}
    walk.edits.append(_Edit(owner, slot, match.start, match.end, attrib))
    # An inferred date anchors what follows it ("Ten days later … The next day").
    walk.anchors.append(_Anchor(value.when, printed, note, attrib))


def _pick(
    anchors: list[_Anchor], match: RelativeMatch, note: etree._Element | None
) -> _Anchor | None:
    """The anchor of ``match``: the last date before it that it can see (see the module's
    docstring); None if there is none."""
    for anchor in reversed(anchors):
        if anchor.note is not None and anchor.note is not note:
            continue  # another note's date: a citation, not the narrative's time
        if anchor.when == "":
            continue
        if (
            anchor.when is not None
            and len(anchor.when) == 4
            and match.unit not in _YEAR_UNITS
        ):
            continue  # a bare year: a comparison more often than the time of the story
        return anchor
    return None


def _new_id(ids: set[str], when: str) -> str:
    base = f"d{when}"
    candidate, n = base, 1
    while candidate in ids:
        n += 1
        candidate = f"{base}-{n}"
    ids.add(candidate)
    return candidate


def _report(walk: _Walk, where: str, text: str, match: RelativeMatch, why: str) -> None:
    walk.warnings.append(
        f"{where}: «{_around(text, match.start, match.end)}»: a relative date that {why}; not dated"
    )


def _around(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 30) : end + 20].split())


def _wrap(edit: _Edit) -> None:
    """Wrap ``[start:end)`` of the slot's text in a new ``date``, the text kept as it was."""
    owner = edit.owner
    text = (owner.text if edit.slot == "text" else owner.tail) or ""
    date = etree.Element(DATE, edit.attrib)
    date.text = text[edit.start : edit.end]
    date.tail = text[edit.end :]
    if edit.slot == "text":
        owner.text = text[: edit.start]
        owner.insert(0, date)
    else:
        owner.tail = text[: edit.start]
        parent = owner.getparent()
        assert parent is not None  # a tail slot belongs to an element with a parent
        parent.insert(parent.index(owner) + 1, date)
