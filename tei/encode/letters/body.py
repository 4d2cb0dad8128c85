"""A letter's body: its text cut into opener, paragraphs, lists and tables, closer,
postscript, and the editors' notes after it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from lxml import etree

from tei.encode import footnotes as fn
from tei.encode.conventions import Conventions
from tei.encode.dates import find_datelines
from tei.encode.figures import MIN_TABLE_ROWS, figure_pairs
from tei.encode.inline import Span
from tei.encode.letters.dating import year_month
from tei.encode.letters.lines import (
    Addressees,
    called_name,
    closer_kind,
    is_address,
    is_dateline_only,
    is_mark,
    is_salutation,
    list_item,
)
from tei.encode.letters.markup import (
    Context,
    annotate,
    footnote_elements,
    keep_unanchored,
    keep_unnumbered,
)
from tei.encode.letters.patterns import patterns_of
from tei.encode.letters.segment import Block, RawDocument, blocks
from tei.encode.persons import Register
from tei.encode.relative import resolve_relative_dates
from tei.encode.teidoc import E, append_text

#: The id a letter's notes carry until :func:`tei.encode.letters.document.assign_ids` gives
#: the letter its final one, once ties are known.
PROVISIONAL_ID = "doc"
#: The kinds of closer line that end a letter's text (numbers and times alone do not).
_ENDINGS = ("signed", "dateline", "signed+dateline", "address")


@dataclass(frozen=True)
class LineReader:
    """Reads a letter's lines with what their kind depends on: the register, the letter's
    year (a two-digit dateline year is read in its century), the conventions profile and
    the header's addressees (a closing "Moscow. Molotov." is their address)."""

    register: Register
    year: int | None
    conventions: Conventions | None = None
    addressees: Addressees | None = None
    #: The @ref of the letter's one addressee, whom its salutation calls by name.
    addressee: str | None = None
    #: The @ref of the letter's one sender and their forename, which may sign it alone.
    sender: tuple[str, str] | None = None

    def closer_kind(self, text: str) -> str | None:
        return closer_kind(
            text,
            self.register,
            self.year,
            conventions=self.conventions,
            addressees=self.addressees,
        )

    def is_postscript(self, text: str) -> bool:
        return bool(patterns_of(self.conventions).postscript.match(text))

    def called(self, text: str) -> Span | None:
        """The addressee's name in a salutation ("Dear Valerian!"), as a persName span."""
        if self.addressee is None:
            return None
        found = called_name(text, self.register, conventions=self.conventions)
        return Span(*found, "persName", {"ref": self.addressee}) if found else None

    def signed_by_forename(self, text: str) -> Span | None:
        """The sender's forename alone in a signature ("Yours, Eleanor." in a letter from
        Eleanor Vance), as a persName span with the sender's @ref: no new person."""
        if self.sender is None or not self.sender[1]:
            return None
        ref, forename = self.sender
        fold = self.register.cues.fold
        # Any name but a lone provisional word ("Jonah Pell" is the whole name, not "Jonah").
        known = [
            n for n in self.register.find_names(text)
            if not n.provisional or " " in text[n.start : n.end]
        ]
        for word in _WORD.finditer(text):
            if fold(word.group()) == fold(forename) and not any(
                n.start <= word.start() < n.end for n in known
            ):
                return Span(word.start(), word.end(), "persName", {"ref": ref})
        return None


@dataclass
class Body:
    """A letter's ``div`` and what was read on the way to it."""

    div: etree._Element
    context: Context
    opener: list[tuple[str, Block]]
    warnings: list[str]


@dataclass
class Parts:
    """A letter's text blocks by their place in it."""

    opener: list[tuple[str, Block]]
    main: list[Block]
    closer: list[Block]
    postscript: list[Block]
    closing_note: list[Block]


