"""A chapter source (narrative prose) → one TEI document.

The source is a scraped excerpt of a printed book: paragraphs one per line, section
headings in capitals, endnote numbers glued to sentence ends or on lines of their own,
block quotations after "X wrote:", and words that were set in italics split out onto lines
of their own. The encoder reads it in two passes:

1. :func:`read_blocks` turns lines into blocks (paragraphs, headings, marker lines, list
   items), rejoining a sentence that a line break cut ("In early November the / vozhd /
   took notice") and splitting a heading glued to a paragraph end;
2. :func:`encode_chapter` builds the TEI: sections (``div``) at headings, ``p`` with
   ``persName``, ``date``, ``time`` and endnote ``note`` inside, ``cit``/``quote`` for block
   quotations with ``list``/``item`` for numbered lines, and checks that no word is lost.

The recognisers live in their own modules (:mod:`markers`, :mod:`headings`,
:mod:`quotations`, :mod:`dates`, :mod:`persons`); facts about the book (title, author,
publisher, the year the narrative starts in) come from the source's metadata, never from
code.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from tei.encode.dates import context_year, find_datelines, find_dates, find_times
from tei.encode.headings import is_heading, split_glued_heading
from tei.encode.inline import Occupied, Span, fill
from tei.encode.lossless import check
from tei.encode.markers import MarkerSequence, first_strong_marker
from tei.encode.persons import Register
from tei.encode.quotations import introduces_quotation, last_sentence, list_number, names_writer
from tei.encode.reading import MAX_LINE_CHARS, SourceText
from tei.encode.relative import resolve_relative_dates
from tei.encode.teidoc import XML_LANG, E, last_child, new_document, tei

_MARKER_LINE = re.compile(r"^\s*\d{1,4}\s*$")
# A line ends its sentence with one of these, or with an endnote number glued to one.
_FINISHED = re.compile(r"[.?!:;…”’\")\]]\s*$|[.?!”’\")\]]\d{1,4}\s*$")
# A continuation line that starts with punctuation joins without a space ("vozhd" + "’s").
_NO_SPACE_BEFORE = re.compile(r"^[’',.;:!?)\]”]")
_LONE_WORD = re.compile(r"^[^\W\d_]+$")
# A line that starts in lower case goes on with the sentence before, however that line ended
# ("…as Voroshilov reported;" / "Molotov agreed" is two; "…less than 0.2" / "million tons" one).
_CONTINUATION = re.compile(r"^[a-z]")
# A word broken at the line's end keeps its hyphen but loses the space ("indus-" +
# "trialisation"): whether the hyphen is the word's own ("Five-Year") cannot be known.
_BROKEN_WORD = re.compile(r"[^\W\d_]-$")
#: What the checks on how a paragraph so far ends (above) look at: none looks back further
#: than six characters, and a paragraph never ends in white space (its lines are stripped).
_END = 32
#: A paragraph is one text node of the TEI: joining lines stops at this length (and a new
#: paragraph starts at the line break) so that the validator's parser can read it.
MAX_PARAGRAPH_CHARS = MAX_LINE_CHARS


# --------------------------------------------------------------------------- pass 1: blocks


@dataclass
class Block:
    """A paragraph, heading, marker line or list item of the source, with its first line."""

    kind: str  # "p" | "head" | "marker" | "item" | "fw" (a running head) | "page" (its number)
    text: str
    line: int
    number: int | None = None  # the list item's number
    lone_words: list[tuple[int, int]] = field(default_factory=list)
    # Page numbers and running heads the extraction left inside the paragraph's sentences.
    furniture: list[tuple[int, int]] = field(default_factory=list)
    # A paragraph that starts at a line break only because the one before it reached
    # MAX_PARAGRAPH_CHARS: the sentence may go on across the break; reported.
    cut: bool = False
    # Text added line by line while the block is read, joined into ``text`` once, when it is
    # done (:meth:`close`): adding to one string copies the whole paragraph for every line.
    _pieces: list[str] = field(default_factory=list, init=False, repr=False, compare=False)
    _added: int = field(default=0, init=False, repr=False, compare=False)

    @property
    def length(self) -> int:
        """The length of the text so far."""
        return len(self.text) + self._added

    def add(self, piece: str) -> int:
        """Add ``piece`` to the text; return the offset it starts at."""
        start = self.length
        if piece:
            self._pieces.append(piece)
            self._added += len(piece)
        return start

    def end(self) -> str:
        """The last :data:`_END` characters of the text so far, without joining it."""
        tail = ""
        for piece in reversed(self._pieces):  # each is one character at least: a few steps
            tail = piece[-_END:] + tail
            if len(tail) >= _END:
                return tail[-_END:]
        return self.text[-_END:] + tail

    def close(self) -> Block:
        """The block, its text whole."""
        if self._pieces:
            self.text += "".join(self._pieces)
            self._pieces.clear()
            self._added = 0
        return self

    def add_furniture(self, line: str, spans: list[tuple[int, int]]) -> None:
        """Go on past a page's number or running head (``spans`` of ``line``) printed
        inside a sentence: kept in the text, marked as furniture."""
        self.add(" ")
        offset = self.add(line)
        self.furniture += [(offset + start, offset + end) for start, end in spans]


#: A paragraph in quotation marks from end to end (a marker may follow): the whole quotation.
_QUOTED = re.compile(r"^[“\"][^“”\"]*[”\"]\d{0,4}$")
#: A line in capitals printed this many times in a chapter is its running head, not a section.
RUNNING_HEAD_REPEATS = 2


#: A page's header line: its number and running head ("214 STALIN", "WAITING FOR HITLER 215").
_PAGE_HEADER = re.compile(r"^(?:(?P<before>\d{1,4})\s+(?P<head>\D.*?)|(?P<head2>.*?\D)\s+(?P<after>\d{1,4}))$")


def _running_heads(lines: list[str]) -> set[str]:
    """Lines in capitals that recur: the running head of the printed pages ("STALIN")."""
    counts = Counter(line for line in lines if is_heading(line))
    return {line for line, count in counts.items() if count >= RUNNING_HEAD_REPEATS}


def _page_header(line: str) -> list[tuple[int, int]] | None:
    """The spans of page number and running head of a page's header line, in print order.

    The number is a page's: three digits (a chapter's number is smaller, "CHAPTER 12",
    "8 THE WAR COMES"; a year longer, "LENINGRAD 1934"); the head is in capitals.
    """
    header = _PAGE_HEADER.match(line)
    if header is None or not is_heading(header.group("head") or header.group("head2")):
        return None
    if len(header.group("before") or header.group("after")) != 3:
        return None
    parts = ("before", "head") if header.group("before") else ("head2", "after")
    return [header.span(part) for part in parts]


def _finished(text: str) -> bool:
    return bool(_FINISHED.search(text))


def read_blocks(text: str) -> list[Block]:
    """The blocks of a chapter source, in order (pure: no register, no sequence)."""
    blocks: list[Block] = []
    current: Block | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            blocks.append(current.close())
            current = None

    lines = [raw.strip() for raw in text.split("\n")]
    running_heads = _running_heads(lines)
    # The next non-empty line after each line, found in one pass from the end.
    following_lines = [""] * len(lines)
    for index in range(len(lines) - 2, -1, -1):
        following_lines[index] = lines[index + 1] or following_lines[index + 1]
    for index, line in enumerate(lines):
        number = index + 1
        if not line:
            flush()
            continue
        following = following_lines[index]
        # The paragraph whose sentence the line may go on, if one is open.
        sentence: Block | None = (
            current
            if current is not None and current.kind == "p" and not _finished(current.end())
            else None
        )
        header = _page_header(line)
        if header is not None:
            # "214 STALIN": the page number and running head of the printed page.
            if sentence is not None:
                sentence.add_furniture(line, header)
            else:
                flush()
                blocks += [Block("page" if line[a:b].isdigit() else "fw", line[a:b], number)
                           for a, b in header]
            continue
        if _MARKER_LINE.match(line) or line in running_heads:
            if sentence is not None:
                # A number inside a sentence is the page the sentence ran onto, not a marker
                # (markers close sentences); a running head likewise: the paragraph goes on.
                sentence.add_furniture(line, [(0, len(line))])
                continue
            flush()
            blocks.append(Block("fw" if line in running_heads else "marker", line, number))
            continue
        if is_heading(line) and not (
            sentence is not None
            or _CONTINUATION.match(following)
            or (current is not None and current.end().endswith(":"))
        ):
            flush()
            blocks.append(Block("head", line, number))
            continue
        item = list_number(line)
        previous = current or (blocks[-1] if blocks else None)
        if item is not None and (
            item == 1
            or (previous is not None and previous.kind == "item" and previous.number == item - 1)
        ):
            flush()
            current = Block("item", line, number, number=item)
            continue
        glued = split_glued_heading(line)
        body, heading, after = glued if glued else (line, None, "")
        goes_on = bool(body) and current is not None and (
            (current.kind == "p" and not _finished(current.end()))
            or bool(_CONTINUATION.match(body))
            # a line in capitals inside a sentence ("the banners read: LONG LIVE STALIN! and")
            or (is_heading(body) and bool(_CONTINUATION.match(following)))
        )
        if not body:
            pass  # the heading opens the line
        elif goes_on and current is not None and current.length + len(body) < MAX_PARAGRAPH_CHARS:
            joined = _NO_SPACE_BEFORE.match(body) or _BROKEN_WORD.search(current.end())
            current.add("" if joined else " ")
            start = current.add(body)
            if _LONE_WORD.match(body):
                current.lone_words.append((start, start + len(body)))
        else:
            flush()
            current = Block("p", body, number, cut=goes_on)
        if heading is not None:
            flush()
            blocks.append(Block("head", heading, number))
            if after:
                current = Block("p", after, number)
    flush()
    return blocks


# --------------------------------------------------------------------------- pass 2: TEI


@dataclass
class ChapterDoc:
    """A chapter ready to be written, and what the encoder noticed on the way."""

    root: etree._Element
    doc_id: str
    warnings: list[str]
    markers: list[int]
    headings: list[str]
    persons: set[str]


@dataclass
class _State:
    source: SourceText
    register: Register
    foreign: dict[str, str]
    year: int | None
    markers: MarkerSequence = field(default_factory=MarkerSequence)
    warnings: list[str] = field(default_factory=list)
    persons: set[str] = field(default_factory=set)

    def where(self, line: int) -> str:
        return f"{self.source.name}:{line}"


def chapter_id(source: SourceText) -> str:
    """``ch-`` and the source's id stem ("000_6bd1….txt" → "ch-000")."""
    return f"ch-{source.id_stem or 'chapter'}"


