"""Reading a source text: UTF-8 only, with one clear error for anything else."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from tei.errors import EXIT_CANNOT_RUN, TeitoolError

#: A plain-text source larger than this is not a source text but a mistake (a dump, an archive).
MAX_SOURCE_BYTES = 64 * 1024 * 1024
#: Control characters no plain-text source contains (tab, line ends and form feed aside).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


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
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise TeitoolError(
            f"{path}:{line}: the file contains control character U+{ord(control.group()):04X}; "
            "it is not a plain-text source"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return normalise_typography(text)


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
