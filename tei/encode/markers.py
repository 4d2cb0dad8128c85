"""Endnote markers of a narrative chapter, told from the numbers of the text by their sequence.

A scraped chapter loses the superscript of its endnote numbers: they end up glued to the
sentence they close ("Manchuria.184", "1932.196Voices", "hearts).”190") or on a line of their
own ("96"). Nothing in the glyphs tells "184" from "1932", "2.9 million" or "17th"; what
does is that markers count up through the chapter. So a number is a marker when

* it stands alone on a line (a line of text is never only a number), or
* it is glued to what precedes it (no space) and is the next number of the running
  sequence, and what follows it can follow a sentence end; or
* it opens the sequence, or jumps a little ahead of it, in the *strong* form: glued to a
  sentence end (".", "?", "!", a closing quote or bracket; not a decimal point) and
  followed by the end of the line or by the start of a new sentence.

A jump or a backwards step is reported as a warning: a marker may have been lost, or a
number of the text mistaken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: How far ahead of the expected number a strong-form marker may jump and still be one.
MAX_JUMP = 10
#: Markers have at most this many digits.
MAX_DIGITS = 4

_MARKER_LINE = re.compile(rf"^\s*(\d{{1,{MAX_DIGITS}}})\s*$")
# A number glued to what precedes it: not after white space or another digit.
_GLUED = re.compile(rf"(?<=[^\s\d])(\d{{1,{MAX_DIGITS}}})(?!\d)")
_SENTENCE_END = '.?!”’")]'
# What may follow a marker: the end, or a new sentence (capital, opening quote or bracket),
# directly ("196Voices") or after white space.
_FOLLOW = re.compile(r"\s*$|\s*[A-Z“‘\"(\[—]|\s*[A-Z]")
# After a number with a point before it, only the end or a new capitalised sentence makes
# the point a full stop ("1937.4 The pilots", but "2.9 million", "2.5 (in tons)").
_NEW_SENTENCE = re.compile(r"\s*$|\s+[A-Z]")


@dataclass(frozen=True)
class Marker:
    """An endnote marker: ``text[start:end]`` is its number as printed."""

    start: int
    end: int
    number: int


@dataclass
class MarkerSequence:
    """The running endnote sequence of one chapter, and what it noticed."""

    expected: int | None = None
    found: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def _accept(self, number: int, where: str) -> None:
        if self.expected is not None and number != self.expected:
            if number > self.expected:
                missing = (
                    f"{self.expected}"
                    if number == self.expected + 1
                    else f"{self.expected}–{number - 1}"
                )
                self.warnings.append(
                    f"{where}: endnote marker {number} where {self.expected} was expected "
                    f"(marker {missing} not found)"
                )
            else:
                self.warnings.append(
                    f"{where}: endnote marker {number} goes back in the sequence "
                    f"(expected {self.expected})"
                )
        self.found.append(number)
        self.expected = number + 1

    def line_marker(self, line: str, where: str) -> int | None:
        """The marker a whole line stands for ("96"), or None if the line is not one."""
        match = _MARKER_LINE.match(line)
        if match is None:
            return None
        number = int(match.group(1))
        self._accept(number, where)
        return number

    def glued_markers(self, text: str, where: str) -> list[Marker]:
        """Markers glued into ``text``, in order; the sequence moves on past each one."""
        markers: list[Marker] = []
        for match in _GLUED.finditer(text):
            number = int(match.group(1))
            kind = classify(text, match.start(), match.end(), self.expected)
            if kind == "sequential" or kind == "strong" and self.plausible(number):
                self._accept(number, where)
                markers.append(Marker(match.start(), match.end(), number))
            elif kind == "strong":
                self.warnings.append(
                    f"{where}: «{_context(text, match.start(), match.end())}» looks like an "
                    f"endnote marker but {number} is out of sequence (expected "
                    f"{self.expected}); kept as text"
                )
        return markers

    def plausible(self, number: int) -> bool:
        """A strong-form number may open the sequence or jump a little ahead of it."""
        if self.expected is None:
            return True
        return self.expected <= number <= self.expected + MAX_JUMP


def first_strong_marker(text: str) -> int | None:
    """The number of the first marker in ``text`` that its form alone shows ("Smolny.213
    Zinoviev"), whatever the sequence: to see where the sequence goes on."""
    for match in _GLUED.finditer(text):
        if classify(text, match.start(), match.end(), None) == "strong":
            return int(match.group(1))
    return None


def classify(text: str, start: int, end: int, expected: int | None) -> str | None:
    """How ``text[start:end]`` (a glued number) can be a marker: "sequential", "strong" or None.

    Pure: the decision for one number, given the number the sequence expects.
    """
    before = text[start - 1] if start > 0 else ""
    before2 = text[start - 2] if start > 1 else ""
    after = text[end:]
    if after[:1].islower() or re.match(r"[.,]\d", after):
        return None  # "17th", "1.73" read from the wrong end
    if before == "-" and before2.isalpha():
        return None  # a model's number: "BT-7", "I-16", "T-34"
    follows_sentence = bool(_FOLLOW.match(after))
    # A number joined to a number before it ("1.73", "2:30", "13–14") is part of that number,
    # unless it stands where a sentence ends ("114,000.350 Absorbing", "the end of 1937.4
    # The pilots"): a decimal is followed by its unit or the sentence's own full stop.
    decimal_point = before in ".,:/–-" and before2.isdigit()
    number = int(text[start:end])
    if number == expected and (follows_sentence or not decimal_point):
        return "sequential"
    if before in _SENTENCE_END and (
        _NEW_SENTENCE.match(after) if decimal_point else follows_sentence
    ):
        return "strong"
    return None


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 20) : end + 10].replace("\n", " ")
