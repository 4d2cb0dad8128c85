"""A correspondence source → one TEI document per letter (and one for the introduction).

The source's conventions (see ``../shared/seeds/README.md``): a header line "X to Y DATE"
starts a document; an ``Archive:`` line gives the archival reference and the document's
form; then the text (opener lines, paragraphs, numbered lists, a closer with signature,
cipher numbers, times and a Soviet dateline, perhaps a postscript) and the editors'
footnotes after a rule. An ``Archive:`` line after a finished document without a header of
its own starts a new document, whose correspondents and date then come from its signature,
address and dateline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from lxml import etree

from tei.encode import footnotes as fn
from tei.encode.dates import (
    HEADER_TAIL,
    MONTHS,
    DateValue,
    find_datelines,
    find_dates,
    find_header_date,
    find_times,
    supply_year,
)
from tei.encode.figures import MIN_TABLE_ROWS, figure_pairs
from tei.encode.inline import Occupied, Span, fill
from tei.encode.lossless import NUMBER_SUPPLIED, UNANCHORED, check
from tei.encode.persons import FORMS_OF_ADDRESS, NameMatch, Register
from tei.encode.reading import SourceText
from tei.encode.relative import resolve_relative_dates
from tei.encode.teidoc import XML_ID, E, append_text, new_document

MONTH_NAMES = list(MONTHS)
_ARCHIVE = re.compile(r"^\s*Archive:\s*(?P<rest>.*)$")
_HEADER_SPLIT = re.compile(r"\s+(?:to|[-–—])\s+")
#: A place a dateline may open with: one or two capitalised words and a comma or full stop
#: ("Sochi, ", "Kislovodsk. "); or end with ("9/VII.34 Leningrad").
_PLACE_BEFORE_DATELINE = re.compile(r"\s*(?P<place>[A-Z][\w\-]+(?:\s[A-Z][\w\-]+)?)[,.]\s*$")
_PLACE_AFTER_DATELINE = re.compile(
    r"[\s,.]*(?P<place>[A-Z][\w\-]+(?:\s[A-Z][\w\-]+)?)\.?(?:\s+\d{1,2}\s*\.?)?\s*$"
)
#: "Your Lazar.", "Yours, Anastas.": a signature, whether the register knows the name or not.
_YOURS_SIGNATURE = re.compile(r"^Yours?,?\s+[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)?\.?$")
#: A signature of initials only ("V. M.", "K.V."); "P.S." and "N.B." are no one's.
_INITIALS_SIGNATURE = re.compile(r"^(?!P\.\s?S\.|N\.\s?B\.)(?:[A-Z][a-z]?\.\s?){1,3}$")
#: A correspondent the register lacks: capitalised words, or a group with its article ("the
#: Politburo", "the members of the Politburo").
_UNKNOWN_NAME = re.compile(
    r"^(?:the\s+(?:members\s+of\s+the\s+)?)?[A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){0,3}$"
)
_CORRESPONDENT = re.compile(r"^(?:the\s+)?[A-Z][\w.’'\- ]*$|^the members of the \w+$")
# A quoted list opens with its quotation mark: '"1) Allocate …'.
_LIST_ITEM = re.compile(
    r"^[\"“]?(?:(?P<n>\d{1,2}|[a-z])\s?\)\s*(?=\S)|(?P<m>\d{1,2})\.\s+(?=[A-Z\"“]))"
)
_POSTSCRIPT = re.compile(r"^(?:P\.\s?S\.|PS|PSM?)(?=[\s.])")
_GREETING = re.compile(
    r"^(?:Hello|Hi|Hey|Dear|Greetings|Goodbye|Regards|All the best|I shake|Shake|Your|Yours)\b",
    re.I,
)
#: A name called out: "Klim!", "Kliment Efremovich!", "Vyacheslav, Lazar!".
_VOCATIVE = re.compile(r"^[A-Z][\w’'\-]+(?:(?:,\s*|\s+(?:and\s+)?)[A-Z][\w’'\-]+){0,3}\s*!$")
_NUMBER_LINE = re.compile(r"^(?:No\.?|#|HP|In\. No\.)\s*[\w/.,\- –]*\.?$")
_TIME_LINE = re.compile(r"^\d{1,2}\s*[.:–\-]\s*\d{2}(?:\s+\d{1,2})?\s*\.?$")
_FORM_WORDS = (
    ("certified", "certifiedCopy"),
    ("typewritten copy", "copy"),
    ("autograph", "autograph"),
    ("typescript", "typescript"),
    ("handwritten", "handwritten"),
    ("original", "original"),
)
_CIPHER_MARK = re.compile(r"\b(?:Cipher|Encryption)\b")

#: Lower-case words an address line may have ("For Kaganovich and other members of the PB").
_ADDRESS_WORDS = {"and", "of", "the", "for", "other", "members", "to", "comrade", "comrades"}
PROVISIONAL_ID = "doc"
#: A correspondent nobody could read, as CMIF names one ("Unknown").
UNKNOWN_CORRESPONDENT = "Unknown"
#: How many words a line before the text may have and still be a mark ("Strictly secret .").
MAX_MARK_WORDS = 4


# --- recognisers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correspondent:
    text: str
    match: NameMatch | None


@dataclass(frozen=True)
class Header:
    """A header line: "Molotov, Kaganovich to Stalin June 12, 1932"."""

    text: str
    senders: tuple[Correspondent, ...]
    recipients: tuple[Correspondent, ...]
    date_start: int
    date_end: int
    date: DateValue

    @property
    def names_someone_known(self) -> bool:
        """Whether the register knows one of the correspondents."""
        return any(c.match for c in (*self.senders, *self.recipients))

    @property
    def names(self) -> set[str]:
        """The correspondents as printed."""
        return {c.text for c in (*self.senders, *self.recipients)}


def _correspondents(part: str, register: Register) -> tuple[Correspondent, ...] | None:
    names = [n.strip(" .") for n in re.split(r",\s*|\s+and\s+", part) if n.strip(" .")]
    if not names or not all(_CORRESPONDENT.match(name) for name in names):
        return None
    found = tuple(Correspondent(name, register.resolve(name)) for name in names)
    # A name the register lacks must still look like one: capitalised words only.
    if any(c.match is None and not _UNKNOWN_NAME.match(c.text) for c in found):
        return None
    return found


def parse_header(line: str, register: Register, *, all_unknown: bool = False) -> Header | None:
    """Read a header line, or None if ``line`` is not one.

    A header is correspondents, "to" (or a dash), correspondents and a header date, on a
    line of its own. At least one correspondent must be in the register, so that a
    sentence such as "On June 5 …" is never taken for a header; the others must look like
    names ("Tukhachevsky to Voroshilov August 4, 1933" with only Voroshilov known).
    With ``all_unknown``, a line whose correspondents the register all lacks is read as a
    header too: :func:`find_headers` then asks the source to confirm it.
    """
    text = line.strip()
    if not text or len(text) > 200:
        return None
    found = find_header_date(text)
    # After the date only a note's marker may follow ("Stalin to Kaganovich July 6 1 .").
    if found is None or not HEADER_TAIL.fullmatch(text, found.end):
        return None
    names_part = re.sub(r"\s+on$", "", text[: found.start].rstrip())
    parts = _HEADER_SPLIT.split(names_part, maxsplit=1)
    if len(parts) != 2:
        return None
    senders = _correspondents(parts[0], register)
    recipients = _correspondents(parts[1], register)
    if not senders or not recipients:
        return None
    header = Header(text, senders, recipients, found.start, found.end, found.value)
    return header if all_unknown or header.names_someone_known else None


def find_headers(lines: list[str], register: Register) -> dict[int, Header]:
    """The header lines of a source, by index in ``lines``.

    A header naming someone the register knows is one by itself. One whose correspondents
    the register all lacks (every header, while a new edition's register is empty) is one
    only where the source confirms it, as a sentence that happens to read "Back to Moscow
    June 5, 1851" is not: an ``Archive:`` line right after it, or a correspondent who is
    one in another header too.
    """
    found = {
        index: header
        for index, line in enumerate(lines)
        if (header := parse_header(line, register, all_unknown=True)) is not None
    }
    headers_naming: dict[str, int] = {}
    for header in found.values():
        for name in header.names:
            headers_naming[name] = headers_naming.get(name, 0) + 1
    return {
        index: header
        for index, header in found.items()
        if header.names_someone_known
        or _archive_follows(lines, index)
        or any(headers_naming[name] > 1 for name in header.names)
    }


def _archive_follows(lines: list[str], index: int) -> bool:
    # By index: a copy of the rest of the source for each header would be quadratic.
    following = next((lines[i] for i in range(index + 1, len(lines)) if lines[i].strip()), "")
    return parse_archive(following) is not None


@dataclass(frozen=True)
class Archive:
    """An ``Archive:`` line: "RGASPI F. 558. Op. 11. D. 77. L. 136. Certified typewritten copy."."""

    text: str
    repository: str
    references: tuple[str, ...]
    form: str | None


def parse_archive(line: str) -> Archive | None:
    """Read an ``Archive:`` line; several references are separated by ";"."""
    match = _ARCHIVE.match(line)
    if not match:
        return None
    rest = match.group("rest").strip()
    references = []
    repository = ""
    for part in rest.split(";"):
        tokens = part.split()
        if tokens and re.fullmatch(r"[A-Z]{2,}[,.]?", tokens[0]):
            repository = repository or tokens[0].rstrip(",.")
            tokens = tokens[1:]
        # The reference runs up to the first word of prose ("Autograph", "Certified …").
        reference = []
        for token in tokens:
            if re.match(r"[A-Z][a-z]{2,}", token):
                break
            reference.append(token)
        if reference:
            references.append(" ".join(reference).rstrip(".,"))
    lowered = rest.lower()
    form = next((value for word, value in _FORM_WORDS if word in lowered), None)
    return Archive(line.strip(), repository or "unknown", tuple(references), form)


def list_item(text: str) -> tuple[str, int] | None:
    """ "1) First point" → ("1", offset of the item's text); "a) …" and "1. …" too."""
    match = _LIST_ITEM.match(text)
    if not match:
        return None
    return (match.group("n") or match.group("m"), match.end())


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text)


def is_salutation(text: str, register: Register) -> bool:
    """ "Hello, Comrade Kaganovich!", "Tov. Stalin.", "Hello Comrade Stalin." (but not a sentence)."""
    words = _words(text)
    if not words or len(words) > 8:
        return False
    if re.match(r"^(?:Hello|Dear|Hi)\b", text):
        return True
    if _VOCATIVE.match(text):
        return True
    return bool(re.match(rf"^{FORMS_OF_ADDRESS}\s+[A-Z]", text)) and len(words) <= 4


def is_address(text: str, register: Register) -> bool:
    """An address line: names, places and "For …" and nothing like a sentence.

    "Moscow. CC ON. Poskrebyshev.", "For Kaganovich and other members of the PB.",
    "Kaganovich, Molotov.", "Sochi, Comrade Stalin."
    """
    names = register.find_names(text)
    if not names or len(_words(text)) > 16:
        return False
    rest = text
    for name in reversed(names):
        rest = rest[: name.start] + rest[name.end :]
    leftover = [w for w in _words(rest) if not w.isdigit()]
    prose = [w for w in leftover if w[0].islower() and w not in _ADDRESS_WORDS]
    return not prose


def is_mark(text: str) -> bool:
    """A short line before the text: "Strictly secret .", "Cipher. Immediately.", "In. No. 29"."""
    words = _words(text)
    return 0 < len(words) <= MAX_MARK_WORDS and not text.rstrip().endswith(("?", ":"))


def is_dateline_only(text: str, year: int | None, register: Register | None = None) -> bool:
    """A line that is only a dateline, perhaps with a time or a marker, or with the place
    it was written at: "29/VI 32", "12/V1", "Sochi, 7.VIII.33", "Moscow, August 3, 1933.",
    "Kislovodsk. 3.VII.34", "9/VII.34 Leningrad". A person the ``register`` knows is no
    place ("29/VI 32 Stalin" is signed)."""
    found = find_datelines(text, year=year) or [
        d for d in find_dates(text, year=year) if d.value.when and len(d.value.when) >= 8
    ]
    if not found:
        return False
    before, after = text[: found[0].start], text[found[0].end :]
    place = _PLACE_BEFORE_DATELINE.fullmatch(before)
    if place and not _names_a_person(place.group("place"), register):
        before = ""
    place = _PLACE_AFTER_DATELINE.search(after)
    if place and not _names_a_person(place.group("place"), register):
        after = after[: place.start()]
    return not re.sub(r"\b(?:year|g|[ap]\.\s?m)\b|[\d\s.,–\-]", "", before + after)


def _names_a_person(text: str, register: Register | None) -> bool:
    return register is not None and any(
        n.tag == "persName" for n in register.find_names(text))


def closer_kind(text: str, register: Register, year: int | None) -> str | None:
    """What a line at the end of a letter is: signed, dateline, number, time (or None)."""
    stripped = text.strip()
    if is_dateline_only(stripped, year, register):
        return "dateline"
    if _TIME_LINE.match(stripped):
        return "time"
    if _NUMBER_LINE.match(stripped) and len(stripped) <= 30:
        return "number"
    datelines = find_datelines(stripped, year=year)
    if datelines:
        before = stripped[: datelines[0].start].strip()
        after = stripped[datelines[0].end :].strip()
        if (before and is_signature(before, register) and not after) or (
            after and is_signature(after, register) and not before
        ):
            return "signed+dateline"
    if (
        is_signature(stripped, register)
        or _INITIALS_SIGNATURE.match(stripped)
        or _YOURS_SIGNATURE.match(stripped)
    ):
        return "signed"
    return None


def is_signature(text: str, register: Register) -> bool:
    """ "Stalin.", "Greetings! I. Stalin.", "Your L. Kaganovich.", "Kaganovich, Molotov." …

    Not a signature: a postscript ("P.S. Regards to Polina Semyonovna.") and a name that is
    the object of the words before it ("Regards to …", "Thanks for …").
    """
    names = [n for n in register.find_names(text) if n.tag == "persName"]
    if not names or _POSTSCRIPT.match(text.strip()):
        return False
    last = names[-1]
    tail = text[last.end :].strip()
    if re.sub(r"[\s.,!\d]", "", tail):
        return False
    head = text[: names[0].start]
    if re.search(r"\b(?:to|for|of|with|about|from)\s*$", head, re.IGNORECASE):
        return False
    between = "".join(text[a.end : b.start] for a, b in zip(names, names[1:], strict=False))
    if re.sub(r"[\s.,]|\band\b", "", between):
        return False
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", head.strip()) if s]
    greeting_only = all(_GREETING.match(s) or len(_words(s)) <= 5 for s in sentences)
    return greeting_only and len(_words(head)) <= 12


# --- segmentation -------------------------------------------------------------------------------


@dataclass
class Line:
    text: str
    number: int  # 1-based line number in the source


@dataclass
class RawDocument:
    """The lines of one document, before interpretation."""

    first_line: int
    header: Header | None = None
    header_line: Line | None = None
    archive: Archive | None = None
    archive_line: Line | None = None
    lines: list[Line] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return any(line.text.strip() for line in self.lines)

    @property
    def last_line(self) -> int:
        numbers = [self.first_line]
        numbers += [line.number for line in self.lines if line.text.strip()]
        numbers += [x.number for x in (self.header_line, self.archive_line) if x]
        return max(numbers)


def split_documents(source: SourceText, register: Register) -> tuple[list[Line], list[RawDocument]]:
    """The prelude (lines before the first document) and the documents, in source order."""
    prelude: list[Line] = []
    documents: list[RawDocument] = []
    current: RawDocument | None = None
    previous: str | None = None  # the date of the last dated header, for one without a year
    headers = find_headers(source.lines, register)
    for number, text in enumerate(source.lines, start=1):
        line = Line(text, number)
        header = headers.get(number - 1)
        archive = parse_archive(text)
        if header:
            if not header.date.has_year and previous is not None:
                header = replace(header, date=supply_year(header.date, previous))
            if header.date.has_year:
                previous = _date_key(header.date)
            current = RawDocument(number, header=header, header_line=line)
            documents.append(current)
        elif archive and (current is None or current.archive or current.has_text):
            current = RawDocument(number, archive=archive, archive_line=line)
            documents.append(current)
        elif archive and current is not None:
            current.archive, current.archive_line = archive, line
        elif current is None:
            prelude.append(line)
        else:
            current.lines.append(line)
    return prelude, documents


# --- interpretation -----------------------------------------------------------------------------


@dataclass
class Block:
    text: str
    line: int


def blocks(lines: list[Line]) -> list[Block]:
    return [Block(line.text.strip(), line.number) for line in lines if line.text.strip()]


def split_notes(
    items: list[Block], register: Register, year: int | None
) -> tuple[list[Block], list[Block]]:
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
        if closer_kind(b.text, register, year) in ("dateline", "signed+dateline")
    ]
    if datelines:
        last_note = numbered[-1]
        before = [i for i in datelines if i < last_note]
        if before and all(not list_item(b.text) for b in items[before[-1] + 1 : last_note]):
            start = before[-1] + 1
            while start < len(items) and closer_kind(items[start].text, register, year) == "time":
                start += 1
            return items[:start], items[start:]
    return items, []


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
    fuzzy: list[str] = field(default_factory=list)


