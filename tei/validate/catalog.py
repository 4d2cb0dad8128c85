"""OASIS XML Catalogs: schema references by URL answered from local files, never the network.

A catalog maps URLs and identifiers to files (``uri``, ``system``, ``public``), prefixes to
folders (``rewriteURI``, ``rewriteSystem``) and endings to files (``uriSuffix``,
``systemSuffix``); ``group`` and ``xml:base`` scope entries, ``nextCatalog`` chains another
catalog, ``delegateURI`` and ``delegateSystem`` hand the references that start with a prefix
to catalogs of their own. Catalogs come from ``--catalog`` (first), ``$XML_CATALOG_FILES``
(space-separated, as libxml2 reads it; :func:`tei.validate.specs.named_catalogs`), and last
teitool's own (``tei/schema/w3c/catalog.xml``: the W3C ``xml.xsd`` and ``xlink.xsd``).

A catalog is read through the secure gate and is untrusted like a schema: every file it
names (a target, a rewrite prefix, a next catalog) must lie below the catalog's own folder.
A catalog that names the network or a file elsewhere is refused when it is read (exit 2),
so a lookup can only ever answer with a local file the user put there.

Lookups follow the OASIS resolution order within each catalog file: an exact match, else the
longest matching rewrite prefix, else the longest matching suffix, else the delegates whose
prefix matches (longest first; when they have none, the lookup ends there, as OASIS
specifies), else the next catalogs. A schema reference is looked up as a URI (``uri``
entries) through the whole chain, then as a system identifier (``system`` entries), since
catalogs written for XSDs often use those. ``public`` entries (and ``delegatePublic``) are
read and checked, but teitool loads no DTD, the only thing public identifiers name.
"""

from __future__ import annotations

import functools
import os
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.resources import SCHEMA_DIR
from tei.xmlio import LocalFilesOnly, XmlProblem, base_uri, local_file, parse_file

CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
BUILTIN_CATALOG = SCHEMA_DIR / "w3c" / "catalog.xml"
#: What is said of a URL no catalog maps (the reference itself is named before it).
UNRESOLVED = ("teitool never fetches schemas from the network: map the URL to a local copy "
              "with --catalog FILE (an OASIS XML catalog)")

#: element -> (the attribute it matches on, the attribute naming the file or folder, how)
ENTRIES = {
    "uri": ("name", "uri", "exact"),
    "system": ("systemId", "uri", "exact"),
    "public": ("publicId", "uri", "exact"),
    "rewriteURI": ("uriStartString", "rewritePrefix", "prefix"),
    "rewriteSystem": ("systemIdStartString", "rewritePrefix", "prefix"),
    "uriSuffix": ("uriSuffix", "uri", "suffix"),
    "systemSuffix": ("systemIdSuffix", "uri", "suffix"),
}
#: Which entries answer a lookup of each kind.
LOOKUPS = {
    "uri": ("uri", "rewriteURI", "uriSuffix"),
    "system": ("system", "rewriteSystem", "systemSuffix"),
}
#: element -> (the attribute with the prefix it delegates, the lookup kind)
DELEGATES = {
    "delegateURI": ("uriStartString", "uri"),
    "delegateSystem": ("systemIdStartString", "system"),
    "delegatePublic": ("publicIdStartString", "public"),
}


class NotDelegated(Exception):
    """The catalogs a reference was delegated to do not map it: its lookup ends (OASIS)."""


@dataclass(frozen=True)
class Entry:
    element: str  # a key of ENTRIES
    match: str
    target: str  # an absolute local path (a rewrite prefix: a folder, ending in a separator)
    line: int


@dataclass(frozen=True)
class Delegate:
    kind: str  # a lookup kind: uri, system or public
    prefix: str
    catalog: CatalogFile


@dataclass(frozen=True)
class CatalogFile:
    path: str
    entries: tuple[Entry, ...]
    next_catalogs: tuple[CatalogFile, ...] = ()
    delegates: tuple[Delegate, ...] = ()

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path)

    def lookup(self, kind: str, reference: str) -> str | None:
        """The local file this catalog (or its next catalogs) maps ``reference`` to."""
        elements = LOOKUPS[kind]
        exact, prefix, suffix = (
            [e for e in self.entries if e.element == name] for name in elements)
        for entry in exact:
            if entry.match == reference:
                return entry.target
        rewrites = [e for e in prefix if reference.startswith(e.match)]
        if rewrites:
            longest = max(rewrites, key=lambda e: len(e.match))
            return self._rewritten(longest, reference[len(longest.match):])
        endings = [e for e in suffix if reference.endswith(e.match)]
        if endings:
            return max(endings, key=lambda e: len(e.match)).target
        delegated = sorted((d for d in self.delegates
                            if d.kind == kind and reference.startswith(d.prefix)),
                           key=lambda d: len(d.prefix), reverse=True)
        if delegated:
            for delegate in delegated:
                found = delegate.catalog.lookup(kind, reference)
                if found is not None:
                    return found
            raise NotDelegated(reference)
        for catalog in self.next_catalogs:
            found = catalog.lookup(kind, reference)
            if found is not None:
                return found
        return None

    def _rewritten(self, entry: Entry, rest: str) -> str:
        """The rewrite prefix's folder joined with the rest, which must stay below it."""
        path = os.path.realpath(os.path.join(entry.target, urllib.parse.unquote(rest)))
        if not LocalFilesOnly([self.folder]).allows(path):
            raise TeitoolError(
                f"{self.path}:{entry.line}: the rewrite of {entry.match!r} + {rest!r} leads "
                f"outside the catalog's folder {self.folder}; teitool reads only files below it",
                EXIT_CANNOT_RUN)
        return path


