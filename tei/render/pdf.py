"""The print edition: TEI → one paged HTML document (XSLT 3.0) → PDF (WeasyPrint).

:func:`render_print` reads a TEI folder (``front/``, ``letters/``, ``chapters/``,
``persons.xml``, or any ``*.xml`` below it), puts the documents in print order
(introductions, letters by date, chapters, then documents of other kinds), optionally keeps
only a selection, and hands them to ``tei/xslt/print/edition.xsl`` as one ``teiCorpus``. The
stylesheet writes paged HTML whose CSS (``tei/xslt/print/edition.css``) does the typesetting:
footnotes at the page foot, running heads, contents and index with page numbers.

The index of persons lists the page of every mention, each page once. CSS alone cannot
merge equal ``target-counter()`` values, so the index is made in two steps: the whole
edition is laid out once (the index then has one entry per mention); the pages of the
mentions are read from that layout; the index alone is then re-rendered, one number per
page, starting on the page where the first layout put it, and its pages replace the first
ones. The index is the last part, so nothing before it moves.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, EXIT_PROBLEMS, TeitoolError
from tei.progress import Progress
from tei.render.xslt import ParamValue, compile_stylesheet
from tei.resources import XSLT_DIR
from tei.validate import find_register
from tei.xmlio import TEI_NS, XML_NS, XmlProblem, check_output, parse_file, write_atomic

if TYPE_CHECKING:
    from weasyprint.document import Document as LaidOut

PRINT_DIR = XSLT_DIR / "print"
STYLESHEET = PRINT_DIR / "edition.xsl"

#: --paper choices and the CSS page size each stands for.
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter", "a5": "A5"}

#: Print order of the kinds of documents; kinds not listed come last.
KIND_ORDER: dict[str, int] = {"introduction": 0, "letter": 1, "chapter": 2}

_PLURALS = {
    "letter": "letters",
    "chapter": "chapters",
    "introduction": "introductions",
    "other": "others",
}
_T = f"{{{TEI_NS}}}"
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SOURCE_LINES = re.compile(r"(\S+\.txt)\D*?(\d+)")


# ------------------------------------------------------------------------------ documents


@dataclass
class Document:
    """One TEI document of the edition, as it will be printed."""

    path: Path
    root: etree._Element
    kind: str
    id: str
    date_from: str | None = None  # earliest day the letter's date allows (YYYY-MM-DD)
    date_to: str | None = None  # latest day it allows

    def sort_key(self) -> tuple[int, str, str, int, str]:
        source, line = source_position(self.root)
        date = date_key(sent_date(self.root)) if self.kind == "letter" else ""
        return (KIND_ORDER.get(self.kind, len(KIND_ORDER)), date, source, line, self.id)


def date_key(date: etree._Element | None) -> str:
    """The date a letter is ordered by, as the web edition orders it (common.xsl's
    t:date-key): the exact date, else the latest the bounds allow, …; undated last."""
    for name in ("when", "notAfter", "notBefore", "from", "to"):
        value = date.get(name) if date is not None else None
        if value:
            return value
    return "9999"


def document_kind(root: etree._Element) -> str:
    """The kind of a TEI document: its ``@type`` (``letter``, ``chapter``, ``introduction``,
    ``persons``), or ``other`` for anything else, which is still printed."""
    kind = (root.get("type") or "").strip()
    if kind in ("letter", "chapter", "introduction", "persons"):
        return kind
    if root.find(f"{_T}standOff/{_T}listPerson") is not None and root.find(f"{_T}text") is None:
        return "persons"
    return "other"


def _expand(iso: str, end: bool) -> str:
    """A partial ISO date as its first (or last) day: "1932-06" → "1932-06-01" / "1932-06-31".

    Day 31 for every month is only ever compared, never printed, so it needs no calendar.
    """
    parts = iso.split("-")
    if len(parts) == 1:
        parts += ["12", "31"] if end else ["01", "01"]
    elif len(parts) == 2:
        parts.append("31" if end else "01")
    return "-".join(parts[:3])


def date_bounds(date: etree._Element | None) -> tuple[str, str] | None:
    """The earliest and latest day a TEI ``date`` allows, from its W3C attributes.

    A bound known on one side only ("not after 12 June") counts as that day on both sides:
    that is where the letter is printed and what a date range selects.
    """
    if date is None:
        return None
    when = date.get("when")
    low = when or date.get("from") or date.get("notBefore") or date.get("notAfter")
    high = when or date.get("to") or date.get("notAfter") or date.get("notBefore")
    low, high = (low or high), (high or low)
    if not low or not high or not _ISO_DATE.match(low) or not _ISO_DATE.match(high):
        return None
    return _expand(low, end=False), _expand(high, end=True)


def sent_date(root: etree._Element) -> etree._Element | None:
    return root.find(
        f"{_T}teiHeader/{_T}profileDesc/{_T}correspDesc/{_T}correspAction[@type='sent']/{_T}date"
    )


def source_position(root: etree._Element) -> tuple[str, int]:
    """(source file, first line) from the publication statement the encoder writes, so that
    letters of the same day keep the order of the source."""
    stmt = root.find(f"{_T}teiHeader/{_T}fileDesc/{_T}publicationStmt")
    text = " ".join(stmt.itertext()) if stmt is not None else ""
    match = _SOURCE_LINES.search(text)
    return (match.group(1), int(match.group(2))) if match else ("", 0)


# ------------------------------------------------------------------------------ selection


@dataclass(frozen=True)
class Selection:
    """What ``--select`` asks for: date ranges (letters) and ids or id patterns (any document)."""

    ranges: tuple[tuple[str, str], ...] = ()
    ids: tuple[str, ...] = ()

    def matches(self, doc: Document) -> bool:
        if any(fnmatch.fnmatchcase(doc.id, pattern) for pattern in self.ids):
            return True
        if doc.date_from is None or doc.date_to is None:
            return False
        return any(doc.date_from <= high and low <= doc.date_to for low, high in self.ranges)


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
                if bound and not _ISO_DATE.match(bound):
                    raise TeitoolError(
                        f"--select: '{bound}' in '{term}' is not a date (YYYY, YYYY-MM or "
                        "YYYY-MM-DD)",
                        EXIT_CANNOT_RUN,
                    )
                if bound:
                    _check_calendar(bound)
            low_day = _expand(low, end=False) if low else "0000-01-01"
            high_day = _expand(high, end=True) if high else "9999-12-31"
            if low_day > high_day:
                raise TeitoolError(
                    f"--select: the range '{term}' ends before it begins", EXIT_CANNOT_RUN
                )
            ranges.append((low_day, high_day))
        elif _ISO_DATE.match(term):
            _check_calendar(term)
            ranges.append((_expand(term, end=False), _expand(term, end=True)))
        else:
            ids.append(term)
    if not ranges and not ids:
        raise TeitoolError("--select: nothing to select (empty value)", EXIT_CANNOT_RUN)
    return Selection(tuple(ranges), tuple(ids))


def _check_calendar(value: str) -> None:
    """A ``YYYY-MM(-DD)`` of ``--select`` must be a month and day of the calendar."""
    try:
        dt.date.fromisoformat(_expand(value, end=False))
    except ValueError:
        raise TeitoolError(
            f"--select: '{value}' is no date of the calendar (a month 01–12, a day the month "
            "has)", EXIT_CANNOT_RUN
        ) from None


# ------------------------------------------------------------------------------ loading


def _read(path: Path) -> etree._Element:
    """A TEI document's root, or a refusal that says what is wrong with the file."""
    try:
        root = parse_file(path).getroot()
    except XmlProblem as exc:
        raise TeitoolError(
            f"{exc} [{exc.rule}]; the print edition is made only from well-formed TEI "
            "(check it with: teitool validate)",
            EXIT_PROBLEMS,
        ) from None
    if root.tag not in (f"{_T}TEI", f"{_T}teiCorpus"):
        raise TeitoolError(
            f"{path}:{root.sourceline or 1}:1: not a TEI document: the root element is "
            f"<{etree.QName(root).localname}>"
            + (
                f" in namespace '{etree.QName(root).namespace}'"
                if etree.QName(root).namespace
                else " in no namespace"
            )
            + f"; expected <TEI> in '{TEI_NS}' [tei-root]",
            EXIT_PROBLEMS,
        )
    return root


