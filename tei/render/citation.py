"""How to cite the whole edition: ``citation.cff`` (Citation File Format 1.2.0) and BibTeX.

Both are written from the ``[edition]`` metadata (:class:`tei.export.EditionMetadata`) into
the web edition, whose home page links them; each letter's own citation is on its page
(web/pages.xsl). Only values the metadata gives are written, never the exports'
placeholders. Every value is serialised as data: a JSON string (which YAML reads as a
double-quoted scalar) in the CFF, braces and backslashes escaped in BibTeX.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import quote

from tei.export import EditionMetadata

CFF_NAME = "citation.cff"
BIBTEX_NAME = "edition.bib"


def _names(editor: str) -> list[str]:
    """The editors of ``editor`` ("A and B", "A; B") one by one (a comma may be a name's)."""
    return [name.strip() for name in re.split(r";|\s+and\s+", editor) if name.strip()]


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def citation_cff(meta: EditionMetadata, site_url: str, when: dt.datetime) -> str:
    """The edition as a ``citation.cff`` (type dataset: a digital edition's texts and data)."""
    title = meta.given("title") or "The edition"
    lines = [
        "# How to cite this edition (Citation File Format, https://citation-file-format.github.io/).",
        "cff-version: 1.2.0",
        'message: "If you use this edition, please cite it as below."',
        "type: dataset",
        f"title: {_yaml(title)}",
        "authors:",
    ]
    # CFF requires an author: the editors, else the publisher as an entity.
    editors = _names(meta.given("editor"))
    lines += [f"  - name: {_yaml(name)}" for name in editors]
    if not editors:
        lines.append(f"  - name: {_yaml(meta.given('publisher') or title)}")
    if meta.given("publisher"):
        lines.append(f"publisher:\n  name: {_yaml(meta.given('publisher'))}")
    if site_url:
        lines.append(f"url: {_yaml(site_url)}")
    if meta.given("licence"):
        lines.append(f"license-url: {_yaml(meta.given('licence'))}")
    if meta.given("description"):
        lines.append(f"abstract: {_yaml(meta.given('description'))}")
    lines.append(f"date-released: {when.date().isoformat()}")
    return "\n".join(lines) + "\n"


#: TeX's special characters as text in a BibTeX field.
_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}


def _bibtex_value(value: str) -> str:
    return "".join(_TEX_SPECIALS.get(char, char) for char in value)


def _bibtex_url(url: str) -> str:
    """A URL as BibTeX's url field takes it (verbatim): only what could end the field is
    percent-encoded (braces, backslashes and spaces are not URL characters anyway)."""
    return re.sub(r"[{}\\\s]", lambda m: quote(m.group()), url)


def bibtex(meta: EditionMetadata, site_url: str, when: dt.datetime) -> str:
    """The edition as one BibTeX ``@misc`` entry (biblatex reads it as ``@online`` would)."""
    fields = {
        "title": meta.given("title") or "The edition",
        "editor": " and ".join(_names(meta.given("editor"))),
        "publisher": meta.given("publisher"),
        "year": str(when.year),
        "note": f"Licence: {meta.given('licence')}" if meta.given("licence") else "",
    }
    lines = [f"  {name} = {{{_bibtex_value(value)}}}" for name, value in fields.items() if value]
    if site_url:
        lines.append(f"  url = {{{_bibtex_url(site_url)}}}")
    body = ",\n".join(lines)
    return f"@misc{{edition,\n{body}\n}}\n"
