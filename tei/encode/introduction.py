"""The editors' introduction before the first letter of a correspondence → one TEI document."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from tei.encode import footnotes as fn
from tei.encode.conventions import Conventions
from tei.encode.dates import find_dates
from tei.encode.letters import (
    Context,
    Line,
    annotate,
    blocks,
    footnote_elements,
    keep_unanchored,
    keep_unnumbered,
)
from tei.encode.letters.lines import is_navigation
from tei.encode.lossless import check
from tei.encode.persons import Register
from tei.encode.reading import SourceText
from tei.encode.teidoc import E, new_document

#: Lines this short at the start of the introduction are its headings (titles).
MAX_HEADING_WORDS = 10


def build_introduction(
    lines: list[Line],
    source: SourceText,
    register: Register,
    doc_id: str,
    metadata: dict[str, Any] | None = None,
    warnings: list[str] | None = None,
    conventions: Conventions | None = None,
) -> etree._Element | None:
    """The introduction as a TEI document, or None if the prelude has no words; what was
    noticed on the way is added to ``warnings``. A scraped page's navigation lines
    ("Home Page | Library | Lenin", by the profile's separators) are kept as ``fw``."""
    items = blocks(lines)
    if not any(re.search(r"\w", b.text) for b in items):
        return None
    rule = next((i for i, b in enumerate(items) if fn.is_rule(b.text)), len(items))
    text_items, note_items = items[:rule], items[rule + 1 :]
    years = [
        int(m.value.when[:4])
        for b in text_items
        for m in find_dates(b.text)
        if m.value.when and m.value.when[:1].isdigit()
    ]
    context = Context(register, doc_id, years[0] if years else None, None, {})
    notes = fn.parse_notes([(b.text, b.line) for b in note_items])
    context.notes = footnote_elements(notes, doc_id, register, context.year)
    div = E.div(type="introduction")
    in_headings = True
    headings: list[str] = []
    for block in text_items:
        if is_navigation(block.text, conventions=conventions):
            # Page furniture, as TEI calls it: kept as printed, neither heading nor names.
            div.append(E.fw(block.text, type="navigation"))
            continue
        in_headings = in_headings and len(block.text.split()) <= MAX_HEADING_WORDS
        headings += [block.text] if in_headings else []
        div.append(annotate(E.head() if in_headings else E.p(), block.text, context))
    where = f"{source.path}:{lines[0].number}"
    noticed = keep_unnumbered(div, notes, context, where)
    noticed += keep_unanchored(div, context, where)
    if warnings is not None:
        warnings += noticed
    metadata = metadata or {}
    heading = metadata.get("title") or (headings[0] if headings else "")
    title = f"Introduction: {heading}" if heading else "Introduction"
    described = metadata.get("book")
    if described:
        parts = [
            metadata.get("editor"),
            described,
            metadata.get("place"),
            metadata.get("publisher"),
            metadata.get("year"),
        ]
        source_desc = E.bibl("; ".join(str(part) for part in parts if part))
    else:
        source_desc = E.p(
            f"The editors' introduction printed before the first document of {source.name}."
        )
    root, body = new_document(
        doc_id,
        "introduction",
        title,
        f"Encoded with teitool from {source.name}, lines {lines[0].number}–{lines[-1].number}.",
        source_desc,
    )
    body.append(div)
    check("\n".join(b.text for b in items if not fn.is_rule(b.text)), [div], where)
    return root