def _xml_files(tei_dir: Path) -> list[Path]:
    if tei_dir.is_file():
        return [tei_dir]
    if not tei_dir.is_dir():
        raise TeitoolError(f"{tei_dir}: no such folder or file", EXIT_CANNOT_RUN)
    return sorted(
        p
        for p in tei_dir.rglob("*.xml")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(tei_dir).parts)
    )


def load_documents(tei_dir: Path) -> tuple[list[Document], etree._Element | None]:
    """All TEI documents under ``tei_dir`` (a folder or one file) and the register of persons.

    Documents without ``xml:id`` get their file name as id, and a repeated id gets a suffix,
    because the HTML needs unique anchors for links and page references.
    """
    docs: list[Document] = []
    register: etree._Element | None = None
    seen: set[str] = set()
    for path in _xml_files(tei_dir):
        root = _read(path)
        members = list(root.iter(f"{_T}TEI")) if root.tag == f"{_T}teiCorpus" else [root]
        for number, member in enumerate(members, 1):
            kind = document_kind(member)
            if kind == "persons":
                register = member if register is None else register
                continue
            base = member.get(f"{{{XML_NS}}}id") or (
                path.stem if len(members) == 1 else f"{path.stem}-{number}"
            )
            doc_id, n = base, 1
            while doc_id in seen:
                n += 1
                doc_id = f"{base}-{n}"
            seen.add(doc_id)
            bounds = date_bounds(sent_date(member)) if kind == "letter" else None
            docs.append(Document(path, member, kind, doc_id, *(bounds or (None, None))))
    if register is None and tei_dir.is_file():
        # One file given: the register the validator would use for it, the nearest persons.xml.
        found = find_register(tei_dir.parent)
        if found is not None and found != tei_dir:
            register = _read(found)
    return docs, register


