"""A correspondence source → one TEI document per letter (and one for the introduction).

The sample's conventions (see ``../shared/seeds/README.md``; their words are a profile of
:mod:`tei.encode.conventions`): a header line "X to Y DATE" starts a document; an
``Archive:`` line gives the archival reference and the document's form; then the text
(opener lines, paragraphs, numbered lists, a closer with signature, cipher numbers, times
and a Soviet dateline, perhaps a postscript) and the editors' footnotes after a rule. An
``Archive:`` line after a finished document without a header of its own starts a new
document, whose correspondents and date then come from its signature, address and dateline.

The modules, in the order a letter goes through them:

* :mod:`.headers` — header lines ("Kaganovich to Stalin June 2 1932"), by their shape;
* :mod:`.archive` — the ``Archive:`` line: repository, references, the document's form;
* :mod:`.segment` — the source cut into documents (and the prelude before the first);
* :mod:`.lines` — what a line of the opener or closer is (salutation, address, signature …);
* :mod:`.markup` — a line's names, dates and note markers as TEI mixed content;
* :mod:`.body` — the letter's ``div``: opener, paragraphs, closer, postscript, notes;
* :mod:`.correspondents` — senders and recipients, from header, signature and address;
* :mod:`.dating` — the letter's date, as an id part and in words;
* :mod:`.document` — :func:`build_letter`, the TEI document those steps make;
* :mod:`.patterns` — the recognisers' patterns, built from the conventions profile.
"""

from tei.encode.letters.archive import Archive, parse_archive
from tei.encode.letters.correspondents import UNKNOWN_CORRESPONDENT
from tei.encode.letters.document import Letter, assign_ids, build_letter
from tei.encode.letters.headers import Header, find_headers, parse_header
from tei.encode.letters.lines import closer_kind, is_address, is_salutation, list_item
from tei.encode.letters.markup import (
    Context,
    annotate,
    footnote_elements,
    keep_unanchored,
    keep_unnumbered,
)
from tei.encode.letters.segment import (
    Line,
    RawDocument,
    blocks,
    looks_like_correspondence,
    split_documents,
)

__all__ = [
    "UNKNOWN_CORRESPONDENT",
    "Archive",
    "Context",
    "Header",
    "Letter",
    "Line",
    "RawDocument",
    "annotate",
    "assign_ids",
    "blocks",
    "build_letter",
    "closer_kind",
    "find_headers",
    "footnote_elements",
    "is_address",
    "is_salutation",
    "keep_unanchored",
    "keep_unnumbered",
    "list_item",
    "looks_like_correspondence",
    "parse_archive",
    "parse_header",
    "split_documents",
]