def _name_spans(text: str, context: Context) -> list[Span]:
    spans = []
    for name in context.register.find_names(text):
        spans.append(Span(name.start, name.end, name.tag, {"ref": name.ref}))
        if name.fuzzy_score is not None:
            context.fuzzy.append(
                f"«{text[name.start : name.end]}» read as {name.ref} (similarity {name.fuzzy_score})"
            )
    return spans


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
) -> etree._Element:
    """Fill ``parent`` with ``text``: names, dates (times in datelines) and note markers.

    ``dates`` are the text's dates when already known (a header's), else they are found.
    """
    if dates is None:
        dates = _date_spans(text, context, dateline)
    markers = _marker_spans(text, context, dates, dateline)
    taken = Occupied.of(markers)
    others = [s for s in _name_spans(text, context) + dates if not taken.overlaps(s.start, s.end)]
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
    scratch = Context(context.register, context.doc_id, context.year, context.month, {},
                      day=context.day)
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


def split_closing_note(
    items: list[Block], register: Register, year: int | None
) -> tuple[list[Block], list[Block]]:
    """The letter's blocks and the editors' note printed after its signature or dateline at
    the end of the source ("Ordzhonikidze returned to Moscow on October 6, …")."""
    kinds = [closer_kind(b.text, register, year) for b in items]
    ends = [i for i, kind in enumerate(kinds) if kind in ("signed", "dateline", "signed+dateline")]
    if not ends or ends[-1] in (0, len(items) - 1):
        return items, []
    cut = ends[-1] + 1
    if any(kinds[cut:]) or any(_POSTSCRIPT.match(b.text) for b in items[cut:]):
        return items, []
    return items[:cut], items[cut:]


