"""Scoring the encoder on sources it has never seen.

Each ``tests/fixtures/unseen/<name>.txt`` has a ``<name>.gold.json`` beside it (the format is
in that folder's README.md). :func:`score_source` encodes one source the way a user would
(``encode_sources`` without ``kind``, so recognising the kind is part of the test), reads the
TEI it wrote and compares it with the gold: the letters in source order and, for each, the
correspondents, the date, the archival references and the footnotes; the endnotes of a
chapter; and the persons tagged in the text. tests/test_unseen_sources.py asserts on the
scores and bench/encode_accuracy.py prints them.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from tei.errors import TeitoolError
from tei.xmlio import NSMAP, parse_file

ROOT = Path(__file__).resolve().parent.parent
UNSEEN = Path(__file__).resolve().parent / "fixtures" / "unseen"
#: The edition's register: the unseen sources name some of its persons and many it lacks.
REGISTER = ROOT / "sources" / "persons.xml"

LETTER_FIELDS = ("senders", "recipients", "date", "idno", "footnotes", "datelines")
CHAPTER_FIELDS = ("endnotes",)
#: The date attributes of a letter's sent action that the gold gives (TEI att.datable.w3c).
DATE_ATTRIBUTES = ("when", "notBefore", "notAfter", "from", "to")

#: Words printed before a name that are no part of it: the gold leaves them out, and an
#: encoder may put them inside persName or not ("Comrade Stalin", "Count Benckendorff").
ADDRESS_WORDS = frozenset({
    "comrade", "comrades", "tov.", "tov", "com.", "mr.", "mrs.", "madame", "count", "prince",
    "captain", "engineer", "general", "dr.", "citizen", "dear",
})


# --- the gold ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldLetter:
    head: str
    senders: list[str]
    recipients: list[str]
    date: dict[str, str]
    idno: list[str]
    footnotes: int
    #: @when of each date in a dateline (opener's, closer's), in order: "3/III 38" is 1838.
    datelines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GoldName:
    """A surface string as printed, how often, and the register id it must point to (None:
    the person is not in the register, so @ref must point to no entry of it)."""

    text: str
    count: int
    ref: str | None = None
    why: str = ""


@dataclass(frozen=True)
class Gold:
    source: Path
    kind: str
    letters: list[GoldLetter]
    endnotes: int | None
    persons: list[GoldName]
    #: Names a persName may or may not tag (page titles): neither required nor wrong.
    optional: list[GoldName]
    #: Names printed that name no person (the Kirov works): documentation, and the checker's.
    not_persons: list[GoldName]


def unseen_sources() -> list[Path]:
    return sorted(UNSEEN.glob("*.txt"))


def load_gold(source: Path) -> Gold:
    data: dict[str, Any] = json.loads(
        source.with_suffix(".gold.json").read_text(encoding="utf-8")
    )

    def names(key: str) -> list[GoldName]:
        return [
            GoldName(entry["text"], entry["count"], entry.get("ref"), entry.get("why", ""))
            for entry in data.get(key, [])
        ]

    return Gold(
        source=source,
        kind=data["kind"],
        letters=[GoldLetter(**entry) for entry in data.get("letters", [])],
        endnotes=data.get("endnotes"),
        persons=names("persons"),
        optional=names("optional"),
        not_persons=names("not_persons"),
    )


def gold_problems(gold: Gold) -> list[str]:
    """Where the gold disagrees with its source: a name counted more or less often than it is
    printed (persons + optional + not_persons, longer names first so "L. Kaganovich" is not
    also a "Kaganovich"), or a letter's head not found after the one before it."""
    text = gold.source.read_text(encoding="utf-8")
    problems = []
    totals: dict[str, int] = {}
    for name in (*gold.persons, *gold.optional, *gold.not_persons):
        totals[name.text] = totals.get(name.text, 0) + name.count
    for surface in sorted(totals, key=len, reverse=True):
        pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
        printed = len(pattern.findall(text))
        text = pattern.sub(lambda match: "#" * len(match.group()), text)
        if printed != totals[surface]:
            problems.append(f"{surface!r}: the gold counts {totals[surface]}, the text has {printed}")
    try:
        head_lines(gold)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def head_lines(gold: Gold) -> list[int]:
    """The 1-based source line of each gold letter's head, searched in order: a head may be
    glued to the line before it ("…August 12".Kaganovich to Stalin …"), so a substring."""
    lines = gold.source.read_text(encoding="utf-8").split("\n")
    found: list[int] = []
    at = 0
    for letter in gold.letters:
        while at < len(lines) and letter.head not in lines[at]:
            at += 1
        if at == len(lines):
            raise ValueError(f"head {letter.head!r} is not in {gold.source.name} after line {found[-1:]}")
        found.append(at + 1)
    return found


