"""The ``teitool`` command line: options in, a library call, an exit code out.

Every command's work is done by a library function that also works from Python; this module
only parses options, reports, and maps :class:`tei.errors.TeitoolError` to exit codes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tei import __version__
from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.progress import Progress
from tei.readings import READINGS

if TYPE_CHECKING:
    from tei.encode.registerfile import Provisional


def path_option(
    *names: str, help: str, file_okay: bool = True, dir_okay: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An optional file or folder option (``--register``, ``--metadata``, …), None when absent."""
    return click.option(
        *names,
        type=click.Path(path_type=Path, file_okay=file_okay, dir_okay=dir_okay),
        default=None,
        help=help,
    )


quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line on stderr and the error's exit code.

    No traceback reaches the user, whatever the input: an operating system's refusal (a full
    disk, a permission) or a lack of memory is one line naming what it can, exit code 2; any
    other exception is a bug of teitool, said as one line asking for a report (exit code 2),
    with the traceback when ``TEITOOL_DEBUG`` is set.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TeitoolError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt as exc:
            from tei.build import Terminated

            click.echo("teitool: interrupted; earlier outputs are left as they were", err=True)
            # The shell's codes: 128 + the signal (SIGTERM 15, Ctrl-C's SIGINT 2).
            sys.exit(143 if isinstance(exc, Terminated) else 130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: usage errors and exits, which click reports
        except OSError as exc:
            if isinstance(exc, BrokenPipeError) and _reader_gone():
                _stdout_closed()
            _debug_traceback()
            _fail(_os_error(exc), EXIT_CANNOT_RUN)
        except MemoryError:
            _debug_traceback()
            _fail("out of memory: the input is too large for the memory of this machine",
                  EXIT_CANNOT_RUN)
        except Exception as exc:
            _debug_traceback()
            _fail(f"internal error: {exc.__class__.__name__}: {exc}; please report it "
                  "(set TEITOOL_DEBUG=1 for the traceback)", EXIT_CANNOT_RUN)

    return wrapper


def _fail(message: str, exit_code: int) -> None:
    """One line on stderr, whatever the message holds (a file name with a line break or a
    terminal escape is spelled out), and exit."""
    try:
        from tei.validate.reports import visible
    except Exception:  # that module broken (the very bug to report): Python's own escapes
        line = ascii(message)[1:-1]
    else:
        line = visible(message)
    click.echo(f"teitool: {line}", err=True)
    sys.exit(exit_code)


def _os_error(exc: OSError) -> str:
    """An operating system's error in its own words, with the file it concerns."""
    reason = exc.strerror or str(exc) or exc.__class__.__name__
    files = [str(name) for name in (exc.filename, exc.filename2) if name is not None]
    return f"{' -> '.join(files)}: {reason}" if files else reason


def _debug_traceback() -> None:
    if os.environ.get("TEITOOL_DEBUG", "") not in ("", "0"):
        import traceback

        traceback.print_exc()


def _reader_gone() -> bool:
    """Whether standard output is a pipe whose reader has closed it (poll says POLLERR)."""
    import select

    with contextlib.suppress(Exception):  # no poll (Windows) or no stdout: say no
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    return False


def _stdout_closed() -> None:
    """The reader of the output went away (``teitool validate | head``): not an error of
    teitool's, so no message; the shell's code for a process ended by SIGPIPE (128 + 13)."""
    with contextlib.suppress(OSError):
        # Python would try to flush the dead pipe again at exit and complain: point it away.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(141)


@contextlib.contextmanager
def progress_bar(label: str, show: bool = True) -> Iterator[Progress | None]:
    """A :mod:`tei.progress` callback drawing a click progress bar on a terminal.

    The bar appears at the first report, so work too small to report shows none; off a
    terminal (CI logs, pipes) or when not ``show``, there is no callback at all.
    """
    if not show or not sys.stderr.isatty():
        yield None
        return
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def report(done: int, total: int | None) -> None:
            length = max(total or 0, done, 1)
            if not bars:
                bars.append(
                    stack.enter_context(
                        click.progressbar(
                            length=length, label=label, file=sys.stderr, show_eta=False
                        )
                    )
                )
            bar = bars[0]
            bar.length = length  # a total learnt on the way (pages laid out) may grow
            bar.update(done - bar.pos)

        yield report


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="teitool")
def main() -> None:
    """teitool: encode plain-text sources as TEI P5, validate, render and export them.

    \b
    A new edition, built at once:
      teitool init my-edition && cd my-edition && teitool build
    \b
    The chain, one command per step:
      teitool encode sources -o build/tei      plain text -> TEI files
      teitool validate build/tei               schema + Schematron checks
      teitool render web build/tei -o build/site
      teitool render print build/tei -o build/print/edition.pdf
      teitool export cmif build/tei -o build/export/cmif.xml

    Exit codes: 0 fine, 1 invalid input or problems found, 2 cannot run (usage, I/O).
    """


