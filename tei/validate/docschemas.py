"""The schemas a document asks for: ``<?xml-model?>`` and ``xsi:schemaLocation``.

A TEI file names its schemas in its prolog (``<?xml-model href="…" schematypens="…"
type="…" phase="…"?>``, the W3C Associating Schemas with XML documents note) or on its root
(``xsi:schemaLocation="namespace location …"``, ``xsi:noNamespaceSchemaLocation``). This
module finds them with a scan of the text before and including the root's start tag (no
XML parser, and so no lxml: a re-run served by the cache stays light), and resolves them:
relative to the document, a URL through the XML catalogs.

The document is untrusted: a schema it names must be a local file below the working folder
or a folder the user named (the checked files' folders), or a URL a catalog maps to a local
file. Anything else is an error of that document (:class:`UnusableSchema`), with the
reference and what to do; it never stops the run, so one file of a pull request cannot keep
the others from being checked.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

RNG_NS = "http://relaxng.org/ns/structure/1.0"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: xml-model's schematypens -> the kind of schema (tei.validate.specs.KINDS)
SCHEMA_TYPE_NAMESPACES = {
    RNG_NS: "rng",
    "http://purl.oclc.org/dsdl/schematron": "sch",
    "http://www.ascc.net/xml/schematron": "sch",
    XSD_NS: "xsd",
}
#: xml-model's type, when schematypens does not say
SCHEMA_MEDIA_TYPES = {
    "application/relax-ng-compact-syntax": "rnc",
    "application/xml-dtd": "dtd",
}
EXTENSION_KINDS = {".xsd": "xsd", ".rng": "rng", ".rnc": "rnc", ".sch": "sch", ".dtd": "dtd"}

#: How much of a file is searched for its prolog and root start tag.
HEAD_BYTES = 256 * 1024

# Compiled when a document is first read (re caches them): a re-run whose results are all
# cached reads none, and starts faster without them.
_PROLOG_ITEM = (
    r"\s+|<!--.*?-->|<\?xml-model(?P<model>\s.*?)?\?>|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^\[>\"']|\"[^\"]*\"|'[^']*')*(?:\[.*?\]\s*)?>")
_ROOT_TAG = (
    r"<[^\s/>!?]+(?P<attributes>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>")
_PSEUDO_ATTRIBUTE = r"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"


class UnusableSchema(Exception):
    """A schema a document names that teitool will not or cannot use; the message says why."""


@dataclass(frozen=True)
class SchemaRequest:
    """One schema a document names: the reference as written, its kind ("" unknown)."""

    href: str
    kind: str
    phase: str
    line: int
    source: str  # "xml-model" or "xsi:schemaLocation"


_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _decode_head(data: bytes) -> str:
    head = data[:HEAD_BYTES]
    if head.startswith(_UTF16_MARKS):
        return head.decode("utf-16", "replace")
    return head.decode("utf-8", "replace")


def _attributes(text: str) -> dict[str, str]:
    import html

    return {m.group(1): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in re.finditer(_PSEUDO_ATTRIBUTE, text)}


#: Words without which a head in UTF-8 (or ASCII, or Latin-1) names no schema: a processing
#: instruction's target and an attribute's name are never escaped. Most files have neither,
#: and are neither decoded nor scanned.
_REQUEST_WORDS = (b"xml-model", b"chemaLocation")


def requested_schemas(data: bytes) -> tuple[SchemaRequest, ...]:
    """The schemas ``data`` (a document's bytes) names, in document order."""
    head = data[:HEAD_BYTES]
    if not head.startswith(_UTF16_MARKS) and not any(word in head for word in _REQUEST_WORDS):
        return ()
    text = _decode_head(data).removeprefix("\ufeff")
    found: list[SchemaRequest] = []
    position = 0
    prolog_item = re.compile(_PROLOG_ITEM, re.DOTALL)
    while item := prolog_item.match(text, position):
        if item.end() == position:
            break
        if item.group("model") is not None:
            line = text.count("\n", 0, item.start()) + 1
            request = _model_request(_attributes(item.group("model")), line)
            if request is not None:
                found.append(request)
        position = item.end()
    root = re.compile(_ROOT_TAG).match(text, position)
    if root:
        line = text.count("\n", 0, root.start()) + 1
        found += _location_requests(_attributes(root.group("attributes")), line)
    return tuple(found)


def _model_request(attributes: dict[str, str], line: int) -> SchemaRequest | None:
    href = attributes.get("href", "").strip()
    if not href:
        return None
    kind = (SCHEMA_TYPE_NAMESPACES.get(attributes.get("schematypens", "").strip())
            or SCHEMA_MEDIA_TYPES.get(attributes.get("type", "").strip())
            or _kind_by_name(href))
    if kind == "sch" and _kind_by_name(href) == "rng":
        # oXygen's way of saying "the Schematron embedded in this RELAX NG schema": the
        # RELAX NG layer runs it (tei.validate.specs: the grammar and its rules, once).
        kind = "rng"
    return SchemaRequest(href, kind, attributes.get("phase", "").strip(), line, "xml-model")


def _kind_by_name(href: str) -> str:
    path = urllib.parse.urlsplit(href).path
    return EXTENSION_KINDS.get(os.path.splitext(path)[1].lower(), "")


def _location_requests(attributes: dict[str, str], line: int) -> list[SchemaRequest]:
    """xsi:schemaLocation's locations (every second word) and noNamespaceSchemaLocation."""
    prefixes = {name.partition(":")[2] for name, value in attributes.items()
                if name.startswith("xmlns:") and value == XSI_NS}
    found = []
    for name, value in attributes.items():
        prefix, _, local = name.rpartition(":")
        if prefix not in prefixes:
            continue
        if local == "schemaLocation":
            found += [SchemaRequest(location, "xsd", "", line, name)
                      for location in value.split()[1::2]]
        elif local == "noNamespaceSchemaLocation" and value.strip():
            found.append(SchemaRequest(value.strip(), "xsd", "", line, name))
    return found


# --- resolving ---------------------------------------------------------------------------------


def allowed_roots(files: Iterable[str]) -> tuple[str, ...]:
    """Where a document's schemas may be: the working folder and the checked files' folders."""
    folders = {os.path.realpath(os.getcwd())}
    folders.update(os.path.dirname(os.path.realpath(path)) for path in files)
    return tuple(sorted(folders))


def resolve_request(request: SchemaRequest, document: str, roots: tuple[str, ...],
                    catalog: Callable[[], Callable[[str], str | None]]) -> Path:
    """The local schema file ``request`` names; raise :class:`UnusableSchema` if there is none.

    ``catalog`` gives the catalog lookup; it is asked only for a URL (reading catalogs loads
    the XML parser, which a run with relative references does without).
    """
    where = f"{request.source} names {request.href!r}"
    if request.kind in ("", "dtd"):
        what = "a DTD, which teitool never loads" if request.kind else "a schema of unknown type"
        raise UnusableSchema(f"{where}: {what}; use --no-schemas-from-documents or name the "
                             "schema with --schema")
    base = Path(os.path.abspath(document)).as_uri()
    joined = urllib.parse.urljoin(base, request.href)
    if urllib.parse.urlsplit(joined).scheme == "file":
        filename = urllib.parse.unquote(urllib.parse.urlsplit(joined).path)
        if not _below(filename, roots):
            raise UnusableSchema(
                f"{where}: outside the working folder and the checked folders, which are all "
                "a document may name; run teitool from the project's folder or give the "
                "schema with --schema")
    else:
        mapped = catalog()(joined)
        if mapped is None:
            raise UnusableSchema(
                f"{where}: not available offline (teitool never fetches from the network): "
                "map it to a local copy with --catalog FILE, or give a local schema with "
                "--schema (and --no-schemas-from-documents)")
        filename = mapped
    if not os.path.isfile(filename):
        raise UnusableSchema(f"{where}: no such file")
    return Path(os.path.realpath(filename))


def _below(filename: str, roots: tuple[str, ...]) -> bool:
    real = os.path.realpath(filename)
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
