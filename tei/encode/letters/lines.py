"""What a line of a letter is: a list item, a salutation, an address, a mark before the
text, a signature, a dateline, a number or a time (the opener's and closer's lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tei.encode.conventions import Conventions
from tei.encode.dates import find_datelines, find_dates
from tei.encode.letters.patterns import Patterns, patterns_of
from tei.encode.persons import Register

#: A place a dateline may open with: one or two capitalised words and a comma or full stop
#: ("Sochi, ", "Kislovodsk. "); or end with ("9/VII.34 Leningrad").
_PLACE_BEFORE_DATELINE = re.compile(r"\s*(?P<place>[A-Z][\w\-]+(?:\s[A-Z][\w\-]+)?)[,.]\s*$")
_PLACE_AFTER_DATELINE = re.compile(
    r"[\s,.]*(?P<place>[A-Z][\w\-]+(?:\s[A-Z][\w\-]+)?)\.?(?:\s+\d{1,2}\s*\.?)?\s*$"
)
# A quoted list opens with its quotation mark: '"1) Allocate …'.
_LIST_ITEM = re.compile(
    r"^[\"“]?(?:(?P<n>\d{1,2}|[a-z])\s?\)\s*(?=\S)|(?P<m>\d{1,2})\.\s+(?=[A-Z\"“]))"
)
#: A name called out: "Klim!", "Kliment Efremovich!", "Vyacheslav, Lazar!".
_VOCATIVE = re.compile(r"^[A-Z][\w’'\-]+(?:(?:,\s*|\s+(?:and\s+)?)[A-Z][\w’'\-]+){0,3}\s*!$")
_TIME_LINE = re.compile(r"^\d{1,2}\s*[.:–\-]\s*\d{2}(?:\s+\d{1,2})?\s*\.?$")
#: A signer the register may lack, by the shape of the name: initials and a surname
#: ("L. Kaganovich.", "C. Darwin", "J. S. Henslow.").
_INITIALS_AND_SURNAME = re.compile(r"(?:[A-Z][a-z]?\.\s?){1,3}\s*[A-Z][\w’'\-]+")
#: Where a sentence starts after another ("I embrace you. Your Sergo."), not after an
#: initial ("L. Kaganovich").
_SENTENCE_START = re.compile(r"(?<=[a-z\d][.!?])\s+(?=\S)")
#: The capitalised words a salutation ends with ("Dear Pavel Sergeevich!", "Hello, Klim!").
_CALLED = re.compile(r"(?P<name>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3})\s*[!,.]?\s*$")
#: A place and then names: "Moscow. Molotov.", "Sochi, Kaganovich, Molotov.".
_PLACE_THEN_NAMES = re.compile(r"^(?P<place>[A-Z][\w\-]+)[.,]\s+(?P<names>[A-Z].*?)\.?$")

#: How many words a line before the text may have and still be a mark ("Strictly secret .").
MAX_MARK_WORDS = 4
#: Longer lines are sentences, not a salutation; a form of address and a name are short.
MAX_SALUTATION_WORDS = 8
MAX_ADDRESSED_WORDS = 4
#: Longer lines are sentences, not an address.
MAX_ADDRESS_WORDS = 16
#: Longer lines are no registration number ("No. 3/949/sh.").
MAX_NUMBER_LINE = 30
#: How many words of greeting may stand before a signature.
MAX_GREETING_WORDS = 12


#: A line with this many separators ("Home Page | Library | Lenin") is a navigation line.
MIN_NAVIGATION_SEPARATORS = 2


def is_navigation(text: str, *, conventions: Conventions | None = None) -> bool:
    """A scraped page's menu: items between the profile's separators ("Marx-Engels | Lenin |
    Home Page"); page furniture, neither heading nor names."""
    separators = patterns_of(conventions).navigation_separators
    return any(text.count(mark) >= MIN_NAVIGATION_SEPARATORS for mark in separators)


def list_item(text: str) -> tuple[str, int] | None:
    """ "1) First point" → ("1", offset of the item's text); "a) …" and "1. …" too."""
    match = _LIST_ITEM.match(text)
    if not match:
        return None
    return (match.group("n") or match.group("m"), match.end())


def _words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text)