# --- the scores -------------------------------------------------------------------------------


@dataclass
class FieldScore:
    correct: int = 0
    total: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def record(self, where: str, expected: object, found: object) -> None:
        self.total += 1
        if expected == found:
            self.correct += 1
        else:
            self.mismatches.append(f"{where}: expected {expected!r}, found {found!r}")


@dataclass
class PersonScore:
    expected: int = 0
    #: persName elements in the text, less those a gold "optional" name forgave.
    found: int = 0
    matched: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0


@dataclass
class SourceScore:
    source: str
    kind: str
    #: "letters", "chapter", or "none" when encode wrote neither (or failed: see error).
    found_kind: str = "none"
    error: str | None = None
    letters_expected: int = 0
    letters_found: int = 0
    letters_matched: int = 0
    fields: dict[str, FieldScore] = field(default_factory=dict)
    persons: PersonScore = field(default_factory=PersonScore)
    out_dir: Path | None = None

    @property
    def letters_accuracy(self) -> float:
        """Gold letters found at their place, over the gold's or the encoder's count,
        whichever is larger: a missed letter and an extra one both count against it."""
        larger = max(self.letters_expected, self.letters_found)
        return self.letters_matched / larger if larger else 1.0


@dataclass
class FoundLetter:
    path: Path
    root: etree._Element
    first_line: int
    last_line: int


def score_source(source: Path, out_dir: Path) -> SourceScore:
    """Encode ``source`` into ``out_dir`` (its kind recognised, not given) and score the TEI.

    ``out_dir`` must be new or empty: what an earlier run left there would be scored as this
    run's when encode fails.
    """
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ValueError(f"{out_dir} is not empty: give a new folder to encode into")
    gold = load_gold(source)
    score = SourceScore(source=source.name, kind=gold.kind, out_dir=out_dir)
    fields = LETTER_FIELDS if gold.kind == "letters" else CHAPTER_FIELDS
    score.fields = {name: FieldScore() for name in fields}
    score.letters_expected = len(gold.letters)
    try:
        # Imported here: an encoder that does not even import (others are changing it) is a
        # score of nothing written for each source, not an error collecting the tests.
        from tei.encode import encode_sources

        encode_sources([source], out_dir, register_path=REGISTER)
    except TeitoolError as exc:
        score.error = str(exc)
    except Exception as exc:  # a crash is a score of nothing written, not the scorer's end
        score.error = f"crash: {type(exc).__name__}: {exc}"
    letters = found_letters(out_dir)
    chapters = sorted((out_dir / "chapters").glob("*.xml"))
    score.found_kind = "letters" if letters else "chapter" if chapters else "none"
    score.letters_found = len(letters)
    registers = register_names(out_dir / "persons.xml", REGISTER)
    if gold.kind == "letters":
        score_letters(gold, letters, registers, score)
    else:
        endnotes = sum(
            len(parse_file(path).getroot().xpath("//tei:note[@type='endnote']", namespaces=NSMAP))
            for path in chapters
        )
        score.fields["endnotes"].record(source.name, gold.endnotes, endnotes)
    documents = [letter.path for letter in letters] + chapters
    documents += sorted((out_dir / "front").glob("*.xml"))
    score.persons = score_persons(gold, documents, register_ids(REGISTER))
    return score