# --- init -----------------------------------------------------------------------------------


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@quiet_option
@reports_errors
def init(folder: Path, quiet: bool) -> None:
    """Start a new edition project in FOLDER (made if missing) that builds at once.

    \b
    Writes: sources/ with an example correspondence, an empty register of persons
    (persons.xml) and metadata.toml (its [edition] table to fill in before publishing),
    teitool.toml (the build's settings), .gitignore, a GitHub Actions workflow
    (.github/workflows/tei.yml) and a README. Overwrites nothing: if any of these files
    exists, nothing is written (exit code 2).
    \b
    Example:
      teitool init my-edition && cd my-edition && teitool build
    """
    import shlex

    from tei.init import init_project

    written = init_project(folder)
    if not quiet:
        for path in written:
            click.echo(f"wrote {path}")
        click.echo(f"next: cd {shlex.quote(str(folder))} && teitool build")


# --- encode ---------------------------------------------------------------------------------


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("build/tei"),
    show_default=True,
    help="Folder for the TEI files (letters/, chapters/, front/, persons.xml).",
)
@click.option(
    "--kind",
    type=click.Choice(["auto", "letters", "chapter"]),
    default="auto",
    show_default=True,
    help="What the sources are; 'auto' recognises each source by its content.",
)
@path_option(
    "--register",
    help="Register of persons (TEI listPerson). Default: persons.xml beside the sources; "
    "without one, every name is unknown and the output register is empty.",
)
@path_option(
    "--metadata", help="Per-source metadata (TOML). Default: metadata.toml beside the sources."
)
@quiet_option
@reports_errors
def encode(
    sources: tuple[Path, ...],
    output: Path,
    kind: str,
    register: Path | None,
    metadata: Path | None,
    quiet: bool,
) -> None:
    """Encode plain-text SOURCES (files or folders of *.txt) as TEI P5.

    \b
    Examples:
      teitool encode sources -o build/tei
      teitool encode sources/003_171032f87d76c798.txt -o build/tei
      teitool encode my_letters.txt --kind letters --register my_persons.xml
    """
    from tei.encode import encode_sources
    from tei.xmlio import check_output

    check_output(output, folder=True)
    result = encode_sources(
        list(sources), output, kind=kind, register_path=register, metadata_path=metadata
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    _report_provisional(result.provisional, output)
    if not quiet:
        click.echo(result.summary())
    if result.exit_code:
        sys.exit(result.exit_code)


def _report_provisional(provisional: list[Provisional], output: Path) -> None:
    """The persons the register lacks, one line each (id, name, mentions, where first met,
    the register person it resembles), on stderr like warnings: each needs the editor."""
    if not provisional:
        return
    import shlex

    click.echo(
        f"{len(provisional)} provisional persons, not in the register, added to "
        f"{output / 'persons.xml'} (review: teitool persons review {shlex.quote(str(output))}):",
        err=True,
    )
    width = max(len(item.entry.xml_id) for item in provisional)
    for item in provisional:
        candidate = (
            f"; resembles {item.entry.candidate}" if item.entry.candidate is not None else ""
        )
        click.echo(
            f"  {item.entry.xml_id:<{width}}  {item.name}  ×{item.mentions}  first in "
            f"{item.first_met}{candidate}",
            err=True,
        )


# --- persons --------------------------------------------------------------------------------


@main.group()
def persons() -> None:
    """Grow and check the register of persons (sources/persons.xml)."""


@persons.command("suggest")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@path_option(
    "--register",
    help="Register of persons. Default: persons.xml beside the sources, else none (all names).",
)
@click.option(
    "--min-count", type=click.IntRange(min=1), default=1, show_default=True,
    help="Hide rarer names.",
)
@click.option(
    "--likely-persons",
    is_flag=True,
    help="Only names seen after a form of address, a title or initials (Comrade X, F. Pope).",
)
@reports_errors
def persons_suggest(
    sources: tuple[Path, ...], register: Path | None, min_count: int, likely_persons: bool
) -> None:
    """List capitalised names in SOURCES that the register does not know.

    \b
    One line per name: count, name, first file:line, and what marks it as a person's
    (the form of address, title or initials seen before it), if anything does. Adjacent
    capitalised words are one name; a lone word that starts a sentence is left out. Add
    the real persons to the register (or their spelling as a variant).
    Example:
      teitool persons suggest sources/003_171032f87d76c798.txt --min-count 2
      teitool persons suggest sources --likely-persons
    """
    from tei.encode import find_register, load_register, source_files
    from tei.encode.persons import suggest
    from tei.encode.reading import read_source

    files = source_files(list(sources))  # a missing source is named before the register
    loaded = load_register(register or find_register(list(sources)))
    for path in files:
        for suggestion in suggest(read_source(path).text, loaded):
            if suggestion.count < min_count or (likely_persons and not suggestion.cue):
                continue
            cue = f"  (after {suggestion.cue})" if suggestion.cue else ""
            click.echo(
                f"{suggestion.count:5d}  {suggestion.name}  {path}:{suggestion.first_line}{cue}"
            )


@persons.command("review")
@click.argument("tei_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@reports_errors
def persons_review(tei_dir: Path) -> None:
    """List the provisional persons encode added to TEI_DIR/persons.xml.

    \b
    One block per entry: its id and regularised name, then its note: where encode first met
    it, how often, and the register person it resembles, if any. Accept the right ones with
    `teitool persons merge`; correct the others in the sources or the register (add a
    spelling as a variant of its person) and encode again.
    Example:
      teitool persons review build/tei
    """
    from tei.encode.registerfile import provisional_entries

    entries = provisional_entries(tei_dir / "persons.xml")
    if not entries:
        click.echo(f"{tei_dir / 'persons.xml'}: no provisional entries")
    for entry in entries:
        click.echo(f"{entry.xml_id}  {entry.name}\n    {entry.note}")


@persons.command("merge")
@click.argument("provisional", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--into", required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The register to add them to (sources/persons.xml).",
)
@click.option("--accept", "accepted", multiple=True, metavar="ID",
              help="Merge this provisional entry (repeat for more).")
@click.option("--all", "merge_all", is_flag=True, help="Merge every provisional entry.")
@reports_errors
def persons_merge(
    provisional: Path, into: Path, accepted: tuple[str, ...], merge_all: bool
) -> None:
    """Add accepted provisional entries of PROVISIONAL (TEI_DIR/persons.xml) to a register.

    \b
    The entries go in without their provisional marks (@cert, the note), at the end of the
    register's listPerson (groups: listOrg); every other byte of the register stays as it
    was, and it is written atomically. An id the register already has is refused (nothing
    written). Encode again afterwards: the names then resolve to the register.
    Examples:
      teitool persons merge build/tei/persons.xml --into sources/persons.xml --accept lozovsky
      teitool persons merge build/tei/persons.xml --into sources/persons.xml --all
    """
    from tei.encode.registerfile import merge

    if merge_all == bool(accepted):
        raise click.UsageError("give either --accept ID (one or more) or --all")
    merged = merge(provisional, into, None if merge_all else list(accepted))
    click.echo(f"merged {len(merged)} into {into}: {', '.join(merged) or 'none'}")


# --- validate -------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also check against this schema (.rng/.rnc RELAX NG, .xsd, .sch Schematron); repeatable.",
)
@click.option(
    "--no-builtin",
    is_flag=True,
    help="Skip the built-in teitool.xsd and teitool.sch (check only --schema files).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "github", "sarif"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@path_option(
    "-o",
    "--output",
    dir_okay=False,
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes.  [default: all cores]",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Check every file again (default: skip files unchanged since the last run, "
    "cached in ~/.cache/teitool or $TEITOOL_CACHE_DIR).",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@path_option(
    "--register",
    dir_okay=False,
    help="Register of persons for @ref checks. Default: the nearest persons.xml in the "
    "checked file's folder or up to three folders above it, within the project.",
)
@click.option(
    "--catalog",
    "catalogs",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="An OASIS XML catalog mapping schema URLs to local copies; repeatable. Also read: "
    "$XML_CATALOG_FILES, then teitool's own (the W3C xml.xsd and xlink.xsd).",
)
@click.option(
    "--schemas-from-documents/--no-schemas-from-documents",
    default=None,
    help="Check each file against the schemas it names (<?xml-model?>, xsi:schemaLocation) "
    "instead of the built-in ones.  [default: on when no --schema is given]",
)
@click.option(
    "--glob",
    "names",
    multiple=True,
    metavar="PATTERN",
    help="Which files to check inside folders, e.g. '*.tei.xml'; repeatable.  "
    "[default: *.xml and *.tei, in any case]",
)
@click.option("--summary", is_flag=True,
              help="Print counts per rule and per file instead of every finding (text).")
@click.option(
    "--phase",
    default="",
    help="Schematron phase to run in the --schema .sch files.  [default: each schema's "
    "defaultPhase, else all patterns]",
)
@click.option(
    "--no-embedded-schematron",
    is_flag=True,
    help="Skip the Schematron rules inside RELAX NG schemas (run by default: tei_all.rng's "
    "TEI constraints, an ODD's own).",
)
@reports_errors
def validate(
    paths: tuple[Path, ...],
    schemas: tuple[Path, ...],
    no_builtin: bool,
    fmt: str,
    output: Path | None,
    jobs: int | None,
    no_cache: bool,
    strict: bool,
    register: Path | None,
    catalogs: tuple[Path, ...],
    schemas_from_documents: bool | None,
    names: tuple[str, ...],
    summary: bool,
    phase: str,
    no_embedded_schematron: bool,
) -> None:
    """Check TEI files, folders (*.xml and *.tei inside) or globs; default build/tei.

    \b
    Layers: well-formed XML (entities and DTDs are never resolved), the built-in
    teitool.xsd and teitool.sch, the schemas each file names (<?xml-model?>,
    xsi:schemaLocation: these replace the built-in ones for that file) and every
    --schema you add. Schema URLs resolve through XML catalogs only, never the network.
    Exit codes: 0 valid, 1 invalid (or warnings with --strict), 2 could not run.
    \b
    Examples:
      teitool validate build/tei
      teitool validate 'letters/**/*.xml' --format github
      teitool validate my_tei --no-builtin --schema tei_all.rng --format sarif -o tei.sarif
      teitool validate their_tei --catalog schemas/catalog.xml --summary
    """
    from tei.validate import validate_paths

    if output is not None:
        # Only then: tei.xmlio loads lxml, which a run whose results all come from the cache
        # does without.
        from tei.xmlio import check_output, write_atomic

        check_output(output)  # before the files are checked, not after
    with progress_bar("validating", show=fmt == "text" and output is None) as progress:
        report = validate_paths(
            list(paths) or [Path("build/tei")],
            schemas=schemas,
            builtin=not no_builtin,
            register=register,
            jobs=jobs,
            use_cache=not no_cache,
            strict=strict,
            progress=progress,
            catalogs=catalogs,
            schemas_from_documents=schemas_from_documents,
            names=names,
            phase=phase,
            embedded_schematron=not no_embedded_schematron,
        )
    text = report.render("summary" if summary and fmt == "text" else fmt)
    if output is not None:
        write_atomic(output, text)
        click.echo(report.summary(), err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(report.exit_code)


# --- render ---------------------------------------------------------------------------------


@main.group()
def render() -> None:
    """Render TEI as a web edition (static HTML) or a print edition (PDF)."""


@render.command("web")
@click.argument("tei_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/site"),
    show_default=True,
    help="Folder for the site (replaced as a whole, only if teitool wrote it).",
)
@click.option(
    "--title", default=None, help="The site's title (default: the [edition] title, else "
    "'The edition')."
)
@click.option("--lang", default="en", show_default=True, help="Language of the site's own words.")
@path_option(
    "--metadata",
    dir_okay=False,
    help="The metadata file whose [edition] table gives the pages' citations, canonical URLs "
    "(site_url) and licence (default: the configuration's, else sources/metadata.toml if there).",
)
@quiet_option
@reports_errors
def render_web_command(
    tei_dir: Path, output: Path, title: str | None, lang: str, metadata: Path | None, quiet: bool
) -> None:
    """Render the TEI files in TEI_DIR as a static web site (open OUTPUT/index.html).

    \b
    Examples:
      teitool render web build/tei -o build/site
      teitool render web build/tei -o build/site --title "Letters, June 1932"
    """
    from tei.export import read_edition_metadata
    from tei.render.web import DEFAULT_TITLE, render_web

    # A metadata file only looked for (not named) may be missing: the pages then cite no URL.
    edition = read_edition_metadata(metadata, named=metadata is not None)
    title = title or edition.given("title") or DEFAULT_TITLE
    result = render_web(tei_dir, output, title=title, lang=lang, edition_metadata=edition)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(result.summary())


@render.command("print")
@click.argument("tei_dir", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("build/print/edition.pdf"),
    show_default=True,
    help="The PDF to write (replaced only when the new one is complete).",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter", "a5"], case_sensitive=False),
    default="a4",
    show_default=True,
    help="Paper size.",
)
@click.option(
    "--select",
    "select",
    multiple=True,
    metavar="TERMS",
    help="Print only some documents: date ranges (1932-06-01..1932-06-15, 1932-06), "
    "ids or id patterns (ch-000, 'L1932-06-1*'); comma-separated or repeated.",
)
@click.option("--title", default=None, help="The edition's title (default: from the documents).")
@click.option(
    "--typst", "keep_source", is_flag=True, help="Keep the Typst source beside the PDF."
)
@click.option(
    "--pdfa", is_flag=True, help="Write PDF/A-2b, for an archive's deposit (tagged either way)."
)
@click.option(
    "--line-numbers", is_flag=True, help="Number every fifth line in the margin, for citation."
)
@click.option(
    "--reading",
    type=click.Choice(READINGS),
    default="normalised",
    show_default=True,
    help="The transcription's reading: the editors' normalised forms, or the source's own "
    "(abbreviations, deletions, its line ends).",
)
@path_option(
    "--metadata",
    dir_okay=False,
    help="The metadata file whose [edition] table gives the title page and the PDF's "
    "metadata (default: the configuration's, else sources/metadata.toml if there).",
)
@quiet_option
@reports_errors
def render_print_command(
    tei_dir: Path,
    output: Path,
    paper: str,
    select: tuple[str, ...],
    title: str | None,
    keep_source: bool,
    pdfa: bool,
    line_numbers: bool,
    reading: str,
    metadata: Path | None,
    quiet: bool,
) -> None:
    """Typeset the TEI files in TEI_DIR (a folder or one file) as a PDF.

    \b
    Examples:
      teitool render print build/tei -o build/print/edition.pdf
      teitool render print build/tei -o june-1-15.pdf --select 1932-06-01..1932-06-15
      teitool render print build/tei -o ch.pdf --select 'ch-*' --paper a5 --typst
      teitool render print build/tei -o archive.pdf --pdfa --line-numbers
      teitool render print build/tei -o diplomatic.pdf --reading diplomatic
    """
    from tei.export import read_edition_metadata
    from tei.render.pdf import render_print

    # A metadata file only looked for (not named) may be missing: the title page then
    # names what the documents say.
    edition = read_edition_metadata(metadata, named=metadata is not None)
    with progress_bar("typesetting", show=not quiet) as progress:
        result = render_print(
            tei_dir,
            output,
            paper=paper,
            select=select or None,
            keep_source=keep_source,
            title=title,
            edition=edition,
            pdfa=pdfa,
            line_numbers=line_numbers,
            reading=reading,
            progress=progress,
        )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(result.summary())


# --- export ---------------------------------------------------------------------------------


@main.group()
def export() -> None:
    """Export the edition for repositories: CMIF for correspSearch, BagIt for archives."""


@export.command("cmif")
@click.argument(
    "tei_dir", required=False, default=Path("build/tei"), type=click.Path(path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("build/export/cmif.xml"),
    show_default=True,
    help="The CMIF file to write.",
)
@path_option(
    "--metadata",
    help="Metadata file with the [edition] table (publisher, URLs, licence). "
    "Default: from teitool.toml / [tool.teitool], else sources/metadata.toml.",
)
@quiet_option
@reports_errors
def export_cmif_command(tei_dir: Path, output: Path, metadata: Path | None, quiet: bool) -> None:
    """Write a CMIF file (correspSearch's letter index) for the letters in TEI_DIR.

    \b
    TEI_DIR is any edition's TEI (a folder, one file or a teiCorpus): a letter is a document
    with a correspDesc. One correspDesc per letter: sender, addressee, place, date, and the
    authority URIs (GND, VIAF, Wikidata; GeoNames for places) the TEI gives in @ref, idno or
    a register (persons.xml, listPerson/listPlace anywhere). Persons without one keep their
    name and are listed in one warning; letters without a usable date or correspondent are
    kept and reported. Each letter's @ref is its URL: letter_url in [edition], else its
    @xml:base, else its own idno type="URL". The file is dated by the newest of its inputs
    (unchanged inputs give the same bytes); SOURCE_DATE_EPOCH pins the date instead.

    \b
    The [edition] table of the metadata file describes the edition:
      required  title, editor, publisher, cmif_url (where the file is published),
                licence (https://creativecommons.org/licenses/by/4.0/: CMIF allows no other),
                bibl (a citation of the edition)
      optional  editor_email, publisher_url, url, bibl_type (online|print|hybrid), bibl_id,
                letter_url (with {id}), site_url (where the web edition is published),
                and for the bag source_organization, contact_name, contact_email, description
    Until it is filled in, the file is a draft: placeholders where CMIF requires a value,
    and a warning saying so.

    \b
    Examples:
      teitool export cmif build/tei -o build/export/cmif.xml
      teitool export cmif build/tei --metadata sources/metadata.toml
    """
    from tei.export import export_cmif

    result = export_cmif(tei_dir, output, metadata_path=metadata)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(result.summary())


@export.command("bag")
@click.argument("build_dir", required=False, default=Path("build"), type=click.Path(path_type=Path))
@path_option("-o", "--output", help="The bag folder to write. Default: BUILD_DIR/export/bag.")
@path_option(
    "--metadata",
    help="Metadata file with the [edition] table (organisation, contact, description).",
)
@quiet_option
@reports_errors
def export_bag_command(
    build_dir: Path, output: Path | None, metadata: Path | None, quiet: bool
) -> None:
    """Pack a build folder as a BagIt bag for an archive's ingest.

    \b
    Payload: the TEI files and register (BUILD_DIR/tei), the validation report
    (BUILD_DIR/reports), the CMIF file (BUILD_DIR/export/cmif.xml) and the schema.
    The bag is checksummed (SHA-256, SHA-512) and validated with bagit before it
    replaces an earlier one.

    \b
    Examples:
      teitool export bag build -o build/export/bag
    """
    from tei.export import export_bag

    result = export_bag(build_dir, output or build_dir / "export" / "bag", metadata_path=metadata)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(result.summary())


# --- build ----------------------------------------------------------------------------------


def _step_runner(show: bool) -> Callable[..., Any]:
    """Run each build step under a progress bar of its own on a terminal, fed by the step's
    reports; a line per step off a terminal (CI logs); nothing when quiet."""

    def run(name: str, work: Callable[[Progress | None], Any]) -> Any:
        if show and not sys.stderr.isatty():
            click.echo(f"{name} …", err=True)
        with progress_bar(f"{name:<13}", show) as progress:
            if progress is None:
                return work(None)
            units = [1]

            def report(done: int, total: int | None) -> None:
                units[0] = max(units[0], done, total or 0)
                progress(done, total)

            step = work(report)
            progress(units[0], units[0])  # full, also for a step that reported nothing
        return step

    return run


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@path_option(
    "-o",
    "--output",
    file_okay=False,
    help="Build folder (replaced as a whole at the end).  [default: build]",
)
@path_option(
    "--metadata",
    help="Metadata file. Default: metadata.toml beside the sources; without an [edition] "
    "table there, the exports are drafts (placeholders, one warning).",
)
@path_option(
    "--register",
    help="Register of persons. Default: persons.xml beside the sources; without one, every "
    "name is unknown.",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter", "a5"]),
    default=None,
    help="Paper size of the PDF.  [default: a4]",
)
@click.option(
    "--pdfa/--no-pdfa",
    default=None,
    help="Write the PDF as PDF/A-2b, for an archive's deposit.  [default: no]",
)
@click.option(
    "--line-numbers/--no-line-numbers",
    default=None,
    help="Number every fifth line in the PDF's margin, for citation.  [default: no]",
)
@click.option(
    "--reading",
    type=click.Choice(READINGS),
    default=None,
    help="The reading the PDF prints (the site shows both).  [default: normalised]",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for validation.  [default: all cores]",
)
@path_option(
    "--config",
    "config_file",
    dir_okay=False,
    help="Settings file (teitool.toml or a pyproject.toml with [tool.teitool]). "
    "Default: the nearest one at or above the current folder.",
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="Go on after validation errors (the build still exits with 1).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings, errors and the summary.")
@reports_errors
def build(
    sources: tuple[Path, ...],
    output: Path | None,
    metadata: Path | None,
    register: Path | None,
    paper: str | None,
    pdfa: bool | None,
    line_numbers: bool | None,
    reading: str | None,
    jobs: int | None,
    config_file: Path | None,
    keep_going: bool,
    quiet: bool,
) -> None:
    """Run the whole chain on SOURCES: encode, validate, render web and print, export.

    \b
    Outputs (in the build folder, swapped into place only when the build is complete):
      tei/  reports/  site/index.html  print/edition.pdf  export/cmif.xml  export/bag/
    Stops at validation errors with the report (nothing replaced) unless --keep-going.
    Settings come from teitool.toml or [tool.teitool] in pyproject.toml; options win.

    \b
    Examples:
      teitool build sources -o build
      teitool build --paper letter --keep-going
    """
    from tei.build import build_edition
    from tei.config import load_settings

    settings = load_settings(config_file).with_options(
        sources=sources,
        output=output,
        metadata=metadata,
        register=register,
        paper=paper,
        pdfa=pdfa,
        line_numbers=line_numbers,
        reading=reading,
        jobs=jobs,
    )
    result = build_edition(settings, keep_going=keep_going, runner=_step_runner(not quiet))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for step in result.steps:
        if step.report:
            click.echo(step.report, err=True)
    click.echo(result.summary())
    sys.exit(result.exit_code)
