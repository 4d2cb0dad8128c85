"""What a validation run finds: issues, per-file results and the report for the whole run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from tei.errors import EXIT_OK, EXIT_PROBLEMS

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Issue:
    """One finding, at a place in one file.

    ``line``/``column`` are 1-based; 0 means "the file as a whole" (e.g. it cannot be read).
    ``rule`` names what was broken: a Schematron assert id (``ref-person``), a schema file
    (``teitool.xsd``, ``tei_all.rng``) or a parser check (``well-formed``, ``entity-declaration``).
    ``layer`` says which check found it: well-formed, xsd, schematron, rng, register.
    """

    path: str
    line: int
    column: int
    severity: str
    message: str
    rule: str
    layer: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


@dataclass
class FileResult:
    """All issues of one file, and whether they came from the cache."""

    path: str
    issues: list[Issue] = field(default_factory=list)
    cached: bool = False
    #: the schemas that checked it (paths), in the order they ran
    schemas: tuple[str, ...] = ()

    # Most files have no issue: a report over thousands of cached results asks each often.
    @property
    def errors(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == ERROR) if self.issues else 0

    @property
    def warnings(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == WARNING) if self.issues else 0


#: Schematron roles that make a finding a warning; any other role is an error.
WARNING_ROLES = ("warning", "warn", "info", "information")


class RuleHelp(NamedTuple):
    """What a rule checks, in a line, and its level when it fails (SARIF's rule list)."""

    text: str
    level: str = "error"  # or "warning"


@dataclass
class ValidationReport:
    """The result of :func:`tei.validate.validate_paths`; render it with :meth:`render`."""

    files: list[FileResult]
    strict: bool = False
    seconds: float = 0.0
    schemas: list[str] = field(default_factory=list)
    #: rule id -> description and level (SARIF); worked out from ``schemas`` when first needed
    rules: dict[str, RuleHelp] | None = None
    #: what the run says once, about all files (e.g. "this is another edition's TEI")
    notes: list[str] = field(default_factory=list)
    #: some files were checked against schemas they name themselves
    from_documents: bool = False

    @property
    def rule_help(self) -> dict[str, RuleHelp]:
        if self.rules is None:
            from tei.validate.runner import rule_descriptions

            self.rules = rule_descriptions(self.schemas)
        return self.rules

    @property
    def issues(self) -> list[Issue]:
        return [issue for result in self.files for issue in result.issues]

    @property
    def errors(self) -> int:
        return sum(result.errors for result in self.files)

    @property
    def warnings(self) -> int:
        return sum(result.warnings for result in self.files)

    @property
    def cached(self) -> int:
        return sum(1 for result in self.files if result.cached)

    def failed(self, result: FileResult) -> bool:
        """A file fails on any error, and on any warning under ``strict``."""
        return result.errors > 0 or (self.strict and result.warnings > 0)

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEMS if any(self.failed(result) for result in self.files) else EXIT_OK

    def summary(self, *, run_details: bool = True) -> str:
        """One line of counts; ``run_details`` adds the cache hits and the time taken, which
        differ from run to run and so stay out of the machine formats."""
        failing = sum(1 for result in self.files if self.failed(result))
        files = len(self.files)
        verdict = "all valid" if not failing else f"{failing} of {files} invalid"
        counts = (
            f"{files} file{'s' if files != 1 else ''} checked: {verdict}; "
            f"{self.errors} error{'s' if self.errors != 1 else ''}, "
            f"{self.warnings} warning{'s' if self.warnings != 1 else ''}"
        )
        if not run_details:
            return counts
        return f"{counts} ({self.cached} from cache, {self.seconds:.2f} s)"

    def render(self, fmt: str = "text") -> str:
        """The report as text, json, junit, github or sarif (see :mod:`tei.validate.reports`)."""
        from tei.validate.reports import render

        return render(self, fmt)
