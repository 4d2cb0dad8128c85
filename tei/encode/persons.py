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
* a capitalised word that is no known form but is close to one (Jaro-Winkler similarity
  at or above :data:`FUZZY_THRESHOLD`, same first letter, length within two) is read as
  that person and *reported*, so the editor can add the variant or correct the text.

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

from tei.errors import TeitoolError
from tei.xmlio import NSMAP, TEI_NS, XML_NS, XmlProblem, parse_file

#: Similarity at or above which an unknown capitalised word is read as a known name.
FUZZY_THRESHOLD = 0.92
#: Shortest word tried as a fuzzy match: short words are too often other words.
FUZZY_MIN_LENGTH = 6

_INITIALS = r"(?:(?:[A-Z][a-z]?\.\s?){1,3})"
_CAPITALISED = re.compile(r"(?<![\w.])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![\w])")
_XML_ID = f"{{{XML_NS}}}id"
_CALENDAR_WORDS = set(calendar.month_name[1:]) | set(calendar.day_name)
_CALENDAR_WORDS = {word.lower() for word in _CALENDAR_WORDS}

#: Forms of address before a name; they stay outside persName ("Comrade Stalin").
FORMS_OF_ADDRESS = r"(?:Comrades?|Tov\.|T\.)"
#: Titles and ranks before a name, written out or abbreviated: cues that a person follows,
#: never part of a suggested name.
_TITLES = ("Lord", "Lady", "General", "Marshal", "Colonel", "Admiral", "Ambassador",
           "Professor", "Academician")  # fmt: skip
_TITLE_ABBREVIATIONS = ("Tov", "Cde", "Mr", "Mrs", "Ms", "Dr", "Gen", "Prof")
#: What, right before an unknown capitalised word, says it names a person: a form of
#: address, a title or rank, or initials ("Colonel F. Pope", "Comrade Pyatnitsky").
_PERSON_CUE = re.compile(
    rf"(?:(?<![\w.]){FORMS_OF_ADDRESS}|\b(?:{'|'.join(_TITLE_ABBREVIATIONS)})\.|"
    rf"\b(?:{'|'.join(_TITLES)})|(?<![\w.])(?!P\.\s?S\.){_INITIALS})\s*$"
)
#: Capitalised words that are no names: forms of address, titles, and abbreviations before
#: a number ("Op. 11", "Ms 181": the archival and document references).
_NOT_A_NAME = re.compile(
    rf"(?:Comrades?|{'|'.join(_TITLES + _TITLE_ABBREVIATIONS)})(?![\w])|[A-Z][a-z]{{,2}}\.?\s\d"
)
#: A note's number or a list item's ("1)", "a)") opening a line, before its first word.
_NOTE_NUMBER_AT_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:\d{1,3}|(?:\d{1,2}|[a-z])[.)])$")
#: Nouns of places and works named after people: a person's name before one of them (up
#: to two capitalised words between) names the place.
_NAMED_AFTER = re.compile(
    r"(?:[\s–-]+[A-Z][a-z]+(?:[-–][A-Z]?[a-z]+)*){0,3}\s+(?i:plant|works|factory|mills?|mines?|"
    r"station|street|square|prospect|avenue|canal|dam|institute|academy|university|park|"
    r"theat(?:re|er)|museum|stadium|bridge|combine|district|region|raion|province|"
    r"cocktails?)\b"
)
#: Awards and vessels named after a person, and places renamed for one: "the Order of
#: Lenin", "the cruiser Kirov", "Vyatka was renamed Kirov".
_NAMED_THING_BEFORE = re.compile(
    r"(?:\b(?:Order|Prize|Medal)\s+of|\b(?:cruiser|ship|icebreaker|steamer|steamship|"
    r"battleship|liner|destroyer|submarine|aircraft|renamed|city\s+of|town\s+of))\s+$"
)
#: How far before a word the recognisers look for what precedes it (a title, "the cruiser").
LOOK_BACK = 80
#: Lower-case particles inside a name ("Werner von Blomberg", "Primo de Rivera").
_NAME_PARTICLES = {"von", "van", "de", "del", "della", "da", "di", "du", "la", "le"}


