"""The ``teitool`` command line: options in, a library call, an exit code out.

Every command's work is done by a library function that also works from Python; this module
only parses options, reports, and maps :class:`tei.errors.TeitoolError` to exit codes.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tei import __version__
from tei.errors import TeitoolError


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line on stderr and the error's exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TeitoolError as exc:
            click.echo(f"teitool: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("teitool: interrupted; earlier outputs are left as they were", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="teitool")
def main() -> None:
    """teitool: encode plain-text sources as TEI P5, validate, render and export them.

    \b
    The chain, one command per step:
      teitool encode sources -o build/tei      plain text -> TEI files
      teitool validate build/tei               schema + Schematron checks
      teitool render web build/tei -o build/site
      teitool render print build/tei -o build/print/edition.pdf
      teitool export cmif build/tei -o build/export/cmif.xml

    Exit codes: 0 fine, 1 invalid input or problems found, 2 cannot run (usage, I/O).
    """


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
@click.option(
    "--register",
    type=click.Path(path_type=Path),
    default=None,
    help="Register of persons (TEI listPerson). Default: persons.xml beside the sources.",
)
@click.option(
    "--metadata",
    type=click.Path(path_type=Path),
    default=None,
    help="Per-source metadata (TOML). Default: metadata.toml beside the sources.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
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

    result = encode_sources(
        list(sources), output, kind=kind, register_path=register, metadata_path=metadata
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(result.summary())
    if result.exit_code:
        sys.exit(result.exit_code)


# --- render ---------------------------------------------------------------------------------


@main.group()
def render() -> None:
    """Render TEI as a web edition (static HTML) or a print edition (PDF)."""


# --- export ---------------------------------------------------------------------------------


@main.group()
def export() -> None:
    """Export the edition for repositories: CMIF for correspSearch, BagIt for archives."""
