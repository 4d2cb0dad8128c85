"""The register of persons, and recognising its people in running text.

Besides persons (``listPerson``) the register may list groups (``listOrg``, e.g. "the
members of the Politburo" as an addressee) and places (``listPlace``, for where a letter
was sent from or to); they are recognised the same way and tagged ``orgName`` and
``placeName``.

The register (a TEI ``listPerson``, ``sources/persons.xml``) is the editors' data: one
regularised name per person ("Surname, Forenames") and the spelling variants met in the
sources. Everything else is derived by rule, never listed in code:

* name forms: the surname, "Forenames Surname", every variant, and each of those with
  initials in front ("I. Stalin", "B.I. Kozlovsky", "Zh.I. Meyerzon") when the initials
  agree with the forenames;
* a particle of the forenames goes with the surname ("Papen, Franz von" → "von Papen"),
  and a particle takes a capital at a sentence start ("Von Papen", "De Gaulle");
* a variant right before the surname is one name with it ("Sergo Ordzhonikidze");
* possessives ("Stalin's", "Stalin’s") resolve to the name; longer words do not
  ("Stalingrad" is not Stalin), nor does a name before a place or works named after the
  person ("the Kirov Works");
* other spellings fold to the register's: diacritics and the profile's transliteration
  table ("Yezhov" is "Ezhov", "Blücher" is "Blucher");
* a forename alone is a register person only as their variant ("Sergo"), or in a letter's
  salutation or signature (tei.encode.letters); a forename and patronymic ("Anna Petrovna")
  are the register person whose forenames agree.

Persons the register lacks are found too, and become *provisional* entries of the run
(:attr:`Register.run`, see :mod:`tei.encode.provisional`), never dropped and never
guessed to be someone else: a name after a form of address, title, role or initials
("Comrade Bessonov", "the driver Rudakov", "A. Bessonov"), a given name and surname
("Pavel Lozovsky", even where the register has a Pavel), a forename alone or with a
patronymic, a name before a verb only people do ("Rudakov reported") or after a verb of
asking ("ask Budko"), a topic word ("About Lebed."), in a list of persons, a surname's
shape ("-ov", "-sky"), a surname the run met as a person's; a near-spelling of a register name ("Sheboddaev", Jaro-Winkler at or above
:data:`FUZZY_THRESHOLD`) or a namesake ("V. Popov" beside Nikolai Popov) is a provisional
person with the register's as its candidate. No person: places (the register's, the
profile's, the words a run puts after "in"), peoples ("the Germans"), things and works
named after people ("the Tomsk line", "the cruiser Kirov", a play called "The Days of the
Turbins", "Leninsk"), a web page's navigation line. Every word list is the conventions
profile's ``[persons]`` table (:mod:`tei.encode.personcues`).

Forms of address ("Comrade", "Tov.", "T.") stay outside ``persName``: they are words of
the text, not of the name.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import JaroWinkler

from tei.encode.conventions import DEFAULT_PROFILE, Conventions, load_profile
from tei.encode.personcues import INITIALS, LOWER, UPPER, PersonCues, person_cues
from tei.encode.provisional import NAME_PARTICLES, ProvisionalEntry, ProvisionalRegister
from tei.encode.teidoc import XML_ID
from tei.errors import TeitoolError
from tei.xmlio import NSMAP, TEI_NS, XmlProblem, parse_file

#: Similarity at or above which a misspelt word is taken for a person's name (provisional,
#: with the register person it resembles as the candidate to review).
FUZZY_THRESHOLD = 0.92
#: Similarity at or above which a register person is named as a provisional one's candidate.
CANDIDATE_THRESHOLD = 0.88
#: Shortest word tried as a fuzzy match: short words are too often other words.
FUZZY_MIN_LENGTH = 6

_CAPITALISED = re.compile(rf"(?<![\w.-])[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?(?![\w])")
_CALENDAR_WORDS = {word.lower() for word in (*calendar.month_name[1:], *calendar.day_name)}
_LOWER_CASE_WORD = re.compile(r"\b[a-z][a-z]+\b")
_POSSESSIVE = re.compile(r"['’]s\s+")
_LINE = re.compile(r"[^\n]+")
_LAST_WORD = re.compile(rf"(?<![\w.-])[{UPPER}][{LOWER}]+$")

#: A note's number or a list item's ("1)", "a)") opening a line, before its first word.
_NOTE_NUMBER_AT_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:\d{1,3}|(?:\d{1,2}|[a-z])[.)])$")
#: How far before a word the recognisers look for what precedes it (a title, "the cruiser").
LOOK_BACK = 80
#: What separates the names of a list ("A, B and C").
_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
#: Fewest names in a list whose persons make the others persons ("A, B and C").
MIN_LIST = 3
#: A dateline's place at the start of a line: "Whitby, May 3, 1851.", "London, 10 May".
_MONTHS = "|".join(calendar.month_name[1:])
_DATELINE_PLACE = re.compile(
    rf"^[ \t]*(?P<place>[{UPPER}][{LOWER}]+(?:[ -][{UPPER}][{LOWER}]+)?),[ \t]+"
    rf"(?:(?:{_MONTHS})\.?[ \t]+\d{{1,2}}\b|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:{_MONTHS})\b)",
    re.MULTILINE,
)
#: A work's title of the shape "X of the Y" after a possessive or a noun of works
#: ("Shostakovich's Lady Macbeth of the Mtsensk District"): no person inside.
_OF_THE_TITLE = re.compile(rf"\s+of\s+the\s+[{UPPER}]")
#: After a name, an office in apposition (", the head of …"), not a verb.
_APPOSITION = re.compile(r",\s+(?:the|a|an|his|her)\s")


@dataclass(frozen=True)
class NameMatch:
    """A name found in text: ``text[start:end]`` refers to register entry ``ref``."""

    start: int
    end: int
    ref: str  # "persons.xml#stalin"
    tag: str = "persName"
    #: The entry is one this run added to the output register, for the editor to review.
    provisional: bool = False

    @property
    def entry_id(self) -> str:
        return self.ref.partition("#")[2]


@dataclass
class Entry:
    """One person (or group) of the register."""

    xml_id: str
    regularised: str
    variants: list[str] = field(default_factory=list)
    tag: str = "persName"

    @property
    def surname(self) -> str:
        return self.regularised.partition(",")[0].strip()

    @property
    def forenames(self) -> str:
        return self.regularised.partition(",")[2].strip()

    @property
    def display_name(self) -> str:
        """ "Forenames Surname" (particles after the forenames stay with them: "Werner von")."""
        return f"{self.forenames} {self.surname}".strip()

    def forms(self) -> set[str]:
        forms = {self.surname, self.display_name, *self.variants}
        if self.tag != "persName":
            forms.add(self.regularised)
        # The particle goes with the surname when the forenames are left out ("Papen, Franz
        # von" → "von Papen"), and takes a capital where a sentence starts ("Von Papen",
        # "De Gaulle" for "de Gaulle, Charles").
        particles = re.search(rf"(?:\s(?:{'|'.join(NAME_PARTICLES)}))+$", f" {self.forenames}")
        if particles and self.tag == "persName":
            forms.add(f"{particles.group().strip()} {self.surname}")
        forms |= {form[0].upper() + form[1:] for form in forms
                  if form.split(" ", 1)[0] in NAME_PARTICLES}
        return {form for form in forms if form}

    def initials_agree(self, initials: str) -> bool:
        """ "B.I." agrees with "Boris Ivanovich", "I.V." with Stalin's variant "Iosif
        Vissarionovich"; with no forenames known any initials agree."""
        given = re.findall(r"[A-Z][a-z]?", initials)
        if not self.forenames or not given:
            return True
        spellings = [self.forenames] + [
            variant.replace(self.surname, " ") for variant in self.variants
        ]
        return any(_initials_fit(given, re.findall(r"[A-Z][a-z]*", forenames))
                   for forenames in spellings)


