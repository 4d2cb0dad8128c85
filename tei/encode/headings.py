"""Section headings of a narrative chapter: lines in capitals, also glued to a paragraph end.

The print edition sets section headings in small capitals; the scrape keeps them as a line
in capitals ("THE FOUR HORSEMEN") or glues them to the paragraph before, straight after its
last sentence or endnote marker ("enemies.193PRESSURE FOR RETREAT"), to the first word of
the paragraph after ("THE FIRST OF DECEMBERKirov was shot"), or to both. Running text never
has a run of capitals glued to a sentence end or to a capitalised word, and a line with no
lower-case letter, a few words long and without a closing full stop, is not prose.
"""

from __future__ import annotations

import re

#: A heading has at most this many words; a longer line in capitals is shouted prose.
MAX_HEADING_WORDS = 12
#: And at least this many capital letters ("WAR" is one; "A" or "I" is not).
MIN_HEADING_LETTERS = 3

# A word of a heading: capitals ("RETREAT", "CO-OPERATION", "U.S."), or a number of the
# heading ("THE 1937 CENSUS", "THE 17TH CONGRESS", "THE 1930S").
_CAPS_WORD = r"[A-Z][A-Z’'\-]*(?:\.[A-Z]+)*\.?"
_NUMBER_WORD = r"\d{1,4}(?:ST|ND|RD|TH|S)?(?![\d,.])"
# Between words: spaces, a comma or colon with a space, a dash ("TERROR—AND TRIUMPH"); never
# a bare comma, so that figures ("1,250") are no heading.
_SEPARATOR = r"(?:,?\s+|\s*[:—–]\s*)"
_HEADING_WORDS = (
    rf"{_CAPS_WORD}(?:{_SEPARATOR}(?:{_CAPS_WORD}|{_NUMBER_WORD}))*[?!]?"
)
# Glued: a run of capital words right after a sentence end or an endnote number, or at the
# start of the line; running to the line's end, or to a capitalised word it is glued to.
_GLUED = re.compile(rf"(?:(?<=[.?!”’\")\]\d])|^)(?P<head>{_HEADING_WORDS})(?:\s*$|(?=[A-Z][a-z]))")


def is_heading(line: str) -> bool:
    """A whole line that is a section heading ("A PERSONAL BLOW", "7 THE GREAT BREAK")."""
    text = line.strip()
    if not text or any(c.islower() for c in text) or text.endswith((".", ";", ",")):
        return False
    words = text.split()
    letters = sum(c.isalpha() for c in text)
    return (
        letters >= MIN_HEADING_LETTERS
        and len(words) <= MAX_HEADING_WORDS
        and bool(re.fullmatch(rf"(?:{_NUMBER_WORD}\.?\s+)?{_HEADING_WORDS}", text))
    )


def split_glued_heading(line: str) -> tuple[str, str, str] | None:
    """(text before, heading, text after) for a heading glued into a line of prose.

    "…enemies.193PRESSURE FOR RETREAT" → ("…enemies.193", "PRESSURE FOR RETREAT", "");
    "THE FIRST OF DECEMBERKirov was shot" → ("", "THE FIRST OF DECEMBER", "Kirov was shot").
    """
    for match in _GLUED.finditer(line):
        before, head, after = line[: match.start()], match.group("head"), line[match.end() :]
        if not before.strip() and not after.strip():
            return None  # a whole line is is_heading's business
        words = len(head.split())
        if sum(c.isalpha() for c in head) < MIN_HEADING_LETTERS + 1 or words > MAX_HEADING_WORDS:
            continue
        # A single glued capital word is an acronym ("…in the USSR", "NKVDOfficers"), not a
        # heading, unless it stands after an endnote number.
        if words == 1 and not (before and before[-1].isdigit()):
            continue
        return before, head, after.rstrip()
    return None
