"""Export the edition for repositories: CMIF for correspSearch, a BagIt bag for archives.

* :func:`export_cmif` reads any edition's letters through the edition model
  (:func:`tei.edition.read_edition`: letters by their correspDesc, roles, registers), writes
  one CMIF correspDesc per letter (:func:`correspondence_desc`: authority URIs from ``@ref``,
  ``idno`` s and registers, doubt and dates in CMIF's terms, the letter's URL), frames them
  with ``tei/xslt/cmif.xsl`` (through the shared runner :mod:`tei.render.xslt`), then checks
  the result against the rules of the CMIF specification (:data:`CMIF_RULES`) before
  writing it atomically.
* :func:`export_bag` packs a build folder (TEI files, register, schema, validation report,
  CMIF) as a BagIt bag with the ``bagit`` package and validates it with bagit's validator.

Everything about a particular edition (publisher, URLs, licence, contact) comes from the
``[edition]`` table of the metadata file (``sources/metadata.toml`` by default), never from
this module. See :class:`EditionMetadata` for the keys. Until the table is filled in, the
exports are drafts: placeholders only where CMIF requires a value (:data:`PLACEHOLDERS`),
fields left out of bag-info.txt (BagIt requires none), and one warning saying so.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from tei import __version__
from tei.edition import (
    KEY_ATTRIBUTE,
    ROLE_BY_ACTION,
    Document,
    Edition,
    Registers,
    authority_id,
    correspondence,
    letter_date,
    name_kind,
    plain_text,
    read_edition,
)
from tei.errors import EXIT_CANNOT_RUN, EXIT_PROBLEMS, TeitoolError
from tei.resources import SCHEMA_DIR, XSLT_DIR
from tei.tomlfile import read_toml
from tei.xmlio import (
    NSMAP,
    TEI_NS,
    XML_NS,
    XmlProblem,
    atomic_directory,
    check_output,
    parse_bytes,
    serialize,
    tag_of,
    write_atomic,
)

#: The project's schema folder, packed into the bag beside the TEI it describes.
CMIF_XSL = XSLT_DIR / "cmif.xsl"
DEFAULT_METADATA = Path("sources") / "metadata.toml"

#: CMIF asks for CC BY 4.0 (documentation: "licence/@target … Mandatory:
#: https://creativecommons.org/licenses/by/4.0/"); http or https, with or without the slash.
CC_BY_4 = re.compile(r"^https?://creativecommons\.org/licenses/by/4\.0/?$")
CC_BY_STATEMENT = "This file is licensed under the terms of the Creative Commons License CC-BY 4.0"
CMIF_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter")
HTTP_URL = re.compile(r"^https?://[^\s/]+\.[^\s]*$")
# xsd:dateTime, as CMIF asks for publicationStmt/date/@when.
XSD_DATETIME = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"
)


def _t(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


# --- the edition's metadata -------------------------------------------------------------------


@dataclass(frozen=True)
class EditionMetadata:
    """The ``[edition]`` table of the metadata file: who publishes the edition, where, how.

    Required: ``title`` (of the letter index), ``editor``, ``publisher``, ``cmif_url`` (where
    the CMIF file is published; CMIF's identifier of the file), ``licence`` (a CC BY 4.0 URL,
    as CMIF requires), ``bibl`` (a citation of the edition the letters come from).
    Optional: ``editor_email``, ``publisher_url``, ``url`` (the edition's home page),
    ``bibl_type`` (online | print | hybrid; default online), ``bibl_id``, ``letter_url``
    (a letter's page, ``{id}`` standing for its id; without it, CMIF takes a letter's URL
    from its own TEI, see :func:`letter_url`), ``site_url`` (where the web edition is
    published: the pages' canonical URLs and citations), and for bag-info.txt
    ``source_organization``, ``contact_name``, ``contact_email``, ``description``.

    A required key the table lacks holds a placeholder (:data:`PLACEHOLDERS`) and is named
    in ``missing``: the exports are then drafts (see :func:`read_edition_metadata`).
    """

    title: str
    editor: str
    publisher: str
    cmif_url: str
    licence: str
    bibl: str
    editor_email: str = ""
    publisher_url: str = ""
    url: str = ""
    bibl_type: str = "online"
    bibl_id: str = ""
    letter_url: str = ""
    site_url: str = ""
    source_organization: str = ""
    contact_name: str = ""
    contact_email: str = ""
    description: str = ""
    origin: str = "metadata"
    missing: tuple[str, ...] = ()

    def given(self, key: str) -> str:
        """The value of ``key`` as the metadata gives it: empty for a placeholder."""
        return "" if key in self.missing else str(getattr(self, key))

    @property
    def bibl_xml_id(self) -> str:
        """The bibl's id: given, or a UUID derived from the CMIF URL so it never changes.

        The CMIF ODD asks for a static UUID and notes that an xml:id must begin with a
        letter, hence the prefix (the CMIF Schematron's UUID pattern still matches).
        """
        return self.bibl_id or f"edition-{uuid.uuid5(uuid.NAMESPACE_URL, self.cmif_url)}"


_REQUIRED = ("title", "editor", "publisher", "cmif_url", "licence", "bibl")
_URL_KEYS = ("cmif_url", "publisher_url", "url", "site_url")

#: What the exports use for a required key the [edition] table lacks: all are values CMIF
#: requires. Each says where the real one goes; the URL is in example.org, the domain kept
#: for examples; the licence is the only one CMIF allows (its statement says so in words).
PLACEHOLDERS: dict[str, str] = {
    **{key: f"(not given: {key} in the [edition] table of metadata.toml)" for key in _REQUIRED},
    "cmif_url": "https://example.org/cmif.xml",
    "licence": "https://creativecommons.org/licenses/by/4.0/",
}


def missing_keys(values: Mapping[str, Any]) -> list[str]:
    """The required keys an ``[edition]`` table lacks or leaves empty."""
    return [key for key in _REQUIRED if not str(values.get(key, "")).strip()]


def value_problems(values: Mapping[str, Any]) -> list[str]:
    """What is wrong with the keys an ``[edition]`` table gives (a typo, a URL that is none),
    leaving aside the keys it lacks."""
    known = set(EditionMetadata.__dataclass_fields__) - {"origin", "missing"}
    problems = [f"unknown key {key!r}" for key in sorted(set(values) - known)]
    problems += [
        f"{key} must be a string" for key, value in values.items() if not isinstance(value, str)
    ]
    for key in _URL_KEYS:
        value = values.get(key)
        if isinstance(value, str) and value and not HTTP_URL.match(value):
            problems.append(f"{key} must be an http(s) URL, not {value!r}")
    licence = values.get("licence")
    if isinstance(licence, str) and licence and not CC_BY_4.match(licence):
        problems.append(
            f"licence must be https://creativecommons.org/licenses/by/4.0/ (CMIF requires "
            f"CC BY 4.0), not {licence!r}"
        )
    if values.get("bibl_type", "online") not in ("online", "print", "hybrid"):
        problems.append(f"bibl_type must be online, print or hybrid, not {values['bibl_type']!r}")
    letter_url = values.get("letter_url")
    if isinstance(letter_url, str) and letter_url and "{id}" not in letter_url:
        problems.append("letter_url must contain {id} where the letter's id goes")
    bibl_id = values.get("bibl_id")
    if isinstance(bibl_id, str) and bibl_id and not re.match(r"^[A-Za-z_][\w.-]*$", bibl_id):
        problems.append(f"bibl_id must be an XML name (begin with a letter), not {bibl_id!r}")
    return problems


def default_metadata_path() -> Path:
    """The metadata file of the nearest teitool configuration, else sources/metadata.toml."""
    from tei.config import load_settings

    return load_settings().metadata or DEFAULT_METADATA


def read_edition_metadata(path: Path | None = None, *, named: bool = True) -> EditionMetadata:
    """The ``[edition]`` table of ``path``, with a placeholder for each required key it lacks.

    What the table gives is checked (:func:`value_problems`): an unknown key (a
    typo), a URL that is none, a licence CMIF does not take is a :class:`TeitoolError`
    naming the file. But a key left out, or the whole table, or the file when it was not
    ``named`` by the user (only looked for), is a draft's, not an error: the result names
    it in ``missing`` and :func:`draft_warning` says what the exports then lack. A file the
    user named and that is not there is an error.
    """
    path = path or default_metadata_path()
    if not path.exists():
        if named:
            raise TeitoolError(f"{path}: no metadata file", EXIT_CANNOT_RUN)
        table: dict[str, Any] = {}
    else:
        found = read_toml(path).get("edition", {})
        if not isinstance(found, dict):
            raise TeitoolError(f"{path}: edition must be a table, [edition]", EXIT_CANNOT_RUN)
        table = found
    problems = value_problems(table)
    if problems:
        raise TeitoolError(f"{path}: [edition]: {'; '.join(problems)}", EXIT_CANNOT_RUN)
    values = {key: value.strip() for key, value in table.items() if value.strip()}
    missing = tuple(missing_keys(values))
    values |= {key: PLACEHOLDERS[key] for key in missing}
    return EditionMetadata(**values, origin=str(path), missing=missing)


def draft_warning(meta: EditionMetadata) -> str | None:
    """One line saying what the exports lack when ``meta`` holds placeholders, or None."""
    if not meta.missing:
        return None
    if not Path(meta.origin).is_file():
        why = f"no metadata file {meta.origin}"
    elif len(meta.missing) == len(_REQUIRED):
        why = f"{meta.origin} has no [edition] table"
    else:
        why = f"{meta.origin}: [edition] lacks {', '.join(meta.missing)}"
    shown = [
        f"{key} ({PLACEHOLDERS[key]})" if key == "cmif_url" else key
        for key in meta.missing
        if key != "licence"
    ]
    cmif = f"CMIF has placeholders for {', '.join(shown)}" if shown else ""
    if "licence" in meta.missing:
        cmif += f"{' and' if cmif else 'CMIF'} states the licence CC BY 4.0 (the one CMIF allows)"
    given = bag_info_from_metadata(meta)
    left_out = [name for name in BAG_INFO_FROM_REQUIRED if name not in given]
    bag = f"; bag-info.txt has no {', '.join(left_out)}" if left_out else ""
    return (
        f"{why}, so the exports are drafts: {cmif}{bag}; fill in [edition] before publishing "
        "them (its keys: `teitool export cmif --help`)"
    )


# --- time stamps: reproducible -----------------------------------------------------------------


def build_time(now: dt.datetime | None = None, inputs: Iterable[Path] = ()) -> dt.datetime:
    """The moment an export stands for, in UTC, to the second.

    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) pins it. Otherwise it is the
    newest modification time of ``inputs``: the edition as of its latest change, so that
    exporting unchanged files again gives byte-identical output. With no inputs it is the
    current time.
    """
    if now is not None:
        return now.astimezone(dt.UTC).replace(microsecond=0)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            seconds = int(epoch)
            if seconds < 0:
                raise ValueError(epoch)
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise TeitoolError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970 that a "
                "date can have", EXIT_CANNOT_RUN
            ) from None
    newest = max((path.stat().st_mtime for path in _files_in(inputs)), default=None)
    if newest is not None:
        return dt.datetime.fromtimestamp(int(newest), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _files_in(paths: Iterable[Path]) -> Iterator[Path]:
    """The files among ``paths`` and in the folders among them, hidden ones left out."""
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            for found in path.rglob("*"):
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if found.is_file() and not hidden:
                    yield found


# --- CMIF: the rules ----------------------------------------------------------------------------

#: Where the rules come from:
#:  [doc] CMIF documentation, TEI Correspondence SIG,
#:        https://github.com/TEI-Correspondence-SIG/CMIF/blob/master/doc/documentation-en.md
#:        (tables "Correspondence Metadata" and "Information about the digital index of letters")
#:  [odd] the CMIF customization, odd/cmi-customization.odd in the same repository
#:  [sch] the CMIF Schematron, odd/cmif.sch in the same repository
CMIF_RULES: dict[str, tuple[str, str]] = {
    "root": ("the document element is TEI in the TEI namespace", "[doc] Introduction"),
    "title": ("fileDesc/titleStmt/title is present and not empty", "[doc] //titleStmt/title"),
    "editor": (
        "titleStmt has one or more non-empty editor, after the title",
        "[doc] //titleStmt/editor; [odd] titleStmt = title, editor+",
    ),
    "publicationStmt": (
        "publicationStmt holds publisher+, idno, date, availability in this order",
        "[odd] publicationStmt content",
    ),
    "publisher": ("publicationStmt/publisher is not empty", "[doc] //publicationStmt/publisher"),
    "idno": (
        "publicationStmt/idno has @type='url' and an http(s) URL of the file",
        "[doc] //publicationStmt/idno; [odd] idno/@type closed list: url",
    ),
    "date": (
        "publicationStmt/date/@when is an xsd:dateTime",
        "[doc] //publicationStmt/date/@when, Format: xsd:dateTime",
    ),
    "licence": (
        "availability/licence/@target is the CC BY 4.0 URL and the licence has a statement",
        "[doc] //publicationStmt/availability/licence(/@target), Mandatory; [odd] @target req",
    ),
    "bibl": (
        "sourceDesc holds only bibl, one or more, each with @type print|online|hybrid "
        "and an @xml:id",
        "[doc] //sourceDesc/bibl/@type; [odd] sourceDesc = bibl+, bibl/@type and @xml:id req",
    ),
    "location": (
        "correspDesc elements stand in teiHeader/profileDesc",
        "[doc] 'The correspDesc elements are noted inside TEI/teiHeader/profileDesc'",
    ),
    "source": (
        "every correspDesc/@source is '#' + the xml:id of a sourceDesc/bibl",
        "[sch] E0003",
    ),
    "actions": (
        "every correspDesc has a correspAction of @type sent and one of @type received, "
        "and no other type",
        "[sch] E0001, E0002; [doc] correspAction/@type allowed: sent, received",
    ),
    "action-content": (
        "a correspAction holds only persName, orgName, placeName, date, and no text",
        "[doc] /correspAction: only these child elements, no text allowed",
    ),
    "names": (
        "a correspAction names someone: persName or orgName, not empty ('Unknown' if unknown)",
        "[doc] /correspAction/persName: Mandatory; 'Unknown' when unknown",
    ),
    "name-ref": (
        "persName/orgName/placeName @ref, where present, is one or more http(s) authority URIs",
        "[doc] /persName/@ref: authority controlled ID; [odd] @ref: a list of anyURI",
    ),
    "date-attributes": (
        "a correspAction's date is empty and has @when, @from, @to, @notBefore or @notAfter",
        "[sch] E0004; [odd] date content empty",
    ),
    "date-format": (
        "date attributes are YYYY, YYYY-MM or YYYY-MM-DD",
        "[doc] /correspAction/date: only these formats",
    ),
}


@dataclass(frozen=True)
class CmifProblem:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.message} [cmif-{self.rule}]"


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _one(root: etree._Element, path: str) -> etree._Element | None:
    found = root.xpath(path, namespaces=NSMAP)
    return found[0] if found else None


def _check_root(root: etree._Element) -> Iterable[CmifProblem]:
    if root.tag != _t("TEI"):
        yield CmifProblem(
            "root", f"the root element is {tag_of(root)}, not TEI in the TEI namespace"
        )


def _check_title_stmt(root: etree._Element) -> Iterable[CmifProblem]:
    stmt = _one(root, "tei:teiHeader/tei:fileDesc/tei:titleStmt")
    if stmt is None or not _text(_one(stmt, "tei:title")):
        yield CmifProblem("title", "titleStmt/title is missing or empty")
        return
    children = [etree.QName(child).localname for child in stmt if isinstance(child.tag, str)]
    editors = stmt.findall(_t("editor"))
    if not editors or children != ["title"] + ["editor"] * len(editors):
        yield CmifProblem("editor", f"titleStmt should be title, editor+; found {children}")
    for editor in editors:
        if not _text(editor):
            yield CmifProblem("editor", "an editor is empty")


def _check_publication_stmt(root: etree._Element) -> Iterable[CmifProblem]:
    stmt = _one(root, "tei:teiHeader/tei:fileDesc/tei:publicationStmt")
    if stmt is None:
        yield CmifProblem("publicationStmt", "publicationStmt is missing")
        return
    children = [etree.QName(child).localname for child in stmt if isinstance(child.tag, str)]
    publishers = children.count("publisher")
    if not publishers or children != ["publisher"] * publishers + ["idno", "date", "availability"]:
        yield CmifProblem(
            "publicationStmt", f"expected publisher+, idno, date, availability; found {children}"
        )
    for publisher in stmt.findall(_t("publisher")):
        if not _text(publisher):
            yield CmifProblem("publisher", "publisher is empty")
    idno = stmt.find(_t("idno"))
    if idno is not None and (idno.get("type") != "url" or not HTTP_URL.match(_text(idno))):
        yield CmifProblem(
            "idno", f"idno must be type='url' with an http(s) URL; found "
            f"type={idno.get('type')!r}, {_text(idno)!r}"
        )
    date = stmt.find(_t("date"))
    if date is not None and not XSD_DATETIME.match(date.get("when", "")):
        yield CmifProblem("date", f"date/@when={date.get('when')!r} is not an xsd:dateTime")
    licence = _one(stmt, "tei:availability/tei:licence")
    if licence is None or not CC_BY_4.match(licence.get("target", "")) or not _text(licence):
        target = licence.get("target") if licence is not None else None
        yield CmifProblem(
            "licence", f"licence must target CC BY 4.0 with a statement; target={target!r}"
        )


def _bibl_ids(root: etree._Element) -> set[str]:
    return {
        bibl.get(f"{{{XML_NS}}}id", "")
        for bibl in root.xpath(
            "tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:bibl", namespaces=NSMAP
        )
    }


def _check_source_desc(root: etree._Element) -> Iterable[CmifProblem]:
    desc = _one(root, "tei:teiHeader/tei:fileDesc/tei:sourceDesc")
    children = [] if desc is None else [c for c in desc if isinstance(c.tag, str)]
    if not children or any(child.tag != _t("bibl") for child in children):
        yield CmifProblem("bibl", "sourceDesc must hold one or more bibl and nothing else")
    for bibl in children:
        if bibl.get("type") not in ("print", "online", "hybrid"):
            yield CmifProblem("bibl", f"bibl/@type={bibl.get('type')!r}: print, online or hybrid")
        if not bibl.get(f"{{{XML_NS}}}id"):
            yield CmifProblem("bibl", "bibl has no xml:id for correspDesc/@source to point to")


def _label(desc: etree._Element) -> str:
    return desc.get("key") or desc.get("ref") or f"correspDesc at line {desc.sourceline}"


def _check_action(label: str, action: etree._Element) -> Iterable[CmifProblem]:
    if (action.text or "").strip() or any((c.tail or "").strip() for c in action):
        yield CmifProblem("action-content", f"{label}: correspAction contains text")
    allowed = {_t(name) for name in ("persName", "orgName", "placeName", "date")}
    for child in action:
        if isinstance(child.tag, str) and child.tag not in allowed:
            yield CmifProblem(
                "action-content", f"{label}: correspAction contains {etree.QName(child).localname}"
            )
    names = action.findall(_t("persName")) + action.findall(_t("orgName"))
    if not names or any(not _text(name) for name in names):
        yield CmifProblem("names", f"{label}: {action.get('type')} action names no one")
    for named in names + action.findall(_t("placeName")):
        ref = named.get("ref")
        # CMIF's @ref is TEI's: a list of URIs (a GND and a Wikidata id of the same person).
        if ref is not None and not (ref.split() and all(map(HTTP_URL.match, ref.split()))):
            yield CmifProblem("name-ref", f"{label}: @ref={ref!r} is not an http(s) URI")
    for date in action.findall(_t("date")):
        present = [name for name in DATE_ATTRIBUTES if date.get(name) is not None]
        if not present or len(date) or (date.text or "").strip():
            yield CmifProblem(
                "date-attributes", f"{label}: date must be empty with a date attribute"
            )
        for name in present:
            if not CMIF_DATE.match(date.get(name, "")):
                yield CmifProblem("date-format", f"{label}: date/@{name}={date.get(name)!r}")


def _check_corresp(root: etree._Element) -> Iterable[CmifProblem]:
    bibl_ids = _bibl_ids(root)
    for desc in root.iter(_t("correspDesc")):
        label = _label(desc)
        parent = desc.getparent()
        grandparent = parent.getparent() if parent is not None else None
        if parent is None or parent.tag != _t("profileDesc") or grandparent is None or (
            grandparent.tag != _t("teiHeader")
        ):
            yield CmifProblem("location", f"{label}: correspDesc is not in teiHeader/profileDesc")
        source = desc.get("source", "")
        if not source.startswith("#") or source[1:] not in bibl_ids:
            yield CmifProblem("source", f"{label}: @source={source!r} points to no sourceDesc/bibl")
        actions = desc.findall(_t("correspAction"))
        types = [action.get("type") for action in actions]
        if "sent" not in types or "received" not in types or set(types) - {"sent", "received"}:
            yield CmifProblem("actions", f"{label}: correspAction types {types}")
        for action in actions:
            yield from _check_action(label, action)


_CHECKS: tuple[Callable[[etree._Element], Iterable[CmifProblem]], ...] = (
    _check_root,
    _check_title_stmt,
    _check_publication_stmt,
    _check_source_desc,
    _check_corresp,
)


def check_cmif(tree: etree._ElementTree | etree._Element) -> list[CmifProblem]:
    """Every way ``tree`` breaks a rule of :data:`CMIF_RULES` (empty: a conforming file)."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    problems = [problem for check in _CHECKS for problem in check(root)]
    if root.tag == _t("TEI") and not list(root.iter(_t("correspDesc"))):
        problems.append(CmifProblem("location", "the file describes no letter (no correspDesc)"))
    return problems


def cmif_notices(tree: etree._ElementTree | etree._Element) -> list[str]:
    """What a conforming CMIF file still lacks that an editor should know about.

    A letter with no usable date or no known correspondent is kept (CMIF allows both: a
    date "if available", a name "Unknown"), but correspSearch cannot place or link it, so
    each is reported. Persons without an authority URI are summarised in one line.
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    notices: list[str] = []
    without_ref: set[str] = set()
    for desc in root.iter(_t("correspDesc")):
        label = _label(desc)
        for action in desc.findall(_t("correspAction")):
            role = "sender" if action.get("type") == "sent" else "addressee"
            names = action.findall(_t("persName")) + action.findall(_t("orgName"))
            if all(_text(name) == "Unknown" for name in names):
                notices.append(f"{label}: no {role} in the TEI; exported as 'Unknown'")
            without_ref.update(
                _text(name)
                for name in names
                if name.get("ref") is None and _text(name) != "Unknown"
            )
            if action.get("type") == "sent" and action.find(_t("date")) is None:
                notices.append(f"{label}: no usable date; exported undated")
    if without_ref:
        unlinked = sorted(without_ref)
        shown = "; ".join(unlinked[:8]) + (
            f"; … {len(unlinked) - 8} more" if len(unlinked) > 8 else ""
        )
        notices.append(
            f"{len(unlinked)} correspondent(s) have no authority id (GND, VIAF, Wikidata) in the "
            f"TEI, so correspSearch cannot link them (their names are kept): {shown}"
        )
    return notices


# --- CMIF: from the edition model ------------------------------------------------------------

#: TEI's @cert → CMIF's. CMIF 1.1 knows one value, "low" (the attribution is uncertain); a
#: certain one carries none. Any doubt ("medium", "unknown", a probability) is uncertain.
CMIF_CERT: dict[str, str | None] = {"high": None, "medium": "low", "low": "low", "unknown": "low"}
#: TEI's @evidence → CMIF's: only "conjecture" (the editor's, not the letter's; a printed
#: edition's brackets). "internal"/"external" say where evidence is, which CMIF does not ask.
CMIF_EVIDENCE = {"conjecture": "conjecture"}
#: The authority files CMIF's @ref carries, the preferred first (a consumer that takes one
#: URI takes the first): persons and organisations by the files the CMIF documentation names
#: (GND, VIAF) and Wikidata; places by GeoNames, the gazetteer it recommends.
REF_AUTHORITIES = {
    "person": ("gnd", "viaf", "wikidata"),
    "org": ("gnd", "viaf", "wikidata"),
    "place": ("geonames", "gnd", "wikidata", "viaf"),
}
#: CMIF's element for each kind of correspondent.
NAME_TAGS = {"person": "persName", "org": "orgName"}
#: The CMIF schema's embedded Schematron (att.datable.w3c) forbids these pairs; the first
#: attribute of a pair is the more precise statement and is kept.
DATE_EXCLUSIONS: dict[str, tuple[str, ...]] = {
    "when": ("from", "to", "notBefore", "notAfter"),
    "from": ("notBefore",),
    "to": ("notAfter",),
}
#: A time of day CMIF cannot take: the day it falls on is kept ("1893-06-12T10:00" → day).
ISO_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T\S+$")
#: A letter's own URL in its publicationStmt: idno types (lower-cased) that hold one.
LETTER_URL_IDNOS = ("url", "uri", "handle")


def _tei(parent: etree._Element | None, tag: str, text: str = "", /, **attrs: str | None
         ) -> etree._Element:
    attributes = {name: value for name, value in attrs.items() if value}
    if parent is None:
        element = etree.Element(_t(tag), attributes, nsmap={None: TEI_NS})
    else:
        element = etree.SubElement(parent, _t(tag), attributes)
    element.text = text or None
    return element


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


#: The form of each authority's URI that correspSearch indexes, matching ids as strings (its
#: documentation and the CMIF examples: "http://d-nb.info/gnd/100000045"); the edition model
#: keeps the https forms a reader's browser is sent to.
CMIF_URI_FORMS = {
    "gnd": "http://d-nb.info/gnd/{}",
    "viaf": "http://viaf.org/viaf/{}",
    "wikidata": "http://www.wikidata.org/entity/{}",
    "geonames": "http://www.geonames.org/{}",
}


def authority_refs(registers: Registers, key: str | None, element: etree._Element | None,
                   kind: str) -> list[str]:
    """The authority URIs CMIF's @ref gets for a name: its entity's (register entries'
    ``idno`` s, a URI as its identity) and those of every other pointer of its ``@ref``
    (``ref="#pmb1 https://d-nb.info/gnd/1"`` names two; the model keys a name by the first
    that resolves, and resolving the others registers an unclaimed URI as the model would),
    in :data:`REF_AUTHORITIES` order."""
    keys = [key] if key else []
    if element is not None:
        tokens = (element.get("ref") or "").split()
        keys += [found for token in tokens if (found := registers.resolve(token, kind))]
    uris = _unique(uri for k in keys if k in registers.entities
                   for uri in registers.entities[k].authorities)
    wanted = REF_AUTHORITIES[kind]
    ranked = [(wanted.index(scheme_id[0]), CMIF_URI_FORMS[scheme_id[0]].format(scheme_id[1]))
              for uri in uris if (scheme_id := authority_id(uri)) and scheme_id[0] in wanted]
    return _unique(uri for _, uri in sorted(ranked, key=lambda pair: pair[0]))


def _name_element(desc: etree._Element, key: str | None, name: str) -> etree._Element | None:
    """The name element of the correspDesc a party or place was read from: by its register
    key, else (a name that resolves to nothing) by its words."""
    for element in desc.iter():
        if name_kind(element) is None:
            continue
        if (element.get(KEY_ATTRIBUTE) == key) if key else (
                element.get(KEY_ATTRIBUTE) is None and plain_text(element) == name):
            return element
    return None


def _certainty(element: etree._Element | None) -> dict[str, str | None]:
    """@cert and @evidence of ``element`` as CMIF allows them (:data:`CMIF_CERT`,
    :data:`CMIF_EVIDENCE`)."""
    if element is None:
        return {}
    cert = (element.get("cert") or "").strip().lower()
    evidence = (element.get("evidence") or "").strip().lower()
    return {
        "cert": CMIF_CERT.get(cert, "low") if cert else None,
        "evidence": CMIF_EVIDENCE.get(evidence),
    }


def _cmif_name(registers: Registers, key: str | None, words: str) -> str:
    """A register entry's regularised name ("Schnitzler, Arthur", as the CMIF examples
    write names), else the words of the TEI."""
    entity = registers.entities.get(key) if key else None
    return entity.name if entity is not None and entity.entry is not None else words


def _add_name(action: etree._Element, model: Edition, desc: etree._Element, tag: str,
              kind: str, key: str | None, words: str) -> None:
    element = _name_element(desc, key, words)
    refs = authority_refs(model.registers, key, element, kind)
    _tei(action, tag, _cmif_name(model.registers, key, words) or "Unknown",
         ref=" ".join(refs), **_certainty(element))


def _cmif_value(value: str) -> str | None:
    if CMIF_DATE.match(value):
        return value
    day = ISO_DATE_TIME.match(value)
    return day.group(1) if day else None


def cmif_date(date: etree._Element | None, label: str, notes: list[str]) -> etree._Element | None:
    """A TEI date as CMIF takes it: its dating attributes in CMIF's forms (YYYY, YYYY-MM,
    YYYY-MM-DD; a time of day dropped), no pair the CMIF Schematron forbids, @cert and
    @evidence mapped. None when no attribute is left (CMIF: a date "if available"); a value
    left out is noted in ``notes``."""
    if date is None:
        return None
    values: dict[str, str] = {}
    for name in DATE_ATTRIBUTES:
        given = (date.get(name) or "").strip()
        value = _cmif_value(given) if given else None
        if value:
            values[name] = value
        elif given:
            notes.append(f"{label}: date/@{name}={given!r} is not in a form CMIF accepts "
                         "(YYYY, YYYY-MM, YYYY-MM-DD); left out")
    for name, excluded in DATE_EXCLUSIONS.items():
        if name in values:
            for other in excluded:
                values.pop(other, None)
    if not values:
        return None
    return _tei(None, "date", **values, **_certainty(date))


def _action_dates(doc: Document) -> dict[str, etree._Element | None]:
    """The date of each correspAction; a letter whose actions carry none is dated by the
    model's date (its dateline's), as the sent one."""
    desc = correspondence(doc.root)
    found = {
        action: desc.find(f"{_t('correspAction')}[@type='{action}']/{_t('date')}")
        if desc is not None else None
        for action in ROLE_BY_ACTION
    }
    if all(date is None for date in found.values()):
        found["sent"] = letter_date(doc.root)
    return found


def letter_url(doc: Document, meta: EditionMetadata) -> str | None:
    """Where a letter can be read: the [edition] table's ``letter_url`` (``{id}`` the
    letter's id); else the letter's ``@xml:base``; else its own URL in its publicationStmt
    (an ``idno`` of type URL, URI or handle, a ``ref`` or ``ptr``). None when nothing gives
    one (CMIF's correspDesc/@ref is optional). The edition's ``url`` is not enough: where
    its site keeps the letters' pages is the publisher's choice (the sample's are below
    ``site/``)."""
    if meta.letter_url:
        return meta.letter_url.replace("{id}", quote(doc.id))
    base = (doc.root.get(f"{{{XML_NS}}}base") or "").strip()
    if HTTP_URL.match(base):
        # Editions name the folder without its slash (Schnitzler's ".../editions"), which a
        # strict RFC 3986 resolution would cut off: the file goes below it.
        name = doc.path.name
        return base if base.endswith(name) else f"{base.rstrip('/')}/{name}"
    return _own_url(doc.root)


def _own_url(root: etree._Element) -> str | None:
    stmt = root.find(f"{_t('teiHeader')}/{_t('fileDesc')}/{_t('publicationStmt')}")
    if stmt is None:
        return None
    candidates = [_text(idno) for idno in stmt.iter(_t("idno"))
                  if (idno.get("type") or "").lower() in LETTER_URL_IDNOS]
    candidates += [link.get("target") or "" for link in stmt.iter(_t("ref"), _t("ptr"))]
    return next((url.strip() for url in candidates if HTTP_URL.match(url.strip())), None)


def correspondence_desc(doc: Document, model: Edition, meta: EditionMetadata,
                        notes: list[str]) -> etree._Element:
    """The CMIF correspDesc of one letter of the model: its sender(s) in the sent action and
    addressee(s) in the received one, by the model's roles (a name's @type, else its
    action's), "Unknown" for a role nobody fills; each action's first place and its date."""
    desc = correspondence(doc.root)
    source = desc if desc is not None else doc.root
    cmif = _tei(None, "correspDesc", key=doc.id, ref=letter_url(doc, meta),
                source=f"#{meta.bibl_xml_id}")
    dates = _action_dates(doc)
    for action_type, role in ROLE_BY_ACTION.items():
        action = _tei(cmif, "correspAction", type=action_type)
        parties = [party for party in doc.parties if party.role == role]
        for party in parties:
            _add_name(action, model, source, NAME_TAGS[party.kind], party.kind, party.key,
                      party.name)
        if not parties:
            _tei(action, "persName", "Unknown")
        place = next((place for place in doc.places if place.role == action_type), None)
        if place is not None:
            _add_name(action, model, source, "placeName", "place", place.key, place.name)
        date = cmif_date(dates[action_type], doc.id, notes)
        if date is not None:
            action.append(date)
    return cmif


def correspondence_descs(model: Edition, meta: EditionMetadata, notes: list[str]
                         ) -> etree._Element:
    """``profileDesc`` with one CMIF correspDesc per letter, in the model's date order
    (undated letters last): the stylesheet's input."""
    profile = _tei(None, "profileDesc")
    for doc in model.letters:
        profile.append(correspondence_desc(doc, model, meta, notes))
    return profile


# --- CMIF: the export -------------------------------------------------------------------------


@dataclass
class CmifResult:
    """What :func:`export_cmif` wrote and what the editor should know about it."""

    path: Path
    letters: int
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"CMIF: {self.letters} letter(s) → {self.path} ({len(self.warnings)} warning(s))"


def cmif_parameters(meta: EditionMetadata, timestamp: dt.datetime) -> dict[str, str]:
    """The stylesheet parameters for the edition's metadata."""
    return {
        "title": meta.title,
        "editor": meta.editor,
        "editor-email": meta.editor_email,
        "publisher": meta.publisher,
        "publisher-url": meta.publisher_url,
        "cmif-url": meta.cmif_url,
        "licence-url": meta.licence,
        "licence-text": CC_BY_STATEMENT,
        "timestamp": timestamp.isoformat().replace("+00:00", "Z"),
        "bibl": meta.bibl,
        "bibl-type": meta.bibl_type,
        "bibl-id": meta.bibl_xml_id,
    }


def export_cmif(
    tei_dir: Path,
    out_file: Path,
    *,
    metadata_path: Path | None = None,
    now: dt.datetime | None = None,
    edition: EditionMetadata | None = None,
    model: Edition | None = None,
) -> CmifResult:
    """Write the CMIF file of the letters in ``tei_dir`` (a folder of TEI, one file or a
    teiCorpus: whatever :func:`tei.edition.read_edition` reads) to ``out_file``.

    Letters, roles, places, dates and authority ids come from the edition model (``model``
    when its caller read it; then its warnings are the caller's to report). The metadata is
    the configured metadata file's (else ``sources/metadata.toml``; a draft's placeholders
    where its [edition] table lacks a key, see :func:`read_edition_metadata`), or
    ``edition`` as its caller read it. Raises :class:`TeitoolError` when there is nothing
    to export or the result would break a CMIF rule (then nothing is written).
    """
    from tei.render.xslt import compile_stylesheet

    if not tei_dir.exists():
        raise TeitoolError(f"{tei_dir}: no such folder or file of TEI", EXIT_CANNOT_RUN)
    check_output(out_file)  # before the work, not after it
    meta, draft = _export_metadata(edition, metadata_path)
    read_here = model is None
    model = model or read_edition(tei_dir)
    if not model.letters:
        raise TeitoolError(
            f"{tei_dir}: no letters (documents with a correspDesc) to describe in CMIF",
            EXIT_PROBLEMS,
        )
    notes: list[str] = []
    profile = correspondence_descs(model, meta, notes)
    params = cmif_parameters(meta, build_time(now, [tei_dir, Path(meta.origin)]))
    result = compile_stylesheet(CMIF_XSL).transform(profile, params)
    try:
        tree = parse_bytes(result.output.encode("utf-8"), str(out_file))
    except XmlProblem as exc:  # the stylesheet's own output: a bug, said plainly
        raise TeitoolError(f"cmif.xsl wrote no well-formed XML: {exc}") from None
    problems = check_cmif(tree)
    if problems:
        raise TeitoolError(
            f"{out_file}: the CMIF would break {len(problems)} rule(s), nothing written: "
            + "; ".join(str(problem) for problem in problems[:5]),
            EXIT_PROBLEMS,
        )
    write_atomic(out_file, serialize(tree))
    warnings = [*draft, *(model.warnings if read_here else []), *notes, *result.messages, *cmif_notices(tree)]
    return CmifResult(out_file, len(model.letters), warnings)


def _export_metadata(
    edition: EditionMetadata | None, metadata_path: Path | None
) -> tuple[EditionMetadata, list[str]]:
    """The metadata an export uses, and the warning it owes when that is a draft's: none
    when its caller read ``edition`` (``teitool build`` warns once for all the exports)."""
    if edition is not None:
        return edition, []
    meta = read_edition_metadata(metadata_path, named=metadata_path is not None)
    warning = draft_warning(meta)
    return meta, [warning] if warning else []


# --- BagIt ---------------------------------------------------------------------------------------

#: What a build folder contributes to the bag, as (folder or file in the build, place in data/).
BAG_PARTS: tuple[tuple[str, str], ...] = (
    ("tei", "tei"),
    ("reports", "reports"),
    ("export/cmif.xml", "cmif.xml"),
)
BAG_CHECKSUMS = ("sha256", "sha512")


@dataclass
class BagResult:
    """The bag :func:`export_bag` wrote: where, how many payload files, how many bytes."""

    path: Path
    files: int
    bytes: int
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"BagIt bag: {self.files} file(s), {human_size(self.bytes)} → {self.path}"


def human_size(count: int) -> str:
    """Bag-Size as people read it ("1.4 MB"), decimal units as the BagIt examples use."""
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _copy_payload(source: Path, target: Path) -> None:
    """Copy a file or a folder tree, leaving out hidden files (caches, editors' droppings)."""
    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / relative)


