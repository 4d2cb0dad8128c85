"""The run's provisional register: persons (and groups) the register lacks, met in the sources.

Every name encode takes for a person and cannot resolve becomes an entry here; the letters
and chapters point to it (``persons.xml#ID``) as to any other, and encode writes the
entries into the output register marked as provisional (``@cert="low"`` and a ``note
type="provisional"`` saying where the person was first met), for the editor to review and
merge (``teitool persons review`` / ``merge``).

One entry per person across the run: spellings that fold to one key (diacritics and the
transliteration equivalences of the conventions profile: "Yezhov" = "Ezhov") and the surname
alone, with initials, with forenames that agree, are one person. Ids are derived from the
name ("lozovsky"), so a re-run gives the same ones; an id the register (or an earlier
provisional entry) already has gets the first forename, then a number.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

#: Similarity at or above which two provisional surnames resembling the same register
#: person are taken for two spellings of one name.
SAME_SPELLING = 0.85
#: Lower-case particles that go with the surname ("von Papen", "de Gaulle").
NAME_PARTICLES = frozenset({"von", "van", "de", "del", "della", "da", "di", "du", "la", "le"})


@dataclass(frozen=True)
class PersonName:
    """A name split into its forenames (initials included) and its surname."""

    forenames: str
    surname: str

    @classmethod
    def parse(cls, name: str) -> PersonName:
        words = name.replace(".", ". ").split()
        surname_start = len(words) - 1
        while surname_start > 0 and words[surname_start - 1] in NAME_PARTICLES:
            surname_start -= 1
        forenames = " ".join(words[:surname_start]).replace(". ", ".")
        return cls(forenames, " ".join(words[surname_start:]))

    @property
    def initials(self) -> str:
        """The first letters of the forenames ("Pavel Ivanovich" and "P.I." both "PI")."""
        return "".join(word[0] for word in re.findall(r"[^\W\d_]+", self.forenames))

    @property
    def written_out(self) -> bool:
        """Whether a forename is written out, not only initials."""
        return bool(re.search(r"[^\W\d_]{2,}(?!\.)", self.forenames))


@dataclass
class ProvisionalEntry:
    """One person (or group) of the run that the register lacks."""

    xml_id: str
    tag: str
    name: PersonName
    #: Every spelling met, the first one first ("Lozovsky", "Pavel Lozovsky", "P. Lozovsky").
    spellings: list[str] = field(default_factory=list)
    #: The register entry it resembles but was not taken for ("petrovsky"), if any.
    candidate: str | None = None

    @property
    def regularised(self) -> str:
        """ "Surname, Forenames" as the register has it; a group's name as met."""
        if self.tag != "persName" or not self.name.forenames:
            return self.name.surname
        return f"{self.name.surname}, {self.name.forenames}"

    def agrees(self, name: PersonName) -> bool:
        """Whether ``name`` can be this person: no forenames on either side, or initials
        that agree ("P. Lozovsky" with "Pavel Lozovsky", not "Ivan Lozovsky")."""
        mine, theirs = self.name.initials, name.initials
        return not mine or not theirs or mine.startswith(theirs) or theirs.startswith(mine)