def found_letters(out_dir: Path) -> list[FoundLetter]:
    """The letters written, in source order: by the lines their publicationStmt names."""
    letters = []
    for path in sorted((out_dir / "letters").glob("*.xml")):
        root = parse_file(path).getroot()
        statement = " ".join(root.xpath("string(//tei:publicationStmt)", namespaces=NSMAP).split())
        lines = re.search(r"\blines? (\d+)(?:\D{1,3}(\d+))?", statement)
        first = int(lines.group(1)) if lines else 0
        last = int(lines.group(2) or first) if lines else 0
        letters.append(FoundLetter(path, root, first, last))
    return sorted(letters, key=lambda letter: (letter.first_line, letter.path.name))


def score_letters(
    gold: Gold, letters: list[FoundLetter], registers: dict[str, str], score: SourceScore
) -> None:
    """Pair each gold letter, in order, with the first letter after the last one paired that
    holds the gold head's line or starts after it and before the next gold head (a letter
    whose header the encoder left to the letter before it is still this letter). Without
    line numbers in the TEI: the letter at the same place in order."""
    heads = head_lines(gold)
    ends = [*heads[1:], sys.maxsize]
    have_lines = all(letter.first_line for letter in letters)
    next_found = 0
    for number, expected in enumerate(gold.letters, start=1):
        line, next_head = heads[number - 1], ends[number - 1]
        where = f"letter {number} (line {line}: {expected.head})"
        paired: FoundLetter | None = None
        for index in range(next_found, len(letters)):
            candidate = letters[index]
            at_its_place = (
                candidate.first_line <= line <= candidate.last_line
                or line <= candidate.first_line < next_head
                if have_lines
                else index == number - 1
            )
            if at_its_place:
                paired, next_found = candidate, index + 1
                break
        if paired is None:
            for name in score.fields:
                score.fields[name].record(where, "a letter", "none at this line")
            continue
        score.letters_matched += 1
        actual = letter_fields(paired.root, registers)
        wanted: dict[str, object] = {
            "senders": expected.senders,
            "recipients": expected.recipients,
            "date": expected.date,
            "idno": expected.idno,
            "footnotes": expected.footnotes,
            "datelines": expected.datelines,
        }
        for name in score.fields:
            score.fields[name].record(f"{where} [{paired.path.name}]", wanted[name], actual[name])


def letter_fields(root: etree._Element, registers: dict[str, str]) -> dict[str, object]:
    """What one letter's TEI says, in the gold's terms."""

    def correspondents(action: str) -> list[str]:
        names = root.xpath(
            f"//tei:correspDesc/tei:correspAction[@type='{action}']/tei:persName",
            namespaces=NSMAP,
        )
        return [surname(name, registers) for name in names]

    dates = root.xpath(
        "//tei:correspDesc/tei:correspAction[@type='sent']/tei:date", namespaces=NSMAP
    )
    date = (
        {name: value for name in DATE_ATTRIBUTES if (value := dates[0].get(name)) is not None}
        if dates
        else {}
    )
    idnos = root.xpath(
        "//tei:msIdentifier/tei:idno | //tei:msIdentifier/tei:altIdentifier/tei:idno",
        namespaces=NSMAP,
    )
    footnotes = root.xpath("//tei:text//tei:note[@place='foot']", namespaces=NSMAP)
    datelines = root.xpath("//tei:text//tei:dateline//tei:date", namespaces=NSMAP)
    return {
        "senders": correspondents("sent"),
        "recipients": correspondents("received"),
        "date": date,
        "idno": [words(idno) for idno in idnos],
        "footnotes": len(footnotes),
        "datelines": [date.get("when", "no @when") for date in datelines],
    }


