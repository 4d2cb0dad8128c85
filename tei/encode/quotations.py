"""Block quotations of a chapter: a paragraph that ends "X wrote:" introduces one.

A quoted letter or speech is printed as a block after a sentence that ends in a colon and
says who wrote or said it ("Kholodov wrote:", "She wrote:"). The block runs to the endnote
marker that closes it (the source is cited after the quotation), to the next heading, or
to the end of the excerpt. Inside, lines "1. …", "2. …" counting up from 1 are a numbered
list.
"""

from __future__ import annotations

import re

#: Verbs that make a sentence ending in a colon introduce a quotation.
SPEECH_VERBS = (
    "wrote", "writes", "said", "says", "stated", "states", "declared", "declares",
    "recalled", "recalls", "reported", "reports", "explained", "explains", "added", "adds",
    "noted", "notes", "asserted", "asserts", "complained", "complains", "told", "tells",
    "continued", "read", "reads", "concluded", "remarked", "insisted", "argued",
    "replied", "answered", "observed", "warned", "announced", "proclaimed", "telegraphed",
    "cabled", "exclaimed",
)  # fmt: skip

# The final sentence starts after a sentence end, or after the endnote marker glued to one
# ("…with interest.41 Molotov wrote:").
_LAST_SENTENCE = re.compile(
    r"(?:^|(?<=[.?!”’]\s)|(?<=[.?!”’]\d\s)|(?<=[.?!”’]\d{2}\s)|(?<=[.?!”’]\d{3}\s))"
    r"[^.?!]*:\s*$"
)
_VERB = re.compile(rf"\b(?:{'|'.join(SPEECH_VERBS)})\b", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(r"^\s*(?:He|She|They|It)\b")
_LIST_ITEM = re.compile(r"^\s*(?P<n>\d{1,2})[.)]\s+\S")


def introduces_quotation(paragraph: str) -> bool:
    """Does ``paragraph`` end with a sentence like "Kholodov wrote:"?"""
    sentence = last_sentence(paragraph)
    return sentence is not None and bool(_VERB.search(sentence))


def last_sentence(paragraph: str) -> str | None:
    """The final sentence of ``paragraph`` if it ends in a colon, else None."""
    match = _LAST_SENTENCE.search(paragraph.rstrip())
    return match.group(0).strip() if match else None


def names_writer(sentence: str, has_person: bool) -> bool:
    """The introducing sentence says who wrote: a person named in it, or "He"/"She" wrote."""
    return has_person or bool(_PRONOUN_SUBJECT.match(sentence))


def list_number(line: str) -> int | None:
    """The number of a numbered-list line ("1. You have to stand in line…"), else None."""
    match = _LIST_ITEM.match(line)
    return int(match.group("n")) if match else None
