"""What a check runs against: schema files and the register. No lxml here, so that a run whose
results all come from the cache starts fast."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tei.errors import TeitoolError
from tei.resources import SCHEMA_DIR

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

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, builtin: bool = False) -> SchemaSpec:
        schema = Path(path)
        kind = KINDS.get(schema.suffix.lower())
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
        # The files it includes are part of the schema: an edit to one changes the results.
        for included in _included_files(schema, data):
            with contextlib.suppress(OSError):
                digest.update(included.read_bytes())
        if kind == "xsd":
            # An XSD pulls in its neighbours (teitool.xsd imports xml.xsd): hash them too, so
            # that editing one invalidates cached results.
            for other in sorted(schema.resolve().parent.glob("*.xsd")):
                digest.update(other.read_bytes())
        return cls(schema, kind, schema.name, digest.hexdigest(), builtin)


#: A schema's reference to another file: XML attributes (the elements of
#: :data:`tei.validate.schemarefs.REFERENCES`) and the compact syntax's include/external.
_REFERENCE = re.compile(
    rb"<(?:[\w.-]+:)?(?:include|externalRef|import|redefine|override|extends)\b[^>]*?\b(?:href|schemaLocation)"
    rb"""\s*=\s*["'](?P<target>[^"']+)["']"""
    rb"""|\b(?:include|external)\s+["'](?P<compact>[^"']+)["']"""
)
_REMOTE = re.compile(rb"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def _included_files(schema: Path, data: bytes, seen: set[Path] | None = None) -> list[Path]:
    """The local files a schema seems to include, itself or through them, in a stable order.

    Only for the cache key, and so a quick look at the bytes: which references are allowed
    is decided by :mod:`tei.validate.schemarefs`, on the parsed schema, before it is used.
    """
    seen = seen if seen is not None else {schema.resolve()}
    found: list[Path] = []
    for match in _REFERENCE.finditer(data):
        target = match.group("target") or match.group("compact")
        if _REMOTE.match(target):
            continue
        local = (schema.parent / target.decode(errors="replace")).resolve()
        if local not in seen and local.is_file():
            seen.add(local)
            found.append(local)
            with contextlib.suppress(OSError):
                found += _included_files(local, local.read_bytes(), seen)
    return found


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
