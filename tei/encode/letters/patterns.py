"""The letters' recognisers' patterns, built once per conventions profile.

The words and marks come from the profile (:mod:`tei.encode.conventions`, the ``[header]``
and ``[letters]`` tables and ``[persons] not_initials``); the shapes around them (a name is
capitalised words, a number line is short) are the code's.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tei.encode.conventions import DEFAULT_PROFILE, Conventions, alternation, load_profile


@dataclass(frozen=True)
class Patterns:
    """The compiled patterns and word sets of one profile."""

    connector: re.Pattern[str]
    lead: re.Pattern[str]
    group: re.Pattern[str]
    correspondent: re.Pattern[str]
    unknown_name: re.Pattern[str]
    archive: re.Pattern[str]
    archive_inside: re.Pattern[str]
    salutation: re.Pattern[str]
    greeting: re.Pattern[str]
    form_of_address: re.Pattern[str]
    calling: re.Pattern[str]
    signature_word: re.Pattern[str]
    number_line: re.Pattern[str]
    cipher_mark: re.Pattern[str]
    postscript: re.Pattern[str]
    initials_signature: re.Pattern[str]
    address_words: frozenset[str]
    navigation_separators: tuple[str, ...]
    document_forms: tuple[tuple[str, str], ...]


#: The patterns of each profile met, by the profile object's identity (a run asks ~70,000
#: times; hashing the frozen Conventions, every word list of it, each time was the cost).
#: The profile is kept with its patterns, so its id is never reused for another.
_BY_IDENTITY: dict[int, tuple[Conventions | None, Patterns]] = {}


def patterns_of(conventions: Conventions | None = None) -> Patterns:
    """The patterns of ``conventions`` (the default profile's without), built once per
    profile object."""
    found = _BY_IDENTITY.get(id(conventions))
    if found is None or found[0] is not conventions:
        found = (conventions, _compiled(conventions or load_profile(DEFAULT_PROFILE)))
        _BY_IDENTITY[id(conventions)] = found
    return found[1]


@functools.cache
def _compiled(c: Conventions) -> Patterns:
    """The patterns of profile ``c`` (equal profiles share them)."""
    group = rf"(?:{alternation(c.group_phrases)})\s+"
    name_word = r"[A-Z][\w.’'\-]*"
    archive = alternation(c.archive_labels)
    return Patterns(
        connector=re.compile(rf"\s+(?:{alternation(c.connectors)})\s+"),
        lead=re.compile(rf"^(?:{alternation(c.lead_words)})\s+"),
        group=re.compile(rf"^{group}"),
        correspondent=re.compile(rf"^(?:{group})?[A-Z][\w.’'\- ]*$|^{group}\w+$"),
        unknown_name=re.compile(rf"^(?:{group})?{name_word}(?:\s+{name_word}){{0,3}}$"),
        archive=re.compile(rf"^\s*(?:{archive})\s*(?P<rest>.*)$"),
        # A header glued to its archive line ("… May 4, 1934Archive: RGASPI …", "[1934]Archive:
        # …"): right after the date's digit or bracket, not after "(" of a citation.
        archive_inside=re.compile(rf"(?<=[\d\]])(?={archive})"),
        salutation=re.compile(rf"^(?:{alternation(c.salutations)})\b"),
        greeting=re.compile(rf"^(?:{alternation(c.greetings)})\b", re.IGNORECASE),
        form_of_address=re.compile(rf"^(?:{alternation(c.forms_of_address)})\s+[A-Z]"),
        # The words a salutation calls with before the name ("Dear", "Hello,", "Comrade").
        calling=re.compile(
            rf"(?:{alternation((*c.salutations, *c.greetings, *c.forms_of_address))})"
            r"(?=[\s,!]|$)[\s,]*"
        ),
        signature_word=re.compile(
            rf"^(?:{alternation(c.signature_words)}),?\s+"
            r"(?P<name>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)?)\.?$"
        ),
        number_line=re.compile(rf"^(?:{alternation(c.number_marks)})\s*[\w/.,\- –]*\.?$"),
        cipher_mark=re.compile(rf"\b(?:{alternation(c.cipher_marks)})\b"),
        postscript=re.compile(rf"^(?:{alternation(c.postscript_marks)})(?=[\s.])"),
        # A signature of initials only ("V. M.", "K.V."); the profile's abbreviations that
        # are no initials ("P.S.", "N.B.", "St.") are no one's.
        initials_signature=re.compile(
            rf"^(?!{alternation(c.not_initials)})(?:[A-Z][a-z]?\.\s?){{1,3}}$"
        ),
        address_words=frozenset(word.lower() for word in c.address_words),
        navigation_separators=c.navigation_separators,
        document_forms=tuple(
            (words.strip().lower(), form.strip())
            for words, _, form in (entry.partition("=") for entry in c.document_forms)
        ),
    )
