"""One model of an edition's TEI, for the web edition, the print edition and the exports.

:func:`read_edition` reads a folder of TEI (or one file, or a ``teiCorpus``) through the
project's secure gate and gives an :class:`Edition`: its :class:`Document` s, each with its
kind, id, title, correspondents with roles, places, date, archive and letter number, and
one :class:`Registers` of persons, places and organisations, found the same way whoever wrote
the TEI (teitool, or an edition such as Schnitzler's or Escher's letters).

Documents
    * kind: ``letter`` (any document with a ``correspDesc``, whatever its ``@type`` or
      folder), ``introduction`` and ``chapter`` (teitool's ``@type``, else the ``div/@type``
      of the body, else the ``front/`` or ``chapters/`` folder), ``persons`` (a register:
      lists of persons, places or organisations and no text), else ``text``.
    * id: ``@xml:id``, else the file name, made file-name-safe; a repeated id is reported
      and the later document renamed ``ID-2``, ``ID-3``, … (files are read in path order).
    * title: the analytic title (``titleStmt/title[@level='a']``, else ``[@type='main']``)
      before a series or monograph title; else the first title; else the id.
    * parties: every ``persName``/``orgName``/``name``/``rs`` of a ``correspAction``: a
      sender in ``type="sent"``, an addressee in ``type="received"``, unless the name's own
      ``@type`` says ``sender`` or ``addressee`` (both in one action, as the Escher edition
      writes them).
    * date: the sent action's ``date`` (else any in ``correspDesc``, else the dateline's),
      its TEI attributes kept, with the earliest and latest day it allows and a sort key.
    * number (letters): 1, 2, … in date order, ties in source order: stable for every
      selection, the same on the web and in print.

Registers (:class:`Registers`)
    Every ``person``/``personGrp``/``place``/``org`` with an ``@xml:id`` or an authority
    ``idno`` in a ``listPerson``/``listPlace``/``listOrg`` anywhere in the edition (a
    teitool ``persons.xml``, a corpus header, a document's ``standOff`` or ``back``). Copies
    of an entry (per-letter lists repeat them) are one entity; entries that share an
    authority URI are one entity. A name's ``@ref`` or ``@key`` resolves as ``#id``,
    ``file.xml#id``, a bare id, a declared prefix (``prefixDef``: ``pmb:123``), or a URI;
    a URI or a key no entry claims is an entity of its own, named by its mentions. Each
    entity has one canonical ``key`` (file-name-safe), which the model writes on every name
    element of the TEI as ``t:key``.

The manifest (:meth:`Edition.manifest`), the one input of the stylesheets, namespace
``urn:teitool`` (prefix ``t``)::

    <t:edition>
      <t:doc kind="letter" id="L1" n="1" href="letters/L1.html" src="letters/L1.xml" order="0">
        <t:meta>
          <t:title>Emil Roth an Anton Halder, 4. 3. 1890</t:title>
          <t:sender key="pmb7002" kind="person">Emil Roth</t:sender>             (0..n)
          <t:addressee key="pmb7001" kind="person">Anton Halder</t:addressee>   (0..n)
          <t:place role="sent" key="pmb7040">Linz</t:place>                  (0..n)
          <t:date when="1890-03-04" earliest="1890-03-04" latest="1890-03-04"
                  sort="1890-03-04">4. 3. 1890</t:date>                      (0..1)
          <t:archive>Nachlass Halder, B 5</t:archive>                        (0..1)
        </t:meta>
        <TEI xmlns="http://www.tei-c.org/ns/1.0">… <persName ref="#pmb7001" t:key="pmb7001">…
      </t:doc>
      …
      <t:registers>
        <t:entity kind="person" key="pmb7001" name="Halder, Anton"
                  display="Anton Halder" sort="halder, anton"
                  born="1851-02-11" died="1924-07-30" mentions="12" letters="3">
          <t:variant>A. H.</t:variant>                                       (0..n)
          <t:authority>https://d-nb.info/gnd/100000010</t:authority>       (0..n)
          <t:note>…</t:note>                                               (0..n)
        </t:entity>
      </t:registers>
    </t:edition>

``t:doc/@n`` only on letters; ``@href`` only on documents that get a page (not registers);
a party's ``@key`` only when its name resolves; ``t:date`` carries whichever of ``when``,
``from``, ``to``, ``notBefore``, ``notAfter``, ``cert`` the TEI gives, and ``earliest``/
``latest`` only when they are ISO dates. Entities are in ``sort`` order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei.xmlio import TEI_NS, XML_NS, XmlProblem, parse_file

T_NS = "urn:teitool"
_T = f"{{{TEI_NS}}}"
_M = f"{{{T_NS}}}"
#: The attribute the model writes on each name element of the TEI: its register key.
KEY_ATTRIBUTE = f"{_M}key"

#: Files read as TEI in a folder (``*.tei`` is the other extension editions use).
SUFFIXES = (".xml", ".tei")

KINDS = ("introduction", "letter", "chapter", "text", "persons")
#: teitool's TEI/@type values, which say the kind outright (except for letters: see above).
KIND_BY_TYPE = {"introduction": "introduction", "chapter": "chapter", "persons": "persons"}
#: Body divisions that make a document an introduction or a chapter.
KIND_BY_DIV = {
    "introduction": "introduction",
    "preface": "introduction",
    "foreword": "introduction",
    "chapter": "chapter",
}
#: The folders teitool writes, for documents their structure leaves open.
KIND_BY_FOLDER = {"letters": "letter", "chapters": "chapter", "front": "introduction"}
#: Where each kind's page goes on the web; registers get none.
PAGE_FOLDER = {"letter": "letters", "chapter": "chapters", "introduction": "front", "text": "texts"}

#: Roles in a correspAction: the action's type, unless the name's own @type says it.
ROLE_BY_ACTION = {"sent": "sender", "received": "addressee"}
ROLES = ("sender", "addressee")
#: Name elements and the kind of entity they name (``rs``/``name`` by their @type).
NAME_KINDS = {"persName": "person", "orgName": "org", "placeName": "place"}
TYPED_NAMES = ("rs", "name")
ENTITY_KINDS = ("person", "place", "org")
#: Register entries: element → kind.
ENTRY_KINDS = {"person": "person", "personGrp": "person", "place": "place", "org": "org"}

DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter", "cert")
#: The attribute that places a date in order, first found first (as common.xsl's t:date-key).
SORT_ATTRIBUTES = ("when", "notAfter", "notBefore", "from", "to")
UNDATED = "9999"

#: Authority files: (name, what a URI or an idno of that type looks like, canonical URI).
AUTHORITIES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("gnd", re.compile(r"^(?:https?://)?d-nb\.info/gnd/([0-9X-]+)/?$|^([0-9X-]{6,})$"),
     "https://d-nb.info/gnd/{}"),
    ("viaf", re.compile(r"^(?:https?://)?(?:www\.)?viaf\.org/viaf/(\d+)/?$|^(\d+)$"),
     "https://viaf.org/viaf/{}"),
    ("wikidata",
     re.compile(r"^(?:https?://)?(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q\d+)/?$|^(Q\d+)$"),
     "https://www.wikidata.org/wiki/{}"),
    ("geonames", re.compile(r"^(?:https?://)?(?:www\.|sws\.)?geonames\.org/(\d+)(?:/.*)?$|^(\d+)$"),
     "https://www.geonames.org/{}"),
)
_URL = re.compile(r"^https?://\S+$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: A calendar date in ISO form, as precise as it is known: YYYY, YYYY-MM or YYYY-MM-DD.
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SOURCE_LINES = re.compile(r"(\S+\.txt)\D*?(\d+)")
#: prefixDef patterns are regular expressions the TEI brings: only short ones without a
#: quantified group that holds a quantifier (the shape of catastrophic backtracking).
_NESTED_QUANTIFIER = re.compile(r"\([^()]*[+*}][^()]*\)[+*{]")
_MAX_PATTERN = 200
_MAX_TOKEN = 200


# ============================================================================ the API


@dataclass(frozen=True)
class DateInfo:
    """A letter's date: the TEI attributes as given, and what they allow."""

    attributes: tuple[tuple[str, str], ...]  # (name, value) of when/from/to/notBefore/notAfter/cert
    text: str  # the words of the date, as the source gives them
    earliest: str | None  # the first day it allows (YYYY-MM-DD), when its values are ISO dates
    latest: str | None  # the last day it allows
    sort_key: str  # when, else notAfter, notBefore, from, to; "9999" for none

    def get(self, name: str) -> str | None:
        return dict(self.attributes).get(name)