def bag_info(
    meta: EditionMetadata, payload_bytes: int, bagging_date: dt.date, agent: str = "bagit.py"
) -> dict[str, str]:
    """bag-info.txt: the reserved BagIt fields an archive's ingest reads (RFC 8493, 2.2.2)."""
    return {
        **bag_info_from_metadata(meta),
        "Bagging-Date": bagging_date.isoformat(),
        "Bag-Size": human_size(payload_bytes),
        "Bag-Software-Agent": f"teitool {__version__} ({agent})",
    }


#: The bag-info.txt fields that a filled-in [edition] table always gives (from required keys).
BAG_INFO_FROM_REQUIRED = ("Source-Organization", "Contact-Name", "External-Description")


def bag_info_from_metadata(meta: EditionMetadata) -> dict[str, str]:
    """The bag-info.txt fields the ``[edition]`` table gives. BagIt requires none of them, so
    a field it does not give is left out, never filled with a placeholder."""
    fields = {
        "Source-Organization": meta.source_organization or meta.given("publisher"),
        "Contact-Name": meta.contact_name or meta.given("editor"),
        "Contact-Email": meta.contact_email or meta.editor_email,
        "External-Description": meta.description or meta.given("title"),
        "External-Identifier": meta.url,
    }
    return {name: value for name, value in fields.items() if value}


