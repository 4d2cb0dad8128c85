"""Encode never writes invalid TEI: every document is checked against the built-in schema in
memory, and one that fails stops the run (exit 1, nothing written) naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SOURCES, TEI_ALL_RNG
from lxml import etree

from tei.cli import main
from tei.encode.schemacheck import refuse_invalid
from tei.errors import EXIT_PROBLEMS, TeitoolError
from tei.validate.specs import BUILTIN_XSD

TEI = "{http://www.tei-c.org/ns/1.0}"
UNSEEN = FIXTURES / "letters" / "unseen" / "letters.txt"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _letter(body: str, statement: str = "lines 14–27") -> bytes:
    """A small letter as encode writes one, with ``body`` in its ``div``."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>A letter</title></titleStmt>
<publicationStmt><p>Encoded with teitool from x.txt, {statement}.</p></publicationStmt>
<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>
<text><body><div type="letter">
{body}
</div></body></text></TEI>
""".encode()


OPENER = '<opener><salute>Hello, Comrade Stalin!</salute></opener>'
CLOSER = '<closer><signed>L. Kaganovich.</signed></closer>'


def test_a_valid_document_passes_and_is_counted(tmp_path: Path) -> None:
    good = _letter(f"{OPENER}<p>The harvest is good.</p>{CLOSER}")
    documents = [(tmp_path / "letters" / f"L{i}.xml", good, tmp_path / "x.txt") for i in range(3)]
    assert refuse_invalid(documents) == 3


def test_an_invalid_document_is_named_with_its_source_lines_and_the_reason(tmp_path: Path) -> None:
    """Opener, then closer, nothing between: TEI wants content there."""
    good = _letter(f"{OPENER}<p>The harvest is good.</p>{CLOSER}")
    bad = _letter(f"{OPENER}\n{CLOSER}", statement="lines 30–34")
    source = tmp_path / "x.txt"
    documents = [
        (tmp_path / "letters" / "L1.xml", good, source),
        (tmp_path / "letters" / "L2.xml", bad, source),
        (tmp_path / "letters" / "L3.xml", bad, source),
    ]
    with pytest.raises(TeitoolError) as caught:
        refuse_invalid(documents)
    message = str(caught.value)
    assert caught.value.exit_code == EXIT_PROBLEMS
    assert message.startswith(f"{source}:30 (lines 30–34): its document letters/L2.xml ")
    assert "teitool.xsd, line 8, column" in message and "Element 'closer'" in message
    assert "L3.xml" not in message and message.endswith("nothing written")


def test_a_document_without_source_lines_is_named_by_its_source(tmp_path: Path) -> None:
    chapter = _letter("<bogus/>", statement="nothing").replace(b", nothing", b"")
    with pytest.raises(TeitoolError) as caught:
        refuse_invalid([(tmp_path / "chapters" / "c.xml", chapter, tmp_path / "c.txt")])
    assert str(caught.value).startswith(f"{tmp_path / 'c.txt'}: its document chapters/c.xml ")
    assert "Element 'bogus'" in str(caught.value)


def test_a_builder_emitting_a_bad_element_stops_encode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 1, nothing written (not even persons.xml), the message names the document."""
    import tei.encode

    original = tei.encode.letters_mod.build_letter
    built: list[Any] = []

    def with_a_bad_element(*args: Any, **kwargs: Any) -> Any:
        letter = original(*args, **kwargs)
        built.append(letter)
        if len(built) == 2:
            etree.SubElement(letter.root.find(f".//{TEI}body/{TEI}div"), f"{TEI}bogus")
        return letter

    monkeypatch.setattr(tei.encode.letters_mod, "build_letter", with_a_bad_element)
    out = tmp_path / "out"
    exit_code, output = run("encode", str(UNSEEN), "-o", str(out))
    assert exit_code == 1, output
    assert f"{UNSEEN}:" in output and "Element 'bogus'" in output and "nothing written" in output
    second = built[1].root.get("{http://www.w3.org/XML/1998/namespace}id")
    assert f"letters/{second}.xml" in output
    assert not out.exists()


OPENER_AND_CLOSER_ONLY = """Kaganovich to Stalin June 4, 1932

Archive: RGASPI F. 558. Op. 11. D. 740. L. 1. Autograph.
Hello, Comrade Stalin!

L. Kaganovich.


Kaganovich to Stalin June 6, 1932

Archive: RGASPI F. 558. Op. 11. D. 740. L. 2. Autograph.
Hello, Comrade Stalin!

The harvest is good this year in the south.

L. Kaganovich.
"""


def test_a_letter_of_only_an_opener_and_a_closer_is_written_valid(tmp_path: Path) -> None:
    """TEI wants content between opener and closer: the greeting is the letter's message
    (it was written invalid, a closer right after the opener, until the check stopped it)."""
    source = tmp_path / "empty-body.txt"
    source.write_text(OPENER_AND_CLOSER_ONLY, encoding="utf-8")
    (tmp_path / "persons.xml").write_bytes((SOURCES / "persons.xml").read_bytes())
    out = tmp_path / "out"
    exit_code, output = run("encode", str(source), "-o", str(out))
    assert exit_code == 0, output
    letter = etree.parse(str(out / "letters" / "L1932-06-04-kaganovich-stalin.xml"))
    div = letter.find(".//{*}div[@type='letter']")
    assert [child.tag.split("}")[1] for child in div] == ["head", "p", "closer"]
    assert "".join(div[1].itertext()) == "Hello, Comrade Stalin!"


CRAFTED = sorted(FIXTURES.rglob("*.txt"))


def test_the_crafted_sources_are_found() -> None:
    assert len(CRAFTED) >= 13 and {p.parent.name for p in CRAFTED} >= {"chapters", "unseen"}


@pytest.mark.parametrize("source", CRAFTED, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_crafted_source_is_checked_and_valid(tmp_path: Path, source: Path) -> None:
    """Each crafted source (with the register and metadata beside it) encodes; every
    document was checked before writing, and what is written is valid."""
    from tei.encode import encode_sources

    result = encode_sources([source], tmp_path)
    assert result.documents and result.schema_checked == len(result.documents)
    schema = _builtin_schema()
    for path in result.documents:
        assert schema.validate(etree.parse(str(path))), (path, schema.error_log)


_SCHEMA: list[etree.XMLSchema] = []


def _builtin_schema() -> etree.XMLSchema:
    if not _SCHEMA:
        _SCHEMA.append(etree.XMLSchema(etree.parse(str(BUILTIN_XSD))))
    return _SCHEMA[0]


@pytest.mark.skipif(not TEI_ALL_RNG.is_file(), reason="needs ../shared/tei-p5/tei_all.rng")
def test_what_encode_writes_keeps_tei_p5s_own_constraints(encoded_edition: Path) -> None:
    """tei_all.rng's grammar and its embedded Schematron (a @subtype needs a @type: the notes
    whose number the encoder supplied broke it) on the sample and the unseen sources."""
    from tei.encode import encode_sources
    from tei.validate import validate_paths

    unseen = encode_sources([FIXTURES / "unseen" / "kaganovich_1934_08.txt"],
                            encoded_edition.parent / "unseen-tei",
                            register_path=SOURCES / "persons.xml")
    report = validate_paths([encoded_edition, *unseen.documents], builtin=False,
                            schemas=[TEI_ALL_RNG], use_cache=False)
    assert report.errors == 0, report.render("text")