@dataclass(frozen=True)
class Party:
    """A correspondent of a letter: a sender or an addressee."""

    role: str  # "sender" | "addressee"
    name: str  # the display name: the register's reading form, else the words of the TEI
    key: str | None  # the register key, when the name resolves
    kind: str  # "person" | "org"


@dataclass(frozen=True)
class Place:
    """A place of a correspAction: where a letter was sent from (``sent``) or to (``received``)."""

    role: str
    name: str
    key: str | None


@dataclass
class Document:
    """One TEI document of the edition."""

    path: Path  # the file it was read from
    src: str  # that file relative to the edition's folder (POSIX)
    root: etree._Element  # its tei:TEI element
    kind: str  # one of KINDS
    id: str  # unique in the edition, file-name-safe
    order: int  # its place in the reading of the folder (path order, then corpus order)
    title: str = ""
    parties: tuple[Party, ...] = ()
    places: tuple[Place, ...] = ()
    date: DateInfo | None = None
    archive: str = ""
    number: int | None = None  # letters: see letter_numbers

    @property
    def href(self) -> str | None:
        """Its page on the web, relative to the site; None for registers."""
        folder = PAGE_FOLDER.get(self.kind)
        return f"{folder}/{self.id}.html" if folder else None

    @property
    def senders(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.role == "sender")

    @property
    def addressees(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.role == "addressee")

    @property
    def earliest(self) -> str | None:
        return self.date.earliest if self.date else None

    @property
    def latest(self) -> str | None:
        return self.date.latest if self.date else None

    def source_position(self) -> tuple[str, int]:
        """(source file, first line) as teitool's encoder records it, else ("", 0)."""
        return source_position(self.root)

    def sort_key(self) -> tuple[int, str, str, int, int, str]:
        """Reading order: introductions, letters by date (ties in source order), chapters,
        other texts, registers."""
        source, line = self.source_position()
        date = (self.date.sort_key if self.date else UNDATED) if self.kind == "letter" else ""
        return (KINDS.index(self.kind), date, source, line, self.order, self.id)


