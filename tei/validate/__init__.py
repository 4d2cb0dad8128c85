"""Validate TEI: well-formedness, the project's XSD and Schematron, any user schema.

``validate_paths(paths, ...)`` checks files, folders and globs and returns a
:class:`ValidationReport`; ``report.render(fmt)`` gives text, json, junit, github or sarif,
and ``report.exit_code`` is 0 (valid) or 1 (invalid, or warnings under ``strict``).
"""

from __future__ import annotations

from tei.validate.model import ERROR, WARNING, FileResult, Issue, ValidationReport
from tei.validate.reports import FORMATS, render
from tei.validate.runner import discover, find_register, validate_paths

__all__ = [
    "ERROR",
    "FORMATS",
    "WARNING",
    "FileResult",
    "Issue",
    "ValidationReport",
    "discover",
    "find_register",
    "render",
    "validate_paths",
]