@dataclass(frozen=True)
class Catalog:
    """The catalogs of a run, in the order they are consulted."""

    files: tuple[CatalogFile, ...] = ()

    def resolve(self, reference: str) -> str | None:
        """The local file for a schema reference (a URL), or None when no catalog maps it."""
        reference = reference.strip()
        for kind in ("uri", "system"):
            try:
                for catalog in self.files:
                    found = catalog.lookup(kind, reference)
                    if found is not None:
                        return found
            except NotDelegated:
                continue
        return None

    @property
    def roots(self) -> tuple[str, ...]:
        """The folders whose files a catalog may answer with (each catalog's own, chained
        ones included)."""
        folders: list[str] = []
        waiting = list(self.files)
        while waiting:
            catalog = waiting.pop(0)
            folders.append(catalog.folder)
            waiting.extend(catalog.next_catalogs)
            waiting.extend(delegate.catalog for delegate in catalog.delegates)
        return tuple(dict.fromkeys(folders))

    def describe(self) -> list[str]:
        """The catalog files, for the cache key and the report."""
        return [catalog.path for catalog in self.files]


# --- reading catalogs -------------------------------------------------------------------------


def load_catalogs(named: Sequence[str | os.PathLike[str]] = ()) -> Catalog:
    """``named`` (see :func:`tei.validate.specs.named_catalogs`), then the built-in catalog."""
    paths = [*(os.fspath(path) for path in named), str(BUILTIN_CATALOG)]
    return Catalog(tuple(_read_catalog(path, ()) for path in dict.fromkeys(paths)))


@functools.cache
def catalog_chain(named: tuple[str, ...] = (), version: str = "") -> Catalog:
    """``named`` then the built-in catalog, read once per process and ``version`` (a digest
    of their content: a catalog edited between two runs of one process is read again)."""
    return load_catalogs(named)


def builtin_catalog() -> Catalog:
    """The built-in catalog alone: what a schema gets when its caller names no catalogs."""
    return catalog_chain()


def _read_catalog(path: str, chain: tuple[str, ...]) -> CatalogFile:
    real = os.path.realpath(path)
    if real in chain:
        raise TeitoolError(f"{path}: the catalog chains back to itself (a nextCatalog or delegate loop)",
                           EXIT_CANNOT_RUN)
    try:
        tree = parse_file(real)
    except XmlProblem as problem:
        raise TeitoolError(f"catalog {problem}", EXIT_CANNOT_RUN) from None
    root = tree.getroot()
    if root.tag != f"{{{CATALOG_NS}}}catalog":
        raise TeitoolError(f"{path}: not an OASIS XML catalog (the root must be <catalog "
                           f'xmlns="{CATALOG_NS}">)', EXIT_CANNOT_RUN)
    folder = LocalFilesOnly([os.path.dirname(real)])
    entries: list[Entry] = []
    next_catalogs: list[CatalogFile] = []
    delegates: list[Delegate] = []
    for element in root.iter(f"{{{CATALOG_NS}}}*"):
        name = etree.QName(element).localname
        line = element.sourceline or 0
        if name == "nextCatalog":
            target = _local_target(real, element, element.get("catalog"), folder)
            next_catalogs.append(_read_catalog(target, (*chain, real)))
        elif name in DELEGATES:
            matched, kind = DELEGATES[name]
            prefix = element.get(matched)
            if prefix is None:
                raise TeitoolError(f"{path}:{line}: <{name}> lacks @{matched}", EXIT_CANNOT_RUN)
            target = _local_target(real, element, element.get("catalog"), folder)
            delegates.append(Delegate(kind, prefix.strip(), _read_catalog(target, (*chain, real))))
        elif name in ENTRIES:
            matched, named, how = ENTRIES[name]
            match = element.get(matched)
            target = _local_target(real, element, element.get(named), folder)
            if match is None:
                raise TeitoolError(f"{path}:{line}: <{name}> lacks @{matched}", EXIT_CANNOT_RUN)
            if how == "prefix":
                target = target.rstrip(os.sep) + os.sep
            entries.append(Entry(name, match.strip(), target, line))
    return CatalogFile(real, tuple(entries), tuple(next_catalogs), tuple(delegates))


def _local_target(catalog: str, element: etree._Element, value: str | None,
                  folder: LocalFilesOnly) -> str:
    """The file or folder an entry names, resolved against its ``xml:base``; refused unless
    it is local and below the catalog's folder."""
    line = element.sourceline or 0
    where = f"{catalog}:{line}"
    if value is None:
        raise TeitoolError(f"{where}: <{etree.QName(element).localname}> names no file",
                           EXIT_CANNOT_RUN)
    filename = local_file(urllib.parse.urljoin(base_uri(element.base or catalog), value.strip()))
    if filename is None:
        raise TeitoolError(f"{where}: the catalog points at {value!r}, on the network; "
                           "teitool never fetches: point it at a local copy", EXIT_CANNOT_RUN)
    if not folder.allows(filename):
        raise TeitoolError(f"{where}: the catalog points at {value!r}, outside its folder "
                           f"{folder.roots[0]}; teitool reads only files below a catalog's "
                           "folder: copy the file there", EXIT_CANNOT_RUN)
    return os.path.realpath(filename)

