"""Reading a source text: UTF-8 only, with one clear error for anything else, or for anything
the TEI could not carry (a character XML refuses, a line too long for one text node)."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from tei.errors import EXIT_CANNOT_RUN, TeitoolError

#: A plain-text source larger than this is not a source text but a mistake (a dump, an archive).
MAX_SOURCE_BYTES = 64 * 1024 * 1024
#: A line is at most one paragraph, and a paragraph is one text node of the TEI: at most this
#: many characters, 8 MB in UTF-8 at worst, under the 10 MB that libxml2 (and so the
#: validator) accepts in one text node. A longer line is a dump, not a paragraph.
MAX_LINE_CHARS = 2_000_000
#: Characters XML 1.0 cannot carry: control characters but tab and line ends, surrogates
#: (what Python makes of a file name's bytes that are not UTF-8) and the noncharacters
#: U+FFFE and U+FFFF. File names and metadata go into the TEI as they are.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: In a source's text a form feed is a line end (a page break of the extraction).
_NOT_XML_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


#: A file name that opens with a sequence number before "_": "000_6bd11cb132586d61".
_SEQUENCE_NUMBER = re.compile(r"^(\d+)_")


@dataclass(frozen=True)
class SourceText:
    """A source's text with normalised line ends, and where it came from."""

    path: Path
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def id_stem(self) -> str:
        """The part of its documents' ids that names the source: the file name's sequence
        number ("000_6bd1….txt" → "000"), else the whole file name ("chapter_b.txt" →
        "chapter-b": two such files must not share an id), in letters an xml:id can carry
        ("my letters.txt" → "my-letters"); "" when none is left."""
        numbered = _SEQUENCE_NUMBER.match(self.path.stem)
        stem = numbered.group(1) if numbered else self.path.stem
        return re.sub(r"[^A-Za-z0-9.-]+", "-", stem).strip("-.").lower()


def decode_source(data: bytes, path: Path) -> str:
    """Decode UTF-8 text, refusing empty, binary, UTF-16 and other encodings with a hint."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TeitoolError(
            f"{path}: the file is UTF-16; convert it to UTF-8 "
            f"(iconv -f UTF-16 -t UTF-8 {path.name} > out.txt)"
        )
    if not data.strip():
        raise TeitoolError(f"{path}: the file is empty; a source needs text")
    if b"\x00" in data:
        raise TeitoolError(f"{path}: the file is binary (it contains NUL bytes), not a text source")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TeitoolError(
            f"{path}:{line}: the file is not UTF-8 (byte 0x{data[exc.start]:02x}); convert it, "
            f"e.g. iconv -f cp1252 -t UTF-8 {path.name} > out.txt"
        ) from None
    # Line ends first, so that a line and column named are those an editor shows.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    refuse_unwritable(text, path)
    text = normalise_typography(text.replace("\f", "\n"))
    refuse_overlong_line(text, path)
    return text


def describe_char(char: str) -> str:
    """How to name a character XML cannot carry in a message."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X}"
    if code >= 0xFFFE:
        return f"the noncharacter U+{code:04X}"
    return f"control character U+{code:04X}"


def refuse_unwritable(text: str, path: Path) -> None:
    """Raise :class:`TeitoolError` naming line and column of the first character of ``text``
    that XML cannot carry: no TEI could hold it, and dropping it silently would lose it."""
    found = _NOT_XML_TEXT.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - text.rfind("\n", 0, found.start())
    raise TeitoolError(
        f"{path}:{line}:{column}: the file contains {describe_char(found.group())}, which XML "
        "cannot carry; it is not a plain-text source: delete the character and encode again"
    )


def refuse_overlong_line(text: str, path: Path) -> None:
    """Raise :class:`TeitoolError` naming the first line longer than :data:`MAX_LINE_CHARS`."""
    if len(text) <= MAX_LINE_CHARS:
        return  # the usual case, without splitting the text into lines
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise TeitoolError(
                f"{path}:{number}: the line has {len(line):,} characters without a line break; "
                f"a line is one paragraph, at most {MAX_LINE_CHARS:,} characters: break it "
                "into paragraphs, one per line"
            )


def _shown(path: Path) -> str:
    """``path`` as it can be printed: bytes that are not UTF-8 as escapes (\\xff)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def refuse_unwritable_name(path: Path) -> None:
    """A source's file name goes into its TEI: refuse one that XML cannot carry (bytes that
    are not UTF-8, which Python reads as lone surrogates, or control characters)."""
    found = NOT_XML.search(path.name)
    if found is None:
        return
    code = ord(found.group())
    what = "is not UTF-8" if 0xDC80 <= code <= 0xDCFF else f"contains {describe_char(found.group())}"
    raise TeitoolError(
        f"{_shown(path)}: the file name {what}; it is written into the TEI, which cannot "
        "carry it: rename the file"
    )


#: Ligatures a PDF extraction leaves in words ("ofﬁcials"): spelled out.
_LIGATURES = str.maketrans({
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
})
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# A run of superscript digits: a note's marker ("Manchuria.¹⁸⁴"), but not a unit's power ("km²").
_SUPERSCRIPT_RUN = re.compile(r"(?<![kcdm]m)(?<!\bm)[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
# A soft hyphen only says where a word may break: gone, and a word broken with one at a
# line's end joined on the first line ("indus\u00ad" / "trialization, and" becomes
# "industrialization" / ", and"), so that line numbers stay those of the source.
_SOFT_HYPHEN_AT_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t]*(\w+)")


def normalise_typography(text: str) -> str:
    """What a PDF extraction makes of typography, back to plain text: superscript note
    markers as digits, ligatures spelled out, soft hyphens removed (joining a word broken
    at a line's end). The lossless check compares the TEI with the text so normalised."""
    text = text.translate(_LIGATURES)
    text = _SUPERSCRIPT_RUN.sub(lambda m: m.group().translate(_SUPERSCRIPT_DIGITS), text)
    return _SOFT_HYPHEN_AT_BREAK.sub(r"\1\n", text).replace("\u00ad", "")


def read_source(path: Path) -> SourceText:
    """Read one source file; raise :class:`TeitoolError` (exit 2) if it cannot be used."""
    refuse_unwritable_name(path)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
            # A device or pipe ("/dev/zero", a fifo) has no end to read to.
            raise TeitoolError(f"{path}: not a regular file; give a text file", EXIT_CANNOT_RUN)
        size = status.st_size
        if size > MAX_SOURCE_BYTES:
            raise TeitoolError(
                f"{path}: the file is {size / 2**20:.0f} MiB; a source text is at most "
                f"{MAX_SOURCE_BYTES // 2**20} MiB: split it",
                EXIT_CANNOT_RUN,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise TeitoolError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise TeitoolError(f"{path}: is a folder, not a source file") from None
    except OSError as exc:
        raise TeitoolError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return SourceText(path, decode_source(data, path))
