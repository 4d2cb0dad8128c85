"""The print edition: TEI → one Typst source (XSLT 3.0) → PDF (the typst package).

:func:`render_print` reads a TEI folder (``front/``, ``letters/``, ``chapters/``,
``persons.xml``, or any ``*.xml`` below it), puts the documents in print order
(introductions, letters by date, chapters, then documents of other kinds), numbers the
letters, optionally keeps only a selection, and hands them to ``tei/xslt/print/edition.xsl``
as one ``teiCorpus``. The stylesheet writes a Typst source that begins with the templates of
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, EXIT_PROBLEMS, TeitoolError
from tei.progress import Progress
from tei.render.xslt import ParamValue, compile_stylesheet
from tei.resources import XSLT_DIR
from tei.validate import find_register
from tei.xmlio import TEI_NS, XML_NS, XmlProblem, check_output, parse_file, write_atomic

if TYPE_CHECKING:
    from tei.export import EditionMetadata

PRINT_DIR = XSLT_DIR / "print"
STYLESHEET = PRINT_DIR / "edition.xsl"

#: --paper choices and Typst's name of each paper size.
PAPER_SIZES: dict[str, str] = {"a4": "a4", "letter": "us-letter", "a5": "a5"}

#: The PDF/A level --pdfa writes: 2b, which Typst supports with tagged PDF and which
#: archives take for deposit (3b would add attachments, which the edition has none of).
PDFA_STANDARD: Final = "a-2b"

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


def letter_numbers(docs: Iterable[Document]) -> dict[str, int]:
    """Letter id → its number in the edition: 1, 2, … in date order (ties in source order).

    Counted over all the letters of the edition, before any ``--select``, so that a letter
    keeps its number in every selection; the web edition can number letters by the same
    function to show the same numbers.
    """
    letters = [doc for doc in print_order(docs) if doc.kind == "letter"]
    return {doc.id: number for number, doc in enumerate(letters, 1)}


def build_corpus(docs: Sequence[Document], numbers: dict[str, int] | None = None) -> etree._Element:
    """The stylesheet's input: one ``teiCorpus`` holding copies of the documents in order,
    each letter's number (see :func:`letter_numbers`) as its ``@n``."""
    corpus = etree.Element(f"{_T}teiCorpus", nsmap={None: TEI_NS})
    for doc in docs:
        copy = etree.fromstring(etree.tostring(doc.root))
        copy.set(f"{{{XML_NS}}}id", doc.id)
        if numbers and doc.id in numbers:
            copy.set("n", str(numbers[doc.id]))
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
    corpus: etree._Element, register: etree._Element | None, params: dict[str, ParamValue]
) -> tuple[str, list[str]]:
    """The Typst source of the edition and the stylesheet's messages."""
    sheet = compile_stylesheet(STYLESHEET)
    if register is not None:
        params = {**params, "register": register}
    result = sheet.transform(corpus, params)
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
    when: dt.datetime | None = None,
    progress: Progress | None = None,
) -> PrintResult:
    """Typeset the TEI documents under ``tei_dir`` as one PDF at ``out_pdf``.

    ``paper`` is ``a4``, ``letter`` or ``a5``; ``select`` keeps only some documents (see
    :func:`parse_select`); ``keep_source`` writes the Typst source beside the PDF
    (``edition.typ`` for ``edition.pdf``); ``title`` overrides the edition's title, which is
    otherwise ``edition``'s (the ``[edition]`` metadata, which also gives the title page and
    the PDF's metadata) or the title of the correspondence's introduction. ``pdfa`` writes
    PDF/A-2b; ``line_numbers`` numbers every fifth line in the margin. ``when`` dates the PDF
    (default: :func:`edition_time`). ``progress`` (see :mod:`tei.progress`) hears of the pages:
    the number expected from the text at the start, the number typeset at the end.
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
    report = progress or (lambda done, total: None)
    # Refused before the typesetting, not after it.
    check_output(out_pdf)
    source_path = out_pdf.with_suffix(".typ") if keep_source else None
    if source_path is not None:
        check_output(source_path)
    docs, register = load_documents(tei_dir)
    if not docs:
        raise TeitoolError(f"{tei_dir}: no TEI documents to print", EXIT_CANNOT_RUN)
    numbers = letter_numbers(docs)
    if select:
        selection = parse_select(select)
        docs = [d for d in docs if selection.matches(d)]
        if not docs:
            wanted = select if isinstance(select, str) else ",".join(select)
            raise TeitoolError(f"--select '{wanted}' matched no document", EXIT_PROBLEMS)
    docs = print_order(docs)
    corpus = build_corpus(docs, numbers)
    text_chars = len(" ".join("".join(corpus.itertext()).split()))
    report(0, estimated_pages(text_chars, paper.lower()))

    warnings: list[str] = []
    if register is None:
        warnings.append(f"{tei_dir}: no register of persons (persons.xml); no index printed")
    when = when or edition_time(tei_dir)
    params = edition_params(edition, title)
    params |= {
        "paper": size,
        "line-numbers": line_numbers,
        "date": when.date().isoformat(),
    }
    xslt_started = time.perf_counter()
    source, messages = typst_source(corpus, register, params)
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