@dataclass
class Entity:
    """A person, place or organisation of the registers."""

    key: str  # canonical, file-name-safe, unique over all kinds
    kind: str  # "person" | "place" | "org"
    name: str  # regularised ("Schnitzler, Arthur"), else the name as first met
    display: str  # in reading order ("Arthur Schnitzler")
    sort_key: str  # the name folded: no diacritics, case-folded
    variants: list[str] = field(default_factory=list)
    authorities: list[str] = field(default_factory=list)  # canonical authority URIs
    born: str | None = None
    died: str | None = None
    notes: list[str] = field(default_factory=list)
    mentions: int = 0  # names in the texts (tei:text) that resolve to it
    letters: int = 0  # letters it is a party of
    entry: etree._Element | None = None  # the register entry it comes from, if any


@dataclass
class Edition:
    """The documents of an edition and its registers (see the module's docstring)."""

    folder: Path
    documents: list[Document]
    registers: Registers
    warnings: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Document]:
        return [doc for doc in self.documents if doc.kind == kind]

    @property
    def letters(self) -> list[Document]:
        """The letters in date order (ties in source order)."""
        return sorted(self.of_kind("letter"), key=Document.sort_key)

    def in_reading_order(self, docs: Iterable[Document] | None = None) -> list[Document]:
        return sorted(self.documents if docs is None else docs, key=Document.sort_key)

    def manifest(self, docs: Sequence[Document] | None = None) -> etree._Element:
        """The edition document the stylesheets read (``docs``: a selection, in its order;
        default: every document in reading order). The TEI roots move into it."""
        return build_manifest(self, self.in_reading_order() if docs is None else docs)


# ============================================================================ reading


def read_edition(path: Path) -> Edition:
    """Read the TEI under ``path`` (a folder, one file, or a file holding a ``teiCorpus``).

    Files that are not TEI (other XML, broken XML, unreadable) are skipped with one warning
    each; a repeated id is reported and renamed. Raises nothing for bad content: a caller
    that needs documents checks ``documents``.
    """
    path = Path(path)
    warnings: list[str] = []
    roots = list(_read_roots(path, warnings))
    prefixes = _prefixes(root for _, root in roots)
    registers = Registers(prefixes)
    for _, root in roots + _nearest_register(path, warnings):
        registers.add_entries(root)
    documents = _documents(path, roots, warnings)
    for doc in documents:
        registers.annotate(doc)
    for doc in documents:
        _describe(doc, registers)
    numbers = letter_numbers(documents)
    for doc in documents:
        doc.number = numbers.get(doc.id)
    registers.count(documents)
    return Edition(path, documents, registers, warnings + registers.warnings)


def _nearest_register(path: Path, warnings: list[str]) -> list[tuple[Path, etree._Element]]:
    """For one file given alone: the register the validator would use for it (the nearest
    persons.xml), whose entries its names point at."""
    if not path.is_file():
        return []
    from tei.validate import find_register

    found = find_register(path.parent)
    if found is None or found.resolve() == path.resolve():
        return []
    return list(_read_roots(found, warnings))


def letter_numbers(docs: Iterable[Document]) -> dict[str, int]:
    """Letter id → its number: 1, 2, … in date order, ties in source order.

    :func:`read_edition` numbers all the letters of the edition this way, before any
    selection, so that a letter keeps its number in every selection and on every output.
    """
    letters = sorted((d for d in docs if d.kind == "letter"), key=Document.sort_key)
    return {doc.id: number for number, doc in enumerate(letters, 1)}