def _closer(items: list[Block], register: Register, year: int | None) -> int:
    """Index where the closer starts: trailing signature, numbers, times and datelines."""
    start = len(items)
    seen_signature_or_date = False
    while start > 0:
        kind = closer_kind(items[start - 1].text, register, year)
        if kind is None:
            break
        seen_signature_or_date |= kind in ("signed", "dateline", "signed+dateline")
        start -= 1
    return start if seen_signature_or_date else len(items)


def _opener(items: list[Block], register: Register, year: int | None) -> list[tuple[str, Block]]:
    """The opener lines at the start of the text, each with its kind."""
    opener: list[tuple[str, Block]] = []
    for block in items[:-1]:
        if is_dateline_only(block.text, year, register):
            kind = "dateline"
        elif is_salutation(block.text, register):
            opener.append(("salute", block))
            break
        elif is_address(block.text, register):
            kind = "address"
        elif is_mark(block.text) and not any(k in ("address",) for k, _ in opener):
            kind = "mark"
        else:
            break
        opener.append((kind, block))
    return opener


def _build_closer(items: list[Block], context: Context) -> etree._Element:
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
        kind = closer_kind(block.text, context.register, context.year)
        if kind == "signed":
            flush()
            closer.append(annotate(E.signed(), block.text, context))
            seen_signature = True
        elif kind == "signed+dateline":
            flush()
            closer.append(annotate(E.signed(), block.text, context, dateline=True))
            seen_signature = True
        elif kind == "number" and not seen_signature:
            flush()
            closer.append(annotate(E.seg(type="number"), block.text, context))
        else:
            pending_dateline.append(block)
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
            element.set("subtype", NUMBER_SUPPLIED)
        if len(note.paragraphs) == 1:
            annotate(element, note.paragraphs[0], scratch)
        else:
            for paragraph in note.paragraphs:
                element.append(annotate(E.p(), paragraph, scratch))
        result[note.number] = element
    return result


