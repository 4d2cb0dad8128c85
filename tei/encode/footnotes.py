"""Footnotes of a letter: the notes printed below the rule, and their markers in the text.

The source prints a letter's notes after a rule of underscores (or a "Note:" line), each
opening with its number ("1 Number and date entered", glued as "1In May 1932"). Scraping
lost some numbers: a paragraph without one takes the next number of the sequence when that
number is missing from the notes, and otherwise continues the note before it.

Markers in the text are numbers set after a word or punctuation ("Kaganovich 1 .",
"us.1 ,", "Dirksen3—", "letters 4 and"). What tells a marker from a number of the text
("2) …", "No. 29", "30 percent") is the running sequence: the next marker must carry the
next note number, or, where scraping lost a marker, a number up to :data:`MAX_SKIP` ahead
that punctuation or the paragraph's end sets off as a marker ("matter 2 ."). A number
already anchored may stand a second time at the end of a
dateline ("5/VI.32 2"), where the secretary's note refers to the whole dateline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tei.encode.inline import Occupied

_RULE = re.compile(r"^\s*(?:_{3,}|Notes?:)\s*$")
_NUMBERED_NOTE = re.compile(r"^(?P<n>\d{1,2})(?:\s+|(?=[A-Z“\"(]))(?P<text>\S.*)$", re.S)
_LIST_ITEM = re.compile(r"^\d{1,2}[.)]\s")

#: Words that make a number part of the text, not a marker, when they follow it.
_UNIT_AFTER = re.compile(
    r"\s*(?:percent|per\b|%|million|mil\b|mln|billion|thousand|th\b|st\b|nd\b|rd\b|"
    r"o'clock|min\b|h\b|tons?\b|poods?\b|rub|m\.|km|people|days?|years?|months?|[-–]\d|[/.:,]\d)",
    re.I,
)
#: Words after which a number is a reference number ("No. 29", "HP 6", "L. 14").
_REFERENCE_BEFORE = re.compile(
    r"(?:\bNo|\bHP|#|\bL|\bF|\bOp|\bD|\bP|\bQ|\bVol|\bT|\bIn|\bC)\.?\s*$"
)
#: A digit and a point or comma before a number make it a decimal part ("16.4", "1,195").
_DECIMAL_BEFORE = re.compile(r"\d[.,]$")
#: An opening quote or bracket before a number makes it the text's ('"1) Allocate …'): a
#: marker follows the word or the closing mark it refers to.
_OPENING_BEFORE = re.compile(r"(?:[“‘(\[]|(?:^|\s)[\"'])\s?$")
#: What follows a number that can only be a marker: punctuation or the end of the paragraph.
_STRONG_AFTER = re.compile(r"\s?(?:[.,;:!?)\]—–]|$)")
#: A number between two sentences ("How do you think? 4 It seems") is a marker too.
_SENTENCE_END_BEFORE = re.compile(r"[.?!]\s$")
_SENTENCE_START_AFTER = re.compile(r"\s[A-Z]")
#: How many lost markers a strongly marked number may skip ("matter 2 ." when 1 is lost).
MAX_SKIP = 3
_CANDIDATE = re.compile(r"(?<=\S)(?P<space>\s?)(?P<n>\d{1,2})(?!\d)")


@dataclass
class Footnote:
    number: int | None
    paragraphs: list[str] = field(default_factory=list)
    line: int = 0
    number_supplied: bool = False


def is_rule(line: str) -> bool:
    return bool(_RULE.match(line))


def _note_number(text: str) -> int | None:
    """The number a note paragraph opens with ("1 Number and date entered"), if any."""
    match = _NUMBERED_NOTE.match(text)
    return int(match.group("n")) if match and not _LIST_ITEM.match(text) else None


def all_numbered(paragraphs: list[str]) -> bool:
    """Whether every note paragraph opens with its number (then no number is to supply)."""
    return all(_note_number(text) is not None for text in paragraphs)


def parse_notes(paragraphs: list[tuple[str, int]], marker_hint: int = 0) -> list[Footnote]:
    """Read note paragraphs ``(text, line)`` into numbered footnotes (numbers supplied where lost).

    ``marker_hint`` is the highest number that may be a marker in the text: an unnumbered
    paragraph after the last numbered note opens a new note only up to that number.

    Paragraphs before the first note that open none (a paragraph above note 1) come first,
    as a :class:`Footnote` without a number: the caller keeps them as the editors' text.
    """
    explicit = [_note_number(text) for text, _line in paragraphs]
    following = _lowest_after(explicit)
    notes: list[Footnote] = []
    expected = 1
    for index, (text, line) in enumerate(paragraphs):
        number = explicit[index]
        if number is not None and number >= expected:
            match = _NUMBERED_NOTE.match(text)
            assert match is not None  # _note_number read the number from this match
            body = match.group("text")
            notes.append(Footnote(number, [body], line))
            expected = number + 1
            continue
        next_explicit = following[index]
        opens_new = (next_explicit is not None and expected < next_explicit) or (
            next_explicit is None and (expected <= marker_hint or not notes)
        )
        if opens_new:
            notes.append(Footnote(expected, [text], line, number_supplied=True))
            expected += 1
        elif notes:
            notes[-1].paragraphs.append(text)
        else:  # no note yet to go on with, and the next number is printed below
            notes.append(Footnote(None, [text], line))
    return notes


def _lowest_after(numbers: list[int | None]) -> list[int | None]:
    """For each position, the lowest number printed after it (None if none is): found in
    one pass from the end, where looking through the rest for every paragraph is quadratic."""
    lowest: list[int | None] = [None] * len(numbers)
    current: int | None = None
    for index in range(len(numbers) - 1, -1, -1):
        lowest[index] = current
        number = numbers[index]
        if number is not None:
            current = number if current is None else min(current, number)
    return lowest


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    number: int
    repeat: bool = False


def find_markers(
    text: str,
    numbers: set[int],
    expected: int,
    anchored: set[int],
    dateline: bool = False,
    taken: list[tuple[int, int]] | None = None,
) -> tuple[list[Marker], int]:
    """Markers in ``text`` for the note ``numbers``, the next one being ``expected``.

    Returns the markers and the next expected number. In a ``dateline`` a trailing number
    that was anchored before is a repeat marker. Numbers inside ``taken`` spans (dates:
    the "1" of "June 1") are never markers.
    """
    dates = Occupied(taken or [])
    candidates = [c for c in (_candidate(text, m, dates) for m in _CANDIDATE.finditer(text)) if c]
    # Where each number last stands set off by punctuation, the surest form of a marker.
    last_set_off = {c.number: index for index, c in enumerate(candidates) if c.set_off}
    markers: list[Marker] = []
    for index, candidate in enumerate(candidates):
        number = candidate.number
        in_sequence = number == expected
        # "On August 12, 3 divisions will go east 3 .": of two candidates for the next
        # marker, the one set off by punctuation is it; the other is a number of the text.
        if in_sequence and not candidate.set_off and last_set_off.get(number, -1) > index:
            continue
        skips_lost_marker = expected < number <= expected + MAX_SKIP and candidate.set_off
        if number in numbers and (in_sequence or skips_lost_marker):
            markers.append(Marker(candidate.start, candidate.end, number))
            anchored.add(number)
            expected = number + 1
        elif dateline and number in anchored and candidate.at_end:
            markers.append(Marker(candidate.start, candidate.end, number, repeat=True))
    return markers, expected


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    number: int
    set_off: bool
    at_end: bool  # only spaces and full stops follow it


#: What may follow a number that stands at the end ("5/VI.32 2 .").
_ONLY_STOPS = re.compile(r"[ .]*")


def _candidate(text: str, match: re.Match[str], taken: Occupied) -> _Candidate | None:
    """The number ``match`` found, if it may be a marker at all; None for a number of the text."""
    if taken.covers(match.start("n")):
        return None
    # A digit right before is the same number ("1932"), or another one ("20 3"); but a
    # date may end there: "on August 1 1 ." is the date and marker 1.
    if text[match.start() - 1].isdigit() and not (
        match.group("space") and taken.ends_at(match.start())
    ):
        return None
    before = text[max(0, match.start("n") - 40) : match.start("n")]  # the tail is what counts
    # What follows is matched in place (pattern.match(text, end)): a copy of the rest of
    # the line for every number is quadratic on a long line.
    end = match.end()
    if (
        _UNIT_AFTER.match(text, end)
        or _REFERENCE_BEFORE.search(before)
        or _DECIMAL_BEFORE.search(before)
        or _OPENING_BEFORE.search(before)
    ):
        return None
    if text[end : end + 1].isalpha() and not match.group("space") and not before[-1:].isalpha():
        return None
    set_off = bool(_STRONG_AFTER.match(text, end)) or bool(
        _SENTENCE_END_BEFORE.search(before) and _SENTENCE_START_AFTER.match(text, end)
    )
    at_end = _ONLY_STOPS.fullmatch(text, end) is not None
    return _Candidate(match.start("n"), match.end("n"), int(match.group("n")), set_off, at_end)


def highest_marker_candidate(text: str, taken: list[tuple[int, int]]) -> int:
    """The highest number in ``text`` set off the way a marker is ("matter 2 .", "us.1 ,"),
    outside the ``taken`` spans (dates): how many notes the text may have markers for."""
    dates = Occupied(taken)
    candidates = (_candidate(text, m, dates) for m in _CANDIDATE.finditer(text))
    return max((c.number for c in candidates if c is not None and c.set_off), default=0)


def trailing_dateline_marker(
    text: str, numbers: set[int], expected: int, anchored: set[int]
) -> Marker | None:
    """A marker at the very end of a dateline ("5/VI.32 2", "16–25 2", "12–40 1 .")."""
    match = re.search(r"(?<=\S)\s+(?P<n>\d{1,2})\s*\.?\s*$", text)
    if not match:
        return None
    number = int(match.group("n"))
    if number == expected and number in numbers:
        anchored.add(number)
        return Marker(match.start("n"), match.end("n"), number)
    if number in anchored:
        return Marker(match.start("n"), match.end("n"), number, repeat=True)
    return None
