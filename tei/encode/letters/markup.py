"""A line's text as TEI mixed content: names, dates, times and footnote markers inside it;
the footnotes themselves, and the ones whose marker was not found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from tei.encode import footnotes as fn
from tei.encode.dates import find_datelines, find_dates, find_times
from tei.encode.inline import Occupied, Span, fill
from tei.encode.lossless import NUMBER_SUPPLIED, UNANCHORED
from tei.encode.persons import Register
from tei.encode.teidoc import XML_ID, E


@dataclass
class Context:
    """What a letter's interpretation needs: the register, note numbers, the running sequence."""

    register: Register
    doc_id: str
    year: int | None
    month: int | None
    notes: dict[int, etree._Element]
    day: int | None = None  # of the letter's date: "on the 30th" is the 30th nearest it
    expected: int = 1
    anchored: set[int] = field(default_factory=set)


def _name_spans(text: str, context: Context) -> list[Span]:
    return [
        Span(name.start, name.end, name.tag, {"ref": name.ref})
        for name in context.register.find_names(text)
    ]


def _date_spans(text: str, context: Context, dateline: bool = False) -> list[Span]:
    spans = [
        _month_before_marker(text, Span(m.start, m.end, "date", m.value.attrib()), context)
        for m in find_dates(text, year=context.year, month=context.month, day=context.day)
    ]
    # Soviet dates stand in running text too ("your letter of 5/VI", "By 1.VII the Ukraine").
    taken = Occupied.of(spans)
    spans += [
        Span(m.start, m.end, "date", m.value.attrib())
        for m in find_datelines(text, year=context.year, in_text=not dateline)
        if not taken.overlaps(m.start, m.end)
    ]
    if dateline:
        spans += [
            Span(t.start, t.end, "time", {"when": t.when}) for t in find_times(text, dotted=True)
        ]
    return spans


#: "in August 1 ." — a month and a number set off by a space before the punctuation, the
#: way this source prints its note markers.
_MONTH_AND_SET_OFF_NUMBER = re.compile(r"(?P<month>[A-Z][a-z]+\.?) (?P<n>\d{1,2})$")


def _month_before_marker(text: str, span: Span, context: Context) -> Span:
    """A month-day date whose day is the next note's marker ("6,000 tons in August 1 .") is
    the month: the number is left to the markers."""
    found = _MONTH_AND_SET_OFF_NUMBER.fullmatch(text, span.start, span.end)
    if found is None or not re.match(r" [.,;:]", text[span.end : span.end + 2]):
        return span
    number = int(found.group("n"))
    if number not in context.notes or not (
        context.expected <= number <= context.expected + fn.MAX_SKIP
    ):
        return span
    month = {k: v[:7] for k, v in span.attrib.items() if k == "when" and len(v) == 10}
    return Span(span.start, found.end("month"), "date", month)


def _marker_spans(
    text: str, context: Context, dates: list[Span], dateline: bool = False
) -> list[Span]:
    numbers = set(context.notes)
    taken = [(d.start, d.end) for d in dates]
    markers, context.expected = fn.find_markers(
        text, numbers, context.expected, context.anchored, taken=taken
    )
    datelines = find_datelines(text, year=context.year)
    ends_with_dateline = bool(datelines) and bool(
        re.fullmatch(r"\s+\d{1,2}\s*\.?\s*", text[datelines[-1].end :])
    )
    if (dateline or ends_with_dateline) and not any(
        m.end >= len(text.rstrip(" .")) for m in markers
    ):
        trailing = fn.trailing_dateline_marker(text, numbers, context.expected, context.anchored)
        if trailing:
            markers = [*markers, trailing]
            if not trailing.repeat:
                context.expected = trailing.number + 1
    spans = []
    for found in markers:
        # The space that sets a marker off ("Kaganovich 1 .") belongs to the marker.
        start = found.start - 1 if text[found.start - 1 : found.start] == " " else found.start
        end = (
            found.end + 1 if re.match(r" [.,;:!?]", text[found.end : found.end + 2]) else found.end
        )
        marker = fn.Marker(start, end, found.number, found.repeat)
        note = context.notes[marker.number]
        if marker.repeat or note.getparent() is not None:
            ref = E.ref(str(marker.number), type="noteAnchor", target=f"#{note.get(XML_ID)}")
            spans.append(Span(marker.start, marker.end, "ref", element=ref))
        else:
            spans.append(Span(marker.start, marker.end, "note", element=note))
    return spans