class ProvisionalRegister:
    """The provisional entries of one run, keyed by folded surname (persons) or name (groups)."""

    def __init__(
        self,
        taken_ids: Iterable[str],
        fold: Callable[[str], str],
        is_patronymic: Callable[[str], bool] = lambda word: False,
    ) -> None:
        self._taken = set(taken_ids)
        self._fold = fold
        self._is_patronymic = is_patronymic
        self.entries: dict[str, ProvisionalEntry] = {}
        self._by_key: dict[str, list[ProvisionalEntry]] = {}

    def key(self, name: str, tag: str = "persName") -> str:
        """What spellings of one person share: the folded surname (a group: its name; a
        forename and patronymic: both, "Anna Petrovna")."""
        text = self._parse(name).surname if tag == "persName" else name
        return f"{tag}:{self._fold(text)}"

    def _parse(self, name: str) -> PersonName:
        """ "Pavel Lozovsky" → Pavel, Lozovsky; a forename and patronymic ("Anna Petrovna")
        are a name without a surname, one key together."""
        words = name.split()
        if len(words) == 2 and self._is_patronymic(words[1]):
            return PersonName("", name)
        return PersonName.parse(name)

    def find(self, name: str, tag: str = "persName") -> ProvisionalEntry | None:
        """The entry ``name`` names, if the run has met it."""
        parsed = self._parse(name) if tag == "persName" else PersonName("", name)
        return next(
            (entry for entry in self._by_key.get(self.key(name, tag), ()) if entry.agrees(parsed)),
            None,
        )

    def add(
        self, name: str, tag: str = "persName", candidate: str | None = None
    ) -> ProvisionalEntry:
        """The entry for ``name``: the one the run already has for it, or a new one."""
        name = " ".join(name.split())
        parsed = self._parse(name) if tag == "persName" else PersonName("", name)
        entry = (
            self.find(name, tag)
            or self.by_forename_and_patronymic(name)
            or self._other_spelling(parsed, candidate)
        )
        if entry is None:
            entry = ProvisionalEntry(self._new_id(parsed), tag, parsed, candidate=candidate)
            self.entries[entry.xml_id] = entry
            self._by_key.setdefault(self.key(name, tag), []).append(entry)
        elif _fuller(parsed, entry.name):
            entry.name = parsed  # the fullest form names the entry: "Lozovsky, Pavel"
        if name not in entry.spellings:
            entry.spellings.append(name)
        entry.candidate = entry.candidate or candidate
        return entry

    def by_forename_and_patronymic(self, name: str) -> ProvisionalEntry | None:
        """The one person of the run a forename and patronymic name ("Pavel Grigorievich"
        for Pavel Lozovsky), if one alone has the forename."""
        words = name.split()
        if len(words) < 2 or not self._is_patronymic(words[-1]):
            return None
        forename = self._fold(words[0])
        bearers = [
            entry for entry in self.entries.values()
            if entry.name.surname and self._fold(entry.name.forenames.split(" ")[0]) == forename
        ]
        return bearers[0] if len(bearers) == 1 else None

    def _other_spelling(self, name: PersonName, candidate: str | None) -> ProvisionalEntry | None:
        """An entry that resembles the same register person as ``name`` and is spelt almost
        as it ("Sheboddaev", "Shebodtsaev" for Sheboldaev): another spelling of one person."""
        if candidate is None:
            return None
        surname = self._fold(name.surname)
        return next(
            (
                entry for entry in self.entries.values()
                if entry.candidate == candidate and entry.agrees(name)
                and JaroWinkler.similarity(self._fold(entry.name.surname), surname) >= SAME_SPELLING
            ),
            None,
        )

    def _new_id(self, name: PersonName) -> str:
        """The surname as written ("lozovsky"); taken, with the first forename
        ("popov-vasily"), then a number ("popov-2")."""
        base = _slug(name.surname) or "person"
        forename = _slug(name.forenames.split(" ")[0]) if name.written_out else ""
        tries = itertools.chain(
            [base, *([f"{base}-{forename}"] if forename else [])],
            (f"{base}-{number}" for number in itertools.count(2)),
        )
        xml_id = next(candidate for candidate in tries if candidate not in self._taken)
        self._taken.add(xml_id)
        return xml_id


def _fuller(name: PersonName, than: PersonName) -> bool:
    """Whether ``name`` says more of the forenames: initials where there were none, written
    out where there were initials."""
    return bool(name.surname) and (
        (bool(name.forenames) and not than.forenames) or (name.written_out and not than.written_out)
    )


def _slug(text: str) -> str:
    """An xml:id part: ASCII letters, digits and hyphens, starting with a letter."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug if slug[:1].isalpha() else f"p-{slug}".rstrip("-") if slug else ""
