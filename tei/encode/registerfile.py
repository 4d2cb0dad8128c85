"""The register file and its provisional entries: what encode writes, review lists, merge adds.

Encode writes the output register (``persons.xml`` beside the TEI) as the register it read
with the run's provisional entries added, each marked so (``@cert="low"`` and a
``note type="provisional"`` saying where it was first met, how often and which register
person it resembles). ``teitool persons review`` lists them; ``teitool persons merge`` adds
the accepted ones to the sources' register with the marks removed, inserting text so that
every byte of the existing entries stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from tei.encode.provisional import ProvisionalEntry
from tei.encode.teidoc import XML_ID
from tei.errors import EXIT_PROBLEMS, TeitoolError
from tei.xmlio import NSMAP, TEI_NS, XmlProblem, parse_bytes, parse_file, write_atomic

#: The note type that marks an entry as provisional (with ``@cert="low"`` on the entry).
PROVISIONAL_NOTE = "provisional"
#: The list of the register each kind of entry goes into, by the name tag of the entry.
_LIST_OF = {"persName": ("listPerson", "person"), "orgName": ("listOrg", "org")}
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINES = re.compile(r"from (?P<source>\S+?)(?:, lines (?P<lines>[\d–-]+))?\.?$")


@dataclass(frozen=True)
class Provisional:
    """A provisional entry of the run as encode reports it."""

    entry: ProvisionalEntry
    mentions: int
    #: Where it was first met: "003_x.txt, lines 14–27 (L1932-06-02-stalin-kaganovich)".
    first_met: str

    @property
    def name(self) -> str:
        return self.entry.spellings[0]


def provisional_mentions(
    documents: Iterable[etree._Element], entries: dict[str, ProvisionalEntry]
) -> list[Provisional]:
    """The provisional entries the built ``documents`` point to, in the order they are first
    met, with how often and where first."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for document in documents:
        for element in document.iter(f"{{{TEI_NS}}}persName", f"{{{TEI_NS}}}orgName"):
            entry_id = (element.get("ref") or "").partition("persons.xml#")[2]
            if entry_id not in entries:
                continue
            counts[entry_id] = counts.get(entry_id, 0) + 1
            first.setdefault(entry_id, _where(document))
    return [Provisional(entries[entry_id], counts[entry_id], first[entry_id]) for entry_id in first]


def _where(document: etree._Element) -> str:
    """ "003_x.txt, lines 14–27 (L1932-…)": the source and lines the document says it has."""
    statement = document.findtext(".//tei:publicationStmt/tei:p", namespaces=NSMAP) or ""
    found = _LINES.search(statement.strip())
    source = found.group("source") if found else "?"
    lines = f", lines {found.group('lines')}" if found and found.group("lines") else ""
    return f"{source}{lines} ({document.get(XML_ID)})"


# --- writing -----------------------------------------------------------------------------


def entry_xml(provisional: Provisional, indent: str) -> str:
    """One provisional entry as register XML, marked as provisional, at ``indent``."""
    entry = provisional.entry
    tag = _LIST_OF.get(entry.tag, _LIST_OF["persName"])[1]
    inner = indent + "  "
    variants = [s for s in entry.spellings if s not in (entry.regularised, entry.name.surname)]
    candidate = (
        f"; it resembles persons.xml#{entry.candidate} (check whether it is that person)"
        if entry.candidate else ""
    )
    mentions = "1 mention" if provisional.mentions == 1 else f"{provisional.mentions} mentions"
    note = (
        f"Provisional: found by teitool encode, first in {provisional.first_met}; {mentions}"
        f"{candidate}. Review with teitool persons review, then merge or correct."
    )
    lines = [
        f'{indent}<{tag} xml:id="{entry.xml_id}" cert="low">',
        f'{inner}<{entry.tag} type="reg">{escape(entry.regularised)}</{entry.tag}>',
        *(f'{inner}<{entry.tag} type="variant">{escape(v)}</{entry.tag}>' for v in variants),
        f'{inner}<note type="{PROVISIONAL_NOTE}">{escape(note)}</note>',
        f"{indent}</{tag}>",
    ]
    return "\n".join(lines)


def register_with(register: bytes, entries: dict[str, list[str]]) -> bytes:
    """``register`` with entries added: ``entries`` maps a list tag ("listPerson",
    "listOrg") to the XML of its new entries (at :data:`ENTRY_INDENT`). Text is inserted
    before the list's end tag (a list it lacks goes at the end of the standOff; a register
    without standOff gets one in place of its text), so every other byte stays as it was."""
    if not any(entries.values()):
        return register
    text = _as_text(register)
    for list_tag, items in entries.items():
        if items:
            text = _inserted(text, list_tag, "\n".join(items) + "\n")
    return text.encode("utf-8")


def _as_text(register: bytes) -> str:
    """The register's text; one in another encoding than UTF-8 (UTF-16, Latin-1 declared)
    is serialised again as UTF-8 first, its bytes then no longer the same anyway."""
    try:
        return register.decode("utf-8")
    except UnicodeDecodeError:
        tree = parse_bytes(register, "persons.xml")
        return etree.tostring(tree, encoding="UTF-8", xml_declaration=True).decode()