def _initials_fit(given: list[str], names: list[str]) -> bool:
    """Whether initials ("B", "I") begin the forenames ("Boris", "Ivanovich") in order."""
    return bool(names) and names[0].startswith(given[0]) and all(
        index < len(names) and names[index].startswith(letter)
        for index, letter in enumerate(given[: len(names)])
    )


class Register:
    """The register of persons, indexed for recognition, and the run's provisional entries."""

    def __init__(
        self, entries: list[Entry], path: Path | None = None, conventions: Conventions | None = None
    ) -> None:
        self.path = path
        self.entries = {entry.xml_id: entry for entry in entries}
        self.cues: PersonCues = person_cues(conventions or load_profile(DEFAULT_PROFILE))
        # Everyone a form names: "Kaganovich" is Lazar and Mikhail, told apart by initials;
        # without them the form names the first of them.
        self._all_by_form: dict[str, list[Entry]] = {}
        for entry in entries:
            for form in entry.forms():
                self._all_by_form.setdefault(form, []).append(entry)
        self._by_form = {form: named[0] for form, named in self._all_by_form.items()}
        # Spellings of another transliteration or without diacritics ("Yezhov" for "Ezhov").
        fold = self.cues.fold
        self._by_folded: dict[str, Entry] = {}
        for form, entry in self._by_form.items():
            self._by_folded.setdefault(fold(form), entry)
        self._places = self.cues.places | {
            folded for folded, entry in self._by_folded.items() if entry.tag == "placeName"
        }
        # Who bears a forename, by its folded spelling: a forename one person alone has
        # names them ("Dear Valerian!"); any forename begins a name ("Pavel Lozovsky").
        self._forename_bearers: dict[str, list[Entry]] = {}
        for entry in entries:
            first = re.match(r"[A-Z][a-z]+(?![.\w])", entry.forenames)
            if entry.tag == "persName" and first:
                self._forename_bearers.setdefault(fold(first.group()), []).append(entry)
        self._given_names = self.cues.given_names | set(self._forename_bearers)
        # Every forename of the register, for telling a patronymic from a surname.
        self._forenames = self._given_names | {
            fold(word)
            for entry in entries
            if entry.tag == "persName"
            for word in re.findall(r"[A-Z][a-z]+(?![.\w])", entry.forenames)
        }
        self._initials_before = re.compile(rf"{self.cues.initials.pattern}$")
        alternatives = "|".join(
            re.escape(form) for form in sorted(self._by_form, key=len, reverse=True)
        )
        self._pattern = re.compile(
            # Initials begin after a space and are none of the profile's look-alikes ("P.S.").
            rf"(?:(?P<initials>{self.cues.initials.pattern})|(?<![\w]))(?P<name>{alternatives})"
            r"(?=['’]s\b|[^\w]|\d|$)"  # a digit: a note's marker glued on ("Chubar1")
            if alternatives
            else r"(?!x)x"
        )
        self._found: dict[str, tuple[NameMatch, ...]] = {}
        self._fuzzy_pool = sorted(
            {
                form
                for form, entry in self._by_form.items()
                if " " not in form and entry.tag == "persName"
            }
        )
        #: The persons (and groups) of this run that the register lacks.
        self.run = ProvisionalRegister(self.entries, fold, self._is_patronymic)
        # What the run's sources say of words everywhere (see :meth:`learn`): the words they
        # use in lower case (common words), and those they put after "in" (places, with the
        # register's and the profile's).
        self._common_words: frozenset[str] | None = None
        self._run_places: frozenset[str] = self._places

    # --- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, conventions: Conventions | None = None) -> Register:
        """Read a register; raise :class:`TeitoolError` naming the file if it is unusable."""
        try:
            tree = parse_file(path)
        except XmlProblem as problem:
            raise TeitoolError(f"register of persons: {problem}") from None
        entries: list[Entry] = []
        for kind, tag in (("person", "persName"), ("org", "orgName"), ("place", "placeName")):
            for node in tree.iterfind(f".//tei:{kind}", NSMAP):
                xml_id = node.get(XML_ID)
                names = [
                    (name.get("type"), " ".join("".join(name.itertext()).split()))
                    for name in node.iterfind(f"tei:{tag}", NSMAP)
                ]
                regularised = next((text for kind_, text in names if kind_ == "reg"), None)
                if regularised is None and names:
                    regularised = names[0][1]
                if not xml_id or not regularised:
                    line = node.sourceline or 0
                    raise TeitoolError(
                        f'{path}:{line}: a {kind} needs an xml:id and a {tag} type="reg"; add them'
                    )
                variants = [text for kind_, text in names if kind_ != "reg" and text != regularised]
                entries.append(Entry(xml_id, regularised, variants, tag))
        # A new edition's register lists no one yet, and says what it is (TEI/@type="persons",
        # as `teitool init` writes it); any other file without entries is likely the wrong one.
        root = tree.getroot()
        if not entries and not (root.tag == f"{{{TEI_NS}}}TEI" and root.get("type") == "persons"):
            raise TeitoolError(
                f"{path}: the register lists no person; expected tei:person entries "
                '(or, for an empty register, a TEI document of type="persons")'
            )
        return cls(entries, path, conventions)

    @classmethod
    def empty(cls, conventions: Conventions | None = None) -> Register:
        """The register of an edition that has none yet: every name is unknown."""
        return cls([], None, conventions)

    # --- provisional entries ---------------------------------------------------------------

    def provisional(self, name: str, tag: str = "persName") -> NameMatch:
        """Register ``name`` (a person, or a group with ``tag`` "orgName") the register lacks
        as a provisional entry of this run; the match spans the whole of ``name``."""
        cleaned = name.strip(" .,;:!")
        # "Comrade Bessonov", "Mr. Pell": the form of address or title is no part of the name.
        while (title := self.cues.not_a_name.match(cleaned)) and title.end() < len(cleaned):
            cleaned = cleaned[title.end() :].lstrip()
        resembled = None
        if tag == "persName" and cleaned:
            resembled = self._candidate_entry(cleaned.split()[-1])
        entry = self.run.add(cleaned or name, tag, resembled.xml_id if resembled else None)
        return NameMatch(0, len(name), self.ref(entry), tag, provisional=True)

    def learn(self, texts: list[str]) -> None:
        """Read the run's sources once before encoding them, so that what one says holds in
        all (one sense per run): the words they write in lower case are common words, the
        words after "in" are places, and a person named with a cue in one ("Comrade Pell")
        is a person where another names them bare ("Pell")."""
        self._common_words = self._with_fixed_common_words(
            {word for text in texts for word in _LOWER_CASE_WORD.findall(text)}
        )
        self._run_places = self._places | frozenset(
            self.cues.fold(match.group())
            for text in texts
            for match in _CAPITALISED.finditer(text)
            if self.cues.place_before.search(text, max(0, match.start() - LOOK_BACK), match.start())
            and not _POSSESSIVE.match(text, match.end())  # "in Stalin's view"
        ) | frozenset(
            # A dateline names where a letter was written: "Whitby, May 3, 1851."
            self.cues.fold(match.group("place"))
            for text in texts
            for match in _DATELINE_PLACE.finditer(text)
            if match.group("place") not in self._by_form
        )
        for text in texts:
            self._find_names(text)

    def _with_fixed_common_words(self, words: set[str]) -> frozenset[str]:
        """``words`` (met in lower case) with the profile's common words and calendar words."""
        return frozenset(words | self.cues.common_words | _CALENDAR_WORDS | self.cues.topic_words)

    def _candidate_entry(self, surname: str) -> Entry | None:
        """The register person a provisional ``surname`` most resembles, for the editor to
        review (a "Petrov" met in the text may be the register's "Petrovsky"), or None."""
        found = self._closest(surname, CANDIDATE_THRESHOLD, max_length_difference=None)
        return found[0] if found else None

    # --- recognition ----------------------------------------------------------------------

    def ref(self, entry: Entry | ProvisionalEntry) -> str:
        return f"persons.xml#{entry.xml_id}"

    def resolve(self, name: str) -> NameMatch | None:
        """Resolve one name as written ("L. Kaganovich", "Tov. Stalin", "Rosengolz") to the
        register; a provisional entry is no answer (see :meth:`provisional`)."""
        cleaned = re.sub(rf"^{self.cues.forms_of_address}\s+", "", name.strip(" .,;:"))
        matches = [
            m for m in self.find_names(cleaned)
            if m.end - m.start >= len(cleaned) - 1 and not m.provisional
        ]
        if matches:
            return matches[0]
        # Initials of another transliteration ("I. V. Stalin" for Joseph): still the person.
        initials = re.match(rf"{INITIALS}\s*", cleaned)
        if initials and initials.end() < len(cleaned):
            rest = self.resolve(cleaned[initials.end() :])
            if rest is not None and rest.tag == "persName":
                return NameMatch(0, len(cleaned), rest.ref, rest.tag)
        # "the Politburo": the article is no part of the body's name.
        if cleaned.lower().startswith("the "):
            return self.resolve(cleaned[4:])
        return None

    def find_names(self, text: str) -> list[NameMatch]:
        """Every person, group and place in ``text``, non-overlapping, in order: the
        register's, and the persons it lacks (``provisional``, added to :attr:`run`)."""
        # The encoders ask about the same line several times (is it an address, a
        # signature?) before annotating it: remember the answers.
        if text not in self._found:
            self._found[text] = tuple(self._find_names(text))
        return list(self._found[text])

    def _find_names(self, text: str) -> list[NameMatch]:
        # A web page's navigation lines ("Home Page | Lenin | Stalin") name no one.
        navigation = self._navigation_lines(text)
        common = self._common_words
        if common is None:
            common = self._with_fixed_common_words(set(_LOWER_CASE_WORD.findall(text)))
        found = [
            m for m in self._register_names(text, common) if not _covered(navigation, m.start)
        ]
        taken = sorted([(m.start, m.end) for m in found] + navigation)
        unresolved: list[list[re.Match[str]]] = []
        for run in self._runs(text, taken):
            match = self._person(text, run, common)
            if match is not None:
                found.append(match)
            else:
                unresolved.append(run)
        found += self._listed_with_persons(text, found, unresolved, common)
        return _joined(sorted(found, key=lambda m: m.start), text)

    def _listed_with_persons(
        self,
        text: str,
        found: list[NameMatch],
        unresolved: list[list[re.Match[str]]],
        common: frozenset[str],
    ) -> list[NameMatch]:
        """The names of a list whose other names are persons' ("Shostakovich, Prokofiev and
        Khachaturian"): persons too, unless something says they are not (a place, a people,
        a thing named after someone). A list has :data:`MIN_LIST` names at least, two of
        them persons."""
        items: list[tuple[int, int, NameMatch | list[re.Match[str]]]] = [
            (m.start, m.end, m) for m in found
        ] + [(run[0].start(), run[-1].end(), run) for run in unresolved]
        items.sort(key=lambda item: item[0])
        added: list[NameMatch] = []
        group: list[tuple[int, int, NameMatch | list[re.Match[str]]]] = []
        for item in [*items, (len(text) + 1, len(text) + 1, [])]:
            if group and _LIST_SEPARATOR.fullmatch(text, group[-1][1], item[0]):
                group.append(item)
                continue
            persons = [
                each for _s, _e, each in group
                if isinstance(each, NameMatch) and each.tag == "persName"
            ]
            if len(group) >= MIN_LIST and len(persons) >= 2:
                for _s, _e, each in group:
                    if isinstance(each, list):
                        match = self._person(text, each, common, listed=True)
                        if match is not None:
                            added.append(match)
            group = [item]
        return added

    def _register_names(self, text: str, common: frozenset[str]) -> list[NameMatch]:
        """The register's names in ``text``: its forms, with initials, and their spellings
        folded ("Yezhov" for "Ezhov" is found among the capitalised runs)."""
        found: list[NameMatch] = []
        for match in self._pattern.finditer(text):
            entry = self._by_form[match.group("name")]
            initials = match.group("initials")
            start = match.start()
            if initials and self.cues.not_a_name.fullmatch(initials.strip()):
                initials, start = None, match.start("name")  # "T. Sheboldaev", "Mr. Kozlovsky"
            if entry.tag == "persName" and (
                self._names_a_thing(text, match.start(), match.end("name"))
                # "the Maxim Gorky": a person is not "the" forename and surname
                or (" " in match.group("name") and not initials
                    and self._after_article(text, match.start(), match.end("name")))
                or self._forename_of_unknown(text, match.group("name"), match.end("name"))
                # "Polina Semyonovna": a forename and patronymic are one name, read as such
                or self._patronymic_after(text, match.group("name"), match.end("name"))
            ):
                continue
            # "I. Stalin" may be a form of its own; a forename before the name may tell
            # namesakes apart as initials do.
            whole = self._by_form.get(" ".join(match.group().split())) if initials else None
            forename = None if initials else self._forename_before(text, start, found, common)
            if whole is not None:
                entry = whole
            elif forename is not None and " " not in match.group("name"):
                # "Nikolai Popov" is the register's Popov, Nikolai; "Vasily Popov" and "Frol
                # Kozlov" are not.
                bearers = [other for other in self._all_by_form[match.group("name")]
                           if self._forename_agrees(other, forename[1])]
                start = forename[0]
                if not bearers:
                    found.append(self._provisional_at(text, start, match.end("name"), entry))
                    continue
                entry = bearers[0]
            elif initials and not entry.initials_agree(initials):
                namesakes = [other for other in self._all_by_form[match.group("name")]
                             if other.forenames and other.initials_agree(initials)]
                if namesakes:
                    entry = namesakes[0]  # "M. Kaganovich" is Mikhail, not Lazar
                else:
                    # "V. Popov" is not the register's Popov, Nikolai: someone it lacks.
                    found.append(self._provisional_at(text, start, match.end("name"), entry))
                    continue
            found.append(NameMatch(start, match.end("name"), self.ref(entry), entry.tag))
        return found

    def _patronymic_after(self, text: str, form: str, end: int) -> bool:
        """Whether a one-word form ("Polina", a variant) is followed by a patronymic."""
        if " " in form or text[end : end + 1] != " ":
            return False
        following = _CAPITALISED.match(text, end + 1)
        return following is not None and self._is_patronymic(following.group())

    def _forename_before(
        self, text: str, start: int, found: list[NameMatch], common: frozenset[str]
    ) -> tuple[int, str] | None:
        """Where the forename before a surname at ``start`` begins, and the forename: a given
        name ("Vasily Popov"), one before a patronymic ("Vyacheslav Mikhailovich Molotov"), or
        a capitalised word that is nothing else ("Frol Kozlov": no common word, place, title
        or surname); None where there is none or a register name already covers it."""
        if text[start - 1 : start] != " " or (found and found[-1].end == start - 1):
            return None
        word = _LAST_WORD.search(text, max(0, start - LOOK_BACK), start - 1)
        if word is None:
            return None
        # "Kliment Efremovich Voroshilov": a patronymic's shape between a forename and a
        # surname is a patronymic, whatever forename it comes from.
        forename = None
        if self.cues.patronymic.fullmatch(word.group()) and text[word.start() - 1] == " ":
            forename = _LAST_WORD.search(text, max(0, word.start() - LOOK_BACK), word.start() - 1)
        if forename is not None and self._is_given_name(forename.group()):
            if found and found[-1].end > forename.start():
                return None
            return forename.start(), forename.group()
        if self._is_given_name(word.group()) or self._unknown_forename(text, word, common):
            return word.start(), word.group()
        return None

    def _unknown_forename(self, text: str, word: re.Match[str], common: frozenset[str]) -> bool:
        """Whether a capitalised word before a register surname can only be a forename: it
        is no common word, place, people, title, name of the register or surname's shape,
        and no article or possessive stands before it."""
        value, folded = word.group(), self.cues.fold(word.group())
        if self._common_words is None and _sentence_start(text, word.start()):
            return False  # "Remove Stalin": without the run's words, a verb may open it
        return not (
            value.lower() in common
            or self.cues.verb_before.match(f"{value} ")  # "Tell Mikoyan"
            or value in self._by_form
            or folded in self._run_places
            or folded in self.cues.not_persons
            or self.cues.not_a_name.match(value)
            or self.cues.surname_shape.fullmatch(value)
            or self._after_article(text, word.start(), word.end())
        )

    def _forename_agrees(self, entry: Entry, given: str) -> bool:
        """Whether ``given`` can be the entry's first forename: it is (in any spelling, or
        in a variant: "Iosif" of Stalin, Joseph), its initial is ("N." or "N.K." of
        Nikolai), or none is known."""
        fold = self.cues.fold
        firsts = [entry.forenames, *(v.replace(entry.surname, " ") for v in entry.variants)]
        words = [spelling.split()[0] for spelling in firsts if spelling.split()]
        return not entry.forenames or any(
            fold(word) == fold(given)
            or ((initial := re.match(r"[A-Z][a-z]?(?=\.)", word)) is not None
                and given.startswith(initial.group()))
            for word in words
        )

    @functools.cache  # noqa: B019 - a register lives as long as the run that loaded it
    def _is_patronymic(self, word: str) -> bool:
        """Whether ``word`` is a patronymic: a patronymic's ending (the profile's) after a
        forename ("Semyon-ovna", "Mikhail-ovich", "Ily-ich"), not a surname that ends so
        ("Shostakovich", "Kaganovich")."""
        if not self.cues.patronymic.fullmatch(word):
            return False
        for ending in sorted(self.cues.patronymic_endings, key=len, reverse=True):
            if word.lower().endswith(ending):
                stem = self.cues.fold(word[: -len(ending)])
                return len(stem) >= 3 and any(
                    name[: len(stem) - 1] == stem[:-1] and abs(len(name) - len(stem)) <= 2
                    for name in self._forenames
                )
        return False

    def _by_forenames(self, forename: str, patronymic: str, *, strict: bool) -> Entry | None:
        """The one register person a forename and patronymic name ("Polina Semyonovna"):
        the first forename theirs, the second the patronymic (``strict``) or not given."""
        fold = self.cues.fold
        bearers = []
        for entry in self.entries.values():
            if entry.tag != "persName":
                continue
            spellings = [entry.forenames, *(v.replace(entry.surname, " ") for v in entry.variants)]
            for spelling in spellings:
                words = [fold(word) for word in spelling.split()]
                if words and words[0] == fold(forename) and (
                    words[1:2] == [fold(patronymic)] or (not strict and len(words) == 1)
                ):
                    bearers.append(entry)
                    break
        return bearers[0] if len(bearers) == 1 else None

    def _provisional_at(
        self, text: str, start: int, end: int, candidate: Entry | None
    ) -> NameMatch:
        """The provisional person ``text[start:end]`` names (``candidate``: the register
        person it resembles)."""
        entry = self.run.add(text[start:end], "persName", candidate.xml_id if candidate else None)
        return NameMatch(start, end, self.ref(entry), "persName", provisional=True)

    def _forename_of_unknown(self, text: str, form: str, end: int) -> bool:
        """Whether a forename the register knows ("Pavel", of Pavel Alliluyev) begins the
        name of someone it lacks: a capitalised word it does not know follows."""
        if " " in form or self.cues.fold(form) not in self._given_names:
            return False
        following = _CAPITALISED.match(text, end + 1) if text[end : end + 1] == " " else None
        return following is not None and following.group() not in self._by_form

    def _names_a_thing(self, text: str, start: int, end: int) -> bool:
        """Whether the name at ``start:end`` names a place, works, ship, award or work called
        after a person ("the Kirov Works", "the cruiser Kirov", "the Order of Lenin", the
        play "The Days of the Turbins"): no mention of the person. (A thing the person made
        or led, "the Ryutin group", still mentions them.)"""
        before = max(0, start - LOOK_BACK)
        return bool(
            self.cues.named_after.match(text, end)
            # "Vyatka became Kirov", not "became Kirov's deputy"
            or (self.cues.named_thing_before.search(text, before, start)
                and not _POSSESSIVE.match(text, end))
            or self.cues.work_before_quote.search(text, before, start)
        )

    def _navigation_lines(self, text: str) -> list[tuple[int, int]]:
        """The spans of the lines of ``text`` that are a web page's navigation: two
        separators or more ("Home Page | Library | Lenin")."""
        separators = self.cues.navigation_separators
        return [
            (line.start(), line.end())
            for line in _LINE.finditer(text)
            if any(line.group().count(mark) >= 2 for mark in separators)
        ]

    def _runs(self, text: str, taken: list[tuple[int, int]]) -> list[list[re.Match[str]]]:
        """Capitalised words no register name covers, adjacent ones (or joined by a
        particle: "Maud de Gouy") in one run; titles and forms of address left out."""
        words = [
            match
            for match in _CAPITALISED.finditer(text)
            if not _covered(taken, match.start())
            and not self.cues.not_a_name.match(text, match.start())
        ]
        runs: list[list[re.Match[str]]] = []
        for word in words:
            if (
                runs
                and _joins(text[runs[-1][-1].end() : word.start()])
                and not self._two_surnames(runs[-1][-1].group(), word.group())
            ):
                runs[-1].append(word)
            else:
                runs.append([word])
        return runs

    def _two_surnames(self, first: str, second: str) -> bool:
        """Whether two adjacent words are two persons' surnames ("Lozovsky Bessonov"): both
        have a surname's shape, and the first is no forename or patronymic."""
        shape = self.cues.surname_shape
        return bool(
            shape.fullmatch(first) and shape.fullmatch(second)
            and not self.cues.patronymic.fullmatch(first) and not self._is_given_name(first)
        )

    def _person(
        self,
        text: str,
        run: list[re.Match[str]],
        common: frozenset[str],
        *,
        listed: bool = False,
    ) -> NameMatch | None:
        """The person a run of capitalised words names, if it names one: the register's
        (a folded spelling: "Yezhov" for "Ezhov"; a forename and patronymic whose forenames
        agree) or a provisional one; None for anything else (a place, a people, a thing
        named after someone, common words). ``listed``: the run stands in a list of persons."""
        words = self._name_words(run, common)
        if not words or self._names_no_person(text, words):
            return None
        start, end = words[0].start(), words[-1].end()
        known = self._known_spelling(text[start:end], words)
        if known is not None:
            if known.tag != "persName":
                return None  # a place's or a group's other spelling
            return NameMatch(start, end, self.ref(known), known.tag)
        before = text[max(0, start - LOOK_BACK) : start]
        initials = self._initials_before.search(before)
        title = self.cues.cue_before.search(before.rstrip())
        cued = initials is not None or title is not None
        if initials is not None:
            start -= len(initials.group())
        elif not cued:
            # "Railways Pavel Lozovsky": the name starts at its given name.
            first = next(
                (i for i, word in enumerate(words) if self._is_given_name(word.group())), 0
            )
            words, start = words[first:], words[first].start()
            if self._after_article(text, start, end):
                return None  # "the Germans", "Trotsky's Bulletin"
        elif title is not None and self._in_work_title(text, before[: title.start()], end):
            return None  # "Shostakovich's Lady Macbeth of the Mtsensk District"
        if len(words) > 1 and self._is_patronymic(words[-1].group()):
            return self._forename_and_patronymic(text, words, end)
        surname = words[-1].group()
        place = self._a_place(text, surname, before, end)
        after = self.cues.verb_after.match(text, end)
        # After a place, only a verb makes a person: "at Whitby, her brother …" is apposition.
        verb = after is not None and not (place and _APPOSITION.match(after.group()))
        lone_forename = len(words) == 1 and self._is_given_name(surname)
        if not (
            cued
            or (len(words) > 1 and self._is_given_name(words[0].group()))
            or verb
            or (not place and (lone_forename or listed or self._object_or_topic(text, start)))
            or self._looks_like_surname(text, words, before)
        ):
            return None
        if lone_forename:
            # "Dmitry" alone is no register person (unless a variant of theirs): a person of
            # the run, one per forename, with the one register person of that name as candidate.
            bearers = self._forename_bearers.get(self.cues.fold(surname), [])
            return self._provisional_at(text, start, end, bearers[0] if len(bearers) == 1 else None)
        return self._provisional_at(text, start, end, self._candidate_entry(surname))

    def _forename_and_patronymic(
        self, text: str, words: list[re.Match[str]], end: int
    ) -> NameMatch:
        """ "Polina Semyonovna": the register person whose forenames agree (both given; else
        the one person of the run with that forename; else the register's one bearer of the
        forename whose patronymic it does not give), else a person of the run named by
        forename and patronymic."""
        forename, patronymic = words[-2], words[-1]
        start = forename.start()
        entry = self._by_forenames(forename.group(), patronymic.group(), strict=True)
        if entry is None and self.run.by_forename_and_patronymic(text[start:end]) is None:
            entry = self._by_forenames(forename.group(), patronymic.group(), strict=False)
        if entry is not None:
            return NameMatch(start, end, self.ref(entry), entry.tag)
        return self._provisional_at(text, start, end, None)

    def _a_place(self, text: str, word: str, before: str, end: int) -> bool:
        """Whether ``word`` is a place here: one of the run's places, or after "in", "at" …"""
        return self.cues.fold(word) in self._run_places or (
            bool(self.cues.place_before.search(before)) and not _POSSESSIVE.match(text, end)
        )

    def _object_or_topic(self, text: str, start: int) -> bool:
        """Whether a verb of speaking or asking ("ask Chernov"), or a sentence's topic word
        ("About Budyonny."), stands right before ``start``."""
        begin = max(0, start - LOOK_BACK)
        return bool(
            self.cues.verb_before.search(text, begin, start)
            or self.cues.topic_before.search(text, begin, start)
        )

    def _in_work_title(self, text: str, before_title: str, end: int) -> bool:
        """Whether a title and name ("Lady Macbeth") begin a work's title "X of the Y" after
        a possessive or a noun of works ("Shostakovich's Lady Macbeth of the Mtsensk …")."""
        return bool(_OF_THE_TITLE.match(text, end) and self.cues.work_before.search(before_title))

    def _after_article(self, text: str, start: int, end: int) -> bool:
        """Whether the name at ``start:end`` follows "the" or a possessive as a thing's name
        does ("the Germans", "the Maxim Gorky took off"), not as a person's before what
        they led ("the Ryutin group")."""
        after_article = self.cues.article_before.search(text, max(0, start - LOOK_BACK), start)
        return after_article is not None and not self.cues.led_after.match(text, end)

    def _name_words(self, run: list[re.Match[str]], common: frozenset[str]) -> list[re.Match[str]]:
        """The words of a run that can be a name: common words at its ends and places
        before it left out ("Yesterday Pell", "Moscow Pell" are "Pell")."""
        words = _without_common_ends(run, common)
        while len(words) > 1 and self.cues.fold(words[0].group()) in self._run_places:
            words = words[1:]
        return words

    def _names_no_person(self, text: str, words: list[re.Match[str]]) -> bool:
        """Whether these words are no person's name whatever precedes them: a register name
        this text gives to a thing, a thing named after someone ("Franz Josef Land", "Cape
        Chelyuskin", "the Kirov works"), a people ("Germans"), a place or following named
        after someone ("Leninsk", "Stalinist", "three Maxim Gorkys"), a title's possessive
        ("People's Commissar")."""
        start, end = words[0].start(), words[-1].end()
        last = words[-1].group()
        possessive = _POSSESSIVE.match(text, end)
        return (
            text[start:end] in self._by_form
            or self._names_a_thing(text, start, words[0].end())
            or bool(self.cues.named_thing_before.search(text, start, words[-1].start()))
            or self.cues.fold(last) in self.cues.not_persons
            or self._derived_from_known(last)
            or (
                possessive is not None
                and bool(self.cues.not_a_name.match(text, possessive.end()))
                and not self.cues.surname_shape.fullmatch(last)  # "Shostakovich's Lady Macbeth"
            )
        )

    def _derived_from_known(self, word: str) -> bool:
        """Whether ``word`` is a register name with an ending of places or followings
        ("Leninsk", "Stalingrad", "Stalinist") or a plural ("Stalins", "Gorkys")."""
        return any(
            word.endswith(ending) and word[: -len(ending)] in self._by_form
            for ending in (*self.cues.named_after_suffixes, "s")
        )

    def _known_spelling(self, name: str, words: list[re.Match[str]]) -> Entry | None:
        """The register entry another spelling names ("Yezhov" for "Ezhov", "Nikolai Ezhov").
        A forename alone names no one: it is a variant of the register, or a salutation's
        name for the addressee (tei.encode.letters.lines.called_name)."""
        fold = self.cues.fold
        return self._by_folded.get(fold(name)) or self._by_folded.get(fold(words[-1].group()))

    def _is_given_name(self, word: str) -> bool:
        return self.cues.fold(word) in self._given_names

    def _place_adjective(self, word: str) -> bool:
        """Whether a word is an adjective of a known place ("Leningradskaya" of Leningrad)."""
        ending = self.cues.surname_shape.fullmatch(word)
        stem = self.cues.fold(word[: ending.start("ending")]) if ending else ""
        return len(stem) >= 4 and any(place.startswith(stem) for place in self._run_places)

    def _looks_like_surname(self, text: str, words: list[re.Match[str]], before: str) -> bool:
        """Whether a name nothing else marks is a person's: its surname has a surname's shape
        ("-ov", "-sky"), is a register person's near-spelling or one the run met as a
        person's; and it is no place (listed, met after "in" in the run, after "in" here, or
        a place's adjective: "Leningradskaya")."""
        surname, end = words[-1].group(), words[-1].end()
        folded = self.cues.fold(surname)
        place = (
            folded in self._run_places
            or self._place_adjective(surname)
            or (bool(self.cues.place_before.search(before)) and not _POSSESSIVE.match(text, end))
        )
        return not place and (
            bool(self.cues.surname_shape.fullmatch(surname))
            or self._closest(surname, FUZZY_THRESHOLD, max_length_difference=2) is not None
            or self.run.find(surname) is not None
        )

    @functools.cache  # noqa: B019 - a register lives as long as the run that loaded it
    def _closest(
        self, word: str, threshold: float, max_length_difference: int | None
    ) -> tuple[Entry, float] | None:
        """The register person whose name ``word`` most resembles (Jaro-Winkler at or above
        ``threshold``, same first letter), with the similarity. A known form and its plural
        ("the Stalins": a family) resemble no one."""
        if len(word) < FUZZY_MIN_LENGTH or word in self._by_form or self._derived_from_known(word):
            return None
        best: tuple[float, str] | None = None
        for form in self._fuzzy_pool:
            if form[0] != word[0] or (
                max_length_difference is not None
                and abs(len(form) - len(word)) > max_length_difference
            ):
                continue
            score = JaroWinkler.similarity(word, form)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, form)
        return (self._by_form[best[1]], round(best[0], 3)) if best else None

    def unknown_names(self, text: str) -> list[UnknownName]:
        """Capitalised words and runs of them that may be names the register lacks, in order.

        Left out: register names, calendar words, words the text also uses in lower case
        ("The", "Number", "may": common words), and a lone word that starts a sentence.
        Adjacent words, or words joined by a particle, make one name ("Nizhny Novgorod",
        "Maud de Gouy"). Initials before a word do not end a sentence: they mark a person.
        """
        known = [(m.start, m.end) for m in self.find_names(text) if not m.provisional]
        lower_case = set(_LOWER_CASE_WORD.findall(text))
        found = []
        for run in self._runs(text, known):
            run = [
                word for word in run
                if word.group() not in self._by_form  # known, named here for a thing after them
                and word.group().lower() not in lower_case | _CALENDAR_WORDS
            ]
            if not run:
                continue
            start, end = run[0].start(), run[-1].end()
            # What a cue or sentence end needs is just before the name: a short look back
            # keeps a long text linear.
            before = text[max(0, start - LOOK_BACK) : start].rstrip()
            cue = self.cues.cue_before.search(before)
            sentence_start = (
                not before
                or before[-1] in '.!?:\n"“(—-'
                or text[start - 1] == "\n"
                or bool(_NOTE_NUMBER_AT_LINE_START.search(before))  # "1 See the decision …"
            )
            if sentence_start and not cue and len(run) == 1:
                continue
            found.append(UnknownName(text[start:end], start, cue.group().strip() if cue else ""))
        return found


