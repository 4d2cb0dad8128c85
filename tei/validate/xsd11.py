"""XML Schema 1.1 (``vc:minVersion="1.1"``: assertions, type alternatives) with xmlschema.

libxml2 knows XSD 1.0 only, so a schema that asks for 1.1 goes to xmlschema's
``XMLSchema11``; every 1.0 schema stays on libxml2, which is several times faster.

xmlschema reads files itself, so it gets what jing gets: in a temporary folder, copies of
the schema and of everything it includes or imports, as :mod:`tei.validate.schemarefs`
checked and resolved them (catalogs included), every reference pointing at the copy beside
it. It is told to read nothing outside that folder (``allow="sandbox"``), to parse with its
safe parser (``defuse="always"``) and to use none of its own fallback copies; once built, the
schema is in memory and the folder is gone. Documents reach it as the tree the secure parser
made, with ``allow="none"``, and their ``xsi:schemaLocation`` hints are ignored: a document
cannot make it load anything.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, cast

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.validate.checks import Layer, Locator, prefixed
from tei.validate.model import ERROR, Issue
from tei.validate.schemarefs import SchemaFile, sandbox_copy, schema_files
from tei.validate.specs import Register, SchemaSpec

VERSIONING_NS = "http://www.w3.org/2007/XMLSchema-versioning"
MIN_VERSION = f"{{{VERSIONING_NS}}}minVersion"


def asks_for_xsd11(schema_root: etree._Element) -> bool:
    """The schema's ``vc:minVersion`` is 1.1 or more (XSD 1.1's own test, §4.2.2)."""
    try:
        return float(schema_root.get(MIN_VERSION) or "1.0") >= 1.1
    except ValueError:
        return False


class Xsd11Layer(Layer):
    """An XSD 1.1 schema, built once by xmlschema from sandboxed copies."""

    def __init__(self, spec: SchemaSpec, files: list[SchemaFile] | None = None) -> None:
        """``files``: the schema's, as :func:`schema_files` gives them, if read already."""
        import xmlschema  # only when a schema asks for 1.1: a second or so to import

        self.spec = spec
        files = files or schema_files(spec.path, catalog=spec.catalog())
        with tempfile.TemporaryDirectory(prefix="teitool-xsd11-") as folder:
            top = sandbox_copy(files, Path(folder), ".xsd")
            try:
                self._schema = xmlschema.XMLSchema11(
                    str(top), allow="sandbox", defuse="always", use_fallback=False)
            except (xmlschema.XMLSchemaException, etree.LxmlError, OSError) as exc:
                message = str(exc).replace(str(Path(folder).resolve()), "").split("\n")[0]
                raise TeitoolError(f"{spec.path}: the XSD 1.1 schema does not compile: "
                                   f"{message}", EXIT_CANNOT_RUN) from None

    def check(self, tree: etree._ElementTree, path: str, locator: Locator,
              register: Register) -> list[Issue]:
        import xmlschema

        # xmlschema reads lxml trees, though its types name only ElementTree's.
        document = xmlschema.XMLResource(cast(Any, tree), allow="none", defuse="always")
        issues = []
        for error in self._schema.iter_errors(document, use_location_hints=False):
            line, column = 1, 1
            if error.sourceline and error.elem is not None:
                local_name = str(error.elem.tag).rpartition("}")[2]
                line, column = locator.element(error.sourceline, local_name)
            where = f" (at {error.path})" if error.path else ""
            message = prefixed(f"{error.reason or error.message}{_assertion(error)}{where}")
            issues.append(Issue(path, line, column, ERROR, message, self.spec.rule, "xsd"))
        return issues


def _assertion(error: object) -> str:
    """The test of a failed ``xs:assert``: xmlschema says only "assertion test is false"."""
    import xmlschema.validators

    validator = getattr(error, "validator", None)
    if isinstance(validator, xmlschema.validators.XsdAssert):
        return f": {validator.path}"
    return ""