def surname(name: etree._Element, registers: dict[str, str]) -> str:
    """A correspondent's surname: the register's ("Kaganovich, Lazar") when @ref resolves,
    else the last word of the name as printed ("Tov. Bessonov" → "Bessonov")."""
    ref = name.get("ref", "")
    registered = registers.get(ref.rpartition("#")[2]) if ref else None
    if registered:
        return registered.split(",")[0].strip()
    printed = strip_address(words(name)).split()
    return printed[-1].strip(".,;:!?") if printed else ""


def register_names(*paths: Path) -> dict[str, str]:
    """xml:id → regularised name ("Surname, Forenames") of every person in the registers;
    the first register that has an id wins (the output one, with any provisional entries)."""
    names: dict[str, str] = {}
    for path in paths:
        if not path.is_file():
            continue
        for person in parse_file(path).getroot().iter("{*}person"):
            ident = person.get("{http://www.w3.org/XML/1998/namespace}id")
            reg = person.find("{*}persName[@type='reg']")
            if ident and reg is not None and ident not in names:
                names[ident] = words(reg)
    return names


def register_ids(path: Path) -> set[str]:
    return set(register_names(path))


# --- persons ----------------------------------------------------------------------------------


def words(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def strip_address(text: str) -> str:
    tokens = text.split()
    while len(tokens) > 1 and tokens[0].lower() in ADDRESS_WORDS:
        tokens.pop(0)
    return " ".join(tokens)


def normalise_name(text: str) -> str:
    """A persName's text as the gold writes names: no form of address before it, no
    possessive or punctuation after it ("Comrade Kruglikov's" → "Kruglikov")."""
    name = strip_address(" ".join(text.split()))
    name = re.sub(r"[’']s?$", "", name)
    name = name.rstrip(",;:!?")
    # A full stop after a word is punctuation; after an initial ("N. Z.") it is the name's.
    return re.sub(r"(?<=[a-zà-ÿ]{2})\.$", "", name)


@dataclass
class _Slot:
    """The mentions of one gold name not yet matched."""

    text: str
    ref: str | None
    left: int

    def takes(self, text: str, target: str, known_ids: set[str]) -> bool:
        if not self.left or text != self.text:
            return False
        return target == self.ref if self.ref else target not in known_ids


def score_persons(gold: Gold, documents: Iterable[Path], known_ids: set[str]) -> PersonScore:
    """Recall and precision of the persName elements in the documents' text against the gold.

    A persName matches a gold name with the same normalised text whose ref it satisfies: the
    gold's register id, or, for a person the register lacks, any @ref but one into the
    register (a name never silently matched to someone else). A persName a gold "optional"
    name covers counts neither way.
    """
    slots = [_Slot(name.text, name.ref, name.count) for name in gold.persons]
    optional = {name.text: name.count for name in gold.optional}
    score = PersonScore(expected=sum(name.count for name in gold.persons))
    for path in documents:
        root = parse_file(path).getroot()
        for element in root.xpath("//tei:text//tei:persName", namespaces=NSMAP):
            text, ref = normalise_name(words(element)), element.get("ref", "")
            target = ref.rpartition("#")[2] if ref else ""
            slot = next((slot for slot in slots if slot.takes(text, target, known_ids)), None)
            if slot is not None:
                slot.left -= 1
                score.matched += 1
                score.found += 1
            elif optional.get(text, 0) > 0:
                optional[text] -= 1
            else:
                score.found += 1
                score.spurious.append(f"{text} [{ref or 'no @ref'}] in {path.name}")
    for slot in slots:
        if slot.left:
            score.missed.append(f"{slot.text} [{slot.ref or 'not in the register'}] ×{slot.left}")
    return score


# --- validation -------------------------------------------------------------------------------


def validation_errors(out_dir: Path) -> list[str]:
    """The errors `teitool validate` reports on the folder encode wrote (its register beside)."""
    from tei.validate import ERROR, validate_paths

    report = validate_paths([out_dir], use_cache=False, jobs=1)
    return [
        f"{Path(issue.path).name}:{issue.line}:{issue.column}: [{issue.rule}] {issue.message}"
        for issue in report.issues
        if issue.severity == ERROR
    ]