def _annotate(parent: etree._Element, block: Block, state: _State) -> etree._Element:
    """Fill ``parent`` with the block's text: endnote markers, names, dates, times, foreign."""
    text = _blank(block.text, block.furniture)  # not read as markers, names or dates
    markers = state.markers.glued_markers(text, state.where(block.line))
    spans = [_furniture(block.text[start:end], start, end) for start, end in block.furniture]
    spans += [
        Span(
            m.start,
            m.end,
            "note",
            {"type": "endnote", "place": "end", "n": str(m.number)},
            replace=True,
        )
        for m in markers
    ]
    # Recognisers see the markers blanked out, so "1932.196Voices" reads "1932.   Voices" and
    # "187Stalin" reads "   Stalin"; offsets stay those of the text.
    plain = _blank(text, [(m.start, m.end) for m in markers])
    # The register's persons and the ones it lacks (provisional entries, reported by encode).
    for name in state.register.find_names(plain):
        spans.append(Span(name.start, name.end, name.tag, {"ref": name.ref}))
        state.persons.add(name.ref)
    dates = find_dates(plain, year=state.year)
    state.year = context_year(dates, state.year)
    # Soviet dates in the narrative too ("fired on 1.II.1932", "the night of 25.X.1917").
    taken = Occupied.of(dates)
    dates += [d for d in find_datelines(plain, year=state.year, in_text=True)
              if not taken.overlaps(d.start, d.end)]
    spans += [Span(d.start, d.end, "date", d.value.attrib()) for d in dates]
    spans += [Span(t.start, t.end, "time", {"when": t.when}) for t in find_times(plain)]
    for start, end in block.lone_words:
        language = state.foreign.get(text[start:end])
        if language:
            spans.append(Span(start, end, "foreign", {XML_LANG: language}))
    fill(parent, block.text, spans)
    return parent


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the ``spans`` blanked out, its offsets unchanged; in one pass, however
    many spans a long paragraph has."""
    parts: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        start = max(start, cursor)
        if end > start:
            parts += [text[cursor:start], " " * (end - start)]
            cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def _furniture(printed: str, start: int, end: int) -> Span:
    """A page number (``pb``) or running head (``fw``) of the printed source."""
    if printed.isdigit():
        return Span(start, end, "pb", {"n": printed}, replace=True)
    return Span(start, end, "fw", {"type": "header"})


def _endnote(number: int) -> etree._Element:
    # Same attribute order as the inline markers (fill() sorts them): stable output.
    return E.note({"n": str(number), "place": "end", "type": "endnote"})


def _is_page_number(blocks: list[Block], index: int, sequence: MarkerSequence) -> bool:
    """Whether ``blocks[index]``, a number on a line of its own, is a page number the
    extraction left: the sequence could not take it (it goes back or jumps far ahead), or
    the markers after it go on below it ("214" followed by "…December 4.213"), where a
    marker would be followed by the next number up."""
    number = int(blocks[index].text)
    if not sequence.plausible(number):
        return True
    # By index: islice would step through every block before ``index`` again on each call.
    for block in (blocks[i] for i in range(index + 1, len(blocks))):
        if block.kind == "marker":
            following: int | None = int(block.text)
        elif block.kind in ("p", "item"):
            following = first_strong_marker(block.text)
        else:
            following = None
        if following is not None:
            return following <= number
    return False


def _ends_with_marker(element: etree._Element) -> bool:
    last = last_child(element)
    return last is not None and last.tag == tei("note") and not (last.tail or "").strip()


def _build_body(blocks: list[Block], state: _State) -> tuple[etree._Element, list[str]]:
    body = E.body()
    div = E.div(type="section")
    body.append(div)
    headings: list[str] = []
    quote: etree._Element | None = None  # the open block quotation
    pending: str | None = None  # "cit" | "quote": the next blocks are quoted
    last: etree._Element | None = None  # where a marker on its own line goes

    def container() -> etree._Element:
        nonlocal quote, pending
        if pending is not None:
            quote = E.quote()
            div.append(E.cit(quote) if pending == "cit" else quote)
            pending = None
        return quote if quote is not None else div

    def here() -> etree._Element:
        """Where the printed page's furniture goes: the open quotation, else the section."""
        return quote if quote is not None else div

    page_numbers: dict[int, bool] = {}  # decided once, looking from the line or from before

    def is_page_number(index: int) -> bool:
        if index not in page_numbers:
            page_numbers[index] = blocks[index].kind == "marker" and _is_page_number(
                blocks, index, state.markers)
        return page_numbers[index]

    for index, block in enumerate(blocks):
        if block.kind == "head" and (
            (index > 0 and is_page_number(index - 1))
            or (index + 1 < len(blocks) and is_page_number(index + 1))
        ):
            # Capitals right by a page number: the page's running head, not a section.
            here().append(E.fw(block.text, type="header"))
        elif block.kind == "head":
            quote, pending = None, None
            if len(div) or div.text:
                div = E.div(type="section")
                body.append(div)
            div.append(_annotate(E.head(), block, state))
            headings.append(block.text)
            last = None
        elif block.kind == "fw":
            here().append(E.fw(block.text, type="header"))
        elif block.kind == "page":  # with its running head beside it: the next line is text
            here().append(E.pb(n=block.text))
        elif is_page_number(index):
            state.warnings.append(
                f"{state.where(block.line)}: the line «{block.text}» is taken for a page "
                "number (the endnote markers go on above or below it); encoded as <pb/>")
            here().append(E.pb(n=block.text))
        elif block.kind == "marker":
            number = state.markers.line_marker(block.text, state.where(block.line))
            note = _endnote(number if number is not None else int(block.text))
            (last if last is not None else div).append(note)
            quote, pending = None, None  # a marker closes the quotation it cites
        elif block.kind == "item":
            parent = container()
            current = last_child(parent)
            if current is None or current.tag != tei("list") or (current.tail or "").strip():
                current = E.list(type="ordered")
                parent.append(current)
            last = _annotate(E.item(n=str(block.number)), block, state)
            current.append(last)
            if quote is not None and _ends_with_marker(last):
                quote = None  # the source cited after its last item closes the quotation
        else:
            parent = container()
            last = _annotate(E.p(), block, state)
            parent.append(last)
            if quote is not None and (
                _ends_with_marker(last) or (len(quote) == 1 and _QUOTED.match(block.text))
            ):
                quote = None  # cited by its marker, or quoted whole in quotation marks
            elif quote is None and introduces_quotation(block.text):
                sentence = last_sentence(block.text) or ""
                named = bool(state.register.find_names(sentence))
                pending = "cit" if names_writer(sentence, named) else "quote"
    return body, headings


