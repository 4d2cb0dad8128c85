"""The web edition: a static site from a folder of TEI, by one XSLT 3.0 transformation.

The TEI files are read with the project's secure parser and gathered into one edition
document (``<t:edition>`` holding every ``tei:TEI`` with its kind, id and page address);
``tei/xslt/web/site.xsl`` is compiled once and writes every page with ``xsl:result-document``.
One transformation instead of one per file means one compilation, one pass of the indexes
(register, mentions, letters per correspondent) and seconds for the whole edition.

The site is built in a temporary folder and swapped into place only when complete.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei.errors import EXIT_CANNOT_RUN, EXIT_PROBLEMS, TeitoolError
from tei.render.xslt import WriteFailure, compile_stylesheet
from tei.resources import XSLT_DIR
from tei.xmlio import (
    TEI_NS,
    XML_NS,
    XmlProblem,
    atomic_directory,
    cannot_write,
    check_output,
    parse_file,
    write_atomic,
)

WEB_XSLT = XSLT_DIR / "web" / "site.xsl"
ASSETS = ("style.css", "search.js")
T_NS = "urn:teitool"
#: A site folder carries this file; render_web only ever replaces folders that have it.
MARKER = ".teitool-site"

#: TEI/@type → the kind of page; folder names are the fallback for files without @type.
KIND_BY_TYPE = {
    "letter": "letter",
    "chapter": "chapter",
    "introduction": "introduction",
    "persons": "persons",
}
KIND_BY_FOLDER = {"letters": "letter", "chapters": "chapter", "front": "introduction"}
#: Where each kind's pages go in the site.
FOLDER_BY_KIND = {
    "letter": "letters",
    "chapter": "chapters",
    "introduction": "front",
    "text": "texts",
}

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


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


@dataclass(frozen=True)
class SourceDoc:
    """One TEI file of the edition, classified."""

    path: Path
    kind: str
    doc_id: str


def page_id(raw: str) -> str:
    """A file-name-safe id: TEI ids are NCNames already, but files from elsewhere may not be."""
    cleaned = _UNSAFE.sub("-", raw).strip("-.")
    return cleaned or "document"


def classify(path: Path, root: etree._Element, tei_dir: Path) -> str:
    """The kind of a TEI document: its TEI/@type, else its folder, else a generic text."""
    kind = KIND_BY_TYPE.get(root.get("type", ""))
    if kind:
        return kind
    if root.find(f"{{{TEI_NS}}}standOff/{{{TEI_NS}}}listPerson") is not None:
        return "persons"
    rel = path.relative_to(tei_dir)
    if len(rel.parts) > 1 and rel.parts[0] in KIND_BY_FOLDER:
        return KIND_BY_FOLDER[rel.parts[0]]
    return "text"


def find_sources(tei_dir: Path) -> list[Path]:
    """Every *.xml under ``tei_dir`` in a stable order (hidden folders are skipped)."""
    if not tei_dir.is_dir():
        raise TeitoolError(f"{tei_dir}: not a folder of TEI files", EXIT_CANNOT_RUN)
    files = [
        p
        for p in sorted(tei_dir.rglob("*.xml"))
        if not any(part.startswith(".") for part in p.relative_to(tei_dir).parts)
    ]
    if not files:
        raise TeitoolError(f"{tei_dir}: no *.xml files to render", EXIT_CANNOT_RUN)
    return files


def build_edition(tei_dir: Path) -> tuple[etree._Element, list[SourceDoc]]:
    """Read every TEI file securely and gather them into one edition document."""
    edition = etree.Element(f"{{{T_NS}}}edition", nsmap={"t": T_NS})
    docs: list[SourceDoc] = []
    seen: dict[str, Path] = {}
    for order, path in enumerate(find_sources(tei_dir)):
        try:
            root = parse_file(path).getroot()
        except XmlProblem as exc:
            raise TeitoolError(str(exc), EXIT_PROBLEMS) from None
        if root.tag != f"{{{TEI_NS}}}TEI":
            raise TeitoolError(
                f"{path}: not a TEI document (root element {root.tag!r}, expected TEI in {TEI_NS})",
                EXIT_PROBLEMS,
            )
        kind = classify(path, root, tei_dir)
        doc_id = page_id(root.get(f"{{{XML_NS}}}id") or path.stem)
        key = f"{kind}:{doc_id}"
        if key in seen:
            raise TeitoolError(
                f"{path}: the id {doc_id!r} is also used by {seen[key]}; pages would collide",
                EXIT_PROBLEMS,
            )
        seen[key] = path
        wrapper = etree.SubElement(edition, f"{{{T_NS}}}doc")
        wrapper.set("kind", kind)
        wrapper.set("id", doc_id)
        wrapper.set("order", str(order))
        wrapper.set("src", path.relative_to(tei_dir).as_posix())
        if kind in FOLDER_BY_KIND:
            wrapper.set("href", f"{FOLDER_BY_KIND[kind]}/{doc_id}.html")
        wrapper.append(root)
        docs.append(SourceDoc(path, kind, doc_id))
    return edition, docs


def _check_out_dir(out_dir: Path, tei_dir: Path) -> None:
    """Refuse to replace a folder that is not a site this function wrote (e.g. ``-o .``)."""
    check_output(out_dir, folder=True)
    out = out_dir.resolve()
    if out == tei_dir.resolve() or tei_dir.resolve().is_relative_to(out):
        raise TeitoolError(
            f"{out_dir}: the output folder would contain the TEI input", EXIT_CANNOT_RUN
        )
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise TeitoolError(
            f"{out_dir}: exists and is not a site written by teitool; choose a new or empty folder",
            EXIT_CANNOT_RUN,
        )


#: The site's title when none is given (no --title, no title in the [edition] metadata).
DEFAULT_TITLE = "The edition"


def render_web(
    tei_dir: Path,
    out_dir: Path,
    *,
    title: str = DEFAULT_TITLE,
    lang: str = "en",
) -> WebResult:
    """Render the TEI files under ``tei_dir`` as a static site in ``out_dir``.

    Raises :class:`TeitoolError` (exit 1) for unreadable or non-TEI input and (exit 2) when
    the stylesheets fail or ``out_dir`` is a folder this function did not write.
    """
    started = time.perf_counter()
    tei_dir, out_dir = Path(tei_dir), Path(out_dir)
    _check_out_dir(out_dir, tei_dir)
    edition, docs = build_edition(tei_dir)
    sheet = compile_stylesheet(WEB_XSLT)
    result = WebResult(out_dir)
    for doc in docs:
        result.counts[doc.kind] = result.counts.get(doc.kind, 0) + 1
    with atomic_directory(out_dir) as staging:
        try:
            outcome = sheet.transform(
                edition, {"site-title": title, "site-lang": lang}, base_output_uri=staging
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
            assets.mkdir(exist_ok=True)
            for name in ASSETS:
                shutil.copyfile(XSLT_DIR / "web" / name, assets / name)
        except OSError as exc:
            raise cannot_write(out_dir, exc) from None
        write_atomic(staging / MARKER, "A static site written by teitool render web.\n")
    result.seconds = time.perf_counter() - started
    return result
