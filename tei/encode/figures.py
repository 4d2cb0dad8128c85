"""Lines of figures: "Ukraine - 5000", "Western — 270 Nizhny Novgorod — 260".

A run of such lines in a letter is a table the typescript laid out as lines (a distribution
of tractors, a plan by region); the encoder makes it a TEI ``table``, one ``row`` per
label–figure pair. A single line of this shape is ordinary prose and stays a paragraph.
"""

from __future__ import annotations

import re

#: Fewest consecutive lines of figures that make a table.
MIN_TABLE_ROWS = 3

#: A figure: "5000", "1,250", "2.5", "62.4%", "1204.5 thousand tons (78.3 %)".
_FIGURE = (
    r"\d(?:[\d,.]*\d)?(?:\s?%)?"
    r"(?:\s+(?:thousand|million|billion|tons?|t|poods?|ha|hectares|rubles?|people)\b){0,3}"
    r"(?:\s+\(\d(?:[\d,.]*\d)?\s?%\))?"
)
#: A label without digits, a dash with spaces around it, a figure.
_PAIR = re.compile(rf"(?P<label>[^\d\s–—-][^\d–—]*?)\s+[-–—]\s+(?P<figure>{_FIGURE})")
#: A whole line of pairs, perhaps with a closing full stop. Matched from the line's start
#: only, so that a long paragraph is turned down in one pass, not tried at every position.
_LINE = re.compile(rf"(?:{_PAIR.pattern}(?:\s+|(?=\.?$)))+\.?")


def figure_pairs(text: str) -> list[tuple[str, str]] | None:
    """The (label, figure) pairs of a line made only of them, else None.

    "Ukraine - 5000" → [("Ukraine", "5000")]; "Moscow - 300." → [("Moscow", "300.")];
    "Western — 270 Nizhny Novgorod — 260" (two lines run together) → two pairs;
    "No. 7/s - 977/sh." and "13/VI - 32" → None.
    """
    line = text.strip()
    if not _LINE.fullmatch(line):
        return None
    pairs = [(m.group("label").strip(), m.group("figure")) for m in _PAIR.finditer(line)]
    if line.endswith("."):  # a closing full stop stays with the last figure
        pairs[-1] = (pairs[-1][0], pairs[-1][1] + ".")
    return pairs
