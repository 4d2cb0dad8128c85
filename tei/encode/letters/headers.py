"""Header lines: "Molotov, Kaganovich to Stalin June 12, 1932" starts a document.

A header is recognised by its shape: correspondents, a connector ("to", a dash), a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tei.encode.conventions import Conventions
from tei.encode.dates import HEADER_TAIL, DateValue, find_header_date
from tei.encode.letters.patterns import Patterns, patterns_of
from tei.encode.persons import NameMatch, Register

#: Longer lines are prose, not headers.
MAX_HEADER_LENGTH = 200
#: A salutation is short; a longer line opening with "Dear" is a paragraph.
MAX_SALUTATION_LENGTH = 80


@dataclass(frozen=True)
class Correspondent:
    """A correspondent as the header prints it, the register's entry if it has one, and
    whether it is a person or a group ("the members of the Politburo": an ``orgName``)."""

    text: str
    match: NameMatch | None
    tag: str = "persName"
    #: The name without the group phrase ("Exchange Committee" of "the members of the
    #: Exchange Committee"): what a new entry of the register is called.
    entry_name: str = ""


@dataclass(frozen=True)
class Header:
    """A header line: "Molotov, Kaganovich to Stalin June 12, 1932"."""

    text: str
    senders: tuple[Correspondent, ...]
    recipients: tuple[Correspondent, ...]
    date_start: int
    date_end: int
    date: DateValue
    #: The line's own shape says it is a header: a lead word ("From …"), a bracketed date.
    vouched: bool = False

    @property
    def names_someone_known(self) -> bool:
        """Whether the register knows one of the correspondents."""
        return any(c.match for c in (*self.senders, *self.recipients))

    @property
    def names(self) -> set[str]:
        """The correspondents as printed."""
        return {c.text for c in (*self.senders, *self.recipients)}


def _correspondents(
    part: str, register: Register, rules: Patterns
) -> tuple[Correspondent, ...] | None:
    names = [n.strip(" .") for n in re.split(r",\s*|\s+and\s+", part) if n.strip(" .")]
    if not names or not all(rules.correspondent.match(name) for name in names):
        return None
    found = tuple(_correspondent(name, register, rules) for name in names)
    # A name the register lacks must still look like one: capitalised words only.
    if any(c.match is None and not rules.unknown_name.match(c.text) for c in found):
        return None
    return found


def _correspondent(name: str, register: Register, rules: Patterns) -> Correspondent:
    group = rules.group.match(name)
    if group is None:
        return Correspondent(name, register.resolve(name), "persName", name)
    return Correspondent(name, register.resolve(name), "orgName", name[group.end() :])


def parse_header(
    line: str, register: Register, *, conventions: Conventions | None = None
) -> Header | None:
    """Read a header line by its shape, or None if ``line`` has not the shape of one.

    A header is, on a line of its own, perhaps a lead word ("From"), correspondents, a
    connector ("to", a dash), correspondents and a header date, perhaps in the editors'
    brackets. The correspondents are names by their shape (capitalised words, a group with
    its article: "the members of the Politburo"), whether the register knows them or not;
    it resolves the ones it knows. Whether the line *is* a header is for
    :func:`find_headers`, which asks the source to confirm a header no known name vouches for.
    """
    rules = patterns_of(conventions)
    text = line.strip()
    if not text or len(text) > MAX_HEADER_LENGTH:
        return None
    # The full stop some editions end a header with is no part of its date.
    found = find_header_date(text.rstrip("."))
    # After the date only a note's marker may follow ("Stalin to Kaganovich July 6 1 .").
    if found is None or not HEADER_TAIL.fullmatch(text.rstrip("."), found.end):
        return None
    names_part = re.sub(r"\s+on$", "", text[: found.start].rstrip(" ,"))
    lead = rules.lead.match(names_part)
    names_part = names_part[lead.end() :] if lead else names_part
    parts = rules.connector.split(names_part, maxsplit=1)
    if len(parts) != 2:
        return None
    senders = _correspondents(parts[0], register, rules)
    recipients = _correspondents(parts[1], register, rules)
    if not senders or not recipients:
        return None
    bracketed = "[" in text[found.start : found.end]
    return Header(
        text,
        senders,
        recipients,
        found.start,
        found.end,
        found.value,
        vouched=bool(lead) or bracketed,
    )


def find_headers(
    lines: list[str], register: Register, *, conventions: Conventions | None = None
) -> dict[int, Header]:
    """The header lines of a source, by index in ``lines`` (see :func:`read_headers`)."""
    return read_headers(lines, register, conventions=conventions)[0]


def read_headers(
    lines: list[str], register: Register, *, conventions: Conventions | None = None
) -> tuple[dict[int, Header], set[int]]:
    """The header lines of a source, by index in ``lines``, and the indexes of its page
    headings.

    A line of a header's shape is a header when something vouches for it: a name the
    register knows, its own shape (a lead word "From", a date in the editors' brackets), an
    archive line right after it, a salutation opening the text under it, or a correspondent
    who is one in another header too. A sentence that happens to read "Back to Moscow June
    5, 1851" has none of these. A header-shaped line that names a month, not a day, with
    no letter opening under it is the page's heading ("Kalinin to Stalin August, 1934"),
    not a document.
    """
    found = {
        index: header
        for index, line in enumerate(lines)
        if (header := parse_header(line, register, conventions=conventions)) is not None
    }
    headers_naming: dict[str, int] = {}
    for header in found.values():
        for name in header.names:
            headers_naming[name] = headers_naming.get(name, 0) + 1
    confirmed = {
        index: header
        for index, header in found.items()
        if header.vouched
        or header.names_someone_known
        or letter_follows(lines, index, conventions=conventions)
        or any(headers_naming[name] > 1 for name in header.names)
    }
    headings = {
        index
        for index, header in confirmed.items()
        if _is_page_heading(header, lines, index, conventions)
    }
    return {i: header for i, header in confirmed.items() if i not in headings}, headings


def next_index(lines: list[str], index: int) -> int:
    """The index of the next line with words after ``index`` (``len(lines)`` at the end)."""
    # By index: a copy of the rest of the source for each header would be quadratic.
    return next((i for i in range(index + 1, len(lines)) if lines[i].strip()), len(lines))


def _next_line(lines: list[str], index: int) -> str:
    following = next_index(lines, index)
    return lines[following] if following < len(lines) else ""


def letter_follows(lines: list[str], index: int, *, conventions: Conventions | None = None) -> bool:
    """Whether the line after ``lines[index]`` opens a letter: an archive line, or a
    salutation ("Dear Henslow,", "Hello, Comrade Stalin!")."""
    rules = patterns_of(conventions)
    text = _next_line(lines, index).strip()
    return bool(
        rules.archive.match(text)
        or (rules.salutation.match(text) and len(text) <= MAX_SALUTATION_LENGTH)
    )


def _is_page_heading(
    header: Header, lines: list[str], index: int, conventions: Conventions | None
) -> bool:
    """The page's heading, not a document: a month without a day, in no editors' brackets,
    and no letter opening under it ("Kalinin to Stalin August, 1934" over the navigation
    line, or right above the month's first letter)."""
    when = header.date.when or ""
    month_only = bool(re.fullmatch(r"\d{4}(?:-\d{2})?", when))
    return (
        month_only
        and not header.vouched
        and not letter_follows(lines, index, conventions=conventions)
    )