def _sort_tag_manifests(bag_dir: Path) -> None:
    # bagit lists tag files in directory order, which the file system chooses; sorted lines
    # make re-bagging the same input give byte-identical tag manifests (order is free in BagIt).
    for manifest in bag_dir.glob("tagmanifest-*.txt"):
        lines = sorted(line for line in manifest.read_text("utf-8").splitlines() if line)
        manifest.write_text("".join(f"{line}\n" for line in lines), "utf-8")


def _shown(path: Path, build_dir: Path) -> Path:
    """A part of the build as its reader knows it (export/cmif.xml), not by the temporary
    folder a build assembles in."""
    return path.relative_to(build_dir) if path.is_relative_to(build_dir) else path


def _check_bag_out_dir(out_dir: Path, sources: list[Path]) -> None:
    """Refuse to replace what is not an earlier bag (a file, someone's folder), or a folder
    that holds the bag's own input or lies inside it."""
    check_output(out_dir, folder=True)
    out = out_dir.resolve()
    for source in sources:
        if source.exists() and (
            source.resolve().is_relative_to(out) or out.is_relative_to(source.resolve())
        ):
            raise TeitoolError(
                f"{out_dir}: the bag would replace or lie inside its own input ({source}); "
                "choose a folder outside it, e.g. build/export/bag", EXIT_CANNOT_RUN)
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / "bagit.txt").is_file())
    ):
        raise TeitoolError(
            f"{out_dir}: exists and is not a bag; choose a new or empty folder (an earlier "
            "bag is replaced)", EXIT_CANNOT_RUN)