def build_body(
    raw: RawDocument,
    register: Register,
    where: str,
    *,
    last: bool,
    conventions: Conventions | None = None,
    addressee: str | None = None,
    sender: tuple[str, str] | None = None,
) -> Body:
    """The letter's ``div``: head, opener, paragraphs, closer, postscript, the editors' notes;
    the ``last`` letter of a source may be followed by the editors' closing note. The
    salutation's name for the ``addressee`` (the @ref of the header's one recipient) is theirs,
    and the signature's forename alone the ``sender``'s (their @ref and forename)."""
    items = blocks(raw.lines)
    reader = _reader(raw, items, register, conventions, addressee, sender)
    text_items, note_items, context = _text_and_notes(raw, items, reader)
    parts = _parts(text_items, reader, last=last)
    div = E.div(type="letter")
    # Page furniture first, where TEI allows it and its words are read before the text's
    # (the lossless check reads the lines in that order, as it reads the archive line first).
    for line in raw.furniture:
        div.append(E.fw(line.text.strip(), type="navigation"))
    for heading in raw.headings:
        div.append(E.fw(heading.text.strip(), type="pageHeading"))
    if raw.header is not None:
        header = raw.header
        date = Span(header.date_start, header.date_end, "date", header.date.attrib())
        div.append(annotate(E.head(), header.text, context, dates=[date]))
    if parts.opener:
        div.append(_build_opener(parts.opener, context, reader))
    _build_paragraphs(div, parts.main, context)
    if parts.closer:
        div.append(_build_closer(parts.closer, context, reader))
    if parts.postscript:
        div.append(_build_postscript(parts.postscript, context, reader))
    if parts.closing_note:
        note = E.note(type="editorial")
        _build_paragraphs(note, parts.closing_note, context)
        div.append(note)
    warnings: list[str] = []
    if not text_items:
        div.append(E.gap(reason="not-transcribed"))
        warnings.append(
            f'{where}: the header has no text under it; encoded with <gap reason="not-transcribed"/>'
        )
    warnings += keep_unnumbered(div, note_items, context, where)
    warnings += keep_unanchored(div, context, where)
    # Relative dates ("the next day", in the text or a note) count from the dates before them.
    warnings += resolve_relative_dates(div, where)
    return Body(div, context, parts.opener, warnings)


def _reader(
    raw: RawDocument,
    items: list[Block],
    register: Register,
    conventions: Conventions | None,
    addressee: str | None,
    sender: tuple[str, str] | None = None,
) -> LineReader:
    """The reader of the letter's lines, in the letter's year: the header's, in whose century
    datelines with a two-digit year are read ("3/III 38" under an 1838 header), else the
    first dateline's."""
    year, _month = year_month(raw.header.date if raw.header else None)
    if year is None:
        datelines = [d for b in items for d in find_datelines(b.text)]
        year = datelines[0].anchor_year if datelines else None
    return LineReader(register, year, conventions, _addressees(raw), addressee, sender)


def _text_and_notes(
    raw: RawDocument, items: list[Block], reader: LineReader
) -> tuple[list[Block], list[fn.Footnote], Context]:
    """The text's blocks, the editors' footnotes below it, and the context to read both in:
    the letter's year, month and day (year-less dates fall nearest them) and its notes."""
    register, year = reader.register, reader.year
    header_date = raw.header.date if raw.header else None
    _year, month = year_month(header_date)
    text_items, note_items = split_notes(items, reader)
    # A paragraph after the last numbered note opens a note of its own only if the text has
    # a marker for it; otherwise it goes on with the note before.
    hint = 0
    if not fn.all_numbered([b.text for b in note_items]):  # else the hint decides nothing
        letter_text = "\n".join(b.text for b in text_items)
        taken = [(d.start, d.end) for d in find_datelines(letter_text, year=year)]
        hint = fn.highest_marker_candidate(letter_text, taken)
    notes = fn.parse_notes([(b.text, b.line) for b in note_items], marker_hint=hint)
    day = None
    if header_date is not None and header_date.when and len(header_date.when) == 10:
        day = int(header_date.when[8:])
    context = Context(register, PROVISIONAL_ID, year, month, {}, day=day)
    context.notes = footnote_elements(notes, PROVISIONAL_ID, register, year, month, day)
    # Notes numbered on from the letter before ("5 See …") have their first marker there.
    context.expected = min(context.notes, default=1)
    return text_items, notes, context


def _addressees(raw: RawDocument) -> Addressees | None:
    if raw.header is None:
        return None
    recipients = raw.header.recipients
    return Addressees(
        frozenset(c.text for c in recipients),
        frozenset(c.match.ref for c in recipients if c.match),
    )


