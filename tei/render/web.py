"""The web edition: a static site from a folder of TEI, by one XSLT 3.0 transformation.

The TEI files are read into the edition model (:mod:`tei.edition`: kinds, titles,
correspondents, dates, letter numbers, registers), whose manifest (``<t:edition>``) is the
stylesheet's one input;
``tei/xslt/web/site.xsl`` is compiled once and writes every page with ``xsl:result-document``.
One transformation instead of one per file means one compilation, one pass of the indexes
(register, mentions, letters per correspondent) and seconds for the whole edition.

The site is built in a temporary folder and swapped into place only when complete.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from tei.edition import Edition, read_edition
from tei.errors import EXIT_CANNOT_RUN, EXIT_PROBLEMS, TeitoolError
from tei.export import EditionMetadata, build_time
from tei.render.citation import BIBTEX_NAME, CFF_NAME, bibtex, citation_cff
from tei.render.search_index import write_search_index
from tei.render.xslt import ParamValue, WriteFailure, compile_stylesheet
from tei.resources import XSLT_DIR
from tei.xmlio import (
    atomic_directory,
    cannot_write,
    check_output,
    write_atomic,
)

WEB_XSLT = XSLT_DIR / "web" / "site.xsl"
ASSETS = ("style.css", "search.js", "highlight.js", "facets.js", "cite.js")
#: A site folder carries this file; render_web only ever replaces folders that have it.
MARKER = ".teitool-site"


@dataclass
class WebResult:
    """What :func:`render_web` wrote."""

    out_dir: Path
    pages: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def html_pages(self) -> int:
        return sum(1 for page in self.pages if page.endswith(".html"))

    def summary(self) -> str:
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(self.counts.items()))
        return (
            f"wrote {self.html_pages} pages to {self.out_dir} ({parts}) in {self.seconds:.1f} s;"
            f" open {self.out_dir / 'index.html'}"
        )


def load_edition(tei_dir: Path) -> Edition:
    """The edition model of ``tei_dir``, refused when there is nothing to render."""
    if not tei_dir.is_dir():
        raise TeitoolError(f"{tei_dir}: not a folder of TEI files", EXIT_CANNOT_RUN)
    edition = read_edition(tei_dir)
    if edition.documents:
        return edition
    if edition.warnings:
        # Every file was skipped: their reasons are the error.
        raise TeitoolError("; ".join(edition.warnings), EXIT_PROBLEMS)
    raise TeitoolError(f"{tei_dir}: no *.xml files to render", EXIT_CANNOT_RUN)


def _check_out_dir(out_dir: Path, tei_dir: Path) -> None:
    """Refuse to replace a folder that is not a site this function wrote (e.g. ``-o .``)."""
    check_output(out_dir, folder=True)
    out = out_dir.resolve()
    if out == tei_dir.resolve() or tei_dir.resolve().is_relative_to(out):
        raise TeitoolError(
            f"{out_dir}: the output folder would contain the TEI input", EXIT_CANNOT_RUN
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise TeitoolError(
            f"{out_dir}: exists and is not a site written by teitool; choose a new or empty folder",
            EXIT_CANNOT_RUN,
        )


def _write_search_index(staging: Path) -> list[str]:
    """The search index from the passages the stylesheet wrote (``search/source.json``),
    which is then removed: the site needs only the index."""
    source = staging / "search" / "source.json"
    passages = json.loads(source.read_text(encoding="utf-8"))
    source.unlink()
    return write_search_index(staging, passages)


def _site_url(edition: EditionMetadata | None) -> str:
    """The address the site is published at, ending in "/", or "" when not given."""
    url = edition.given("site_url") if edition else ""
    return url if not url or url.endswith("/") else url + "/"


def _citation_params(edition: EditionMetadata | None) -> dict[str, ParamValue]:
    """What the pages' citations and meta tags take from the ``[edition]`` metadata: only
    values it gives, never the exports' placeholders."""
    if edition is None:
        return {}
    return {
        "site-url": _site_url(edition),
        "editors": edition.given("editor"),
        "publisher": edition.given("publisher"),
        "licence": edition.given("licence"),
        "edition-citation-files": True,
    }