def print_order(docs: Iterable[Document]) -> list[Document]:
    """Introductions, then letters by date (ties in source order), then chapters, then others."""
    return sorted(docs, key=Document.sort_key)


def build_corpus(docs: Sequence[Document]) -> etree._Element:
    """The stylesheet's input: one ``teiCorpus`` holding copies of the documents in order."""
    corpus = etree.Element(f"{_T}teiCorpus", nsmap={None: TEI_NS})
    for doc in docs:
        copy = etree.fromstring(etree.tostring(doc.root))
        copy.set(f"{{{XML_NS}}}id", doc.id)
        if doc.kind == "other" and copy.get("type") in ("letter", "chapter", "introduction"):
            copy.attrib.pop("type")
        corpus.append(copy)
    return corpus


# ------------------------------------------------------------------------------ result


@dataclass
class PrintResult:
    """What :func:`render_print` made."""

    pdf: Path
    pages: int
    documents: dict[str, int]
    seconds: float
    html: Path | None = None
    warnings: list[str] = field(default_factory=list)

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
        return text + (f"; paged HTML kept in {self.html}" if self.html else "")


class _Collect(logging.Handler):
    """WeasyPrint reports unsupported CSS and unreachable resources through logging; keep
    them as warnings of the run instead of letting them spill onto the terminal."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"weasyprint: {record.getMessage()}")


#: Characters of TEI text per typeset A4 page (letters, notes, headers): measured on the
#: sample edition, 266,800 characters on 81 pages. It only sizes the
#: progress bar before WeasyPrint has laid out the first page.
CHARS_PER_A4_PAGE = 3300
#: Page areas relative to A4, for that estimate.
_PAPER_AREA = {"a4": 1.0, "letter": 0.96, "a5": 0.5}


def estimated_pages(text_chars: int, paper: str) -> int:
    """About how many pages ``text_chars`` characters of the edition fill on ``paper``."""
    return max(1, round(text_chars / (CHARS_PER_A4_PAGE * _PAPER_AREA[paper])))


class _CountPages(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 12") into calls of a
    :mod:`tei.progress` callback: pages laid out, of those expected in all.

    Each layout is announced with the pages it is expected to have; within it the furthest
    page reached counts (WeasyPrint goes over pages again when page references change). A
    layout that a first one turns out to need (to keep notes with their markers) adds its
    pages to the total when it starts.
    """

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.finished_pages = 0
        self.expected = 0
        self.reached = 0

    def start(self, expected: int) -> None:
        self.expected, self.reached = expected, 0
        self._report()

    def emit(self, record: logging.LogRecord) -> None:
        page = _LAYOUT_PAGE.match(record.getMessage())
        if page and int(page.group(1)) > self.reached:
            self.reached = int(page.group(1))
            self._report()

    def finish(self, pages: int) -> None:
        self.finished_pages += pages
        self.expected = self.reached = 0
        self._report()

    def _report(self) -> None:
        done = self.finished_pages + self.reached
        self.progress(done, self.finished_pages + max(self.expected, self.reached))


