"""The lossless check: every word of the source reaches the TEI, in order.

Words are runs of letters or of digits (a number glued to a word, "1In", is two words), so
punctuation and white space may move (a marker glued as "Manchuria.184" is "Manchuria"
"184" on both sides); a run of capitals glued to a capitalised word ("DECEMBERKirov", a
heading glued to its paragraph) is two words as well. The TEI's words
are read in reading order with two editorial rules: an empty ``note`` (an endnote marker)
reads as its ``@n``, and so does a ``pb`` (a page number); a footnote reads as its ``@n`` where it stands (the marker) and as its
number and text *after* the document's main text, where the source printed it (below the
rule). A number the encoder supplied (``@subtype="number-supplied"``) is not a word of the
note, and an ``@type="unanchored"`` footnote had no marker. Attributes the encoder added
(``@when``, ``@ref``…) are never words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from tei.encode.teidoc import tei

_WORD = re.compile(r"[^\W\d_]+|\d+")
_FOOTNOTE = tei("note")
_PAGE_BREAK = tei("pb")  # the page number the source printed reads as its @n

#: ``note/@subtype`` of a footnote whose number the source lost and the encoder supplied.
NUMBER_SUPPLIED = "number-supplied"
#: ``note/@type`` of a footnote whose marker the source lacks: it stands at the end.
UNANCHORED = "unanchored"


class LosslessError(Exception):
    """The TEI lacks words of the source."""


#: Inside a letter run: the end of a run of capitals before a capitalised word.
_CAPITALS_THEN_WORD = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")


def words(text: str) -> list[str]:
    return [
        part
        for word in _WORD.findall(text)
        for part in (_CAPITALS_THEN_WORD.split(word) if not word.islower() else (word,))
    ]


def _is_footnote(element: etree._Element) -> bool:
    return element.tag == _FOOTNOTE and element.get("place") == "foot"


def _reading_text(element: etree._Element, footnotes: list[etree._Element]) -> Iterator[str]:
    if element.text:
        yield element.text
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif _is_footnote(child):
            footnotes.append(child)
            if child.get("type") != UNANCHORED:
                yield f" {child.get('n', '')} "
        elif child.tag == _PAGE_BREAK or (
            child.tag == _FOOTNOTE and len(child) == 0 and not (child.text or "").strip()
        ):
            yield f" {child.get('n', '')} "
        else:
            yield " "
            yield from _reading_text(child, footnotes)
            yield " "
        if child.tail:
            yield child.tail


def tei_words(*elements: etree._Element) -> list[str]:
    """The words of ``elements`` in the order the source printed them."""
    footnotes: list[etree._Element] = []
    main = [
        word for element in elements for word in words(" ".join(_reading_text(element, footnotes)))
    ]
    notes: list[str] = []
    for note in sorted(footnotes, key=_footnote_order):
        inner: list[etree._Element] = []
        if note.get("subtype") != NUMBER_SUPPLIED:
            notes.extend(words(note.get("n", "")))
        notes.extend(words(" ".join(_reading_text(note, inner))))
    return main + notes


def _footnote_order(note: etree._Element) -> tuple[int, int]:
    number = note.get("n", "")
    return (0, int(number)) if number.isdigit() else (1, 0)


def check(source_text: str, elements: list[etree._Element], label: str) -> None:
    """Raise :class:`LosslessError` if the words of ``source_text`` differ from the TEI's."""
    expected = words(source_text)
    actual = tei_words(*elements)
    if expected == actual:
        return
    index = next(
        (i for i, (want, got) in enumerate(zip(expected, actual, strict=False)) if want != got),
        min(len(expected), len(actual)),
    )
    missing = " ".join(expected[index : index + 8]) or "(nothing: the TEI has extra words)"
    found = " ".join(actual[index : index + 8]) or "(end of text)"
    raise LosslessError(
        f"{label}: the TEI loses words of the source at word {index + 1}: "
        f"source has «{missing}», TEI has «{found}»"
    )
