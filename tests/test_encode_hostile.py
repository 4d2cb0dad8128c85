"""`teitool encode` on hostile input: no traceback, hang or hidden error, whatever the source.

Every source here is crafted in the test, following the conventions of a correspondence
(header lines "X to Y DATE", a rule above the notes, numbered notes) or of a chapter (prose,
one paragraph per line or cut by line breaks), then bent the way a scraped or a malicious
file bends them. Whatever encode writes must pass the validator.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SOURCES
from lxml import etree

from tei.cli import main
from tei.encode import EncodeResult, encode_sources, readable_bytes
from tei.encode import footnotes as fn
from tei.encode.reading import MAX_LINE_CHARS
from tei.errors import EXIT_CANNOT_RUN, EXIT_PROBLEMS, TeitoolError
from tei.validate import validate_paths
from tei.xmlio import NSMAP, parse_file

REGISTER = SOURCES / "persons.xml"
#: libxml2's limit for one text node without XML_PARSE_HUGE, in bytes of UTF-8.
LIBXML2_TEXT_LIMIT = 10_000_000

HEADER = "Stalin to Kaganovich June 4, 1932"
ARCHIVE = "Archive: RGASPI F. 558. Op. 11. D. 77. L. 1. Autograph."
#: A second letter, so that the source is recognised as a correspondence.
SECOND_LETTER = """
Kaganovich to Stalin June 6, 1932

Archive: RGASPI F. 558. Op. 11. D. 740. L. 2. Autograph.
Hello, Comrade Stalin!

We received your letter and will act on it.

L. Kaganovich.
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    source = tmp_path / name
    source.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return source


def encode(tmp_path: Path, source: Path) -> tuple[EncodeResult, Path]:
    out = tmp_path / "out"
    return encode_sources([source], out, register_path=REGISTER), out


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def assert_valid(out: Path) -> None:
    """Every document written passes the validator (the project's schema and rules too)."""
    report = validate_paths([out], use_cache=False, jobs=1, register=out / "persons.xml")
    assert report.errors == 0, [str(issue) for issue in report.issues]


# --- 1. a paragraph below the note rule, before note 1 ------------------------------------------

LETTER_WITH_A_PARAGRAPH_ABOVE_NOTE_1 = f"""{HEADER}

{ARCHIVE}
Hello, Lazar!

The grain question must be settled this week 1 . Write to me about it.

Stalin.

_____________________________

The editors found this paragraph on the back of the sheet.

1 Number and date entered by hand.
{SECOND_LETTER}"""


def test_a_paragraph_above_note_1_is_kept_and_reported(tmp_path: Path) -> None:
    source = write(tmp_path, "letters.txt", LETTER_WITH_A_PARAGRAPH_ABOVE_NOTE_1)
    result, out = encode(tmp_path, source)
    assert result.letters == 2 and result.footnotes == 1
    assert any(
        w.startswith(f"{source}:1: the paragraph at line 12 below the note rule has no note number")
        for w in result.warnings
    ), result.warnings
    letter = parse_file(out / "letters" / "L1932-06-04-stalin-kaganovich.xml")
    kept = letter.find(".//tei:div/tei:note[@type='editorial']/tei:p", NSMAP)
    assert kept is not None and kept.text == "The editors found this paragraph on the back of the sheet."
    # Note 1 still stands at its marker, its number printed.
    note = letter.find(".//tei:p/tei:note[@place='foot']", NSMAP)
    assert note is not None and note.get("n") == "1" and note.get("subtype") is None
    assert_valid(out)


def test_a_paragraph_above_note_1_of_the_introduction_is_kept(tmp_path: Path) -> None:
    introduction = """Letters of 1932

The editors print the letters below from the originals 1 .

_____________________________

A paragraph of the editors without a number.

1 See the archive of the Politburo.

"""
    source = write(tmp_path, "001_letters.txt", introduction + LETTER_WITH_A_PARAGRAPH_ABOVE_NOTE_1)
    result, out = encode(tmp_path, source)
    assert result.introductions == 1
    assert any("line 7 below the note rule has no note number" in w for w in result.warnings)
    front = parse_file(out / "front" / "intro-001.xml")
    kept = front.find(".//tei:div/tei:note[@type='editorial']/tei:p", NSMAP)
    assert kept is not None and kept.text == "A paragraph of the editors without a number."
    assert_valid(out)


@pytest.mark.parametrize(
    ("paragraphs", "numbers"),
    [
        ([("No number here.", 5), ("1 The first note.", 6)], [None, 1]),
        ([("0 A zero.", 5), ("1 The first note.", 6)], [None, 1]),
        ([("Above.", 5), ("Above too.", 6), ("1 The first note.", 7)], [None, 1]),
        # Where a number is free, an unnumbered paragraph still opens the note it belongs to.
        ([("Lost its number.", 5), ("2 The second note.", 6)], [1, 2]),
    ],
)
def test_note_paragraphs_before_the_first_note(
    paragraphs: list[tuple[str, int]], numbers: list[int | None]
) -> None:
    notes = fn.parse_notes(paragraphs)
    assert [note.number for note in notes] == numbers
    # No paragraph is lost on the way.
    assert sum(len(note.paragraphs) for note in notes) == len(paragraphs)