def _parts(items: list[Block], reader: LineReader, *, last: bool) -> Parts:
    closing_note: list[Block] = []
    if last:
        items, closing_note = split_closing_note(items, reader)
    opener = _opener(items, reader)
    rest = items[len(opener) :]
    postscript_at = next((i for i, b in enumerate(rest) if reader.is_postscript(b.text)), len(rest))
    main, postscript = rest[:postscript_at], rest[postscript_at:]
    closer_at = _closer(main, reader)
    parts = Parts(opener, main[:closer_at], main[closer_at:], postscript, closing_note)
    return _with_text(parts)


def _with_text(parts: Parts) -> Parts:
    """TEI wants text before a closer or postscript. A letter whose lines are all opener and
    closer lines ("Hello, Comrade Stalin!" over "L. Kaganovich.") says its greeting and
    nothing else: the greeting is its text, as an editor would print it; without an opener,
    its first closing line is."""
    if parts.main or not (parts.closer or parts.postscript):
        return parts
    if parts.opener:
        *opener, (_, message) = parts.opener
        return replace(parts, opener=opener, main=[message])
    if parts.closer:
        return replace(parts, main=parts.closer[:1], closer=parts.closer[1:])
    return replace(parts, main=parts.postscript, postscript=[])


#: The element each kind of opener line becomes (address lines gather in one ``address``).
_OPENER_ELEMENTS: dict[str, Callable[[], etree._Element]] = {
    "salute": E.salute,
    "dateline": E.dateline,
    "mark": lambda: E.seg(type="mark"),
}


def _build_opener(
    lines: list[tuple[str, Block]], context: Context, reader: LineReader
) -> etree._Element:
    opener = E.opener()
    address: etree._Element | None = None
    for kind, block in lines:
        if kind == "address":
            if address is None:
                address = E.address()
                opener.append(address)
            address.append(annotate(E.addrLine(), block.text, context))
            continue
        address = None
        element = _OPENER_ELEMENTS[kind]()
        called = reader.called(block.text) if kind == "salute" else None
        opener.append(
            annotate(element, block.text, context, dateline=kind == "dateline", called=called)
        )
    return opener


def _build_postscript(items: list[Block], context: Context, reader: LineReader) -> etree._Element:
    postscript = E.postscript()
    # Its first line ("P.S. …") is its text, as TEI wants one before a closer.
    closer_at = max(_closer(items, reader), 1)
    _build_paragraphs(postscript, items[:closer_at], context)
    if closer_at < len(items):
        postscript.append(_build_closer(items[closer_at:], context, reader))
    return postscript


def split_notes(items: list[Block], reader: LineReader) -> tuple[list[Block], list[Block]]:
    """Text blocks and note blocks: notes follow a rule, or stand after the dateline unruled."""
    for index, block in enumerate(items):
        if fn.is_rule(block.text):
            return items[:index], items[index + 1 :]
    numbered = [
        i
        for i, b in enumerate(items)
        if re.match(r"^\d{1,2}\s[A-Z]", b.text) and not list_item(b.text)
    ]
    if not numbered:  # no note, unruled or not: spare reading every line for a dateline
        return items, []
    datelines = [
        i
        for i, b in enumerate(items)
        if reader.closer_kind(b.text) in ("dateline", "signed+dateline")
    ]
    if datelines:
        last_note = numbered[-1]
        before = [i for i in datelines if i < last_note]
        if before and all(not list_item(b.text) for b in items[before[-1] + 1 : last_note]):
            start = before[-1] + 1
            while start < len(items) and reader.closer_kind(items[start].text) == "time":
                start += 1
            return items[:start], items[start:]
    return items, []


def split_closing_note(items: list[Block], reader: LineReader) -> tuple[list[Block], list[Block]]:
    """The letter's blocks and the editors' note printed after its signature or dateline at
    the end of the source ("Ordzhonikidze returned to Moscow on October 6, …")."""
    kinds = [reader.closer_kind(b.text) for b in items]
    ends = [i for i, kind in enumerate(kinds) if kind in ("signed", "dateline", "signed+dateline")]
    if not ends or ends[-1] in (0, len(items) - 1):
        return items, []
    cut = ends[-1] + 1
    if any(kinds[cut:]) or any(reader.is_postscript(b.text) for b in items[cut:]):
        return items, []
    return items[:cut], items[cut:]


