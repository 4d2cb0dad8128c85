"""Section headings of a narrative chapter: lines in capitals, also glued to a paragraph end.

The print edition sets section headings in small capitals; the scrape keeps them as a line
in capitals ("THE FOUR HORSEMEN") or glues them to the end of the paragraph before,
straight after its last sentence or endnote marker ("enemies.193PRESSURE FOR RETREAT").
Running text never has a run of capitals glued to a sentence end, and a line with no
lower-case letter, a few words long and without a closing full stop, is not prose.
"""

from __future__ import annotations

import re

#: A heading has at most this many words; a longer line in capitals is shouted prose.
MAX_HEADING_WORDS = 12
#: And at least this many capital letters ("WAR" is one; "A" or "I" is not).
MIN_HEADING_LETTERS = 3

_CAPS_WORD = r"[A-Z][A-Z’'\-]*"
_HEADING_WORDS = rf"{_CAPS_WORD}(?:[ ,:]+{_CAPS_WORD})*[?!]?"
# Glued: right after a sentence end or an endnote number, a run of capital words to the end.
_GLUED = re.compile(rf"(?<=[.?!”’\")\]\d])(?P<head>{_HEADING_WORDS})\s*$")


def is_heading(line: str) -> bool:
    """A whole line that is a section heading ("A PERSONAL BLOW")."""
    text = line.strip()
    if not text or any(c.islower() for c in text) or text.endswith((".", ";", ",")):
        return False
    words = text.split()
    letters = sum(c.isalpha() for c in text)
    return (
        letters >= MIN_HEADING_LETTERS
        and len(words) <= MAX_HEADING_WORDS
        and bool(re.fullmatch(_HEADING_WORDS, text))
    )


def split_glued_heading(line: str) -> tuple[str, str] | None:
    """("…enemies.193", "PRESSURE FOR RETREAT") for a heading glued to the paragraph end."""
    match = _GLUED.search(line)
    if match is None or not line[: match.start()].strip():
        return None
    head = match.group("head")
    if sum(c.isalpha() for c in head) < MIN_HEADING_LETTERS + 1 or len(head.split()) > (
        MAX_HEADING_WORDS
    ):
        return None
    # A single glued capital word is an acronym closing the sentence ("…in the USSR"), not a
    # heading, unless it stands after an endnote number.
    if len(head.split()) == 1 and not line[match.start() - 1].isdigit():
        return None
    return line[: match.start()], line[match.start() :].rstrip()