def is_salutation(text: str, *, conventions: Conventions | None = None) -> bool:
    """ "Hello, Comrade Kaganovich!", "Tov. Stalin.", "Hello Comrade Stalin." (but not a sentence)."""
    rules = patterns_of(conventions)
    words = _words(text)
    if not words or len(words) > MAX_SALUTATION_WORDS:
        return False
    if rules.salutation.match(text) or _VOCATIVE.match(text):
        return True
    return bool(rules.form_of_address.match(text)) and len(words) <= MAX_ADDRESSED_WORDS


def called_name(
    text: str, register: Register, *, conventions: Conventions | None = None
) -> tuple[int, int] | None:
    """Where a salutation calls its addressee by names the register knows as no one's ("Dear
    Valerian!", "Dear friend Pavel Sergeevich!"): the start and end of those names, which
    are the addressee's given names, not a new person; None where there are none."""
    found = _CALLED.search(text)
    if found is None:
        return None
    start, end = found.span("name")
    calling = patterns_of(conventions).calling
    while (words := calling.match(text, start, end)) and words.end() > start:
        start = words.end()
    # "Dear Madam,", "Dear Sir,": words of address, no name.
    if all(register.cues.not_a_name.fullmatch(word) for word in text[start:end].split()):
        return None
    known = [
        name
        for name in register.find_names(text)
        if not name.provisional and name.tag == "persName" and name.end > start
    ]
    return (start, end) if start < end and not known else None


def is_address(text: str, register: Register, *, conventions: Conventions | None = None) -> bool:
    """An address line: names, places and "For …" and nothing like a sentence.

    "Moscow. CC ON. Poskrebyshev.", "For Kaganovich and other members of the PB.",
    "Kaganovich, Molotov.", "Sochi, Comrade Stalin."
    """
    names = register.find_names(text)
    if not names or len(_words(text)) > MAX_ADDRESS_WORDS:
        return False
    rest = text
    for name in reversed(names):
        rest = rest[: name.start] + rest[name.end :]
    leftover = [w for w in _words(rest) if not w.isdigit()]
    address_words = patterns_of(conventions).address_words
    prose = [w for w in leftover if w[0].islower() and w not in address_words]
    return not prose


def is_mark(text: str) -> bool:
    """A short line before the text: "Strictly secret .", "Cipher. Immediately.", "In. No. 29"."""
    words = _words(text)
    return 0 < len(words) <= MAX_MARK_WORDS and not text.rstrip().endswith(("?", ":"))


def is_dateline_only(text: str, year: int | None, register: Register | None = None) -> bool:
    """A line that is only a dateline, perhaps with a time or a marker, or with the place
    it was written at: "29/VI 32", "12/V1", "Sochi, 7.VIII.33", "Moscow, August 3, 1933.",
    "Kislovodsk. 3.VII.34", "9/VII.34 Leningrad". A person the ``register`` knows is no
    place ("29/VI 32 Stalin" is signed)."""
    found = find_datelines(text, year=year) or [
        d for d in find_dates(text, year=year) if d.value.when and len(d.value.when) >= 8
    ]
    if not found:
        return False
    before, after = text[: found[0].start], text[found[0].end :]
    place = _PLACE_BEFORE_DATELINE.fullmatch(before)
    if place and not _names_a_person(place.group("place"), register):
        before = ""
    place = _PLACE_AFTER_DATELINE.search(after)
    if place and not _names_a_person(place.group("place"), register):
        after = after[: place.start()]
    return not re.sub(r"\b(?:year|g|[ap]\.\s?m)\b|[\d\s.,–\-]", "", before + after)


def _names_a_person(text: str, register: Register | None) -> bool:
    return register is not None and any(n.tag == "persName" for n in register.find_names(text))