# --- the letter document ------------------------------------------------------------------------


@dataclass
class Letter:
    """A letter ready to be written: its TEI root, id stem and what the encoder noticed."""

    root: etree._Element
    id_stem: str
    warnings: list[str]
    footnotes: int
    persons: set[str]


def _date_key(value: DateValue | None) -> str:
    if value is None:
        return "undated"
    return (value.when or value.not_after or value.not_before or value.from_ or "undated").lstrip(
        "-"
    )


def _human_date(value: DateValue | None) -> str:
    if value is None:
        return "undated"

    def spell(iso: str) -> str:
        parts = iso.lstrip("-").split("-")
        if iso.startswith("--"):
            return f"{int(parts[1])} {MONTH_NAMES[int(parts[0]) - 1]}"
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        return parts[0]

    if value.when:
        return spell(value.when) + (" (date supplied)" if value.cert else "")
    if value.not_before and value.not_after:
        return f"between {spell(value.not_before)} and {spell(value.not_after)}"
    if value.not_after:
        return f"not after {spell(value.not_after)}"
    if value.not_before:
        return f"not before {spell(value.not_before)}"
    return "undated"


def _year_month(value: DateValue | None) -> tuple[int | None, int | None]:
    key = _date_key(value)
    match = re.match(r"(\d{4})(?:-(\d{2}))?", key)
    if not match:
        return None, None
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


