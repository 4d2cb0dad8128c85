"""``teitool build``: the whole chain, encode → validate → render web → render print → export.

Each step is the same library function its own command calls; this module only runs them in
order, times them, counts what they made and decides whether to go on:

* The build is assembled in a temporary sibling of the output folder and swapped into place
  only at the end (:func:`tei.xmlio.atomic_directory`). Ctrl-C, SIGTERM (turned into an
  interrupt here), a full disk or a failing step leave the previous outputs as they were.
* Validation errors stop the build (nothing is replaced) unless ``keep_going`` is set; then
  the build goes on, is put in place, and still ends with exit code 1.
* Re-running on unchanged sources gives byte-identical outputs: the exports are dated by the
  sources' latest change (or ``SOURCE_DATE_EPOCH``), and the reports name files relative to
  the output folder, wherever that is.
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
import datetime as dt
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tei.config import Settings
from tei.errors import EXIT_CANNOT_RUN, EXIT_OK, EXIT_PROBLEMS, TeitoolError
from tei.export import EditionMetadata, build_time, draft_warning, read_edition_metadata
from tei.progress import Progress
from tei.xmlio import atomic_directory, check_output

if TYPE_CHECKING:
    from tei.validate.model import ValidationReport

#: Names of what the build makes at the top of its folder; everything else is carried over.
PRODUCTS = ("tei", "reports", "site", "print", "export")

DONE, FAILED, SKIPPED = "done", "failed", "skipped"


@dataclass
class StepResult:
    """One step of the chain: how it went, how long it took, what it wrote."""

    name: str
    status: str = SKIPPED
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: One line for the summary ("3 errors", "42 pages").
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


#: Runs one step: given its name and a function doing the work, which takes the callback
#: that hears the step's progress (see tei.progress), or None. The CLI passes a runner that
#: shows a progress bar per step; the default just does the work.
StepRunner = Callable[[str, Callable[[Progress | None], StepResult]], StepResult]


def _plain_runner(name: str, work: Callable[[Progress | None], StepResult]) -> StepResult:
    return work(None)


def _beside(sources: Sequence[Path], name: str) -> Path | None:
    # The same rule the encoder uses for persons.xml and metadata.toml: beside the sources.
    for source in sources:
        candidate = _folder_of(source) / name
        if candidate.is_file():
            return candidate
    return None


def _folder_of(source: Path) -> Path:
    return source if source.is_dir() else source.parent


def _edition_metadata(settings: Settings, metadata: Path | None) -> EditionMetadata:
    """The [edition] metadata of the build from ``metadata``: the file the settings name
    (which must be there) or the one found beside the sources; a draft's placeholders where
    there is none or it lacks keys. Errors name the file they are about."""
    expected = metadata or _folder_of(next(iter(settings.sources), Path("."))) / "metadata.toml"
    return read_edition_metadata(expected, named=settings.metadata is not None)


# --- the steps ----------------------------------------------------------------------------------


@dataclass
class _Context:
    settings: Settings
    staging: Path
    metadata: Path | None
    register: Path | None
    edition: EditionMetadata
    #: What the exports are dated by: the sources' latest change (see tei.export.build_time).
    edition_time: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    #: The running step's progress callback, if anyone listens.
    progress: Progress | None = None

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
        progress=ctx.progress,
    )
    ctx.counts["documents"] = len(result.documents)
    ctx.counts["persons"] = len(result.persons)
    ctx.counts["notes"] = result.footnotes + result.endnotes
    step = StepResult("encode", DONE, outputs=["tei/"], warnings=list(result.warnings))
    if result.provisional:
        step.warnings.append(_provisional_warning(ctx, [item.name for item in result.provisional]))
    step.detail = f"{len(result.documents)} documents"
    if result.exit_code:
        step.status = FAILED
    return step


#: How many provisional persons the build's warning names; the rest are counted.
_NAMED_PROVISIONAL = 10


def _provisional_warning(ctx: _Context, names: list[str]) -> str:
    """One warning for the persons the register lacks (encode's provisional entries): who,
    where they are, and how to review and merge them."""
    shown = ", ".join(names[:_NAMED_PROVISIONAL])
    if len(names) > _NAMED_PROVISIONAL:
        shown += f" and {len(names) - _NAMED_PROVISIONAL} more"
    tei = ctx.settings.output / "tei"
    register = ctx.register or "sources/persons.xml"
    return (
        f"{len(names)} persons are not in the register {register}: {shown}; they have "
        f"provisional entries in {tei / 'persons.xml'} (`teitool persons review {tei}`, then "
        f"`teitool persons merge {tei / 'persons.xml'} --into {register} --all`)"
    )


def _validate(ctx: _Context) -> StepResult:
    from tei.validate import validate_paths

    report = validate_paths([ctx.tei], jobs=ctx.settings.jobs, progress=ctx.progress)
    # The files are checked in the staging folder, which is renamed at the end: the reports
    # written into the build name them relative to its folder, so they read the same wherever
    # the build is (and inside the bag); what is shown now names them by their final paths.
    step = _validation_step(_relocated(report, ctx.staging, ""), ctx.staging / "reports")
    shown = _relocated(report, ctx.staging, f"{ctx.settings.output}{os.sep}")
    step.warnings = [
        f"{i.path}:{i.line}:{i.column}: {i.message} [{i.rule}]"
        for i in shown.issues
        if i.severity == "warning"
    ]
    if step.status == FAILED:
        step.report = shown.render("text")
    return step


def _relocated(report: ValidationReport, staging: Path, prefix: str) -> ValidationReport:
    """The report with each path under ``staging`` given as ``prefix`` + its relative path."""
    old = f"{staging}{os.sep}"

    def moved(path: str) -> str:
        return prefix + path[len(old):] if path.startswith(old) else path

    files = [
        dataclasses.replace(
            result,
            path=moved(result.path),
            issues=[dataclasses.replace(i, path=moved(i.path)) for i in result.issues],
        )
        for result in report.files
    ]
    return dataclasses.replace(report, files=files)


def _validation_step(report: ValidationReport, reports: Path) -> StepResult:
    """Write the validator's reports (text and JSON) and turn its result into a step."""
    from tei.validate.reports import render_text
    from tei.xmlio import write_atomic

    write_atomic(reports / "validation.txt", render_text(report, run_details=False))
    write_atomic(reports / "validation.json", report.render("json"))
    step = StepResult(
        "validate", DONE, outputs=["reports/validation.txt", "reports/validation.json"]
    )
    step.detail = f"{report.errors} errors, {report.warnings} warnings"
    if report.exit_code:
        step.status = FAILED
    return step


def _render_web(ctx: _Context) -> StepResult:
    from tei.render.web import DEFAULT_TITLE, render_web

    title = ctx.edition.given("title") or DEFAULT_TITLE  # not the CMIF placeholder
    result = render_web(
        ctx.tei, ctx.staging / "site", title=title, edition_metadata=ctx.edition,
        when=ctx.edition_time,
    )
    step = StepResult("render web", DONE, outputs=["site/index.html"], warnings=result.warnings)
    step.detail = f"{result.html_pages} pages"
    return step


def _render_print(ctx: _Context) -> StepResult:
    from tei.render.pdf import render_print

    result = render_print(
        ctx.tei,
        ctx.staging / "print" / "edition.pdf",
        paper=ctx.settings.paper,
        pdfa=ctx.settings.pdfa,
        line_numbers=ctx.settings.line_numbers,
        reading=ctx.settings.reading,
        # The title as on the site; without one in [edition], the introduction's.
        edition=ctx.edition,
        when=ctx.edition_time,  # dated as the exports: a rebuild gives the same bytes
        progress=ctx.progress,
    )
    step = StepResult(
        "render print", DONE, outputs=["print/edition.pdf"], warnings=list(result.warnings)
    )
    step.detail = f"{result.pages} pages, {ctx.settings.paper}" + (
        ", PDF/A-2b" if ctx.settings.pdfa else "")
    return step


def _export(ctx: _Context) -> StepResult:
    from tei.edition import read_edition
    from tei.export import export_bag, export_cmif

    step = StepResult("export", DONE)
    draft = draft_warning(ctx.edition)  # once for all the exports
    if draft:
        step.warnings.append(draft)
    # The model's own warnings (files skipped, pointers unresolved) are the render steps' news.
    model = read_edition(ctx.tei)
    if model.letters:
        cmif = export_cmif(
            ctx.tei,
            ctx.staging / "export" / "cmif.xml",
            metadata_path=ctx.metadata,
            now=ctx.edition_time,
            edition=ctx.edition,
            model=model,
        )
        step.outputs.append("export/cmif.xml")
        step.warnings += cmif.warnings
        step.detail = f"{cmif.letters} letters in CMIF"
        if ctx.progress is not None:
            ctx.progress(1, 2)
    else:
        step.warnings.append("no letters among the sources: no CMIF file")
    bag = export_bag(
        ctx.staging,
        ctx.staging / "export" / "bag",
        metadata_path=ctx.metadata,
        now=ctx.edition_time,
        edition=ctx.edition,
    )
    step.outputs.append("export/bag/")
    step.warnings += bag.warnings
    step.detail = ", ".join(filter(None, [step.detail, f"bag of {bag.files} files"]))
    return step


#: The chain, in order: (name, the step).
STEPS: tuple[tuple[str, Callable[[_Context], StepResult]], ...] = (
    ("encode", _encode),
    ("validate", _validate),
    ("render web", _render_web),
    ("render print", _render_print),
    ("export", _export),
)


# --- running the chain ----------------------------------------------------------------------------


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwinding like Ctrl-C; the CLI exits with 143 (128 + 15) for it, not 130."""


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
        raise Terminated(f"signal {signum}")

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
    check_output(out_dir, folder=True)


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
    steps: Sequence[tuple[str, Callable[[_Context], StepResult]]] | None = None,
) -> BuildResult:
    """Run the chain on ``settings.sources`` into ``settings.output``.

    Returns the :class:`BuildResult` (also when validation failed: then nothing is replaced
    and ``exit_code`` is 1). Raises :class:`TeitoolError` when a step cannot run; the previous
    outputs are then left as they were. ``KeyboardInterrupt`` (Ctrl-C, SIGTERM) likewise.
    """
    from tei.encode import source_files

    sources = list(settings.sources)
    source_files(sources)  # a missing or empty source folder is named first
    check_output_folder(settings.output, sources)
    metadata = settings.metadata or _beside(sources, "metadata.toml")
    register = settings.register or _beside(sources, "persons.xml")
    chain = STEPS if steps is None else steps
    # Read now, to fail in a second rather than after a minute of rendering: the exports
    # read the [edition] table (a wrong value in it is an error), the site its title.
    edition = _edition_metadata(settings, metadata)
    # Taken before anything is written: the sources' latest change, not the build's.
    edition_time = build_time(inputs=[*sources, *filter(None, [metadata, register])])
    result = BuildResult(settings.output)
    try:
        with sigterm_as_interrupt(), atomic_directory(settings.output) as staging:
            ctx = _Context(settings, staging, metadata, register, edition, edition_time)
            stopped = False
            for name, function in chain:
                step = _run_step(name, function, ctx, runner, stopped)
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


def _as_built(message: str, ctx: _Context) -> str:
    """``message`` with the temporary build folder named as the build folder it becomes."""
    for staging in (str(ctx.staging.resolve()), str(ctx.staging)):
        message = message.replace(staging, str(ctx.settings.output))
    return message


class _Discard(Exception):
    """Thrown inside the staging block to discard a build that stopped (validation failed)."""


def _run_step(
    name: str,
    function: Callable[[_Context], StepResult],
    ctx: _Context,
    runner: StepRunner,
    stopped: bool,
) -> StepResult:
    if stopped:
        return StepResult(name, SKIPPED, detail="an earlier step failed")
    started = time.perf_counter()

    def work(progress: Progress | None) -> StepResult:
        ctx.progress = progress
        try:
            return function(ctx)
        except TeitoolError as exc:
            raise TeitoolError(f"{name}: {_as_built(str(exc), ctx)}", exc.exit_code) from None

    step = runner(name, work)
    step.seconds = time.perf_counter() - started
    return step
