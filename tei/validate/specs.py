"""What a check runs against: schema files and the register. No lxml here, so that a run whose
results all come from the cache starts fast."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.resources import SCHEMA_DIR

if TYPE_CHECKING:  # the catalog module reads XML (lxml): loaded only when a schema is used
    from tei.validate.catalog import Catalog

BUILTIN_XSD = SCHEMA_DIR / "teitool.xsd"
BUILTIN_SCH = SCHEMA_DIR / "teitool.sch"

KINDS = {".xsd": "xsd", ".rng": "rng", ".rnc": "rnc", ".sch": "sch"}


@dataclass(frozen=True)
class SchemaSpec:
    """A schema to check against: its file, its kind, the rule name its findings carry."""

    path: Path
    kind: str  # xsd | rng | rnc | sch
    rule: str
    digest: str
    builtin: bool = False
    #: the user's XML catalogs (absolute paths, in lookup order); the built-in one comes last
    catalogs: tuple[str, ...] = ()
    #: the Schematron phase to run ("": the schema's defaultPhase, else all patterns)
    phase: str = ""

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, builtin: bool = False,
                  catalogs: tuple[str, ...] = (), kind: str | None = None,
                  phase: str = "") -> SchemaSpec:
        """``kind``: when the file's name does not tell (a document's ``xml-model`` says)."""
        schema = Path(path)
        kind = kind or KINDS.get(schema.suffix.lower())
        if kind is None:
            raise TeitoolError(
                f"{schema}: unknown schema type; use a .xsd (XML Schema), .rng/.rnc (RELAX NG)"
                " or .sch (ISO Schematron) file"
            )
        try:
            data = schema.read_bytes()
        except OSError as exc:
            raise TeitoolError(f"{schema}: cannot read the schema: {exc.strerror or exc}") from None
        digest = hashlib.sha256(data)
        for catalog in catalogs:
            digest.update(Path(catalog).read_bytes())
        mapped = _catalog_lookup(catalogs)
        # The files it includes are part of the schema: an edit to one changes the results.
        for included in _included_files(schema, data, mapped):
            with contextlib.suppress(OSError):
                digest.update(included.read_bytes())
        if kind == "xsd":
            # An XSD pulls in its neighbours (teitool.xsd imports xml.xsd): hash them too, so
            # that editing one invalidates cached results.
            for other in sorted(schema.resolve().parent.glob("*.xsd")):
                digest.update(other.read_bytes())
        return cls(schema, kind, schema.name, digest.hexdigest(), builtin, catalogs, phase)

    def catalog(self) -> Catalog:
        """The catalogs its references are looked up in (read once per process)."""
        return read_catalogs(self.catalogs)


def read_catalogs(catalogs: tuple[str, ...]) -> Catalog:
    """``catalogs`` then the built-in one, read once per process (again once one is edited):
    the one reading that the specs and the runner's look-ups share."""
    from tei.validate.catalog import catalog_chain

    return catalog_chain(catalogs, _catalog_version(catalogs))


def _catalog_lookup(catalogs: tuple[str, ...]) -> Callable[[str], str | None] | None:
    """The user's catalogs' lookup, for hashing what they map; None without any, so that a
    run with the built-in catalog only (package data) reads no catalog and loads no lxml."""
    return read_catalogs(catalogs).resolve if catalogs else None


def _catalog_version(catalogs: tuple[str, ...]) -> str:
    """What tells an edited catalog from the one read before (in a long-lived process)."""
    stamps = []
    for catalog in catalogs:
        with contextlib.suppress(OSError):
            status = os.stat(catalog)
            stamps.append(f"{status.st_mtime_ns}:{status.st_size}:{status.st_ino}")
    return " ".join(stamps)