def export_bag(
    build_dir: Path,
    out_dir: Path,
    *,
    metadata_path: Path | None = None,
    schema_dir: Path | None = None,
    now: dt.datetime | None = None,
    edition: EditionMetadata | None = None,
) -> BagResult:
    """Pack ``build_dir`` (tei/, reports/, export/cmif.xml) and the schema as a BagIt bag.

    bag-info.txt describes the edition from the metadata (as :func:`export_cmif` reads it,
    or ``edition``); the fields a draft's metadata does not give are left out.

    The bag is assembled in a temporary folder, validated with bagit's own validator and only
    then moved to ``out_dir``, so an interrupted run leaves an earlier bag as it was.
    """
    import bagit

    meta, draft = _export_metadata(edition, metadata_path)
    if not (build_dir / "tei" / "persons.xml").is_file():
        raise TeitoolError(
            f"{build_dir}: no tei/persons.xml; export bag takes a build folder "
            "(tei/, reports/, export/cmif.xml), e.g. `teitool export bag build`",
            EXIT_CANNOT_RUN,
        )
    schema_dir = schema_dir or SCHEMA_DIR
    parts = [(build_dir / name, place) for name, place in BAG_PARTS]
    parts.append((schema_dir, "schema"))
    warnings = draft + [
        f"{_shown(source, build_dir)} is missing; the bag is made without it"
        for source, _ in parts
        if not source.exists()
    ]
    _check_bag_out_dir(out_dir, [source for source, _ in parts])
    shown, out_dir = out_dir, out_dir.resolve()  # absolute: bagit changes the working folder
    with atomic_directory(out_dir) as staging:
        try:
            for source, place in parts:
                if source.exists():
                    _copy_payload(source, staging / place)
            payload = [path for path in staging.rglob("*") if path.is_file()]
            size = sum(path.stat().st_size for path in payload)
            inputs = [source for source, _ in parts] + [Path(meta.origin)]
            info = bag_info(meta, size, build_time(now, inputs).date(), f"bagit.py {bagit.VERSION}")
            # bagit gives data/ the mode of the bag folder; mkdtemp made that private (0700).
            os.chmod(staging, 0o755)
            bagit.make_bag(str(staging), info, checksums=list(BAG_CHECKSUMS))
            _sort_tag_manifests(staging)
            bagit.Bag(str(staging)).validate()
        except bagit.BagError as exc:
            raise TeitoolError(f"{out_dir}: the bag does not validate: {exc}") from None
        except OSError as exc:  # a full disk, an unreadable input: said in the system's words
            reason = exc.strerror or str(exc)
            # On a full disk any file could be the one; otherwise the file is the news.
            full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
            where = f" ({exc.filename})" if exc.filename and not full else ""
            raise TeitoolError(f"{shown}: cannot make the bag: {reason}{where}") from None
    return BagResult(shown, len(payload), size, warnings)
