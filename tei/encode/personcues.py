"""What tells a person's name from other capitalised words, built from the conventions profile.

The words are data (the ``[persons]`` table of a profile, see
``tei/encode/profiles/*.toml``); this module only turns them into patterns and the fold
that matches names across spellings (its ``transliteration``), once per profile.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tei.encode.conventions import Conventions, alternation

#: Capital and small letters of the Latin alphabets ("Exupéry", "Łukasiewicz").
UPPER = "A-ZÀ-ÖØ-Þ"
LOWER = "a-zß-öø-ÿĀ-ž"
#: Initials before a surname: "F.", "B.I.", "Zh. I.".
INITIALS = r"(?:(?:[A-Z][a-z]?\.\s?){1,3})"


def transliteration_folder(equivalences: Iterable[str]) -> Callable[[str], str]:
    """A function folding a name to its matching key: lower case, no diacritics, and each
    ``"a=b"`` of ``equivalences`` (the profile's transliteration table) applied in order."""
    pairs = [tuple(pair.lower().split("=", 1)) for pair in equivalences if "=" in pair]

    def fold(name: str) -> str:
        # The table's own left sides may carry diacritics ("ë=e"): apply it before and after.
        folded = name.lower()
        for written, read in pairs:
            folded = folded.replace(written, read)
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(char for char in decomposed if not unicodedata.combining(char))
        for written, read in pairs:
            folded = folded.replace(written, read)
        return folded

    # A run folds the same words again and again (every capitalised word it meets).
    return functools.cache(fold)


@dataclass(frozen=True)
class PersonCues:
    """The compiled patterns of one profile's ``[persons]`` table."""

    #: A form of address ("Comrade", "Tov."): outside persName, and a person follows.
    forms_of_address: str
    #: What right before a name says a person follows: a form of address, title, role or
    #: initials ("Comrade", "General", "the driver", "F.").
    cue_before: re.Pattern[str]
    #: Capitalised words that are no name themselves: forms of address, titles, words of
    #: address ("Madam") and kinship ("Mother"), and abbreviations before a number ("Op. 11",
    #: "Ms 181").
    not_a_name: re.Pattern[str]
    #: Initials before a surname ("F.", "B.I."), but not what only looks so: "P.S.", "St.",
    #: "Mr." (the profile's ``not_initials``, titles and forms of address).
    initials: re.Pattern[str]
    #: Before a word, a verb of speaking or asking whose object it is ("ask Chernov to").
    verb_before: re.Pattern[str]
    #: Before a word, a word opening a sentence that names its topic ("About Budyonny.").
    topic_before: re.Pattern[str]
    #: What right after a name says it is a person: "reported", "was arrested".
    verb_after: re.Pattern[str]
    #: After a name: a noun of a thing named after the person ("the Kirov works").
    named_after: re.Pattern[str]
    #: Before a name: what makes it the name of a thing ("the cruiser Kirov").
    named_thing_before: re.Pattern[str]
    #: Before a quoted title: a noun of works ("the play “The Days of the Turbins”").
    work_before_quote: re.Pattern[str]
    #: Before a title and name: a possessive or a noun of works ("Shostakovich's Lady …").
    work_before: re.Pattern[str]
    #: Before a word: a preposition of place ("in Kharkov").
    place_before: re.Pattern[str]
    #: Before a word: an article or a possessive ("the Germans", "Trotsky's Bulletin").
    article_before: re.Pattern[str]
    #: After a name: a thing the person made or led ("the Ryutin group").
    led_after: re.Pattern[str]
    surname_shape: re.Pattern[str]
    patronymic: re.Pattern[str]
    patronymic_endings: tuple[str, ...]
    #: Endings that make a person's name a place's or a following's ("Leninsk").
    named_after_suffixes: tuple[str, ...]
    #: Peoples and parties ("Germans"), folded.
    not_persons: frozenset[str]
    #: Words that start sentences and are no names ("What"), in lower case.
    common_words: frozenset[str]
    #: The one-word topic words ("about"), in lower case: no part of a name.
    topic_words: frozenset[str]
    given_names: frozenset[str]
    places: frozenset[str]
    navigation_separators: tuple[str, ...]
    fold: Callable[[str], str]


@functools.cache
def person_cues(conventions: Conventions) -> PersonCues:
    """The patterns of ``conventions`` (computed once per profile and overrides)."""
    fold = transliteration_folder(conventions.transliteration)
    address = rf"(?:{alternation(conventions.forms_of_address)})"
    titles = alternation(
        (*conventions.titles, *conventions.salutation_words, *conventions.kinship_words)
    )
    roles = alternation(conventions.roles)
    # Initials are no abbreviation of the profile's ("P.S.", "St.") nor a title ("Mr.").
    not_initials = alternation(
        (*conventions.not_initials, *conventions.titles, *conventions.forms_of_address)
    )
    initials = rf"(?<![\w.])(?!(?:{not_initials})(?:\s|$)){INITIALS}"
    # A title or form of address is a whole word ("General", not "Generally"; "Tov.").
    cue_before = re.compile(
        rf"(?:(?<![\w.])(?:{address}|{titles})(?![\w])|\b(?i:{roles}),?|{initials})\s*$"
    )
    not_a_name = re.compile(
        rf"(?:{address}|{titles})(?![\w])|[A-Z][a-z]{{,2}}\.?\s\d"
    )
    # "Rudakov reported", an author's works ("Gogol's comedy"), an office in apposition
    # ("Medved, the head of the NKVD").
    verb_after = re.compile(
        rf"(?:['’]s)?,?\s+(?:{alternation(conventions.person_verbs)})\b|"
        rf"['’]s\s+(?:\w+\s+)?(?i:{alternation(conventions.work_nouns)})s?\b|"
        rf",\s+(?:the|a|an|his|her)\s+(?:\w+\s+)?(?:{roles})\b"
    )
    nouns = alternation(conventions.named_after_nouns)
    modifiers = alternation(conventions.named_after_modifiers)
    # Up to three more names between, in a list too: "the Omsk, Kuibyshev and Ussuri railways".
    named_after = re.compile(
        rf"(?:(?:,\s*|\s+and\s+|[\s–-]+)[{UPPER}][{LOWER}]+(?:[-–][{UPPER}]?[{LOWER}]+)*){{0,3}}"
        rf"(?:\s+(?i:{modifiers}))?\s+(?i:(?:{nouns})s?)\b"
    )
    named_thing_before = re.compile(
        rf"(?:\b(?:{alternation(conventions.named_after_before)}))\s+$"
    )
    work_before_quote = re.compile(
        rf"\b(?i:{alternation(conventions.work_nouns)})\s*,?\s*[\"“‘«][^\"”’»]*$"
    )
    place_before = re.compile(rf"\b(?i:{alternation(conventions.place_prepositions)})\s+$")
    # "the Germans", but also "Trotsky's Bulletin": a thing of someone's, no person.
    article_before = re.compile(
        rf"(?:\b(?i:{alternation(conventions.articles)})|\w['’]s)\s+$"
    )
    endings = alternation(ending.lower() for ending in conventions.surname_endings)
    # A stem of three letters at least: "Kiev" and "Lvov" are no surnames' shapes.
    surname_shape = re.compile(rf"[{UPPER}][{LOWER}]{{2,}}(?P<ending>{endings})")
    patronymic_endings = alternation(ending.lower() for ending in conventions.patronymic_endings)
    patronymic = re.compile(rf"[{UPPER}][{LOWER}]+(?:{patronymic_endings})")
    return PersonCues(
        forms_of_address=address,
        cue_before=cue_before,
        not_a_name=not_a_name,
        initials=re.compile(initials),
        verb_before=re.compile(rf"\b(?i:{alternation(conventions.verbs_before)})\s+$"),
        topic_before=re.compile(
            rf"(?:^|[.!?:;]\s+|\n\s*)(?:{alternation(conventions.topic_words)}),?\s+$"
        ),
        verb_after=verb_after,
        named_after=named_after,
        named_thing_before=named_thing_before,
        work_before_quote=work_before_quote,
        work_before=re.compile(
            rf"(?:\w['’]s|\b(?i:{alternation(conventions.work_nouns)}))\s+$"
        ),
        place_before=place_before,
        article_before=article_before,
        led_after=re.compile(rf"\s+(?i:{alternation(conventions.led_nouns)})\b"),
        surname_shape=surname_shape,
        patronymic=patronymic,
        patronymic_endings=tuple(ending.lower() for ending in conventions.patronymic_endings),
        given_names=frozenset(fold(name) for name in conventions.given_names),
        places=frozenset(fold(place) for place in conventions.places),
        named_after_suffixes=tuple(conventions.named_after_suffixes),
        not_persons=frozenset(fold(word) for word in conventions.not_persons),
        common_words=frozenset(word.lower() for word in conventions.common_words),
        topic_words=frozenset(w.lower() for w in conventions.topic_words if " " not in w),
        navigation_separators=tuple(conventions.navigation_separators),
        fold=fold,
    )