def _short_name(ref: str, register: Register) -> str:
    entry = register.entries.get(ref.partition("#")[2])
    return entry.surname if entry else ref


def _id_part(refs: list[str], unknown: list[str]) -> str:
    """The first correspondent in a letter's id: the register id, or the name as printed."""
    if refs:
        return refs[0].partition("#")[2]
    if unknown:
        return re.sub(r"\W+", "-", unknown[0].lower()).strip("-") or "unknown"
    return "unknown"


def _corresp_names(element: etree._Element, register: Register) -> list[NameMatch]:
    """Names in ``element`` itself: the editors' notes inside it name other people."""
    text = "".join(element.xpath(".//text()[not(ancestor::*[local-name()='note'])]"))
    return register.find_names(text)


def build_letter(
    raw: RawDocument, source: SourceText, register: Register, *, last: bool = False
) -> Letter:
    """Interpret one document of the correspondence as a TEI letter; the ``last`` one of a
    source may be followed by the editors' closing note."""
    warnings: list[str] = []
    where = f"{source.path}:{raw.first_line}"
    header_date = raw.header.date if raw.header else None
    items = blocks(raw.lines)
    year, month = _year_month(header_date)
    if year is None:
        datelines = [d for b in items for d in find_datelines(b.text)]
        year = datelines[0].anchor_year if datelines else None
    text_items, note_items = split_notes(items, register, year)

    # Note ids get the letter's final id in assign_ids, once ties are known.
    provisional_id = PROVISIONAL_ID
    # A paragraph after the last numbered note opens a note of its own only if the text has
    # a marker for it; otherwise it goes on with the note before.
    hint = 0
    if not fn.all_numbered([b.text for b in note_items]):  # else the hint decides nothing
        letter_text = "\n".join(b.text for b in text_items)
        taken = [(d.start, d.end) for d in find_datelines(letter_text, year=year)]
        hint = fn.highest_marker_candidate(letter_text, taken)
    notes = fn.parse_notes([(b.text, b.line) for b in note_items], marker_hint=hint)
    day = None  # the letter's day, when its date has one: year-less dates fall nearest it
    if header_date is not None and header_date.when and len(header_date.when) == 10:
        day = int(header_date.when[8:])
    context = Context(register, provisional_id, year, month, {}, day=day)
    context.notes = footnote_elements(notes, provisional_id, register, year, month, day)
    # Notes numbered on from the letter before ("5 See …") have their first marker there.
    context.expected = min(context.notes, default=1)

    div = E.div(type="letter")
    if raw.header_line is not None:
        header = raw.header
        assert header is not None
        header_span = Span(header.date_start, header.date_end, "date", header.date.attrib())
        div.append(annotate(E.head(), header.text, context, dates=[header_span]))

    closing_note: list[Block] = []
    if last:
        text_items, closing_note = split_closing_note(text_items, register, year)

    opener_lines = _opener(text_items, register, year)
    rest = text_items[len(opener_lines) :]
    postscript_at = next((i for i, b in enumerate(rest) if _POSTSCRIPT.match(b.text)), len(rest))
    main, postscript = rest[:postscript_at], rest[postscript_at:]
    closer_at = _closer(main, register, year)
    main, closer_items = main[:closer_at], main[closer_at:]

    if opener_lines:
        opener = E.opener()
        address: etree._Element | None = None
        for kind, block in opener_lines:
            if kind == "address":
                if address is None:
                    address = E.address()
                    opener.append(address)
                address.append(annotate(E.addrLine(), block.text, context))
                continue
            address = None
            makers: dict[str, Callable[[], etree._Element]] = {
                "salute": E.salute,
                "dateline": E.dateline,
                "mark": lambda: E.seg(type="mark"),
            }
            element = makers[kind]()
            opener.append(annotate(element, block.text, context, dateline=kind == "dateline"))
        div.append(opener)
    _build_paragraphs(div, main, context)
    if closer_items:
        div.append(_build_closer(closer_items, context))
    if postscript:
        ps = E.postscript()
        ps_closer_at = _closer(postscript, register, year)
        _build_paragraphs(ps, postscript[:ps_closer_at], context)
        if ps_closer_at < len(postscript):
            ps.append(_build_closer(postscript[ps_closer_at:], context))
        div.append(ps)
    if closing_note:
        note = E.note(type="editorial")
        _build_paragraphs(note, closing_note, context)
        div.append(note)
    if not text_items:
        div.append(E.gap(reason="not-transcribed"))
        warnings.append(
            f'{where}: the header has no text under it; encoded with <gap reason="not-transcribed"/>'
        )
    warnings += keep_unnumbered(div, notes, context, where)
    warnings += keep_unanchored(div, context, where)
    # Relative dates ("the next day", in the text or a note) count from the dates before them.
    warnings += resolve_relative_dates(div, where)

    # Correspondents: the header's, checked against the signature and the address.
    signed = [n for n in div.iterfind(".//{*}closer/{*}signed")]
    signers = [m for s in signed[:1] for m in _corresp_names(s, register) if m.tag == "persName"]
    addressed = [
        m
        for el in [
            *div.iterfind("{*}opener/{*}address/{*}addrLine"),
            *div.iterfind("{*}opener/{*}salute"),
        ]
        for m in _corresp_names(el, register)
        if m.tag != "placeName"
    ]
    header_senders = raw.header.senders if raw.header else ()
    header_recipients = raw.header.recipients if raw.header else ()
    senders = [c.match.ref for c in header_senders if c.match]
    recipients = [c.match.ref for c in header_recipients if c.match]
    # Correspondents the header names but the register lacks: kept by name, without @ref
    # (provisional; tei.encode reports all of a run's in one line, not one per letter).
    unknown_senders = [c.text for c in header_senders if c.match is None]
    unknown_recipients = [c.text for c in header_recipients if c.match is None]
    signer_refs = list(dict.fromkeys(m.ref for m in signers))
    addressed_refs = list(dict.fromkeys(m.ref for m in addressed))
    if raw.header is None:
        senders, recipients = signer_refs, [r for r in addressed_refs if r not in signer_refs]
        if not senders or not recipients:
            warnings.append(
                f"{where}: a document without a header whose correspondents could not all be read from its signature and address"
            )
    elif signer_refs and not set(signer_refs) & set(senders):
        named = [_short_name(r, register) for r in senders] + unknown_senders
        warnings.append(
            f"{where}: the header names {', '.join(named)} as sender, "
            f"but the letter is signed by {', '.join(_short_name(r, register) for r in signer_refs)}; "
            "correspDesc follows the signature and address"
        )
        addressed_others = [r for r in addressed_refs if r not in signer_refs]
        if addressed_others:
            recipients, unknown_recipients = addressed_others, []
        else:  # the header's senders were the addressees
            recipients, unknown_recipients = senders, unknown_senders
        senders, unknown_senders = signer_refs, []
    date = header_date
    date_text = raw.header.text[raw.header.date_start : raw.header.date_end] if raw.header else None
    if date is None:
        dateline_dates = [
            (printed[d.start : d.end], d.value)
            for el in div.iter("{*}dateline")
            for printed in ["".join(el.itertext())]
            for d in find_datelines(printed, year=year)
        ]
        if dateline_dates:
            date_text, date = dateline_dates[0]
    if date is None or not date.has_year:
        warnings.append(
            f"{where}: no date for this letter (no header date, no dateline with a year): "
            "add the date it was sent, e.g. a header date in brackets as the editors would"
        )
    sent = E.correspAction(type="sent")
    for ref in senders:
        sent.append(_persname(ref, register))
    for name in unknown_senders:
        sent.append(E.persName(name))
    sent_from = place_sent_from(list(context.notes.values()), register) or place_of_dateline(div)
    if sent_from:
        sent.append(_persname(sent_from, register))
    if date is not None:
        sent.append(E.date(date_text or "", **date.attrib()))
    received = E.correspAction(type="received")
    for ref in recipients:
        received.append(_persname(ref, register))
    for name in unknown_recipients:
        received.append(E.persName(name))
    received_at = place_addressed(div, register)
    if received_at:
        received.append(_persname(received_at, register))
    for action in (sent, received):
        # Nobody read from header, signature or address: said as CMIF says it, since TEI
        # allows no correspAction without content (and the warning above asks for a name).
        if action.find("{*}persName") is None and action.find("{*}orgName") is None:
            action.insert(0, E.persName(UNKNOWN_CORRESPONDENT))
    corresp = E.correspDesc(sent, received)

    id_stem = f"L{_date_key(date)}-{_id_part(senders, unknown_senders)}-{_id_part(recipients, unknown_recipients)}"
    sender_names = [_short_name(r, register) for r in senders] + unknown_senders
    recipient_names = [_short_name(r, register) for r in recipients] + unknown_recipients
    title = (
        f"{', '.join(sender_names) or 'Unknown'} to "
        f"{', '.join(recipient_names) or 'unknown'}, {_human_date(date)}"
    )
    archive_p = E.p(raw.archive.text) if raw.archive else None
    if raw.archive:
        assert archive_p is not None
        identifier = E.msIdentifier(E.repository(raw.archive.repository))
        references = raw.archive.references or (raw.archive.text,)
        identifier.append(E.idno(references[0], type="archival"))
        for extra in references[1:]:
            identifier.append(E.altIdentifier(E.idno(extra, type="archival")))
        form = raw.archive.form
        if any(_CIPHER_MARK.search(b.text) for _, b in opener_lines):
            form = "cipher"
        object_desc = E.objectDesc(archive_p)
        if form:
            object_desc.set("form", form)
        source_desc = E.msDesc(identifier, E.physDesc(object_desc))
    else:
        source_desc = E.p(
            f"The source gives no archival reference for this document ({source.name})."
        )
    root, body = new_document(
        id_stem,
        "letter",
        title,
        f"Encoded with teitool from {source.name}, lines {raw.first_line}–{raw.last_line}.",
        source_desc,
        E.profileDesc(corresp),
    )
    body.append(div)
    persons = {person for el in root.iter("{*}persName") if (person := el.get("ref"))}

    # The lossless check: the archive line moved into the header, everything else in order.
    segment_lines = [raw.archive_line.text] if raw.archive_line else []
    segment_lines += [raw.header_line.text] if raw.header_line else []
    segment_lines += [line.text for line in raw.lines if not fn.is_rule(line.text)]
    check("\n".join(segment_lines), ([archive_p] if archive_p is not None else []) + [div], where)
    warnings += [f"{where}: {message}" for message in context.fuzzy]
    return Letter(root, id_stem, warnings, len(context.notes), persons)