#: A schema's references to other files, each kind its own expression (one expression of
#: alternatives is tried at every byte: ten times slower on tei_all.rng). In XML: the
#: elements of :data:`tei.validate.schemarefs.REFERENCES`, and what a Schematron rule reads
#: (document('list.xml'): its content decides the results); in the compact syntax (.rnc
#: files only: elsewhere these are words of the documentation), include and external.
_XML_REFERENCES = (
    re.compile(rb"<(?:[\w.-]+:)?(?:include|externalRef|import|redefine|override|extends)\b"
               rb"""[^>]*?\b(?:href|schemaLocation)\s*=\s*["'](?P<target>[^"']+)["']"""),
    # "doc" first, and only then that no name character comes before it: a literal start is
    # searched for fast, a \b at every byte is not.
    re.compile(rb"""doc(?<![\w.-]doc)(?:ument)?\(\s*(?:&quot;|&apos;|["'])(?P<target>[^"'&]+)"""),
)
_COMPACT_REFERENCES = (re.compile(rb"""\b(?:include|external)\s+["'](?P<target>[^"']+)["']"""),)
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def _included_files(schema: Path, data: bytes, mapped: Callable[[str], str | None] | None,
                    seen: set[Path] | None = None) -> list[Path]:
    """The local files a schema seems to include, itself or through them, in a stable order;
    a URL counts when a user's catalog maps it (``mapped``) to a file.

    Only for the cache key, and so a quick look at the bytes: which references are allowed
    is decided by :mod:`tei.validate.schemarefs`, on the parsed schema, before it is used.
    """
    seen = seen if seen is not None else {schema.resolve()}
    found: list[Path] = []
    kinds = _COMPACT_REFERENCES if schema.suffix.lower() == ".rnc" else _XML_REFERENCES
    matches = sorted((match for kind in kinds for match in kind.finditer(data)),
                     key=lambda match: match.start())
    for match in matches:
        target = match.group("target").decode(errors="replace")
        if _REMOTE.match(target):
            answer = mapped(target) if mapped else None
            if answer is None:
                continue
            local = Path(answer)
        else:
            local = (schema.parent / target).resolve()
        if local not in seen and local.is_file():
            seen.add(local)
            found.append(local)
            with contextlib.suppress(OSError):
                found += _included_files(local, local.read_bytes(), mapped, seen)
    return found


CATALOG_VARIABLE = "XML_CATALOG_FILES"


def named_catalogs(named: Sequence[str | os.PathLike[str]] = ()) -> tuple[str, ...]:
    """The user's catalogs of a run: ``--catalog`` files, then ``$XML_CATALOG_FILES`` (paths
    or file: URLs separated by spaces, as libxml2 reads it); absolute paths, each once."""
    paths = [os.path.abspath(path) for path in named]
    for item in os.environ.get(CATALOG_VARIABLE, "").split():
        if item.startswith("file:"):
            item = urllib.parse.unquote(urllib.parse.urlsplit(item).path)
        elif _REMOTE.match(item):
            raise TeitoolError(f"${CATALOG_VARIABLE}: {item!r} is not a local file; teitool "
                               "reads catalogs from local files only", EXIT_CANNOT_RUN)
        paths.append(os.path.abspath(item))
    for path in paths:
        if not os.path.isfile(path):
            raise TeitoolError(f"{path}: no such catalog file", EXIT_CANNOT_RUN)
    return tuple(dict.fromkeys(paths))


#: What marks a RELAX NG schema with Schematron rules inside (TEI's constraints).
_SCHEMATRON_NS = b"http://purl.oclc.org/dsdl/schematron"
_embedded: dict[SchemaSpec, SchemaSpec | None] = {}


def with_embedded_rules(specs: Sequence[SchemaSpec]) -> list[SchemaSpec]:
    """``specs`` with, after each RELAX NG schema that embeds Schematron rules, a spec of
    kind ``rng-sch`` for those rules (all of them: an ODD's rules have no phases)."""
    out: list[SchemaSpec] = []
    for spec in specs:
        out.append(spec)
        if spec.kind in ("rng", "rnc") and not spec.builtin:
            if spec not in _embedded:
                try:
                    embeds = _SCHEMATRON_NS in spec.path.read_bytes()
                except OSError:
                    embeds = False
                _embedded[spec] = SchemaSpec(
                    spec.path, "rng-sch", spec.rule, spec.digest, catalogs=spec.catalogs,
                ) if embeds else None
            rules = _embedded[spec]
            if rules is not None:
                out.append(rules)
    return out


def builtin_specs() -> list[SchemaSpec]:
    return [
        SchemaSpec.from_path(BUILTIN_XSD, builtin=True),
        SchemaSpec.from_path(BUILTIN_SCH, builtin=True),
    ]


@dataclass(frozen=True)
class Register:
    """The register of persons a document's @ref pointers go into (``persons.xml``)."""

    path: str | None
    person_ids: frozenset[str] = frozenset()
    org_ids: frozenset[str] = frozenset()
    digest: str = ""

    def params(self) -> dict[str, str]:
        """Values for the Schematron parameters person-ids, org-ids and register."""
        return {
            "person-ids": " " + " ".join(sorted(self.person_ids)) + " " if self.path else "",
            "org-ids": " " + " ".join(sorted(self.org_ids)) + " " if self.path else "",
            "register": Path(self.path).name if self.path else "persons.xml",
        }


NO_REGISTER = Register(None)