def _inserted(text: str, list_tag: str, items: str) -> str:
    # Tags inside comments (the empty register's example) are no place to insert at.
    markup = _COMMENT.sub(lambda comment: " " * len(comment.group()), text)
    end = markup.rfind(f"</{list_tag}>")
    if end >= 0:
        return _before_line_of(text, end, items)
    block = f"{_INDENT * 2}<{list_tag}>\n{items}{_INDENT * 2}</{list_tag}>\n"
    end = markup.rfind("</standOff>")
    if end >= 0:
        return _before_line_of(text, end, block)
    # A register that lists no one yet holds a text saying so (TEI allows no empty
    # listPerson): the standOff takes its place.
    standoff = f"{_INDENT}<standOff>\n{block}{_INDENT}</standOff>\n"
    body = re.compile(r"(?m)^[ \t]*<text>.*?</text>[ \t]*\n?", re.DOTALL).search(markup)
    if body is None:
        return _before_line_of(text, markup.rfind("</TEI>"), standoff)
    return text[: body.start()] + standoff + text[body.end() :]


def _before_line_of(text: str, position: int, insertion: str) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    return text[:line_start] + insertion + text[line_start:]


#: One level of indentation in a register teitool writes (as `teitool init` does).
_INDENT = "  "
#: Where an entry of a list sits: standOff, list, entry.
ENTRY_INDENT = _INDENT * 3


def output_register(register: bytes, provisional: list[Provisional]) -> bytes:
    """The register encode writes beside the TEI: ``register`` and the run's provisional
    entries (in the order first met)."""
    by_list: dict[str, list[str]] = {}
    for item in provisional:
        list_tag = _LIST_OF.get(item.entry.tag, _LIST_OF["persName"])[0]
        by_list.setdefault(list_tag, []).append(entry_xml(item, ENTRY_INDENT))
    return register_with(register, by_list)


# --- review and merge --------------------------------------------------------------------


@dataclass(frozen=True)
class Reviewed:
    """A provisional entry as a TEI folder's register holds it."""

    xml_id: str
    tag: str
    name: str
    note: str
    element: etree._Element


def provisional_entries(path: Path) -> list[Reviewed]:
    """The provisional entries of the register at ``path`` (a TEI folder's persons.xml)."""
    try:
        tree = parse_file(path)
    except XmlProblem as problem:
        raise TeitoolError(f"register of persons: {problem}", EXIT_PROBLEMS) from None
    found = []
    for element in tree.xpath(".//tei:person[@cert='low'] | .//tei:org[@cert='low']",
                              namespaces=NSMAP):
        note = element.find(f"tei:note[@type='{PROVISIONAL_NOTE}']", NSMAP)
        name_tag = "persName" if element.tag == f"{{{TEI_NS}}}person" else "orgName"
        name = element.findtext(f"tei:{name_tag}[@type='reg']", namespaces=NSMAP) or ""
        if note is not None:
            found.append(Reviewed(element.get(XML_ID) or "", name_tag, name,
                                  " ".join("".join(note.itertext()).split()), element))
    return found


def merge(source: Path, into: Path, accept: list[str] | None) -> list[str]:
    """Add the provisional entries of ``source`` (all, or the ids in ``accept``) to the
    register ``into``, without their provisional marks, written atomically; the ids merged.

    :class:`TeitoolError` (nothing written) for an id ``source`` has no provisional entry
    for, or one ``into`` already has."""
    entries = provisional_entries(source)
    by_id = {entry.xml_id: entry for entry in entries}
    unknown = [entry_id for entry_id in accept or () if entry_id not in by_id]
    if unknown:
        raise TeitoolError(
            f"{source}: no provisional entry {', '.join(unknown)} (known: "
            f"{', '.join(by_id) or 'none'}); nothing merged", EXIT_PROBLEMS)
    chosen = [by_id[entry_id] for entry_id in accept] if accept is not None else entries
    target = into.read_bytes()
    try:
        existing = {
            node.get(XML_ID) for node in parse_bytes(target, str(into)).iter() if node.get(XML_ID)
        }
    except XmlProblem as problem:
        raise TeitoolError(f"register of persons: {problem}", EXIT_PROBLEMS) from None
    clashes = [entry.xml_id for entry in chosen if entry.xml_id in existing]
    if clashes:
        raise TeitoolError(
            f"{into} already has the id {', '.join(clashes)}: rename the provisional entry in "
            f"{source} (and the @ref pointing to it) or leave it out with --accept; nothing merged",
            EXIT_PROBLEMS,
        )
    by_list: dict[str, list[str]] = {}
    for entry in chosen:
        list_tag = _LIST_OF[entry.tag][0]
        by_list.setdefault(list_tag, []).append(_accepted_xml(entry.element, ENTRY_INDENT))
    write_atomic(into, register_with(target, by_list))
    return [entry.xml_id for entry in chosen]


def _accepted_xml(element: etree._Element, indent: str) -> str:
    """The entry without its provisional marks, re-indented at ``indent``."""
    accepted = etree.fromstring(etree.tostring(element))
    accepted.attrib.pop("cert", None)
    for note in accepted.findall(f"tei:note[@type='{PROVISIONAL_NOTE}']", NSMAP):
        accepted.remove(note)
    tag = etree.QName(accepted).localname
    attributes = "".join(
        f" {'xml:id' if name == XML_ID else name}={quoteattr(value)}"
        for name, value in accepted.attrib.items()
    )
    children = [
        indent + "  " + _xml_of(child) for child in accepted if isinstance(child.tag, str)
    ]
    return "\n".join([f"{indent}<{tag}{attributes}>", *children, f"{indent}</{tag}>"])


def _xml_of(element: etree._Element) -> str:
    """An element as XML without its tail, and without the namespace declaration its new
    parent has already."""
    xml = etree.tostring(element, encoding="unicode", with_tail=False)
    return xml.replace(f' xmlns="{TEI_NS}"', "", 1)
