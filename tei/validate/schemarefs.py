"""Where a schema points: its includes and imports, found and resolved before any engine runs.

A schema brought by a user (or named by a pull request) is untrusted. Its references to
other files (RELAX NG ``include``/``externalRef``, XSD ``include``/``import``/``redefine``/
``override``, Schematron and XSLT ``include``/``import``, the compact syntax's ``include``
and ``external``) are read here the way the engines read them: from the parsed tree, so that
character references, ``xml:base`` and any encoding count; from the compact syntax after its
``\\x{…}`` escapes, with its string concatenation and triple quotes. Each must name a local
file below the schema's own folder, or a URL that an XML catalog (:mod:`tei.validate.catalog`)
maps to a local file below the catalog's folder; anything else (the network, a file
elsewhere) is refused with one line naming the schema, the line and the reference.

:func:`sandbox_copy` then writes the schema and everything it includes into a folder of its
own, every reference rewritten to the copy beside it: jing reads only those copies.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.validate.catalog import UNRESOLVED, Catalog, builtin_catalog
from tei.xmlio import LocalFilesOnly, XmlProblem, base_uri, local_file, parse_file, tag_of

RNG_NS = "http://relaxng.org/ns/structure/1.0"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
OLD_SCH_NS = "http://www.ascc.net/xml/schematron"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

#: The elements by which an XML schema pulls in another file, and the attribute naming it.
REFERENCES = {
    **{f"{{{RNG_NS}}}{name}": "href" for name in ("include", "externalRef")},
    **{f"{{{XSD_NS}}}{name}": "schemaLocation"
       for name in ("include", "import", "redefine", "override")},
    **{f"{{{ns}}}{name}": "href" for ns in (SCH_NS, OLD_SCH_NS) for name in ("include", "extends")},
    **{f"{{{XSL_NS}}}{name}": "href" for name in ("include", "import")},
    f"{{{XINCLUDE_NS}}}include": "href",
}


@dataclass
class SchemaFile:
    """One file of a schema: its parsed tree (XML syntax) or its text (compact syntax)."""

    path: Path
    tree: etree._ElementTree | None = None
    text: str = ""
    #: (the referring element, or the span of the compact literal; the file it names)
    references: list[tuple[etree._Element | tuple[int, int], Path]] = field(default_factory=list)


def _refused(schema: Path, line: int, target: str, why: str) -> TeitoolError:
    where = f"{schema}:{line}" if line else str(schema)
    return TeitoolError(f"{where}: refers to {target!r}; {why}", EXIT_CANNOT_RUN)


def _resolve(schema: Path, line: int, base: str, target: str, root: LocalFilesOnly) -> Path:
    """The local file ``target`` names, resolved against ``base`` and through the catalog
    (``root.catalog``); or refuse it."""
    joined = urllib.parse.urljoin(base_uri(base), target.strip())
    assert root.catalog is not None  # schema_files always gives its catalog
    filename = root.catalog(joined) or local_file(joined)
    if filename is None:
        raise _refused(schema, line, joined, UNRESOLVED)
    if not root.allows(filename):
        raise _refused(schema, line, target, f"it is outside the schema's folder "
                       f"{root.roots[0]}, and teitool reads only files below it: copy it there")
    if not os.path.isfile(filename):
        raise _refused(schema, line, target, "no such file")
    return Path(os.path.realpath(filename))


def _xml_file(path: Path, root: LocalFilesOnly, gate: LocalFilesOnly) -> SchemaFile:
    try:
        tree = parse_file(path, resolver=gate)
    except XmlProblem as problem:
        raise TeitoolError(f"schema {problem}", EXIT_CANNOT_RUN) from None
    schema = SchemaFile(path, tree=tree)
    for element in tree.getroot().iter(*REFERENCES):
        target = element.get(REFERENCES[tag_of(element)])
        if target is None:
            continue  # an xs:import of a namespace alone names no file
        base = element.base or str(path)
        schema.references.append(
            (element, _resolve(path, element.sourceline or 0, base, target, root)))
    return schema


# --- the compact syntax ---------------------------------------------------------------------

_ESCAPE = re.compile(r"\\x+\{([0-9A-Fa-f]{1,6})\}")
_COMPACT_TOKEN = re.compile(
    r'(?P<space>\s+)|(?P<comment>#[^\n]*)'
    r'|(?P<literal>"""(?:(?!""").)*"""|\'\'\'(?:(?!\'\'\').)*\'\'\'|"[^"\n]*"|\'[^\'\n]*\')'
    r'|(?P<name>\\?[^\W\d][\w.-]*(?::(?:[^\W\d][\w.-]*|\*))?)|(?P<other>.)',
    re.DOTALL,
)


def expand_escapes(text: str) -> str:
    """The compact syntax's ``\\x{…}`` escapes replaced, as its parser does before anything.

    A backslash that the replacement leaves in front of ``x{`` is written as an escape itself,
    so that the engine, expanding once more, reads the same text as this module.
    """
    def character(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"\\x{{{match.group(1)}}} is not a character")
        return chr(code)

    expanded = _ESCAPE.sub(character, text.replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub(r"\\(?=x+\{[0-9A-Fa-f])", r"\\x{5C}", expanded)


def compact_references(text: str) -> list[tuple[int, int, str]]:
    """(start, end, value) of every literal after ``include`` or ``external``.

    ``text`` is escape-expanded. A literal may be several, joined by ``~``; a keyword
    written ``\\include`` is a name, not the keyword.
    """
    tokens = [(m.lastgroup, m.start(), m.end(), m.group())
              for m in _COMPACT_TOKEN.finditer(text) if m.lastgroup not in ("space", "comment")]
    found = []
    for index, (kind, _, _, word) in enumerate(tokens):
        if kind != "name" or word not in ("include", "external"):
            continue
        parts, position = [], index + 1
        while position < len(tokens) and tokens[position][0] == "literal":
            parts.append(tokens[position])
            if position + 1 < len(tokens) and tokens[position + 1][3] == "~":
                position += 2
            else:
                break
        if parts:
            value = "".join(_literal_value(part[3]) for part in parts)
            found.append((parts[0][1], parts[-1][2], value))
    return found


def _literal_value(literal: str) -> str:
    quote = 3 if literal[:3] in ('"""', "'''") else 1
    return literal[quote:-quote]


def _compact_file(path: Path, root: LocalFilesOnly) -> SchemaFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TeitoolError(f"{path}: cannot read the schema: {exc.strerror or exc}",
                           EXIT_CANNOT_RUN) from None
    codec = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = expand_escapes(data.decode(codec))
    except (UnicodeDecodeError, ValueError) as exc:
        raise TeitoolError(f"{path}: not a readable RELAX NG compact schema: {exc}",
                           EXIT_CANNOT_RUN) from None
    schema = SchemaFile(path, text=text)
    for start, end, value in compact_references(text):
        line = text.count("\n", 0, start) + 1
        schema.references.append(((start, end), _resolve(path, line, str(path), value, root)))
    return schema


# --- the whole schema -----------------------------------------------------------------------


def schema_files(
    top: Path, compact: bool = False, readable: tuple[str, ...] = (),
    catalog: Catalog | None = None,
) -> list[SchemaFile]:
    """The schema and every file it includes, directly or not; the schema first.

    Raises :class:`TeitoolError` (exit 2) for a reference to the network that ``catalog``
    (default: the built-in one) does not map, to a file outside the schema's and the
    catalogs' folders or to a file that is not there, and for a file that fails the secure
    parser (entity declarations, not well-formed). The trees load what libxml2 asks for later
    (includes when compiled, a rule's ``document()``) from those folders and ``readable``
    only (:class:`LocalFilesOnly`), through the same catalog.
    """
    top = Path(os.path.realpath(top))
    catalog = catalog or builtin_catalog()
    root = LocalFilesOnly([top.parent, *catalog.roots], catalog.resolve)
    gate = LocalFilesOnly([*root.roots, *readable], catalog.resolve) if readable else root
    files: dict[Path, SchemaFile] = {}
    waiting = [top]
    while waiting:
        path = waiting.pop(0)
        if path in files:
            continue
        schema = _compact_file(path, root) if compact else _xml_file(path, root, gate)
        files[path] = schema
        waiting.extend(target for _, target in schema.references)
    return list(files.values())


def sandbox_copy(files: list[SchemaFile], folder: Path, suffix: str) -> Path:
    """Write ``files`` into ``folder`` with references to each other's copies; the top's path.

    The copies carry no DOCTYPE, no entity, no ``xml:base``: an engine reading them finds
    nothing to fetch but the copies beside them.
    """
    names = {schema.path: f"schema{index}{suffix}" for index, schema in enumerate(files)}
    for schema in files:
        if schema.tree is not None:
            root = schema.tree.getroot()
            for element, target in schema.references:
                assert isinstance(element, etree._Element)
                element.set(REFERENCES[tag_of(element)], names[target])
            # Only the elements that have one (an attribute proxy per element of tei_all.rng
            # costs more than the rest of the copy).
            for element in root.xpath("//*[@xml:base]"):
                del element.attrib[XML_BASE]
            data = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
        else:
            text = schema.text
            spans: list[tuple[tuple[int, int], Path]] = []
            for span, target in schema.references:
                assert isinstance(span, tuple)  # a file without a tree is compact: spans
                spans.append((span, target))
            for (start, end), target in sorted(spans, key=lambda r: r[0], reverse=True):
                text = f'{text[:start]}"{names[target]}"{text[end:]}'
            data = text.encode("utf-8")
        (folder / names[schema.path]).write_bytes(data)
    return folder / names[files[0].path]
