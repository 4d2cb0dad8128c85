"""The print edition: TEI → one Typst source (XSLT 3.0) → PDF (the typst package).

:func:`render_print` reads a TEI folder (or one file) into the edition model
(:mod:`tei.edition`: kinds, titles, correspondents, dates, letter numbers, registers), puts
the documents in reading order (introductions, letters by date, chapters, then other texts),
optionally keeps only a selection, and hands the model's manifest (``<t:edition>``) to
``tei/xslt/print/edition.xsl``. The stylesheet writes a Typst source that begins with the templates of
``tei/xslt/print/edition.typ``; Typst typesets it in one pass: footnotes at the page foot,
numbered through the volume, running heads, contents, bookmarks and the index of persons with
the page of every mention (Typst's introspection: no second layout).

TEI text is never Typst code: the stylesheet escapes every text node and hands values over
as string literals, and Typst compiles in a temporary folder that holds nothing but the
generated source, its only root: a ``#read("/etc/passwd")`` in a letter prints as written.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from lxml import etree

from tei.edition import ISO_DATE, Document, Edition, day_bound, read_edition
from tei.errors import EXIT_CANNOT_RUN, EXIT_PROBLEMS, TeitoolError
from tei.progress import Progress
from tei.readings import READINGS
from tei.render.xslt import ParamValue, compile_stylesheet
from tei.resources import XSLT_DIR
from tei.xmlio import check_output, write_atomic

if TYPE_CHECKING:
    from tei.export import EditionMetadata

PRINT_DIR = XSLT_DIR / "print"
STYLESHEET = PRINT_DIR / "edition.xsl"

#: --paper choices and Typst's name of each paper size.
PAPER_SIZES: dict[str, str] = {"a4": "a4", "letter": "us-letter", "a5": "a5"}

#: The PDF/A level --pdfa writes: 2b, which Typst supports with tagged PDF and which
#: archives take for deposit (3b would add attachments, which the edition has none of).
PDFA_STANDARD: Final = "a-2b"

_PLURALS = {
    "letter": "letters",
    "chapter": "chapters",
    "introduction": "introductions",
    "text": "texts",
}


# ------------------------------------------------------------------------------ selection


@dataclass(frozen=True)
class Selection:
    """What ``--select`` asks for: date ranges (letters) and ids or id patterns (any document)."""

    ranges: tuple[tuple[str, str], ...] = ()
    ids: tuple[str, ...] = ()

    def matches(self, doc: Document) -> bool:
        if any(fnmatch.fnmatchcase(doc.id, pattern) for pattern in self.ids):
            return True
        earliest, latest = doc.earliest, doc.latest
        if earliest is None or latest is None:
            return False
        return any(earliest <= high and low <= latest for low, high in self.ranges)


def parse_select(spec: str | Sequence[str]) -> Selection:
    """Read ``--select``: comma-separated terms, each a date range ``FROM..TO`` (either end
    may be left open; dates may be ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), a single date,
    or a document id (shell wildcards allowed: ``ch-*``).

    >>> parse_select("1932-06-01..1932-06-15").ranges
    (('1932-06-01', '1932-06-15'),)
    """
    terms = [spec] if isinstance(spec, str) else list(spec)
    ranges: list[tuple[str, str]] = []
    ids: list[str] = []
    for term in (t.strip() for chunk in terms for t in chunk.split(",")):
        if not term:
            continue
        if ".." in term:
            low, _, high = term.partition("..")
            low, high = low.strip(), high.strip()
            if not low and not high:
                raise TeitoolError(
                    f"--select: '{term}' has neither a start nor an end", EXIT_CANNOT_RUN
                )
            for bound in (low, high):
                if bound and not ISO_DATE.match(bound):
                    raise TeitoolError(
                        f"--select: '{bound}' in '{term}' is not a date (YYYY, YYYY-MM or "
                        "YYYY-MM-DD)",
                        EXIT_CANNOT_RUN,
                    )
                if bound:
                    _check_calendar(bound)
            low_day = day_bound(low, end=False) if low else "0000-01-01"
            high_day = day_bound(high, end=True) if high else "9999-12-31"
            if low_day > high_day:
                raise TeitoolError(
                    f"--select: the range '{term}' ends before it begins", EXIT_CANNOT_RUN
                )
            ranges.append((low_day, high_day))
        elif ISO_DATE.match(term):
            _check_calendar(term)
            ranges.append((day_bound(term, end=False), day_bound(term, end=True)))
        else:
            ids.append(term)
    if not ranges and not ids:
        raise TeitoolError("--select: nothing to select (empty value)", EXIT_CANNOT_RUN)
    return Selection(tuple(ranges), tuple(ids))


def _check_calendar(value: str) -> None:
    """A ``YYYY-MM(-DD)`` of ``--select`` must be a month and day of the calendar."""
    try:
        dt.date.fromisoformat(day_bound(value, end=False))
    except ValueError:
        raise TeitoolError(
            f"--select: '{value}' is no date of the calendar (a month 01–12, a day the month "
            "has)", EXIT_CANNOT_RUN
        ) from None


# ------------------------------------------------------------------------------ loading


def load_edition(tei_dir: Path) -> tuple[Edition, list[Document]]:
    """The edition model of ``tei_dir`` (a folder or one file) and its printable documents
    (all but registers); refused when there are none."""
    if not tei_dir.exists():
        raise TeitoolError(f"{tei_dir}: no such folder or file", EXIT_CANNOT_RUN)
    edition = read_edition(tei_dir)
    docs = [doc for doc in edition.documents if doc.kind != "persons"]
    if docs:
        return edition, docs
    if edition.warnings and not edition.documents:
        # Every file was skipped: their reasons are the error, with the remedy.
        raise TeitoolError(
            "; ".join(edition.warnings) + "; the print edition is made only from well-formed "
            "TEI (check it with: teitool validate)",
            EXIT_PROBLEMS,
        )
    raise TeitoolError(f"{tei_dir}: no TEI documents to print", EXIT_CANNOT_RUN)


# ------------------------------------------------------------------------------ result


@dataclass
class PrintResult:
    """What :func:`render_print` made."""

    pdf: Path
    pages: int
    documents: dict[str, int]
    seconds: float
    source: Path | None = None
    warnings: list[str] = field(default_factory=list)
    #: Seconds spent in the stylesheet and in Typst, for the benchmark.
    xslt_seconds: float = 0.0
    typst_seconds: float = 0.0

    def summary(self) -> str:
        kinds = ", ".join(
            f"{n} {_PLURALS.get(kind, kind) if n != 1 else kind}"
            for kind, n in sorted(self.documents.items())
        )
        rate = self.pages / self.seconds if self.seconds else 0.0
        text = (
            f"printed {kinds} to {self.pdf}: {self.pages} pages in {self.seconds:.1f} s "
            f"({rate:.1f} pages/s)"
        )
        return text + (f"; Typst source kept in {self.source}" if self.source else "")


#: Characters of TEI text per typeset A4 page (letters, notes, headers), measured on the
#: sample edition. It only sizes the progress bar before Typst has typeset the pages.
CHARS_PER_A4_PAGE = 3300
#: Page areas relative to A4, for that estimate.
_PAPER_AREA = {"a4": 1.0, "letter": 0.96, "a5": 0.5}


def estimated_pages(text_chars: int, paper: str) -> int:
    """About how many pages ``text_chars`` characters of the edition fill on ``paper``."""
    return max(1, round(text_chars / (CHARS_PER_A4_PAGE * _PAPER_AREA[paper])))


# ------------------------------------------------------------------------------ the run


def edition_params(edition: EditionMetadata | None, title: str | None) -> dict[str, ParamValue]:
    """The stylesheet's parameters from the ``[edition]`` metadata: only values it gives,
    never the exports' placeholders."""
    params: dict[str, ParamValue] = {"title": title or ""}
    if edition is not None:
        for key in ("editor", "publisher", "licence", "url", "description"):
            params[key] = edition.given(key)
        params["title"] = title or edition.given("title")
    return params