def place_sent_from(notes: list[etree._Element], register: Register) -> str | None:
    """Where the editors' notes say the letter was sent from ("Sent in code from Sochi")."""
    for note in notes:
        text = "".join(note.itertext())
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if not re.search(r"\b[Ss]ent\b", sentence):
                continue
            for match in register.find_names(sentence):
                if match.tag == "placeName" and sentence[: match.start].endswith("from "):
                    return match.ref
    return None


def place_of_dateline(div: etree._Element) -> str | None:
    """The place a dateline names, when the register knows it ("Sochi, 7.VIII.33")."""
    for dateline in div.iter("{*}dateline"):
        for place in dateline.iterfind("{*}placeName[@ref]"):
            return place.get("ref")
    return None


def place_addressed(div: etree._Element, register: Register) -> str | None:
    """The place an address line opens with ("Sochi, Comrade Stalin.", "Moscow. CC ON.")."""
    for line in div.iterfind("{*}opener/{*}address/{*}addrLine"):
        matches = register.find_names("".join(line.itertext()))
        if matches and matches[0].tag == "placeName" and matches[0].start == 0:
            return matches[0].ref
    return None


def _persname(ref: str, register: Register) -> etree._Element:
    entry = register.entries.get(ref.partition("#")[2])
    name = (entry.display_name if entry.tag == "persName" else entry.regularised) if entry else ref
    tag = entry.tag if entry else "persName"
    return E(tag, name, ref=ref)


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


def looks_like_correspondence(source: SourceText, register: Register) -> bool:
    """Kind recognition: two or more header or archive lines make a correspondence."""
    lines = source.lines
    archives = sum(1 for line in lines if parse_archive(line))
    # Enough archive lines decide it: the headers are read again when the letters are split.
    return archives >= 2 or archives + len(find_headers(lines, register)) >= 2
