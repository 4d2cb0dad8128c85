"""A correspondence source cut into its documents: each starts at a header line, or at an
``Archive:`` line after a finished document without a header of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tei.encode.conventions import Conventions
from tei.encode.dates import supply_year
from tei.encode.letters.archive import Archive, parse_archive
from tei.encode.letters.dating import date_key
from tei.encode.letters.headers import (
    MAX_HEADER_LENGTH,
    Header,
    find_headers,
    letter_follows,
    next_index,
    parse_header,
    read_headers,
)
from tei.encode.letters.lines import is_navigation
from tei.encode.letters.patterns import Patterns, patterns_of
from tei.encode.persons import Register
from tei.encode.reading import SourceText


@dataclass
class Line:
    """A line of the source, or the part of one a glued header was cut from."""

    text: str
    number: int  # 1-based line number in the source


@dataclass
class RawDocument:
    """The lines of one document, before interpretation."""

    first_line: int
    header: Header | None = None
    header_line: Line | None = None
    #: The archive lines, each with its reading: a second one right after the first gives a
    #: second archival reference of the same document.
    archives: list[tuple[Archive, Line]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    #: A page heading printed right above the header ("Kalinin to Stalin September, 1934"
    #: between the last letter of August and the first of September): page furniture.
    headings: list[Line] = field(default_factory=list)
    #: A scraped page's navigation lines among the document's ("Previous | Next | Home"):
    #: page furniture, kept at the top of the letter, out of its text.
    furniture: list[Line] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return any(line.text.strip() for line in self.lines)

    @property
    def last_line(self) -> int:
        numbers = [self.first_line]
        numbers += [line.number for line in (*self.lines, *self.furniture) if line.text.strip()]
        numbers += [line.number for _, line in self.archives]
        numbers += [self.header_line.number] if self.header_line else []
        return max(numbers)


def split_documents(
    source: SourceText, register: Register, *, conventions: Conventions | None = None
) -> tuple[list[Line], list[RawDocument]]:
    """The prelude (lines before the first document) and the documents, in source order."""
    prelude: list[Line] = []
    documents: list[RawDocument] = []
    current: RawDocument | None = None
    previous: str | None = None  # the date of the last dated header, for one without a year
    lines = source_lines(source, register, conventions=conventions)
    texts = [line.text for line in lines]
    headers, headings = read_headers(texts, register, conventions=conventions)
    heading: list[Line] = []  # a page heading right above the next header
    for index, line in enumerate(lines):
        header = headers.get(index)
        archive = parse_archive(line.text, conventions=conventions)
        if current is not None and index in headings and next_index(texts, index) in headers:
            heading.append(line)
        elif header:
            if not header.date.has_year and previous is not None:
                header = replace(header, date=supply_year(header.date, previous))
            if header.date.has_year:
                previous = date_key(header.date)
            first = heading[0].number if heading else line.number
            current = RawDocument(first, header=header, header_line=line, headings=heading)
            documents.append(current)
            heading = []
        elif archive and (current is None or current.has_text):
            current = RawDocument(line.number, archives=[(archive, line)])
            documents.append(current)
        elif archive and current is not None:
            # Under its header, or right under the document's first archive line: a second
            # archival reference of the same document.
            current.archives.append((archive, line))
        elif current is None:
            prelude.append(line)
        elif is_navigation(line.text, conventions=conventions):
            current.furniture.append(line)
        else:
            current.lines.append(line)
    return prelude, documents


def source_lines(
    source: SourceText, register: Register, *, conventions: Conventions | None = None
) -> list[Line]:
    """The source's lines; a header glued to its archive line ("… May 4, 1934Archive:
    RGASPI …") or to the note before it ("… L. 12.Kaganovich to Stalin May 5, 1934") is cut
    off as a line of its own, with the line number it was printed on."""
    rules = patterns_of(conventions)
    texts = source.lines
    following = _following_texts(texts)
    lines: list[Line] = []
    for number, text in enumerate(texts, start=1):
        parts = _archive_cut(text, rules)
        archive_next = len(parts) > 1 or bool(rules.archive.match(following[number - 1]))
        start = _glued_header_start(parts[0], register, conventions, archive_next=archive_next)
        if start is not None:
            parts[:1] = [parts[0][:start], parts[0][start:]]
        lines += [Line(part, number) for part in parts]
    return lines


def _archive_cut(text: str, rules: Patterns) -> list[str]:
    found = rules.archive_inside.search(text)
    return [text[: found.start()], text[found.start() :]] if found else [text]


def _following_texts(texts: list[str]) -> list[str]:
    """For each line, the next line with words after it ("" at the end); in one pass from
    the end, as a search from each line would be quadratic in a run of blank lines."""
    following = [""] * len(texts)
    for index in range(len(texts) - 2, -1, -1):
        after = texts[index + 1]
        following[index] = after if after.strip() else following[index + 1]
    return following


#: Where a glued header may start: a capital right after the end of a sentence, perhaps
#: with spaces between ("… L. 12.Kaganovich to …"); an initial ("L. Kaganovich") is no end.
_SENTENCE_END = re.compile(r"(?<=[a-z\d)\]”\"][.!?;])\s*(?=[A-Z])")


def _glued_header_start(
    text: str, register: Register, conventions: Conventions | None, *, archive_next: bool
) -> int | None:
    """Where a header glued to the end of ``text`` starts, if one is; the header must be
    vouched for where it stands (an archive line after it, a known name, its own shape)."""
    # A header is short: only the end of a long paragraph is tried, so this stays linear.
    window = max(0, len(text) - MAX_HEADER_LENGTH)
    if not patterns_of(conventions).connector.search(text, window):
        return None
    for end in _SENTENCE_END.finditer(text, window):
        header = parse_header(text[end.end() :], register, conventions=conventions)
        if header and (archive_next or header.vouched or header.names_someone_known):
            return end.end()
    return None


@dataclass
class Block:
    """A line with words, stripped, and its line number: what the body is built from."""

    text: str
    line: int


def blocks(lines: list[Line]) -> list[Block]:
    return [Block(line.text.strip(), line.number) for line in lines if line.text.strip()]


def looks_like_correspondence(
    source: SourceText, register: Register, *, conventions: Conventions | None = None
) -> bool:
    """Kind recognition: two or more header or archive lines make a correspondence, and so
    does one header that opens a letter (a one-letter page)."""
    lines = [line.text for line in source_lines(source, register, conventions=conventions)]
    archives = sum(1 for line in lines if parse_archive(line, conventions=conventions))
    # Enough archive lines decide it: the headers are read again when the letters are split.
    if archives >= 2:
        return True
    headers = find_headers(lines, register, conventions=conventions)
    return archives + len(headers) >= 2 or any(
        header.vouched or letter_follows(lines, index, conventions=conventions)
        for index, header in headers.items()
    )