def test_many_note_paragraphs_are_read_in_linear_time() -> None:
    # Each unnumbered paragraph used to look through all the paragraphs after it: with
    # 50,000 that is over a billion steps (minutes); read in one pass it is a blink.
    paragraphs = [("1 The first note.", 1)] + [(f"It goes on, part {i}.", i) for i in range(50_000)]
    (note,) = fn.parse_notes(paragraphs)
    assert len(note.paragraphs) == 50_001


# --- 2. characters XML cannot carry --------------------------------------------------------------

BAD_CHARACTERS = [
    ("\ufffe", "the noncharacter U+FFFE"),
    ("\uffff", "the noncharacter U+FFFF"),
    ("\x01", "control character U+0001"),
    ("\x0b", "control character U+000B"),
    ("\x1b", "control character U+001B"),  # ESC: would also drive a terminal
]


@pytest.mark.parametrize(("char", "named"), BAD_CHARACTERS)
def test_a_character_xml_cannot_carry_is_refused_with_line_and_column(
    tmp_path: Path, char: str, named: str
) -> None:
    text = f"{HEADER}\r\n\r\nThe grain {char}question must be settled.\r\n{SECOND_LETTER}"
    source = write(tmp_path, "letters.txt", text)
    (tmp_path / "persons.xml").write_bytes(REGISTER.read_bytes())
    code, output = run("encode", str(source), "-o", str(tmp_path / "out"))
    assert code == EXIT_CANNOT_RUN
    assert output.startswith(f"teitool: {source}:3:11: the file contains {named}, ")
    assert "XML cannot carry" in output and "delete the character" in output
    assert len(output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_surrogate_written_in_utf8_is_not_utf8(tmp_path: Path) -> None:
    # U+D800 encoded as UTF-8 bytes (CESU-8, "WTF-8"): not UTF-8, refused as such.
    data = f"{HEADER}\n\nThe grain ".encode() + b"\xed\xa0\x80" + SECOND_LETTER.encode()
    source = write(tmp_path, "letters.txt", data)
    with pytest.raises(TeitoolError, match=r":3: the file is not UTF-8 \(byte 0xed\)") as caught:
        encode(tmp_path, source)
    assert caught.value.exit_code == EXIT_CANNOT_RUN


def test_a_form_feed_is_still_a_line_end(tmp_path: Path) -> None:
    source = write(tmp_path, "letters.txt", LETTER_WITH_A_PARAGRAPH_ABOVE_NOTE_1 + "\f\n")
    result, _out = encode(tmp_path, source)
    assert result.letters == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (os.fsdecode(b"letters\xff.txt"), "the file name is not UTF-8"),
        ("letters\x07.txt", "the file name contains control character U+0007"),
    ],
)
def test_a_file_name_xml_cannot_carry_is_refused(tmp_path: Path, name: str, message: str) -> None:
    try:
        source = write(tmp_path, name, LETTER_WITH_A_PARAGRAPH_ABOVE_NOTE_1)
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses such a name")
    with pytest.raises(TeitoolError) as caught:
        encode(tmp_path, source)
    assert message in str(caught.value) and "rename the file" in str(caught.value)
    str(caught.value).encode("utf-8")  # printable: undecodable bytes are shown as \xff


def test_metadata_xml_cannot_carry_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path, "letters.txt", LETTER_WITH_A_PARAGRAPH_ABOVE_NOTE_1)
    # TOML's escapes write any character, control characters too.
    metadata = write(tmp_path, "metadata.toml", '[sources."letters.txt"]\nbook = "A\\u0007B"\n')
    with pytest.raises(TeitoolError, match=r'\[sources."letters.txt"\]: book contains control '
                       r"character U\+0007, which XML cannot carry"):
        encode_sources([source], tmp_path / "out", register_path=REGISTER, metadata_path=metadata)


# --- 3. many short lines: linear time ------------------------------------------------------------
# Sizes at which the quadratic steps took minutes (25,000 lines: over 200 s); in linear
# time each encode takes a second or two. No timing is asserted: a regression shows as a
# test that hangs for minutes.

LINES = 25_000


def test_a_chapter_of_many_short_unfinished_lines(tmp_path: Path) -> None:
    # No line ends a sentence: all are rejoined into one paragraph, line by line.
    text = "\n".join(f"a short line {i} of the chapter without an end" for i in range(LINES))
    result, out = encode(tmp_path, write(tmp_path, "000_lines.txt", text + "\n"))
    assert result.chapters == 1
    chapter = parse_file(out / "chapters" / "ch-000.xml")
    assert len(chapter.findall(".//tei:body//tei:p", NSMAP)) == 1