def tei_files(path: Path) -> list[Path]:
    """``path`` itself when a file, else every ``*.xml``/``*.tei`` below it in path order
    (hidden files and folders are skipped)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(
        p for p in path.rglob("*")
        if p.suffix.lower() in SUFFIXES and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


def _read_roots(path: Path, warnings: list[str]) -> Iterator[tuple[Path, etree._Element]]:
    """Each readable file's root, TEI or teiCorpus; one warning per file that is neither."""
    for file in tei_files(path):
        try:
            root = parse_file(file).getroot()
        except XmlProblem as problem:
            warnings.append(f"{problem} [{problem.rule}]; skipped")
            continue
        if root.tag in (f"{_T}TEI", f"{_T}teiCorpus"):
            yield file, root
        else:
            name = etree.QName(root)
            where = f"in namespace '{name.namespace}'" if name.namespace else "in no namespace"
            warnings.append(
                f"{file}:{root.sourceline or 1}:1: not a TEI document: the root element is "
                f"<{name.localname}> {where}; expected <TEI> in '{TEI_NS}' [tei-root]; skipped"
            )


def _documents(
    folder: Path, roots: Sequence[tuple[Path, etree._Element]], warnings: list[str]
) -> list[Document]:
    base = folder if folder.is_dir() else folder.parent
    documents: list[Document] = []
    seen: dict[str, Path] = {}
    for file, root in roots:
        members = list(root.iter(f"{_T}TEI")) if root.tag == f"{_T}teiCorpus" else [root]
        src = file.relative_to(base).as_posix()
        for position, member in enumerate(members, 1):
            stem = file.stem if len(members) == 1 else f"{file.stem}-{position}"
            wanted = page_id(member.get(f"{{{XML_NS}}}id") or stem)
            doc_id = _unique(wanted, seen)
            if doc_id != wanted:
                warnings.append(
                    f"{file}: the id '{wanted}' is also used by {seen[wanted]}; "
                    f"this document is '{doc_id}'"
                )
            seen[doc_id] = file
            kind = document_kind(member, src)
            documents.append(Document(file, src, member, kind, doc_id, len(documents)))
    return documents


def _unique(wanted: str, taken: Container[str]) -> str:
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def page_id(raw: str) -> str:
    """A file-name-safe id: diacritics folded, anything but ``A-Za-z0-9._-`` a hyphen."""
    cleaned = _UNSAFE.sub("-", fold(raw, casefold=False)).strip("-.")
    return cleaned or "document"


def fold(text: str, *, casefold: bool = True) -> str:
    """``text`` without diacritics (and case-folded): "Bühler" → "buhler", for sorting."""
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return bare.casefold() if casefold else bare


# ============================================================================ kinds


def _first(root: etree._Element, path: str) -> etree._Element | None:
    return root.find(path.replace("t:", _T))


def correspondence(root: etree._Element) -> etree._Element | None:
    return _first(root, "t:teiHeader/t:profileDesc/t:correspDesc")


def document_kind(root: etree._Element, src: str = "") -> str:
    """The kind of a TEI document (see the module's docstring); ``src`` is its path relative
    to the edition, whose first folder decides when nothing else does."""
    kind = KIND_BY_TYPE.get((root.get("type") or "").strip())
    if kind:
        return kind
    if correspondence(root) is not None or root.get("type") == "letter":
        return "letter"
    if root.find(f"{_T}text") is None and _has_lists(root):
        return "persons"
    for div in root.iterfind(f"{_T}text/{_T}body/{_T}div"):
        kind = KIND_BY_DIV.get(div.get("type") or "")
        if kind:
            return kind
    parts = src.split("/")
    return KIND_BY_FOLDER.get(parts[0], "text") if len(parts) > 1 else "text"


def _has_lists(root: etree._Element) -> bool:
    return any(
        True for _ in root.iter(f"{_T}listPerson", f"{_T}listPlace", f"{_T}listOrg")
    )


# ============================================================================ metadata


def plain_text(element: etree._Element | None) -> str:
    """The words of ``element``, normalised: notes left out, of a ``choice`` the reading
    (``expan``, ``corr``, ``reg``) only, adjacent elements kept apart by a space."""
    if element is None:
        return ""
    parts: list[str] = []
    _plain(element, parts)
    return " ".join("".join(parts).split())


_SKIPPED_IN_PLAIN = {f"{_T}{name}" for name in ("note", "abbr", "sic", "orig", "del", "fw")}