@dataclass(frozen=True)
class NameMatch:
    """A name found in text: ``text[start:end]`` refers to register entry ``ref``."""

    start: int
    end: int
    ref: str  # "persons.xml#stalin"
    tag: str = "persName"
    fuzzy_score: float | None = None

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
        particles = re.search(rf"(?:\s(?:{'|'.join(_NAME_PARTICLES)}))+$", f" {self.forenames}")
        if particles and self.tag == "persName":
            forms.add(f"{particles.group().strip()} {self.surname}")
        forms |= {form[0].upper() + form[1:] for form in forms
                  if form.split(" ", 1)[0] in _NAME_PARTICLES}
        return {form for form in forms if form}

    def initials_agree(self, initials: str) -> bool:
        """ "B.I." agrees with "Boris Ivanovich"; with no forenames known any initials agree."""
        given = re.findall(r"[A-Z][a-z]?", initials)
        if not self.forenames or not given:
            return True
        names = re.findall(r"[A-Z][a-z]*", self.forenames)
        return (
            all(
                index < len(names) and names[index].startswith(letter)
                for index, letter in enumerate(given[: len(names)])
            )
            and bool(names)
            and names[0].startswith(given[0])
        )


class Register:
    """The register of persons, indexed for recognition."""

    def __init__(self, entries: list[Entry], path: Path | None = None) -> None:
        self.path = path
        self.entries = {entry.xml_id: entry for entry in entries}
        # Everyone a form names: "Kaganovich" is Lazar and Mikhail, told apart by initials;
        # without them the form names the first of them.
        self._all_by_form: dict[str, list[Entry]] = {}
        for entry in entries:
            for form in entry.forms():
                self._all_by_form.setdefault(form, []).append(entry)
        self._by_form = {form: named[0] for form, named in self._all_by_form.items()}
        alternatives = "|".join(
            re.escape(form) for form in sorted(self._by_form, key=len, reverse=True)
        )
        self._pattern = re.compile(
            rf"(?<![\w])(?P<initials>(?!P\.\s?S\.){_INITIALS})?(?P<name>{alternatives})"
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

    # --- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> Register:
        """Read a register; raise :class:`TeitoolError` naming the file if it is unusable."""
        try:
            tree = parse_file(path)
        except XmlProblem as problem:
            raise TeitoolError(f"register of persons: {problem}") from None
        entries: list[Entry] = []
        for kind, tag in (("person", "persName"), ("org", "orgName"), ("place", "placeName")):
            for node in tree.iterfind(f".//tei:{kind}", NSMAP):
                xml_id = node.get(_XML_ID)
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
        return cls(entries, path)

    @classmethod
    def empty(cls) -> Register:
        """The register of an edition that has none yet: every name is unknown."""
        return cls([])

    # --- recognition ----------------------------------------------------------------------

    def ref(self, entry: Entry) -> str:
        return f"persons.xml#{entry.xml_id}"

    def resolve(self, name: str) -> NameMatch | None:
        """Resolve one name as written ("L. Kaganovich", "Tov. Stalin", "Rosengolz")."""
        cleaned = re.sub(rf"^{FORMS_OF_ADDRESS}\s+", "", name.strip(" .,;:"))
        matches = [m for m in self.find_names(cleaned) if m.end - m.start >= len(cleaned) - 1]
        if matches:
            return matches[0]
        # Initials of another transliteration ("I. V. Stalin" for Joseph): still the person.
        initials = re.match(rf"{_INITIALS}\s*", cleaned)
        if initials and initials.end() < len(cleaned):
            rest = self.resolve(cleaned[initials.end() :])
            if rest is not None and rest.tag == "persName":
                return NameMatch(0, len(cleaned), rest.ref, rest.tag)
        # "the Politburo": the article is no part of the body's name.
        if cleaned.lower().startswith("the "):
            return self.resolve(cleaned[4:])
        return None

    def find_names(self, text: str) -> list[NameMatch]:
        """Every register name in ``text``, non-overlapping, in order (fuzzy ones included)."""
        # The encoders ask about the same line several times (is it an address, a
        # signature?) before annotating it: remember the answers.
        if text not in self._found:
            self._found[text] = tuple(self._find_names(text))
        return list(self._found[text])

    def _find_names(self, text: str) -> list[NameMatch]:
        found: list[NameMatch] = []
        taken: list[tuple[int, int]] = []
        for match in self._pattern.finditer(text):
            entry = self._by_form[match.group("name")]
            initials = match.group("initials")
            start = match.start()
            if entry.tag == "persName" and _names_a_thing(text, match):
                continue
            whole = self._by_form.get(" ".join(match.group().split()))
            if whole is not None:
                entry = whole
            elif initials and not entry.initials_agree(initials):
                namesakes = [other for other in self._all_by_form[match.group("name")]
                             if other.forenames and other.initials_agree(initials)]
                if namesakes:
                    entry = namesakes[0]  # "M. Kaganovich" is Mikhail, not Lazar
                else:
                    start = match.start("name")
            ref = self.ref(entry)
            # "Sergo Ordzhonikidze": a variant and the surname of one person, one name.
            if found and found[-1].ref == ref and text[found[-1].end : start] == " ":
                start = found.pop().start
                taken.pop()
            found.append(NameMatch(start, match.end("name"), ref, entry.tag))
            taken.append((start, match.end("name")))
        for match in _CAPITALISED.finditer(text):
            if _covered(taken, match.start()):
                continue
            guess = self.fuzzy(match.group())
            if guess:
                entry, score = guess
                found.append(
                    NameMatch(match.start(), match.end(), self.ref(entry), entry.tag, score)
                )
        return sorted(found, key=lambda m: m.start)

    @functools.cache  # noqa: B019 - a register lives as long as the run that loaded it
    def fuzzy(self, word: str) -> tuple[Entry, float] | None:
        """The known person a misspelt ``word`` most likely names, with its similarity."""
        if len(word) < FUZZY_MIN_LENGTH or word in self._by_form:
            return None
        best: tuple[float, str] | None = None
        for form in self._fuzzy_pool:
            if form[0] != word[0] or abs(len(form) - len(word)) > 2:
                continue
            score = JaroWinkler.similarity(word, form)
            if score >= FUZZY_THRESHOLD and (best is None or score > best[0]):
                best = (score, form)
        return (self._by_form[best[1]], round(best[0], 3)) if best else None

    def unknown_names(self, text: str) -> list[UnknownName]:
        """Capitalised words and runs of them that may be names the register lacks, in order.

        Left out: register names, calendar words, words the text also uses in lower case
        ("The", "Number", "may": common words), and a lone word that starts a sentence.
        Adjacent words, or words joined by a particle, make one name ("Nizhny Novgorod",
        "Maud de Gouy"). Initials before a word do not end a sentence: they mark a person.
        """
        known = [(m.start, m.end) for m in self.find_names(text)]
        lower_case = {word for word in re.findall(r"\b[a-z][a-z]+\b", text)}
        words = [
            match
            for match in _CAPITALISED.finditer(text)
            if not _covered(known, match.start())
            and match.group() not in self._by_form  # known, named here for a thing after them
            and match.group().lower() not in lower_case
            and match.group().lower() not in _CALENDAR_WORDS
            and not _NOT_A_NAME.match(text, match.start())
        ]
        runs: list[list[re.Match[str]]] = []
        for word in words:
            if runs and _joins(text[runs[-1][-1].end() : word.start()]):
                runs[-1].append(word)
            else:
                runs.append([word])
        found = []
        for run in runs:
            start, end = run[0].start(), run[-1].end()
            # What a cue or sentence end needs is just before the name: a short look back
            # keeps a long text linear.
            before = text[max(0, start - LOOK_BACK) : start].rstrip()
            cue = _PERSON_CUE.search(before)
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


def _names_a_thing(text: str, match: re.Match[str]) -> bool:
    """Whether a person's name here names a place, works, ship or award called after them
    ("the Kirov Works", "the Gorky Automobile Plant", "the cruiser Kirov", "the Order of
    Lenin"): no mention of the person. (A thing the person made or led, "the Ryutin group",
    still mentions them.)"""
    return bool(
        _NAMED_AFTER.match(text, match.end("name"))
        or _NAMED_THING_BEFORE.search(text, max(0, match.start() - LOOK_BACK), match.start())
    )


def _covered(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether ``position`` lies in one of ``spans`` (sorted, not overlapping)."""
    index = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _joins(gap: str) -> bool:
    """Whether the text between two capitalised words keeps them in one name."""
    return gap == " " or (
        gap.startswith(" ") and gap.endswith(" ") and gap.strip() in _NAME_PARTICLES
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
