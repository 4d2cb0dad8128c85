"""``teitool build``: the whole chain, encode → validate → render web → render print → export.

Each step is the same library function its own command calls; this module only runs them in
order, times them, counts what they made and decides whether to go on:

* The build is assembled in a temporary sibling of the output folder and swapped into place
  only at the end (:func:`tei.xmlio.atomic_directory`). Ctrl-C, SIGTERM (turned into an
  interrupt here), a full disk or a failing step leave the previous outputs as they were.
* Validation errors stop the build (nothing is replaced) unless ``keep_going`` is set; then
  the build goes on, is put in place, and still ends with exit code 1.
* A step whose module this installation lacks is shown as "not available" and the chain goes
  on without it: the build never pretends a step ran.
* Files in the output folder that the build does not make (screenshots, notes) are carried
  over into the new build by hard link, so replacing the folder loses nothing of them.

Layout of the output folder::

    tei/                 the encoded edition (letters/, chapters/, front/, persons.xml)
    reports/validation.{txt,json}
    site/                the web edition (open site/index.html)
    print/edition.pdf    the print edition
    export/cmif.xml      CMIF for correspSearch
    export/bag/          BagIt bag for an archive
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import inspect
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tei.config import Settings
from tei.errors import EXIT_CANNOT_RUN, EXIT_OK, EXIT_PROBLEMS, TeitoolError
from tei.xmlio import atomic_directory

#: Names of what the build makes at the top of its folder; everything else is carried over.
PRODUCTS = ("tei", "reports", "site", "print", "export")

DONE, FAILED, SKIPPED, UNAVAILABLE = "done", "failed", "skipped", "not available"


@dataclass
class StepResult:
    """One step of the chain: how it went, how long it took, what it wrote."""

    name: str
    status: str = SKIPPED
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: One line for the summary ("not available: …", "3 errors", "42 pages").
    detail: str = ""
    #: A report to show when the step fails (the validator's report).
    report: str = ""


@dataclass
class BuildResult:
    """The whole build: the steps, the counts for the summary, the exit code."""

    out_dir: Path
    steps: list[StepResult] = field(default_factory=list)
    documents: int = 0
    persons: int = 0
    notes: int = 0
    replaced: bool = False
    exit_code: int = EXIT_OK

    @property
    def warnings(self) -> list[str]:
        return [warning for step in self.steps for warning in step.warnings]

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps)

    def summary_rows(self) -> list[tuple[str, str, str, str]]:
        """(step, status, seconds, outputs) for the summary table."""
        rows = []
        for step in self.steps:
            status = step.status + (f" ({step.detail})" if step.detail else "")
            seconds = f"{step.seconds:.1f}" if step.status in (DONE, FAILED) else "-"
            rows.append((step.name, status, seconds, ", ".join(step.outputs) or "-"))
        return rows

    def summary(self) -> str:
        """The table printed at the end of ``teitool build``."""
        head = ("step", "status", "seconds", "outputs")
        rows = [head, *self.summary_rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
            + "  "
            + row[3]
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in widths) + "  " + "-" * 7)
        lines.append("")
        lines.append(
            f"{self.documents} documents, {self.persons} persons, {self.notes} notes, "
            f"{len(self.warnings)} warnings; {self.seconds:.1f} s in all"
        )
        if self.replaced:
            lines.append(f"outputs in {self.out_dir}/")
        else:
            lines.append(f"nothing replaced: the previous outputs in {self.out_dir}/ are unchanged")
        return "\n".join(lines)


#: Runs one step: given its name and a zero-argument function doing the work. The CLI passes
#: one that shows a progress bar; the default just calls it.
StepRunner = Callable[[str, Callable[[], StepResult]], StepResult]


def _plain_runner(name: str, work: Callable[[], StepResult]) -> StepResult:
    return work()


def unavailable(target: str) -> str | None:
    """Why ``"module:function"`` (a step's library function) cannot be used; None if it can.

    A module that is absent, an empty package, or one that lacks the function all mean the
    step is not part of this installation; the reason goes into the summary, never hidden.
    """
    module, _, attribute = target.partition(":")
    try:
        if importlib.util.find_spec(module) is None:
            return f"{module} is not part of this installation"
        loaded = importlib.import_module(module)
    except ImportError as exc:
        return f"{module} cannot be imported: {exc}"
    if attribute and not hasattr(loaded, attribute):
        return f"{module} has no {attribute}()"
    return None


def _accepts(function: Callable[..., Any], name: str) -> bool:
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _beside(sources: Sequence[Path], name: str) -> Path | None:
    # The same rule the encoder uses for persons.xml and metadata.toml: beside the sources.
    for source in sources:
        candidate = (source if source.is_dir() else source.parent) / name
        if candidate.is_file():
            return candidate
    return None


# --- the steps ----------------------------------------------------------------------------------


@dataclass
class _Context:
    settings: Settings
    staging: Path
    metadata: Path | None
    register: Path | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def tei(self) -> Path:
        return self.staging / "tei"


def _encode(ctx: _Context) -> StepResult:
    from tei.encode import encode_sources

    result = encode_sources(
        list(ctx.settings.sources),
        ctx.tei,
        register_path=ctx.register,
        metadata_path=ctx.metadata,
    )
    ctx.counts["documents"] = len(result.documents)
    ctx.counts["persons"] = len(getattr(result, "persons", ()))
    ctx.counts["notes"] = getattr(result, "footnotes", 0) + getattr(result, "endnotes", 0)
    step = StepResult("encode", DONE, outputs=["tei/"], warnings=list(result.warnings))
    step.detail = f"{len(result.documents)} documents"
    if result.exit_code:
        step.status = FAILED
    return step


def _validate(ctx: _Context) -> StepResult:
    from tei.validate import validate_paths

    kwargs: dict[str, Any] = {}
    if _accepts(validate_paths, "jobs"):
        kwargs["jobs"] = ctx.settings.jobs
    if _accepts(validate_paths, "progress"):
        kwargs["progress"] = False  # the build shows its own bar per step
    report = validate_paths([ctx.tei], **kwargs)
    # The files are checked in the staging folder, but the report is read after the build
    # is moved into place: name them by their final paths.
    report = _relocated(report, ctx.staging, ctx.settings.output)
    return _validation_step(report, ctx.staging / "reports")


def _relocated(report: Any, staging: Path, final: Path) -> Any:
    """The validation report with paths under ``staging`` given as paths under ``final``."""
    old, new = str(staging), str(final)

    def moved(path: str) -> str:
        return new + path[len(old):] if path.startswith(old) else path

    files = [
        dataclasses.replace(
            result,
            path=moved(result.path),
            issues=[dataclasses.replace(i, path=moved(i.path)) for i in result.issues],
        )
        for result in report.files
    ]
    return dataclasses.replace(report, files=files)


def _validation_step(result: Any, reports: Path) -> StepResult:
    """Write the validator's reports and turn its result into a step.

    The validator's report is read through the interface its CLI uses as well:
    ``exit_code``, the ``errors``/``warnings`` counts, and ``render(format)`` for the text
    and JSON reports.
    """
    from tei.xmlio import write_atomic

    step = StepResult("validate", DONE)
    outputs = []
    for fmt, name in (("text", "validation.txt"), ("json", "validation.json")):
        text = _render_report(result, fmt)
        if text is not None:
            write_atomic(reports / name, text)
            outputs.append(f"reports/{name}")
    step.outputs = outputs
    errors, warnings = _count(result, "errors"), _count(result, "warnings")
    step.detail = f"{errors} errors, {warnings} warnings"
    step.warnings = [
        f"{i.path}:{i.line}:{i.column}: {i.message} [{i.rule}]"
        for i in getattr(result, "issues", [])
        if i.severity == "warning"
    ]
    if getattr(result, "exit_code", EXIT_OK if not errors else EXIT_PROBLEMS):
        step.status = FAILED
        step.report = _render_report(result, "text") or ""
    return step


def _count(result: Any, name: str) -> int:
    value = getattr(result, name, 0)
    if callable(value):
        value = value()
    return value if isinstance(value, int) else len(value)


def _render_report(result: Any, fmt: str) -> str | None:
    render = getattr(result, "render", None)
    if render is None:
        return None
    return render(fmt)


def _render_web(ctx: _Context) -> StepResult:
    from tei.render.web import render_web

    kwargs: dict[str, Any] = {}
    title = _edition_title(ctx.metadata)
    if title and _accepts(render_web, "title"):
        kwargs["title"] = title
    result = render_web(ctx.tei, ctx.staging / "site", **kwargs)
    step = StepResult("render web", DONE, outputs=["site/index.html"], warnings=result.warnings)
    step.detail = f"{result.html_pages} pages"
    return step


def _render_print(ctx: _Context) -> StepResult:
    from tei.render.pdf import render_print

    result = render_print(ctx.tei, ctx.staging / "print" / "edition.pdf", paper=ctx.settings.paper)
    step = StepResult(
        "render print", DONE, outputs=["print/edition.pdf"], warnings=list(result.warnings)
    )
    step.detail = f"{result.pages} pages, {ctx.settings.paper}"
    return step


def _export(ctx: _Context) -> StepResult:
    from tei.export import export_bag, export_cmif, read_letters

    step = StepResult("export", DONE)
    if read_letters(ctx.tei):
        cmif = export_cmif(
            ctx.tei, ctx.staging / "export" / "cmif.xml", metadata_path=ctx.metadata
        )
        step.outputs.append("export/cmif.xml")
        step.warnings += cmif.warnings
        step.detail = f"{cmif.letters} letters in CMIF"
    else:
        step.warnings.append("no letters among the sources: no CMIF file")
    bag = export_bag(ctx.staging, ctx.staging / "export" / "bag", metadata_path=ctx.metadata)
    step.outputs.append("export/bag/")
    step.warnings += bag.warnings
    step.detail = ", ".join(filter(None, [step.detail, f"bag of {bag.files} files"]))
    return step


def _edition_title(metadata: Path | None) -> str | None:
    if metadata is None:
        return None
    from tei.export import load_edition_metadata

    try:
        return load_edition_metadata(metadata).title
    except TeitoolError:
        return None  # the export step reports a broken [edition] table, with its reason


EXPORT = "tei.export:export_cmif"

#: The chain: (name, the library function it needs as "module:function", the step).
STEPS: tuple[tuple[str, str, Callable[[_Context], StepResult]], ...] = (
    ("encode", "tei.encode:encode_sources", _encode),
    ("validate", "tei.validate:validate_paths", _validate),
    ("render web", "tei.render.web:render_web", _render_web),
    ("render print", "tei.render.pdf:render_print", _render_print),
    ("export", EXPORT, _export),
)


# --- running the chain ----------------------------------------------------------------------------


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while building, so the clean-up code runs for both.

    Python's default for SIGTERM ends the process at once, which would leave the temporary
    folder behind; an exception unwinds through :func:`atomic_directory` instead.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_output_folder(out_dir: Path, sources: Sequence[Path]) -> None:
    """Refuse an output folder whose replacement would take the sources or the cwd with it."""
    out = out_dir.resolve()
    cwd = Path.cwd().resolve()
    if out == cwd or out in cwd.parents:
        raise TeitoolError(
            f"{out_dir}: the build folder would contain the current folder; choose e.g. build/",
            EXIT_CANNOT_RUN,
        )
    for source in sources:
        if source.resolve() == out or out in source.resolve().parents:
            raise TeitoolError(
                f"{out_dir}: the build folder would contain the source {source}", EXIT_CANNOT_RUN
            )
    if out.exists() and not out.is_dir():
        raise TeitoolError(f"{out_dir}: exists and is not a folder", EXIT_CANNOT_RUN)


def _carry_over(old: Path, staging: Path) -> None:
    """Hard-link what the build does not make from the old folder into the new one."""
    if not old.is_dir():
        return
    for entry in sorted(old.iterdir()):
        if entry.name in PRODUCTS or entry.name.startswith("."):
            continue
        target = staging / entry.name
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(target))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # another file system, or links not allowed: a copy does the same job
        shutil.copy2(source, target, follow_symlinks=False)


def build_edition(
    settings: Settings,
    *,
    keep_going: bool = False,
    runner: StepRunner = _plain_runner,
    steps: Sequence[tuple[str, str, Callable[[_Context], StepResult]]] | None = None,
) -> BuildResult:
    """Run the chain on ``settings.sources`` into ``settings.output``.

    Returns the :class:`BuildResult` (also when validation failed: then nothing is replaced
    and ``exit_code`` is 1). Raises :class:`TeitoolError` when a step cannot run; the previous
    outputs are then left as they were. ``KeyboardInterrupt`` (Ctrl-C, SIGTERM) likewise.
    """
    sources = list(settings.sources)
    check_output_folder(settings.output, sources)
    metadata = settings.metadata or _beside(sources, "metadata.toml")
    register = settings.register or _beside(sources, "persons.xml")
    chain = STEPS if steps is None else steps
    if any(name == "export" for name, _, _ in chain) and unavailable(EXPORT) is None:
        # Fail in a second, not after a minute of rendering: the exports need [edition].
        from tei.export import DEFAULT_METADATA, load_edition_metadata

        load_edition_metadata(metadata or DEFAULT_METADATA)
    result = BuildResult(settings.output)
    try:
        with sigterm_as_interrupt(), atomic_directory(settings.output) as staging:
            ctx = _Context(settings, staging, metadata, register)
            stopped = False
            for name, module, function in chain:
                step = _run_step(name, module, function, ctx, runner, stopped)
                result.steps.append(step)
                if step.status == FAILED:
                    result.exit_code = EXIT_PROBLEMS
                    # Only validation errors may be passed over; without TEI nothing can go on.
                    if not (keep_going and name == "validate"):
                        stopped = True
            result.documents = ctx.counts.get("documents", 0)
            result.persons = ctx.counts.get("persons", 0)
            result.notes = ctx.counts.get("notes", 0)
            if stopped:
                raise _Discard  # leaving the block by an exception throws the staging away
            _carry_over(settings.output, staging)
    except _Discard:
        return result
    result.replaced = True
    return result


class _Discard(Exception):
    """Thrown inside the staging block to discard a build that stopped (validation failed)."""


def _run_step(
    name: str,
    module: str,
    function: Callable[[_Context], StepResult],
    ctx: _Context,
    runner: StepRunner,
    stopped: bool,
) -> StepResult:
    if stopped:
        return StepResult(name, SKIPPED, detail="an earlier step failed")
    reason = unavailable(module)
    if reason:
        return StepResult(name, UNAVAILABLE, detail=reason)
    started = time.perf_counter()

    def work() -> StepResult:
        try:
            return function(ctx)
        except TeitoolError as exc:
            raise TeitoolError(f"{name}: {exc}", exc.exit_code) from None

    step = runner(name, work)
    step.seconds = time.perf_counter() - started
    return step