def _write_sources(edition: Edition, staging: Path) -> list[str]:
    """Each document's TEI as the reader downloads it from its page: ``tei/ID.xml``."""
    written = []
    (staging / "tei").mkdir()
    for doc in edition.documents:
        shutil.copyfile(doc.path, staging / "tei" / f"{doc.id}.xml")
        written.append(f"tei/{doc.id}.xml")
    return written


def _write_edition_citation(
    edition: EditionMetadata, site_url: str, when: dt.datetime, staging: Path
) -> list[str]:
    """``citation.cff`` and BibTeX for the whole edition, linked from the home page."""
    write_atomic(staging / CFF_NAME, citation_cff(edition, site_url, when))
    write_atomic(staging / BIBTEX_NAME, bibtex(edition, site_url, when))
    return [CFF_NAME, BIBTEX_NAME]


#: The site's title when none is given (no --title, no title in the [edition] metadata).
DEFAULT_TITLE = "The edition"


def render_web(
    tei_dir: Path,
    out_dir: Path,
    *,
    title: str = DEFAULT_TITLE,
    lang: str = "en",
    edition_metadata: EditionMetadata | None = None,
    when: dt.datetime | None = None,
) -> WebResult:
    """Render the TEI files under ``tei_dir`` as a static site in ``out_dir``.

    ``edition_metadata`` (the ``[edition]`` table) gives the citations, canonical URLs and
    licence of the pages, and ``citation.cff``/BibTeX for the edition, dated ``when`` (default:
    the TEI's latest change, as the exports). Files that are not TEI are skipped with a
    warning each (``WebResult.warnings``).
    Raises :class:`TeitoolError` (exit 1) when no file is TEI, and (exit 2) when there is no
    file, the stylesheets fail or ``out_dir`` is a folder this function did not write.
    """
    started = time.perf_counter()
    tei_dir, out_dir = Path(tei_dir), Path(out_dir)
    if edition_metadata and not (edition_metadata.given("title") or edition_metadata.given("editor")):
        edition_metadata = None  # no [edition] table: nothing to cite the edition by
    _check_out_dir(out_dir, tei_dir)
    edition = load_edition(tei_dir)
    sheet = compile_stylesheet(WEB_XSLT)
    result = WebResult(out_dir, warnings=list(edition.warnings))
    for doc in edition.documents:
        result.counts[doc.kind] = result.counts.get(doc.kind, 0) + 1
    manifest = edition.manifest()
    with atomic_directory(out_dir) as staging:
        try:
            outcome = sheet.transform(
                manifest,
                {"site-title": title, "site-lang": lang, **_citation_params(edition_metadata)},
                base_output_uri=staging,
            )
        except WriteFailure as failure:
            # Named by its place in the site, not in the temporary folder the site is made in.
            page, base = Path(failure.path), staging.resolve()
            shown = out_dir / page.relative_to(base) if page.is_relative_to(base) else page
            raise WriteFailure(str(shown), failure.reason) from None
        result.pages = [line for line in outcome.output.splitlines() if line.strip()]
        result.warnings.extend(outcome.messages)
        assets = staging / "assets"
        try:
            result.pages += _write_search_index(staging)
            result.pages += _write_sources(edition, staging)
            if edition_metadata is not None:
                dated = when or build_time(inputs=[tei_dir])
                result.pages += _write_edition_citation(
                    edition_metadata, _site_url(edition_metadata), dated, staging
                )
            assets.mkdir(exist_ok=True)
            for name in ASSETS:
                shutil.copyfile(XSLT_DIR / "web" / name, assets / name)
        except OSError as exc:
            raise cannot_write(out_dir, exc) from None
        write_atomic(staging / MARKER, "A static site written by teitool render web.\n")
    result.seconds = time.perf_counter() - started
    return result
