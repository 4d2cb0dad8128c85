"""Mixed content: a run of text plus recognised spans (names, dates, notes) → TEI children."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from tei.encode.teidoc import append_text, tei


@dataclass(frozen=True)
class Span:
    """A recognised stretch ``text[start:end]`` to wrap in ``<tag attrib…>``.

    ``replace=True`` drops the covered text (an endnote marker "184" becomes
    ``<note n="184"/>``, the number living on in ``@n``). ``element`` is a ready-made
    element to insert instead of building one (a footnote with its own content).
    """

    start: int
    end: int
    tag: str
    attrib: dict[str, str] = field(default_factory=dict)
    replace: bool = False
    element: etree._Element | None = field(default=None, compare=False)


class Stretch(Protocol):
    """``text[start:end]``: a span, a date or a name found. Read-only, so that the frozen
    dataclasses (:class:`Span`, ``DateMatch``) match it."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


class Occupied:
    """Stretches already taken (dates, markers), for the questions asked of every stretch
    found next: each answered by a binary search, where looking at every stretch taken is
    quadratic on a long line with many dates and markers."""

    def __init__(self, pairs: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(pairs)
        self._starts = [start for start, _end in ordered]
        # For the stretches up to each one (by start): the furthest any of them reaches.
        self._reach = list(itertools.accumulate((end for _start, end in ordered), max))
        self._ends = {end for _start, end in ordered}

    @classmethod
    def of(cls, stretches: Iterable[Stretch]) -> Occupied:
        return cls((s.start, s.end) for s in stretches)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a stretch (shares a character with it)."""
        before_end = bisect.bisect_left(self._starts, end)  # the stretches starting before it
        return before_end > 0 and self._reach[before_end - 1] > start

    def covers(self, offset: int) -> bool:
        """Whether a stretch holds the character at ``offset``."""
        return self.overlaps(offset, offset + 1)

    def ends_at(self, offset: int) -> bool:
        return offset in self._ends


def select_spans(spans: Iterable[Span]) -> list[Span]:
    """Keep non-overlapping spans: earliest first, the longest where two start together."""
    chosen: list[Span] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start >= end or (span.start == span.end and span.start >= end):
            chosen.append(span)
            end = max(end, span.end)
    return chosen


def fill(parent: etree._Element, text: str, spans: Iterable[Span]) -> None:
    """Append ``text`` to ``parent`` as mixed content with ``spans`` as child elements."""
    cursor = 0
    for span in select_spans(spans):
        append_text(parent, text[cursor : span.start])
        if span.element is not None:
            child = span.element
        else:
            child = etree.Element(tei(span.tag), {k: span.attrib[k] for k in sorted(span.attrib)})
            if not span.replace:
                child.text = text[span.start : span.end]
        child.tail = None
        parent.append(child)
        cursor = span.end
    append_text(parent, text[cursor:])
