"""The validity check of encode: every document it made, against teitool's own schema, in
memory, before anything is written (as the lossless check is).

The schema is the one ``teitool validate`` checks with (``tei/schema/teitool.xsd``), run by
the validator's own layer (:class:`tei.validate.checks.GrammarLayer`), so both say the same
of a document; compiled once per process. The Schematron (``teitool.sch``: pointers into
the register and the like) is the validator's to run, not encode's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from tei.errors import EXIT_PROBLEMS, TeitoolError
from tei.validate.checks import GrammarLayer, Locator
from tei.validate.model import ERROR, Issue
from tei.validate.specs import BUILTIN_XSD, NO_REGISTER, SchemaSpec
from tei.xmlio import NSMAP, XmlProblem, parse_bytes

#: Where a document of a part of a source says which lines it was made from (letters,
#: introductions: "Encoded with teitool from X.txt, lines 14–27.").
_LINES = re.compile(r"Encoded with teitool from \S+?, lines (\d+)[–-](\d+)")


@functools.cache
def _builtin_layer() -> GrammarLayer:
    return GrammarLayer(SchemaSpec.from_path(BUILTIN_XSD, builtin=True))


def first_problem(target: Path, data: bytes) -> tuple[Issue | None, str | None]:
    """The first error the built-in schema finds in ``data`` (the document to be written as
    ``target``), or None; and the source lines the document says it was made from."""
    path = str(target)
    try:
        tree = parse_bytes(data, path)
    except XmlProblem as problem:  # encode reads each document back before: not expected
        issue = Issue(
            path, problem.line, problem.column, ERROR, problem.message, problem.rule, "well-formed"
        )
        return issue, None
    statement = tree.findtext(".//tei:publicationStmt/tei:p", namespaces=NSMAP) or ""
    lines = _LINES.search(statement)
    span = f"{lines.group(1)}–{lines.group(2)}" if lines else None
    issues = _builtin_layer().check(tree, path, Locator(data), NO_REGISTER)
    return next((issue for issue in issues if issue.severity == ERROR), None), span


def refuse_invalid(documents: Iterable[tuple[Path, bytes, Path]]) -> int:
    """Check every document (where it is to be written, its bytes, its source file) against
    the built-in schema; the first that fails is a :class:`TeitoolError` (exit 1) naming it,
    its source and lines, and the schema's first reason with its line. Returns how many
    documents were checked (all valid)."""
    checked = 0
    for target, data, source in documents:
        issue, span = first_problem(target, data)
        if issue is not None:
            where = f"{source}:{span.split('–')[0]} (lines {span})" if span else f"{source}"
            raise TeitoolError(
                f"{where}: its document {target.parent.name}/{target.name} would not be "
                f"valid against teitool's schema ({issue.rule}, line {issue.line}, column "
                f"{issue.column}: {issue.message.rstrip('.')}); nothing written",
                EXIT_PROBLEMS,
            )
        checked += 1
    return checked