def test_a_letter_of_many_short_lines(tmp_path: Path) -> None:
    lines = [f"Short line {i} of the letter." for i in range(LINES)]
    text = "\n".join([HEADER, "", ARCHIVE, *lines, "Stalin.", SECOND_LETTER])
    result, out = encode(tmp_path, write(tmp_path, "letters.txt", text))
    assert result.letters == 2
    letter = parse_file(out / "letters" / "L1932-06-04-stalin-kaganovich.xml")
    assert len(letter.findall(".//tei:div/tei:p", NSMAP)) == LINES


def test_a_long_line_with_many_dates_and_markers(tmp_path: Path) -> None:
    # Each number of a line was checked against every date of it, and what follows each
    # number copied: quadratic in the line's length (a 500 KB line took a minute).
    line = "On June 4, 1932 we met Kaganovich on 12/VI.32 at 10.30 and 5 . " * 8_000
    text = "\n".join([HEADER, "", ARCHIVE, line, "Stalin.", SECOND_LETTER])
    result, _out = encode(tmp_path, write(tmp_path, "letters.txt", text))
    assert result.letters == 2


# --- 4. text nodes the validator's parser refuses ------------------------------------------------


def _longest_text(path: Path) -> int:
    """The longest text node of a document, in bytes of UTF-8."""
    tree = parse_file(path)
    return max(
        len(text.encode("utf-8"))
        for element in tree.iter()
        for text in (element.text, element.tail)
        if text
    )


def test_lines_that_join_past_the_text_node_limit_are_split(tmp_path: Path) -> None:
    # Three lines without a sentence end, 10.2 MB in all (letters of 4 bytes in UTF-8): one
    # paragraph used to hold them all, a text node libxml2 refuses to parse.
    word = "\U0001d504" * 20
    line = " ".join([word] * 42_000)
    source = write(tmp_path, "000_wide.txt", "\n".join([line] * 3) + "\n")
    assert source.stat().st_size > LIBXML2_TEXT_LIMIT
    result, out = encode(tmp_path, source)
    assert result.warnings == [
        f"000_wide.txt:3: the paragraph before this line reached {MAX_LINE_CHARS:,} characters "
        "without a sentence end; a new one starts here"
    ]
    chapter = out / "chapters" / "ch-000.xml"
    assert len(parse_file(chapter).findall(".//tei:body//tei:p", NSMAP)) == 2
    assert _longest_text(chapter) < LIBXML2_TEXT_LIMIT
    assert_valid(out)


def test_a_line_too_long_for_one_paragraph_is_refused(tmp_path: Path) -> None:
    text = f"{HEADER}\n\n{'x' * (MAX_LINE_CHARS + 1)}\n{SECOND_LETTER}"
    source = write(tmp_path, "letters.txt", text)
    with pytest.raises(TeitoolError) as caught:
        encode(tmp_path, source)
    message = str(caught.value)
    assert message.startswith(f"{source}:3: the line has {MAX_LINE_CHARS + 1:,} characters")
    assert "break it into paragraphs" in message
    assert caught.value.exit_code == EXIT_CANNOT_RUN
    assert not (tmp_path / "out").exists()


def test_a_document_the_parser_would_refuse_is_not_written(tmp_path: Path) -> None:
    # The last guard, whatever made the document: it is read back before it is written.
    root = etree.Element("TEI")
    root.text = "x" * (LIBXML2_TEXT_LIMIT + 1)
    with pytest.raises(TeitoolError) as caught:
        readable_bytes(root, tmp_path / "source.txt", tmp_path / "out" / "doc.xml")
    assert str(caught.value).startswith(f"{tmp_path / 'source.txt'}: its document doc.xml would not")
    assert "text node over 10 MB" in str(caught.value)
    assert caught.value.exit_code == EXIT_PROBLEMS


def test_an_intro_id_from_a_file_name_with_spaces_is_a_name(tmp_path: Path) -> None:
    source = write(tmp_path, "my letters.txt", "Letters of 1932\n\n" + LETTER_WITH_A_PARAGRAPH_ABOVE_NOTE_1)
    _result, out = encode(tmp_path, source)
    assert (out / "front" / "intro-my-letters.xml").is_file()
    assert_valid(out)


def test_two_sources_whose_documents_share_an_id_are_refused(tmp_path: Path) -> None:
    """01_x.txt and 01_y.txt both give the chapter ch-01 (the sequence number names the
    source): the second replaced the first, unsaid."""
    from tei.encode import encode_sources
    from tei.errors import TeitoolError

    chapter = "THE HARVEST\n\nThe harvest of that year was poor in every region of the country.\n"
    for name in ("01_x.txt", "01_y.txt"):
        (tmp_path / name).write_text(chapter.replace("poor", name[3]))
    with pytest.raises(TeitoolError) as raised:
        encode_sources([tmp_path / "01_x.txt", tmp_path / "01_y.txt"], tmp_path / "out",
                       kind="chapter")
    assert raised.value.exit_code == 1
    assert "01_x.txt" in str(raised.value) and "01_y.txt" in str(raised.value)
    assert not (tmp_path / "out").exists()