# --------------------------------------------------------------------------- header


def _bibl(source: SourceText, metadata: dict[str, Any] | None) -> etree._Element:
    """The book the excerpt comes from, as the metadata gives it; or say it is unknown."""
    meta = metadata or {}
    parts: list[etree._Element] = []
    if meta.get("title"):
        parts.append(E.title(str(meta["title"]), level="a"))
    if meta.get("author"):
        parts.append(E.author(str(meta["author"])))
    if meta.get("book"):
        parts.append(E.title(str(meta["book"]), level="m"))
    if meta.get("place"):
        parts.append(E.pubPlace(str(meta["place"])))
    if meta.get("publisher"):
        parts.append(E.publisher(str(meta["publisher"])))
    if meta.get("year"):
        parts.append(E.date(str(meta["year"]), when=f"{int(meta['year']):04d}"))
    if not parts:
        return E.bibl(
            f"No metadata for {source.name} (no table for it in metadata.toml): the title, author and "
            "publisher of the book are unknown here."
        )
    # Punctuated as a reference is printed ("Stephen Kotkin, Stalin, New York: Penguin
    # Press, 2017."), so that the bibl reads right as text too.
    for part, following in zip(parts, parts[1:], strict=False):
        part.tail = ": " if part.tag == tei("pubPlace") and following.tag == tei("publisher") else ", "
    parts[-1].tail = "."
    if meta.get("note"):
        parts[-1].tail = ". "
        parts.append(E.note(str(meta["note"])))
    return E.bibl(*parts)