def annotate(
    parent: etree._Element,
    text: str,
    context: Context,
    dateline: bool = False,
    dates: list[Span] | None = None,
    called: Span | None = None,
) -> etree._Element:
    """Fill ``parent`` with ``text``: names, dates (times in datelines) and note markers.

    ``dates`` are the text's dates when already known (a header's), else they are found.
    ``called`` is the name a salutation calls its addressee by, in place of what the
    register would make of it.
    """
    if dates is None:
        dates = _date_spans(text, context, dateline)
    markers = _marker_spans(text, context, dates, dateline)
    taken = Occupied.of(markers)
    names = _name_spans(text, context)
    if called is not None:
        names = [s for s in names if s.end <= called.start or s.start >= called.end] + [called]
    others = [s for s in names + dates if not taken.overlaps(s.start, s.end)]
    fill(parent, text, markers + others)
    return parent


def keep_unanchored(div: etree._Element, context: Context, where: str) -> list[str]:
    """Append the notes whose marker was not found to ``div``; never drop one. Return the
    warnings that say so."""
    unanchored = [note for note in context.notes.values() if note.getparent() is None]
    for note in unanchored:
        note.set("type", UNANCHORED)
        div.append(note)
    return [
        f"{where}: the marker of note {note.get('n')} was not found; the note is kept at the end"
        for note in unanchored
    ]


def keep_unnumbered(
    div: etree._Element, notes: list[fn.Footnote], context: Context, where: str
) -> list[str]:
    """Append the note paragraphs that open no note (printed below the rule before the
    first note) to ``div`` as the editors' note, after the text as the source has them;
    never drop one. Return the warnings that say so."""
    warnings: list[str] = []
    # Names and dates are tagged as in any note; markers are not looked for: no note is theirs.
    scratch = Context(
        context.register, context.doc_id, context.year, context.month, {}, day=context.day
    )
    for note in notes:
        if note.number is not None:
            continue
        element = E.note(type="editorial")
        for paragraph in note.paragraphs:
            element.append(annotate(E.p(), paragraph, scratch))
        div.append(element)
        warnings.append(
            f"{where}: the paragraph at line {note.line} below the note rule has no note "
            "number and opens no note; it is kept as an editors' note after the text"
        )
    return warnings


def footnote_elements(
    notes: list[fn.Footnote],
    context_id: str,
    register: Register,
    year: int | None,
    month: int | None = None,
    day: int | None = None,
) -> dict[int, etree._Element]:
    """The notes as TEI; their dates without a year take the one nearest the letter's date
    (``year``, ``month``, ``day``) where it is known."""
    result: dict[int, etree._Element] = {}
    scratch = Context(register, context_id, year, month, {}, day=day)
    for note in notes:
        if note.number is None:
            continue
        element = E.note(place="foot", n=str(note.number))
        element.set(XML_ID, f"{context_id}-n{note.number}")
        if note.number_supplied:
            # TEI's att.typed: a subtype needs a type (tei_all's embedded rule says so).
            element.set("type", "footnote")
            element.set("subtype", NUMBER_SUPPLIED)
        if len(note.paragraphs) == 1:
            annotate(element, note.paragraphs[0], scratch)
        else:
            for paragraph in note.paragraphs:
                element.append(annotate(E.p(), paragraph, scratch))
        result[note.number] = element
    return result