def closer_kind(
    text: str,
    register: Register,
    year: int | None,
    *,
    conventions: Conventions | None = None,
    addressees: Addressees | None = None,
) -> str | None:
    """What a line at the end of a letter is: signed, dateline, number, time, a farewell
    ("salute": "Yours most truly,"), or the address of a telegram to the header's
    ``addressees`` ("Moscow. Molotov."); None for a line of the text."""
    rules = patterns_of(conventions)
    stripped = text.strip()
    if is_dateline_only(stripped, year, register):
        return "dateline"
    if _TIME_LINE.match(stripped):
        return "time"
    if rules.number_line.match(stripped) and len(stripped) <= MAX_NUMBER_LINE:
        return "number"
    if _is_valediction(stripped, rules):
        return "salute"
    # "Hello. I. Stalin." greets: only a place opens an address.
    if (
        addressees is not None
        and not rules.greeting.match(stripped)
        and addressees.addressed_in(stripped, register)
    ):
        return "address"
    datelines = find_datelines(stripped, year=year)
    if datelines:
        before = stripped[: datelines[0].start].strip()
        after = stripped[datelines[0].end :].strip()
        if (before and is_signature(before, register, conventions=conventions) and not after) or (
            after and is_signature(after, register, conventions=conventions) and not before
        ):
            return "signed+dateline"
    if (
        is_signature(stripped, register, conventions=conventions)
        or rules.initials_signature.match(stripped)
        or rules.signature_word.match(stripped)
        or signer_by_shape(stripped, conventions=conventions) is not None
    ):
        return "signed"
    return None


def is_signature(text: str, register: Register, *, conventions: Conventions | None = None) -> bool:
    """ "Stalin.", "Greetings! I. Stalin.", "Your L. Kaganovich.", "Kaganovich, Molotov." …

    Not a signature: a postscript ("P.S. Regards to Polina Semyonovna.") and a name that is
    the object of the words before it ("Regards to …", "Thanks for …").
    """
    rules = patterns_of(conventions)
    names = [n for n in register.find_names(text) if n.tag == "persName"]
    if not names or rules.postscript.match(text.strip()):
        return False
    last = names[-1]
    tail = text[last.end :].strip()
    if re.sub(r"[\s.,!\d]", "", tail):
        return False
    head = text[: names[0].start]
    if re.search(r"\b(?:to|for|of|with|about|from)\s*$", head, re.IGNORECASE):
        return False
    between = "".join(text[a.end : b.start] for a, b in zip(names, names[1:], strict=False))
    if re.sub(r"[\s.,]|\band\b", "", between):
        return False
    return _greetings_only(head, rules)


def signer_by_shape(text: str, *, conventions: Conventions | None = None) -> str | None:
    """The signer of a line that signs, after greetings only, with initials and a surname
    or a first name after "Your" ("C. Darwin.", "Greetings! J. S. Henslow", "I embrace you.
    Your Sergo."), whether the register knows the name or not; else None."""
    rules = patterns_of(conventions)
    stripped = text.strip()
    if rules.postscript.match(stripped):
        return None
    sentences = list(_SENTENCE_START.finditer(stripped))
    last = sentences[-1].end() if sentences else 0
    head, signature = stripped[:last], stripped[last:]
    signed = rules.signature_word.match(signature)
    found = _INITIALS_AND_SURNAME.fullmatch(signature.rstrip(" ."))
    if not (signed or found) or not _greetings_only(head, rules):
        return None
    if signed:
        return signed.group("name").rstrip(".")
    return " ".join(signature.rstrip(" .").split())


def _is_valediction(text: str, rules: Patterns) -> bool:
    """A farewell on a line of its own before the signature: "Yours most truly,"."""
    return (
        text.endswith(",")
        and bool(rules.greeting.match(text))
        and len(_words(text)) <= MAX_MARK_WORDS
    )


def _greetings_only(head: str, rules: Patterns) -> bool:
    """Whether the words before a signer are greetings ("Greetings!", "Your"), not prose."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", head.strip()) if s]
    greeting_only = all(rules.greeting.match(s) or len(_words(s)) <= 5 for s in sentences)
    return greeting_only and len(_words(head)) <= MAX_GREETING_WORDS


@dataclass(frozen=True)
class Addressees:
    """The header's recipients, as printed and as register references: a closing line of
    a place and only their names is the telegram's address, not its signature."""

    names: frozenset[str]
    refs: frozenset[str]

    def addressed_in(self, text: str, register: Register) -> bool:
        """ "Moscow. Molotov." under a letter to Molotov (the place is no person)."""
        found = _PLACE_THEN_NAMES.match(text)
        if found is None or _names_a_person(found.group("place"), register):
            return False
        names = [n.strip(" .") for n in re.split(r",\s*|\s+and\s+", found.group("names"))]
        return all(self._is_addressee(name, register) for name in names if name)

    def _is_addressee(self, name: str, register: Register) -> bool:
        if name in self.names:
            return True
        match = register.resolve(name)
        return match is not None and match.ref in self.refs