def _plain(element: etree._Element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _SKIPPED_IN_PLAIN:
            if child.tag == f"{_T}lb" and child.get("break") != "no":
                parts.append(" ")
            _plain(child, parts)
        if child.tail:
            parts.append(child.tail)


def document_title(root: etree._Element) -> str:
    """The analytic title (``@level='a'``, else ``@type='main'``), else the first title that
    is not a series', monograph's or journal's, else the first title."""
    titles = root.findall(f"{_T}teiHeader/{_T}fileDesc/{_T}titleStmt/{_T}title")
    ranked = (
        [t for t in titles if t.get("level") == "a"]
        + [t for t in titles if t.get("type") == "main"]
        + [t for t in titles if t.get("level") not in ("s", "m", "j") and not t.get("type")]
        + titles
    )
    return next((text for text in map(plain_text, ranked) if text), "")


def source_position(root: etree._Element) -> tuple[str, int]:
    """(source file, first line) from the publication statement teitool's encoder writes,
    so that letters of the same day keep the order of the source."""
    stmt = root.find(f"{_T}teiHeader/{_T}fileDesc/{_T}publicationStmt")
    text = " ".join(stmt.itertext()) if stmt is not None else ""
    match = _SOURCE_LINES.search(text)
    return (match.group(1), int(match.group(2))) if match else ("", 0)


def day_bound(iso: str, end: bool) -> str:
    """A partial ISO date as its first (or last) day: "1932-06" → "1932-06-01" / "-31".

    Day 31 for every month is only ever compared, never printed, so it needs no calendar.
    """
    parts = iso.split("-")
    if len(parts) == 1:
        parts += ["12", "31"] if end else ["01", "01"]
    elif len(parts) == 2:
        parts.append("31" if end else "01")
    return "-".join(parts[:3])


def date_info(date: etree._Element | None) -> DateInfo | None:
    """What a TEI ``date`` says. A bound known on one side only ("not after 12 June")
    counts as that day on both sides: that is where the letter stands in order."""
    if date is None:
        return None
    values = {name: (date.get(name) or "").strip() for name in DATE_ATTRIBUTES}
    when = values["when"]
    low = when or values["from"] or values["notBefore"] or values["notAfter"]
    high = when or values["to"] or values["notAfter"] or values["notBefore"]
    low, high = (low or high), (high or low)
    iso = bool(low and high and ISO_DATE.match(low) and ISO_DATE.match(high))
    sort_key = next((values[n] for n in SORT_ATTRIBUTES if values[n]), UNDATED)
    return DateInfo(
        tuple((name, value) for name, value in values.items() if value),
        plain_text(date),
        day_bound(low, end=False) if iso else None,
        day_bound(high, end=True) if iso else None,
        sort_key,
    )


def letter_date(root: etree._Element) -> etree._Element | None:
    """The sent action's date, else any date of the correspDesc, else the dateline's."""
    desc = correspondence(root)
    if desc is not None:
        for path in ("t:correspAction[@type='sent']/t:date", ".//t:date"):
            found = _first(desc, path)
            if found is not None:
                return found
    return _first(root, "t:text//t:dateline//t:date")


def archive_of(root: etree._Element) -> str:
    """Repository (or institution) and shelfmarks of the first msIdentifier of the source."""
    ms = _first(root, "t:teiHeader/t:fileDesc/t:sourceDesc//t:msIdentifier")
    if ms is None:
        return ""
    holder = [plain_text(e) for e in ms if e.tag in (f"{_T}repository", f"{_T}institution")]
    marks = [plain_text(e) for e in ms.iterfind(f".//{_T}idno")]
    return "; ".join(filter(None, [" ".join(filter(None, holder + marks[:1]))] + marks[1:]))


def _describe(doc: Document, registers: Registers) -> None:
    doc.title = document_title(doc.root) or doc.id
    if doc.kind != "letter":
        return
    doc.date = date_info(letter_date(doc.root))
    doc.archive = archive_of(doc.root)
    desc = correspondence(doc.root)
    if desc is None:
        return
    parties: list[Party] = []
    places: list[Place] = []
    for action in desc.iterfind(f"{_T}correspAction"):
        action_type = action.get("type") or ""
        for name in action:
            kind = name_kind(name)
            key = name.get(KEY_ATTRIBUTE)
            if kind == "place":
                places.append(Place(action_type, registers.display(key, name), key))
                continue
            role = name.get("type") if name.get("type") in ROLES else ROLE_BY_ACTION.get(action_type)
            if kind in ("person", "org") and role:
                parties.append(Party(role, registers.display(key, name), key, kind))
    typed = any(name.get("type") in ROLES for name in desc.iter())
    if typed and _title_reverses(parties, doc.title):
        # Seen in the Escher edition: persName/@type says the opposite of the title ("Roth an
        # Halder", signed by Roth, with Halder type="sender"). The title wins; said once.
        parties = [Party(SWAPPED_ROLE[p.role], p.name, p.key, p.kind) for p in parties]
        registers.swapped.append(doc.id)
    doc.parties, doc.places = tuple(parties), tuple(places)


#: Words between sender and addressee in a letter's title ("A an B", "A to B", "A à B").
TITLE_CONNECTORS = re.compile(r"\s(?:an|to|à|a|aan|till|til|do|al|à)\s")
SWAPPED_ROLE = {"sender": "addressee", "addressee": "sender"}


def _title_reverses(parties: Sequence[Party], title: str) -> bool:
    """Whether a title "X an Y" names as senders (X) the parties marked as addressees and as
    addressees (Y) those marked as senders."""
    found = TITLE_CONNECTORS.search(title)
    senders = [p.name for p in parties if p.role == "sender" and p.name]
    addressees = [p.name for p in parties if p.role == "addressee" and p.name]
    if not found or not senders or not addressees:
        return False
    before, after = title[: found.start()], title[found.end():]
    return (all(name in before for name in addressees) and all(name in after for name in senders)
            and not all(name in before for name in senders))


def name_kind(element: etree._Element) -> str | None:
    """person, place or org for a name element; None for anything else. ``rs`` and ``name``
    say it in their @type; an untyped ``name`` of a correspAction is a correspondent."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(_T):
        return None
    local = tag[len(_T):]
    if local in NAME_KINDS:
        return NAME_KINDS[local]
    if local not in TYPED_NAMES:
        return None
    typed = (element.get("type") or "").lower()
    if typed in ENTITY_KINDS:
        return typed
    parent = element.getparent()
    in_action = parent is not None and parent.tag == f"{_T}correspAction"
    return "person" if local == "name" and in_action else None


# ============================================================================ registers


@dataclass(frozen=True)
class PrefixDef:
    """A ``prefixDef``: ``pmb:123`` → its replacement pattern with ``$1`` = ``123``."""

    ident: str
    match: re.Pattern[str]
    replacement: str

    def expand(self, rest: str) -> str | None:
        if len(rest) > _MAX_TOKEN:
            return None
        found = self.match.fullmatch(rest)
        if found is None:
            return None
        return re.sub(r"\$(\d)", lambda m: found.group(int(m.group(1))) or "", self.replacement)


def _prefixes(roots: Iterable[etree._Element]) -> dict[str, PrefixDef]:
    """Every prefixDef of every teiHeader, first declaration of a prefix first."""
    found: dict[str, PrefixDef] = {}
    for root in roots:
        for node in root.iter(f"{_T}prefixDef"):
            ident = node.get("ident") or ""
            pattern = node.get("matchPattern") or ""
            if not ident or ident in found or len(pattern) > _MAX_PATTERN:
                continue
            if _NESTED_QUANTIFIER.search(pattern):
                continue
            try:
                compiled = re.compile(pattern)
            except re.error:
                continue
            found[ident] = PrefixDef(ident, compiled, node.get("replacementPattern") or "")
    return found


def authority_uri(value: str, scheme: str = "") -> str | None:
    """The canonical URI of an authority id: a GND, VIAF, Wikidata or GeoNames URI, or a bare
    id with its ``scheme`` (an idno's @type); any other http(s) URL as given; else None."""
    value = value.strip()
    scheme = scheme.lower()
    for name, pattern, template in AUTHORITIES:
        found = pattern.match(value)
        if found and (found.group(1) or scheme == name):
            return template.format(found.group(1) or found.group(2))
    return value.rstrip("/") if _URL.match(value) else None


def authority_id(uri: str) -> tuple[str, str] | None:
    """(gnd, viaf, wikidata or geonames; the id) of an authority URI in any form
    :data:`AUTHORITIES` reads, or None."""
    for name, pattern, _ in AUTHORITIES:
        found = pattern.match(uri)
        if found and found.group(1):
            return name, found.group(1)
    return None


def _authority_slug(uri: str) -> str:
    known = authority_id(uri)
    if known:
        return "-".join(known)
    return page_id(re.sub(r"^https?://(www\.)?", "", uri))


def _entry_names(entry: etree._Element, kind: str) -> list[etree._Element]:
    tag = {"person": "persName", "place": "placeName", "org": "orgName"}[kind]
    return entry.findall(f"{_T}{tag}") or entry.findall(f"{_T}name")


def _regularised(name: etree._Element) -> tuple[str, str]:
    """(regularised, reading order) of a register's name: "Surname, Forename" from parts."""
    surnames = [plain_text(e) for e in name.iterfind(f"{_T}surname")]
    forenames = [plain_text(e) for e in name.iterfind(f"{_T}forename")]
    if surnames:
        surname, forename = " ".join(surnames), " ".join(forenames)
        reg = f"{surname}, {forename}" if forename else surname
        return reg, " ".join(filter(None, [forename, surname]))
    text = plain_text(name)
    if ", " in text:
        last, _, first = text.partition(", ")
        return text, f"{first} {last}"
    return text, text


_PREFERRED = ("reg", "pref", "full", "main")
#: Lists of register entries (and of works, events) whose names are no mentions.
_LIST_TAGS = tuple(f"{_T}{name}" for name in (
    "listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "listObject"))


def _life_date(entry: etree._Element, event: str) -> str | None:
    node = entry.find(f"{_T}{event}")
    if node is None:
        return None
    date = node.find(f"{_T}date")
    for source in (node, date):
        if source is not None:
            value = source.get("when") or source.get("notBefore") or source.get("notAfter")
            if value:
                return value
    return None


class Registers:
    """Persons, places and organisations of the edition, each under one canonical key."""

    def __init__(self, prefixes: dict[str, PrefixDef] | None = None) -> None:
        self.prefixes = prefixes or {}
        self.entities: dict[str, Entity] = {}
        self.warnings: list[str] = []
        self._by_id: dict[str, str] = {}  # an entry's xml:id → key
        self._by_authority: dict[str, str] = {}  # authority URI → key
        self._by_identity: dict[str, str] = {}  # a URI or @key no entry claims → key
        self._dangling: Counter[str] = Counter()
        #: Letters whose persName/@type roles contradict their title (and were swapped).
        self.swapped: list[str] = []

    # ---------------------------------------------------------------- building

    def add_entries(self, root: etree._Element) -> None:
        """Take in every register entry below ``root``."""
        for lst in root.iter(f"{_T}listPerson", f"{_T}listPlace", f"{_T}listOrg"):
            for entry in lst:
                if isinstance(entry.tag, str) and entry.tag[len(_T):] in ENTRY_KINDS:
                    self._add_entry(entry, ENTRY_KINDS[entry.tag[len(_T):]])

    def _add_entry(self, entry: etree._Element, kind: str) -> None:
        local_id = entry.get(f"{{{XML_NS}}}id")
        uris = [
            uri for idno in entry.iterfind(f"{_T}idno")
            if (uri := authority_uri(plain_text(idno), idno.get("type") or ""))
        ]
        key = (self._by_id.get(local_id) if local_id else None) or next(
            (self._by_authority[u] for u in uris if u in self._by_authority), None)
        if key is None:
            if not local_id and not uris:
                return  # an entry nothing can point at
            key = self._new_key(page_id(local_id) if local_id else _authority_slug(uris[0]))
            self.entities[key] = self._entity_from_entry(key, entry, kind)
        entity = self.entities[key]
        if local_id:
            self._by_id.setdefault(local_id, key)
        for uri in uris:
            self._by_authority.setdefault(uri, key)
            if uri not in entity.authorities:
                entity.authorities.append(uri)
        for name in _entry_names(entry, kind):
            self._add_variant(entity, _regularised(name)[0])

    def _entity_from_entry(self, key: str, entry: etree._Element, kind: str) -> Entity:
        names = _entry_names(entry, kind)
        preferred = next((n for t in _PREFERRED for n in names if n.get("type") == t), None)
        chosen = preferred if preferred is not None else (names[0] if names else None)
        reg, display = _regularised(chosen) if chosen is not None else (key, key)
        return Entity(
            key, kind, reg or key, display or reg or key, fold(reg or key),
            born=_life_date(entry, "birth"), died=_life_date(entry, "death"),
            notes=[text for n in entry.iterfind(f"{_T}note") if (text := plain_text(n))],
            entry=entry,
        )

    def _new_key(self, wanted: str) -> str:
        return _unique(wanted, self.entities)

    def _add_variant(self, entity: Entity, text: str) -> None:
        if text and text not in (entity.name, entity.display) and text not in entity.variants:
            entity.variants.append(text)

    # ---------------------------------------------------------------- resolving

    def resolve(self, value: str, kind: str, text: str = "", *, pointers: bool = True) -> str | None:
        """The key of a ``@ref`` value (the first of its pointers that resolves), or with
        ``pointers=False`` of a ``@key`` (one value, spaces and all).

        A URI or key no entry claims becomes an entity of its own (``kind``, named
        ``text``); a pointer to an id no entry has (``#x``) resolves to nothing.
        """
        if not pointers:
            # A key names itself ("Halder (vom Berg) Anton"): a better name than a mention.
            value = " ".join(value.split())
            return value and (self._by_id.get(value) or self._identity(
                value, page_id(value), kind, value, []))
        for token in value.split():
            key = self._resolve_token(token, kind, text)
            if key:
                return key
        return None

    def _resolve_token(self, token: str, kind: str, text: str) -> str | None:
        token = self._expand_prefix(token)
        if _URL.match(token):
            uri = authority_uri(token) or token
            fragment = token.partition("#")[2]
            return (self._by_authority.get(uri) or self._by_id.get(fragment)
                    or self._identity(uri, _authority_slug(uri), kind, text, [uri]))
        if "#" in token:
            local_id = token.partition("#")[2]
            key = self._by_id.get(local_id)
            if key is None:
                self._dangling[token] += 1
            return key
        return self._by_id.get(token) or self._identity(token, page_id(token), kind, text, [])

    def _expand_prefix(self, token: str) -> str:
        ident, colon, rest = token.partition(":")
        prefix = self.prefixes.get(ident) if colon else None
        expanded = prefix.expand(rest) if prefix else None
        return expanded or token

    def _identity(
        self, identity: str, slug: str, kind: str, text: str, uris: list[str]
    ) -> str:
        key = self._by_identity.get(identity)
        if key is None:
            key = self._new_key(slug)
            self._by_identity[identity] = key
            name = text or identity
            self.entities[key] = Entity(key, kind, name, name, fold(name), authorities=uris)
        elif text != self.entities[key].name:
            self._add_variant(self.entities[key], text)
        return key

    # ---------------------------------------------------------------- documents

    def annotate(self, doc: Document) -> None:
        """Write ``t:key`` on every name element of ``doc`` that resolves; the header's
        correspondents first, so that an entity first met there is named as they are."""
        desc = correspondence(doc.root)
        names = list(desc.iter()) if desc is not None else []
        text = doc.root.find(f"{_T}text")
        if text is not None:
            # Names inside register entries (a letter's back lists) are no mentions.
            in_entries = {el for lst in text.iter(*_LIST_TAGS) for el in lst.iter()}
            names += [el for el in text.iter() if el not in in_entries]
        for element in names:
            kind = name_kind(element)
            ref, key_value = element.get("ref"), element.get("key")
            if kind and (ref or key_value):
                key = (self.resolve(ref, kind, plain_text(element)) if ref else None) or (
                    self.resolve(key_value, kind, plain_text(element), pointers=False)
                    if key_value else None)
                if key:
                    element.set(KEY_ATTRIBUTE, key)
                    self._name_from_header(key, element, desc)

    def _name_from_header(
        self, key: str, element: etree._Element, desc: etree._Element | None
    ) -> None:
        """An entity no register entry names takes its display name from a letter's header,
        where editors write names in full ("Anton Halder"), not inflected as in the text."""
        entity = self.entities[key]
        text = plain_text(element)
        if (entity.entry is None and entity.display == entity.name and text
                and desc is not None and element.getparent() in desc):
            entity.display = text
            if text in entity.variants:
                entity.variants.remove(text)

    def count(self, documents: Iterable[Document]) -> None:
        """Mentions in the texts and letters as a party, per entity; dangling pointers once."""
        for doc in documents:
            text = doc.root.find(f"{_T}text")
            for element in text.iter() if text is not None else ():
                key = element.get(KEY_ATTRIBUTE) if isinstance(element.tag, str) else None
                if key in self.entities:
                    self.entities[key].mentions += 1
            for key in {p.key for p in doc.parties if p.key}:
                self.entities[key].letters += 1
        for token, times in sorted(self._dangling.items()):
            self.warnings.append(
                f"registers: no entry has the id of '{token}' ({times} mention(s)); left unlinked"
            )
        self._dangling.clear()
        if self.swapped:
            shown = ", ".join(self.swapped[:5]) + (", …" if len(self.swapped) > 5 else "")
            self.warnings.append(
                f"correspondents: in {len(self.swapped)} letter(s) ({shown}) the names' "
                "@type sender/addressee contradict the title; roles taken from the title"
            )

    def display(self, key: str | None, element: etree._Element) -> str:
        """A name for display: the entity's, else the words of ``element``."""
        entity = self.entities.get(key) if key else None
        return entity.display if entity and entity.entry is not None else (
            plain_text(element) or (entity.display if entity else ""))

    def of_kind(self, kind: str) -> list[Entity]:
        return sorted((e for e in self.entities.values() if e.kind == kind),
                      key=lambda e: (e.sort_key, e.key))


# ============================================================================ the manifest


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attrs: str | None) -> etree._Element:
    element = etree.SubElement(parent, f"{_M}{tag}")
    for name, value in attrs.items():
        if value is not None:
            element.set(name, value)
    if text:
        element.text = text
    return element


def build_manifest(edition: Edition, docs: Sequence[Document]) -> etree._Element:
    """``<t:edition>`` for ``docs`` (see the module's docstring)."""
    root = etree.Element(f"{_M}edition", nsmap={"t": T_NS})
    for doc in docs:
        wrapper = _sub(root, "doc", kind=doc.kind, id=doc.id, src=doc.src, order=str(doc.order),
                       n=str(doc.number) if doc.number else None, href=doc.href)
        _meta(wrapper, doc)
        wrapper.append(doc.root)
    registers = _sub(root, "registers")
    for kind in ENTITY_KINDS:
        for entity in edition.registers.of_kind(kind):
            _entity(registers, entity)
    return root


def _meta(wrapper: etree._Element, doc: Document) -> None:
    meta = _sub(wrapper, "meta")
    _sub(meta, "title", doc.title)
    for party in doc.parties:
        _sub(meta, party.role, party.name, key=party.key, kind=party.kind)
    for place in doc.places:
        _sub(meta, "place", place.name, role=place.role, key=place.key)
    if doc.date is not None:
        _sub(meta, "date", doc.date.text, **dict(doc.date.attributes),
             earliest=doc.date.earliest, latest=doc.date.latest, sort=doc.date.sort_key)
    if doc.archive:
        _sub(meta, "archive", doc.archive)


def _entity(parent: etree._Element, entity: Entity) -> None:
    element = _sub(parent, "entity", kind=entity.kind, key=entity.key, name=entity.name,
                   display=entity.display, sort=entity.sort_key, born=entity.born,
                   died=entity.died, mentions=str(entity.mentions), letters=str(entity.letters))
    for variant in entity.variants:
        _sub(element, "variant", variant)
    for uri in entity.authorities:
        _sub(element, "authority", uri)
    for note in entity.notes:
        _sub(element, "note", note)