_LAYOUT_PAGE = re.compile(r"Step 5 - Creating layout - Page (\d+)")


# ------------------------------------------------------------------------------ the run


def _page_of_anchors(document: LaidOut) -> dict[str, int]:
    """Anchor id → page number (1-based), as laid out.

    A footnote WeasyPrint first tries on one page and then moves to the next leaves its
    anchors on both; the later page is where it is printed (and where the PDF's named
    destination points), so the last occurrence wins.
    """
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for name in page.anchors:
            pages[name] = number
    return pages


#: How many extra layouts may be spent on keeping notes with their markers. A page break
#: that reunites one note moves everything after it, which can part a later note from its
#: marker, so the fixes go on while new notes are parted: the sample edition takes four
#: (three left one note parted).
MAX_NOTE_FIXES = 8

#: The elements whose start may be moved to a new page to keep a marker with its note.
_BLOCKS = ("p", "li", "blockquote", "figure", "aside", "header", "section", "article")


def separated_notes(anchors: dict[str, int]) -> list[str]:
    """Notes laid out on another page than their marker (``call-<id>`` anchors)."""
    return sorted(
        name[len("call-") :]
        for name, page in anchors.items()
        if name.startswith("call-") and anchors.get(name[len("call-") :], page) != page
    )


def force_breaks(page_html: str, note_ids: Sequence[str]) -> str:
    """The paged HTML with a page break before the block holding each note's marker."""
    if not note_ids:
        return page_html
    from lxml import html as lxml_html

    # Our own serialised output, not user input: the HTML parser is the right reader here.
    doc = lxml_html.document_fromstring(page_html)
    for note in note_ids:
        calls = doc.xpath("//*[@id=$id]", id=f"call-{note}")
        if not calls:
            continue
        block = next((a for a in calls[0].iterancestors() if a.tag in _BLOCKS), None)
        if block is not None:
            style = block.get("style", "")
            block.set("style", f"{style}; break-before: page".lstrip("; "))
    return lxml_html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def render_print(
    tei_dir: Path,
    out_pdf: Path,
    *,
    paper: str = "a4",
    select: str | Sequence[str] | None = None,
    keep_html: bool = False,
    title: str | None = None,
    progress: Progress | None = None,
) -> PrintResult:
    """Typeset the TEI documents under ``tei_dir`` as one PDF at ``out_pdf``.

    ``paper`` is ``a4``, ``letter`` or ``a5``; ``select`` keeps only some documents (see
    :func:`parse_select`); ``keep_html`` writes the paged HTML beside the PDF
    (``edition.html`` for ``edition.pdf``); ``title`` overrides the edition's title, which is
    otherwise the title of the correspondence's introduction. ``progress`` (see
    :mod:`tei.progress`) hears of every page laid out.
    Raises :class:`TeitoolError`: exit 1 for input that cannot be printed (not XML, not TEI,
    nothing selected), exit 2 when the run itself fails.
    """
    started = time.perf_counter()
    size = PAPER_SIZES.get(paper.lower())
    if size is None:
        raise TeitoolError(
            f"--paper: '{paper}' is not one of {', '.join(PAPER_SIZES)}", EXIT_CANNOT_RUN
        )
    tei_dir, out_pdf = Path(tei_dir), Path(out_pdf)
    # Refused before minutes of typesetting, not after them.
    check_output(out_pdf)
    if keep_html:
        check_output(out_pdf.with_suffix(".html"))
    docs, register = load_documents(tei_dir)
    if not docs:
        raise TeitoolError(f"{tei_dir}: no TEI documents to print", EXIT_CANNOT_RUN)
    if select:
        selection = parse_select(select)
        docs = [d for d in docs if selection.matches(d)]
        if not docs:
            wanted = select if isinstance(select, str) else ",".join(select)
            raise TeitoolError(f"--select '{wanted}' matched no document", EXIT_PROBLEMS)
    docs = print_order(docs)
    corpus = build_corpus(docs)

    warnings: list[str] = []
    if register is None:
        warnings.append(f"{tei_dir}: no register of persons (persons.xml); no index printed")
    sheet = compile_stylesheet(STYLESHEET)
    params: dict[str, ParamValue] = {"page-size": size, "title": title or ""}
    if register is not None:
        params["register"] = register
    first = sheet.transform(corpus, {**params, "index-refs": False})
    warnings += first.messages

    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    propagate = logger.propagate
    logger.propagate = False
    progress_logger = logging.getLogger("weasyprint.progress")
    progress_level = progress_logger.level
    pages_counter = None
    if progress is not None:
        pages_counter = _CountPages(progress)
        progress_logger.addHandler(pages_counter)
        progress_logger.setLevel(logging.INFO)
    try:
        from weasyprint import HTML

        base = PRINT_DIR.as_uri() + "/"

        def lay_out(page_html: str, expected: int) -> LaidOut:
            if pages_counter is not None:
                pages_counter.start(expected)
            document = HTML(string=page_html, base_url=base).render()
            if pages_counter is not None:
                pages_counter.finish(len(document.pages))
            return document

        text_chars = len(" ".join("".join(corpus.itertext()).split()))
        layout = lay_out(first.output, estimated_pages(text_chars, paper.lower()))
        anchors = _page_of_anchors(layout)
        # WeasyPrint sometimes moves a note to the next page while its marker stays (a full
        # footnote area at the foot of a list item, for one). Start the block that holds such
        # a marker on a new page and lay out again; the page numbers follow by themselves.
        broken: list[str] = []
        for _ in range(MAX_NOTE_FIXES):
            # A note still parted after a break before its block cannot be helped that way
            # (its paragraph is longer than the room left with the note): another layout
            # would come out the same.
            parted = [note for note in separated_notes(anchors) if note not in broken]
            if not parted:
                break
            broken += parted
            layout = lay_out(force_breaks(first.output, broken), len(layout.pages))
            anchors = _page_of_anchors(layout)
        warnings += [
            f"note {note}: its text is on page {anchors[note]}, its marker on page "
            f"{anchors['call-' + note]}"
            for note in separated_notes(anchors)
        ]
        pages = list(layout.pages)
        index_html = None
        if "index" in anchors:
            start = anchors["index"]
            mention_pages = " ".join(
                f"{name}={page}" for name, page in sorted(anchors.items()) if page < start
            )
            index_html = sheet.transform(
                corpus,
                {**params, "index-only": True, "first-page": start, "index-pages": mention_pages},
            ).output
            index_layout = lay_out(index_html, len(pages) - start + 1)
            pages = pages[: start - 1] + list(index_layout.pages)
        pdf_bytes = layout.copy(pages).write_pdf()
    except TeitoolError:
        raise
    except Exception as exc:  # WeasyPrint raises many kinds; the CLI needs one line
        raise TeitoolError(f"typesetting failed: {exc.__class__.__name__}: {exc}") from None
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate
        if pages_counter is not None:
            progress_logger.removeHandler(pages_counter)
            progress_logger.setLevel(progress_level)
    warnings += collector.messages

    write_atomic(out_pdf, pdf_bytes)
    html_path = None
    if keep_html:
        html_path = out_pdf.with_suffix(".html")
        kept = sheet.transform(corpus, params).output
        if index_html is not None:
            # The single-file version of what was printed: the index keeps one reference per
            # page, still as target-counter(), so the HTML typesets the same on its own.
            kept = sheet.transform(
                corpus,
                {**params, "index-pages": mention_pages},
            ).output
        write_atomic(html_path, force_breaks(kept, broken))
    counts: dict[str, int] = {}
    for doc in docs:
        counts[doc.kind] = counts.get(doc.kind, 0) + 1
    return PrintResult(
        out_pdf, len(pages), counts, time.perf_counter() - started, html_path, warnings
    )