def edition_time(tei_dir: Path) -> dt.datetime:
    """The moment the PDF stands for: ``SOURCE_DATE_EPOCH``, else the TEI's latest change
    (as the exports take it), so that printing unchanged TEI again gives the same bytes."""
    from tei.export import build_time

    return build_time(inputs=[tei_dir])


def typst_source(
    manifest: etree._Element, params: dict[str, ParamValue]
) -> tuple[str, list[str]]:
    """The Typst source of the edition (its model's manifest) and the stylesheet's messages."""
    sheet = compile_stylesheet(STYLESHEET)
    result = sheet.transform(manifest, params)
    return result.output, result.messages


def compile_typst(source: str, *, when: dt.datetime, pdfa: bool) -> tuple[bytes, list[str]]:
    """Typeset ``source`` as PDF bytes (tagged; PDF/A-2b with ``pdfa``), and Typst's warnings.

    The source is compiled in a temporary folder that holds only itself, the one root Typst
    may read: the edition's text cannot reach any other file (it is escaped anyway).
    """
    import typst

    with tempfile.TemporaryDirectory(prefix="teitool-print-") as tmp:
        main = Path(tmp) / "edition.typ"
        main.write_text(source, encoding="utf-8")
        try:
            pdf, warnings = typst.compile_with_warnings(
                str(main),
                root=tmp,
                format="pdf",
                timestamp=int(when.timestamp()),
                pdf_standards=PDFA_STANDARD if pdfa else None,
                pdf_tags=True,
            )
        except typst.TypstError as exc:
            raise TeitoolError(f"typesetting failed: {_one_line(str(exc))}") from None
    return pdf, [f"typst: {_one_line(str(w))}" for w in warnings]


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def page_count(pdf: bytes) -> int:
    """Pages of a PDF Typst wrote: its page tree's /Count (Typst writes one, unencrypted)."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    if counts:
        return max(counts)
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def render_print(
    tei_dir: Path,
    out_pdf: Path,
    *,
    paper: str = "a4",
    select: str | Sequence[str] | None = None,
    keep_source: bool = False,
    title: str | None = None,
    edition: EditionMetadata | None = None,
    pdfa: bool = False,
    line_numbers: bool = False,
    reading: str = "normalised",
    when: dt.datetime | None = None,
    progress: Progress | None = None,
) -> PrintResult:
    """Typeset the TEI documents under ``tei_dir`` as one PDF at ``out_pdf``.

    ``paper`` is ``a4``, ``letter`` or ``a5``; ``select`` keeps only some documents (see
    :func:`parse_select`); ``keep_source`` writes the Typst source beside the PDF
    (``edition.typ`` for ``edition.pdf``); ``title`` overrides the edition's title, which is
    otherwise ``edition``'s (the ``[edition]`` metadata, which also gives the title page and
    the PDF's metadata) or the title of the correspondence's introduction. ``pdfa`` writes
    PDF/A-2b; ``line_numbers`` numbers every fifth line in the margin; ``reading`` is the
    transcription's reading printed (:data:`tei.readings.READINGS`). ``when`` dates the PDF
    (default: :func:`edition_time`). ``progress`` (see :mod:`tei.progress`) hears of the pages:
    the number expected from the text at the start, the number typeset at the end.
    Files that are not TEI are skipped with a warning each. Raises :class:`TeitoolError`:
    exit 1 for input that cannot be printed (no file is TEI, nothing selected), exit 2 when
    the run itself fails.
    """
    started = time.perf_counter()
    size = PAPER_SIZES.get(paper.lower())
    if size is None:
        raise TeitoolError(
            f"--paper: '{paper}' is not one of {', '.join(PAPER_SIZES)}", EXIT_CANNOT_RUN
        )
    if reading not in READINGS:
        raise TeitoolError(
            f"--reading: '{reading}' is not one of {', '.join(READINGS)}", EXIT_CANNOT_RUN
        )
    tei_dir, out_pdf = Path(tei_dir), Path(out_pdf)
    report = progress or (lambda done, total: None)
    # Refused before the typesetting, not after it.
    check_output(out_pdf)
    source_path = out_pdf.with_suffix(".typ") if keep_source else None
    if source_path is not None:
        check_output(source_path)
    model, docs = load_edition(tei_dir)
    if select:
        selection = parse_select(select)
        docs = [d for d in docs if selection.matches(d)]
        if not docs:
            wanted = select if isinstance(select, str) else ",".join(select)
            raise TeitoolError(f"--select '{wanted}' matched no document", EXIT_PROBLEMS)
    docs = model.in_reading_order(docs)
    manifest = model.manifest(docs)
    text_chars = sum(len(" ".join("".join(doc.root.itertext()).split())) for doc in docs)
    report(0, estimated_pages(text_chars, paper.lower()))

    warnings = list(model.warnings)
    if not model.registers.of_kind("person"):
        warnings.append(f"{tei_dir}: no register of persons; no index printed")
    when = when or edition_time(tei_dir)
    params = edition_params(edition, title)
    params |= {
        "paper": size,
        "line-numbers": line_numbers,
        "reading": reading,
        "date": when.date().isoformat(),
    }
    xslt_started = time.perf_counter()
    source, messages = typst_source(manifest, params)
    warnings += messages
    typst_started = time.perf_counter()
    pdf_bytes, typst_warnings = compile_typst(source, when=when, pdfa=pdfa)
    typst_seconds = time.perf_counter() - typst_started
    warnings += typst_warnings

    write_atomic(out_pdf, pdf_bytes)
    if source_path is not None:
        write_atomic(source_path, source.encode("utf-8"))
    pages = page_count(pdf_bytes)
    report(pages, pages)
    counts: dict[str, int] = {}
    for doc in docs:
        counts[doc.kind] = counts.get(doc.kind, 0) + 1
    return PrintResult(
        out_pdf,
        pages,
        counts,
        time.perf_counter() - started,
        source_path,
        warnings,
        xslt_seconds=typst_started - xslt_started,
        typst_seconds=typst_seconds,
    )