def _closer(items: list[Block], reader: LineReader) -> int:
    """Index where the closer starts: trailing signature, numbers, times and datelines."""
    start = len(items)
    seen_signature_or_date = False
    while start > 0:
        kind = reader.closer_kind(items[start - 1].text)
        if kind is None:
            break
        seen_signature_or_date |= kind in _ENDINGS
        start -= 1
    return start if seen_signature_or_date else len(items)


def _opener(items: list[Block], reader: LineReader) -> list[tuple[str, Block]]:
    """The opener lines at the start of the text, each with its kind."""
    opener: list[tuple[str, Block]] = []
    for block in items[:-1]:
        register, conventions = reader.register, reader.conventions
        if is_dateline_only(block.text, reader.year, register):
            kind = "dateline"
        elif is_salutation(block.text, conventions=conventions):
            opener.append(("salute", block))
            break
        elif is_address(block.text, register, conventions=conventions):
            kind = "address"
        elif is_mark(block.text) and not any(k in ("address",) for k, _ in opener):
            kind = "mark"
        else:
            break
        opener.append((kind, block))
    return opener


#: The element each kind of closer line becomes; datelines, times and numbers after the
#: signature gather in one ``dateline``.
_CLOSER_ELEMENTS: dict[str, Callable[[], etree._Element]] = {
    "address": lambda: E.seg(type="address"),  # a telegram's "Moscow. Molotov."
    "salute": E.salute,
    "signed": E.signed,
    "signed+dateline": E.signed,
    "number": lambda: E.seg(type="number"),  # before the signature: "No. 40."
}


_SIGNED = ("signed", "signed+dateline")
_WORD = re.compile(r"(?<![\w.])[A-Z][\w’'-]*(?!\w)")


def _build_closer(items: list[Block], context: Context, reader: LineReader) -> etree._Element:
    closer = E.closer()
    pending_dateline: list[Block] = []

    def flush() -> None:
        if pending_dateline:
            # Each line is read on its own: "20/VI" over "23–30" is a date and a time,
            # not the date 20/VI/23.
            dateline = E.dateline()
            for index, block in enumerate(pending_dateline):
                append_text(dateline, " " if index else "")
                annotate(dateline, block.text, context, dateline=True)
            closer.append(dateline)
            pending_dateline.clear()

    seen_signature = False
    for block in items:
        kind = reader.closer_kind(block.text) or "dateline"
        make = _CLOSER_ELEMENTS.get(kind)
        if make is None or (kind == "number" and seen_signature):
            pending_dateline.append(block)
            continue
        flush()
        signer = reader.signed_by_forename(block.text) if kind in _SIGNED else None
        closer.append(
            annotate(
                make(), block.text, context, dateline=kind == "signed+dateline", called=signer
            )
        )
        seen_signature |= kind in ("signed", "signed+dateline")
    flush()
    for child in closer:
        child.tail = " "
    closer[-1].tail = None
    return closer


def _figure_table(rows: list[list[tuple[str, str]]], context: Context) -> etree._Element:
    table = E.table(cols="2")
    for label, figure in (pair for pairs in rows for pair in pairs):
        table.append(
            E.row(annotate(E.cell(role="label"), label, context), E.cell(figure, role="data"))
        )
    table.set("rows", str(len(table)))
    return table


def _build_paragraphs(parent: etree._Element, items: list[Block], context: Context) -> None:
    current_list: etree._Element | None = None
    index = 0
    while index < len(items):
        # By index: a copy of the rest (items[index:]) for every paragraph is quadratic.
        figure_rows: list[list[tuple[str, str]]] = []
        for following in range(index, len(items)):
            pairs = figure_pairs(items[following].text)
            if not pairs:
                break
            figure_rows.append(pairs)
        if len(figure_rows) >= MIN_TABLE_ROWS:
            parent.append(_figure_table(figure_rows, context))
            index += len(figure_rows)
            current_list = None
            continue
        block = items[index]
        index += 1
        item = list_item(block.text)
        if item:
            if current_list is None:
                kind = "ordered" if item[0].isdigit() else "alphabetical"
                current_list = E.list(type=kind)
                parent.append(current_list)
            current_list.append(annotate(E.item(n=item[0]), block.text, context))
        else:
            current_list = None
            parent.append(annotate(E.p(), block.text, context))
