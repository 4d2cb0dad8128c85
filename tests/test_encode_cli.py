"""`teitool encode` on bad input: one clear line, the right exit code, no partial output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SOURCES

from tei.cli import main

LETTERS = SOURCES / "003_171032f87d76c798.txt"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    (tmp_path / "persons.xml").write_bytes((SOURCES / "persons.xml").read_bytes())
    return path


BAD_SOURCES = [
    ("empty.txt", b"", 2, "the file is empty"),
    ("blank.txt", b"  \n\n \n", 2, "the file is empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2, "binary"),
    (
        "cp1252.txt",
        "Stalin to Kaganovich June 4, 1932 \u201cquoted\u201d\n".encode("cp1252"),
        2,
        "not UTF-8",
    ),
    ("utf16.txt", "Stalin to Kaganovich June 4, 1932\n".encode("utf-16"), 2, "UTF-16"),
    ("tiny.txt", b"Hello.\n", 1, "nothing recognisable"),
    (
        "control.txt",
        b"Stalin to Kaganovich June 4, 1932\nabc\x07def\n",
        2,
        "control character U+0007",
    ),
]


@pytest.mark.parametrize(("name", "data", "code", "message"), BAD_SOURCES)
def test_bad_sources(tmp_path: Path, name: str, data: bytes, code: int, message: str) -> None:
    source = write(tmp_path, name, data)
    out = tmp_path / "out"
    exit_code, output = run("encode", str(source), "-o", str(out))
    assert exit_code == code
    assert message in output and str(source) in output
    assert len(output.strip().splitlines()) == 1
    assert not out.exists()


def test_no_letters_in_a_letters_source(tmp_path: Path) -> None:
    source = write(
        tmp_path, "prose.txt", b"This is a plain paragraph of prose with no letters in it at all.\n"
    )
    exit_code, output = run("encode", str(source), "--kind", "letters", "-o", str(tmp_path / "out"))
    assert exit_code == 1 and "no letter found" in output


def test_missing_path(tmp_path: Path) -> None:
    exit_code, output = run("encode", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "out"))
    assert exit_code == 2 and "no such file" in output


def test_without_a_register_every_name_is_unknown_and_the_output_still_valid(
    tmp_path: Path,
) -> None:
    """No persons.xml: encode starts from an empty register; every person it meets is a
    provisional entry of the output register, listed at the end of the run with its count
    and first place; every file passes validate."""
    from tei.validate import validate_paths

    source = tmp_path / "letters.txt"
    source.write_bytes(LETTERS.read_bytes())
    out = tmp_path / "out"
    exit_code, output = run("encode", str(source), "-o", str(out))
    assert exit_code == 0, output
    assert "provisional persons, not in the register" in output
    listed = {line.split()[0]: line for line in output.splitlines() if "×" in line}
    assert {"stalin", "kaganovich", "molotov"} <= set(listed)
    assert "first in letters.txt, lines" in listed["stalin"]
    assert len(list((out / "letters").glob("*.xml"))) == 77  # as many as with the register
    register = (out / "persons.xml").read_text()
    assert '<person xml:id="stalin" cert="low">' in register
    assert "The register lists no person yet." not in register  # the standOff took its place
    report = validate_paths([out], use_cache=False)
    assert report.errors == 0, report.render("text")


def test_persons_suggest_runs_without_a_register(tmp_path: Path) -> None:
    source = tmp_path / "letters.txt"
    source.write_bytes(LETTERS.read_bytes())
    code, output = run("persons", "suggest", str(source), "--min-count", "20")
    assert code == 0 and "Stalin" in output


def test_a_file_that_is_no_register_is_still_refused(tmp_path: Path) -> None:
    """An empty register says what it is (TEI type="persons"); a letter given as the
    register is a mistake, said in one line."""
    wrong = tmp_path / "letter.xml"
    wrong.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0" type="letter"><teiHeader/></TEI>')
    code, output = run("encode", str(LETTERS), "--register", str(wrong), "-o",
                       str(tmp_path / "out"))
    assert code == 2 and "the register lists no person" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_non_root(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    exit_code, output = run("encode", str(LETTERS), "-o", str(locked / "tei"))
    assert exit_code == 2 and "cannot write" in output


def test_output_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "tei"
    blocker.write_text("a file where the output folder should be")
    exit_code, output = run("encode", str(LETTERS), "-o", str(blocker))
    assert exit_code == 2 and "cannot write" in output
    assert len(output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('year = "two thousand"', "year must be a year such as 1932"),
        ("context_year = [1, 2]", "context_year must be a year"),
        ('foreign = "x"', 'foreign must be a table of word = "language"'),
        ('titel = "A chapter"', "unknown key 'titel'"),
        ("book = ['a']", "book must be text in quotes"),
    ],
)
def test_metadata_of_the_wrong_kind_is_one_error(tmp_path: Path, table: str, message: str) -> None:
    metadata = tmp_path / "metadata.toml"
    metadata.write_text(f'[sources."000_6bd11cb132586d61.txt"]\n{table}\n')
    code, output = run("encode", str(SOURCES / "000_6bd11cb132586d61.txt"), "--metadata",
                       str(metadata), "-o", str(tmp_path / "out"))
    assert code == 2 and message in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_metadata_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    metadata = tmp_path / "metadata.toml"
    metadata.write_bytes(b"\x00\xff\xfe" * 10)
    code, output = run("encode", str(SOURCES), "--metadata", str(metadata), "-o",
                       str(tmp_path / "out"))
    assert code == 2 and "not UTF-8" in output


def test_a_source_that_is_no_regular_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would wait for a writer for ever
    code, output = run("encode", str(fifo), "--register", str(SOURCES / "persons.xml"),
                       "-o", str(tmp_path / "out"))
    assert code == 2 and "not a regular file" in output


def test_persons_suggest_names_a_missing_source_first(tmp_path: Path) -> None:
    code, output = run("persons", "suggest", str(tmp_path / "nope.txt"))
    assert code == 2 and "nope.txt: no such file or folder" in output
    code, output = run("persons", "suggest", str(LETTERS), "--min-count", "-5")
    assert code == 2 and "--min-count" in output


def test_lossless_failure_stops_encode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tei.encode import inline

    original = inline.fill

    def lose_last_word(parent, text, spans):  # type: ignore[no-untyped-def]
        original(
            parent,
            text.rsplit(" ", 1)[0] if " " in text.strip() else text,
            [s for s in spans if s.end <= len(text.rsplit(" ", 1)[0])],
        )

    monkeypatch.setattr("tei.encode.letters.markup.fill", lose_last_word)
    exit_code, output = run("encode", str(LETTERS), "-o", str(tmp_path / "out"))
    assert exit_code == 1 and "lossless check failed" in output and "source has «" in output
    assert not (tmp_path / "out").exists()


def test_reruns_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("encode", str(LETTERS), "-o", str(first), "-q")[0] == 0
    assert run("encode", str(LETTERS), "-o", str(second), "-q")[0] == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*.xml"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.xml"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert not list(first.rglob("*.tmp"))


def test_help_has_examples() -> None:
    for command in (["--help"], ["encode", "--help"], ["persons", "suggest", "--help"]):
        exit_code, output = run(*command)
        assert exit_code == 0 and ("Example" in output or "teitool encode" in output)


def test_rerun_removes_documents_it_no_longer_makes(tmp_path: Path) -> None:
    out = tmp_path / "tei"
    assert run("encode", str(LETTERS), "-o", str(out), "-q")[0] == 0
    stale = out / "letters" / "L1932-01-01-old-id.xml"
    stale.write_bytes((out / "letters" / "L1932-06-05-stalin-kaganovich.xml").read_bytes())
    foreign = out / "letters" / "someone-elses.xml"
    foreign.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"/>')
    assert run("encode", str(LETTERS), "-o", str(out), "-q")[0] == 0
    assert not stale.exists() and foreign.exists()


def test_rerun_removes_a_folder_it_emptied(tmp_path: Path) -> None:
    """A source edited so that it no longer has an introduction: no empty front/ is left."""
    source = tmp_path / "src" / "letters.txt"
    source.parent.mkdir()
    unseen = FIXTURES / "letters" / "unseen"
    source.write_text((unseen / "letters.txt").read_text())
    out = tmp_path / "tei"
    register = str(unseen / "persons.xml")
    assert run("encode", str(source), "-o", str(out), "--register", register, "-q")[0] == 0
    assert list((out / "front").glob("*.xml"))
    text = source.read_text()
    source.write_text(text[text.index("Molotov to Voroshilov August 3") :])
    assert run("encode", str(source), "-o", str(out), "--register", register, "-q")[0] == 0
    assert not (out / "front").exists() and len(list((out / "letters").glob("*.xml"))) == 3