def _covered(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether ``position`` lies in one of ``spans`` (sorted, not overlapping)."""
    index = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _sentence_start(text: str, position: int) -> bool:
    """Whether a sentence (or a quotation, a line) starts at ``position``."""
    before = text[max(0, position - LOOK_BACK) : position].rstrip()
    return not before or before[-1] in '.!?:;\n"“(—'


def _joined(found: list[NameMatch], text: str) -> list[NameMatch]:
    """Adjacent names of one entry as one name ("Sergo Ordzhonikidze": a variant and the
    surname; "Vyacheslav Mikhailovich" and "Molotov")."""
    joined: list[NameMatch] = []
    for match in found:
        last = joined[-1] if joined else None
        if last is not None and last.ref == match.ref and text[last.end : match.start] == " ":
            joined[-1] = NameMatch(last.start, match.end, last.ref, last.tag, last.provisional)
        else:
            joined.append(match)
    return joined


def _without_common_ends(
    run: list[re.Match[str]], common: frozenset[str]
) -> list[re.Match[str]]:
    """The run without common words at its ends ("Yesterday Pell" is "Pell"); none if one
    is inside it (no name)."""
    words = list(run)
    while words and words[0].group().lower() in common:
        words.pop(0)
    while words and words[-1].group().lower() in common:
        words.pop()
    return [] if any(word.group().lower() in common for word in words) else words


def _joins(gap: str) -> bool:
    """Whether the text between two capitalised words keeps them in one name."""
    return gap == " " or (
        gap.startswith(" ") and gap.endswith(" ") and gap.strip() in NAME_PARTICLES
    )


@dataclass(frozen=True)
class UnknownName:
    """A name the register does not know, at ``start``; ``cue`` is what marks it a person's."""

    name: str
    start: int
    cue: str = ""


@dataclass(frozen=True)
class Suggestion:
    name: str
    count: int
    first_line: int
    #: The first form of address, title or initials seen before it ("Comrade", "F."), if any.
    cue: str = ""


def suggest(text: str, register: Register) -> list[Suggestion]:
    """Names the register does not know, most frequent first, with their first line."""
    seen: dict[str, list[UnknownName]] = {}
    for unknown in register.unknown_names(text):
        seen.setdefault(unknown.name, []).append(unknown)
    suggestions = [
        Suggestion(
            name,
            len(found),
            text.count("\n", 0, found[0].start) + 1,
            next((u.cue for u in found if u.cue), ""),
        )
        for name, found in seen.items()
    ]
    return sorted(suggestions, key=lambda s: (-s.count, s.name))