def _title(source: SourceText, metadata: dict[str, Any] | None) -> str:
    meta = metadata or {}
    if meta.get("title"):
        return str(meta["title"])
    if meta.get("book"):
        return f"Chapter excerpt from {meta['book']}"
    return f"Chapter excerpt from {source.name}"


# --------------------------------------------------------------------------- entry point


def encode_chapter(
    source: SourceText, register: Register, metadata: dict[str, Any] | None
) -> ChapterDoc:
    """Encode one chapter source; raise :class:`LosslessError` if a word would be lost.

    ``metadata`` is the source's table from ``sources/metadata.toml`` (or None): ``title``
    (of the chapter), ``author``, ``book``, ``publisher``, ``place``, ``year`` (of the book),
    ``note``, ``context_year`` (the year the narrative is in where the excerpt begins, for
    dates printed without a year) and ``foreign`` (words known to be foreign, with their
    language, for words that lost their italics).
    """
    meta = metadata or {}
    foreign = meta.get("foreign") or {}
    year = meta.get("context_year")
    state = _State(
        source, register, {str(k): str(v) for k, v in foreign.items()}, int(year) if year else None
    )
    doc_id = chapter_id(source)
    blocks = read_blocks(source.text)
    state.warnings += [
        f"{state.where(block.line)}: the paragraph before this line reached "
        f"{MAX_PARAGRAPH_CHARS:,} characters without a sentence end; a new one starts here"
        for block in blocks
        if block.cut
    ]
    body, headings = _build_body(blocks, state)
    # Relative dates count from dates paragraphs earlier: dated once all are tagged.
    state.warnings += resolve_relative_dates(body, source.name)
    root, tei_body = new_document(
        doc_id,
        "chapter",
        _title(source, metadata),
        f"Encoded with teitool from {source.name}.",
        _bibl(source, metadata),
    )
    if meta.get("author"):
        title_stmt = root.find(f".//{tei('titleStmt')}")
        assert title_stmt is not None  # new_document writes one
        title_stmt.append(E.author(str(meta["author"])))
    text_element = tei_body.getparent()
    assert text_element is not None  # new_document puts the body in <text>
    text_element.replace(tei_body, body)
    check(source.text, [body], f"{source.name} ({doc_id})")
    return ChapterDoc(
        root,
        doc_id,
        state.warnings + state.markers.warnings,
        state.markers.found,
        headings,
        state.persons,
    )
