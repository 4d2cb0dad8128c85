"""The output register's provisional entries, `teitool persons review` and `persons merge`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from tei.cli import main
from tei.encode.provisional import PersonName, ProvisionalEntry
from tei.encode.registerfile import Provisional, output_register
from tei.xmlio import NSMAP, parse_bytes

SKELETON = ROOT / "tei" / "skeleton" / "sources" / "persons.xml"

#: A crafted correspondence: two correspondents and a driver the register lacks, one it has.
LETTERS = """\
Lozovsky to Bessonov January 9, 1935

Archive: RGAE F. 1884. Op. 31. D. 1207. L. 3–4. Original.
Comrade Bessonov!

The work of the line in December is unsatisfactory. Report on the brigades of the driver
Rudakov and on what Comrade Stalin said of them.

P. Lozovsky

Bessonov to Lozovsky January 21, 1935

Archive: RGAE F. 1884. Op. 31. D. 1207. L. 9. Original.
Comrade Lozovsky!

Rudakov is ill. The turnover of the car has been shortened.

A. Bessonov
"""

REGISTER = """\
<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="persons" type="persons">
  <teiHeader><fileDesc><titleStmt><title>Register</title></titleStmt>
    <publicationStmt><p>Test.</p></publicationStmt>
    <sourceDesc><p>Test.</p></sourceDesc></fileDesc></teiHeader>
  <standOff>
    <listPerson>
      <person xml:id="stalin">
        <persName type="reg">Stalin, Joseph</persName>
      </person>
    </listPerson>
  </standOff>
</TEI>
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    """A folder of sources: the crafted letters and the register."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "letters_1935.txt").write_text(LETTERS, encoding="utf-8")
    (sources / "persons.xml").write_text(REGISTER, encoding="utf-8")
    return sources


def test_encode_registers_and_reports_the_persons_the_register_lacks(
    edition: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tei"
    code, output = run("encode", str(edition), "-o", str(out))
    assert code == 0, output
    listed = {line.split()[0]: line for line in output.splitlines() if "×" in line}
    assert set(listed) == {"lozovsky", "bessonov", "rudakov"}
    assert "first in letters_1935.txt, lines 1–" in listed["lozovsky"]
    assert "×2" in listed["rudakov"]
    register = parse_bytes((out / "persons.xml").read_bytes(), "persons.xml")
    (lozovsky,) = register.xpath(".//tei:person[@xml:id='lozovsky']", namespaces=NSMAP)
    assert lozovsky.get("cert") == "low"
    assert lozovsky.findtext("tei:persName[@type='reg']", namespaces=NSMAP) == "Lozovsky, P."
    note = lozovsky.findtext("tei:note[@type='provisional']", namespaces=NSMAP) or ""
    assert "first in letters_1935.txt" in note
    # every correspondent and mention points to an entry, and the folder is valid
    letter = (out / "letters").glob("L1935-01-09-*.xml").__next__().read_text()
    assert 'ref="persons.xml#rudakov">Rudakov<' in letter
    assert '<persName ref="persons.xml#bessonov">' in letter
    assert run("validate", str(out))[0] == 0
    # a re-run writes the same bytes
    first = (out / "persons.xml").read_bytes()
    assert run("encode", str(edition), "-o", str(out))[0] == 0
    assert (out / "persons.xml").read_bytes() == first


def test_review_lists_and_merge_adds_the_accepted_ones(edition: Path, tmp_path: Path) -> None:
    out = tmp_path / "tei"
    assert run("encode", str(edition), "-o", str(out), "-q")[0] == 0
    code, output = run("persons", "review", str(out))
    assert code == 0 and "lozovsky  Lozovsky, P." in output and "mentions" in output
    register = edition / "persons.xml"
    before = register.read_text(encoding="utf-8")
    code, output = run("persons", "merge", str(out / "persons.xml"), "--into", str(register),
                       "--accept", "lozovsky", "--accept", "rudakov")
    assert code == 0 and "merged 2" in output, output
    after = register.read_text(encoding="utf-8")
    # the existing entries untouched, the new ones at the end of the list, unmarked
    end = before.index("    </listPerson>")
    assert after.startswith(before[:end]) and after.endswith(before[end:])
    added = after[end : len(after) - len(before) + end]
    assert '<person xml:id="lozovsky">' in added and 'cert=' not in added
    assert "provisional" not in added and "xmlns" not in added
    # merged once: the id is taken now, and nothing is written
    code, output = run("persons", "merge", str(out / "persons.xml"), "--into", str(register),
                       "--accept", "lozovsky")
    assert code == 1 and "already has the id lozovsky" in output
    assert register.read_text(encoding="utf-8") == after
    # encoded again, the merged persons are the register's
    code, output = run("encode", str(edition), "-o", str(out))
    listed = {line.split()[0] for line in output.splitlines() if "×" in line}
    assert code == 0 and listed == {"bessonov"}


@pytest.mark.parametrize(
    ("args", "message"),
    [([], "either --accept ID"), (["--all", "--accept", "x"], "either --accept ID"),
     (["--accept", "nobody"], "no provisional entry nobody")],
)
def test_merge_refuses_unclear_requests(
    edition: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "tei"
    assert run("encode", str(edition), "-o", str(out), "-q")[0] == 0
    code, output = run("persons", "merge", str(out / "persons.xml"), "--into",
                       str(edition / "persons.xml"), *args)
    assert code != 0 and message in output


def test_a_register_without_entries_gets_a_standoff_in_place_of_its_text() -> None:
    entry = ProvisionalEntry("pell", "persName", PersonName("Jonah", "Pell"), ["Jonah Pell"])
    data = output_register(SKELETON.read_bytes(), [Provisional(entry, 2, "x.txt (L1)")])
    root = parse_bytes(data, "persons.xml")
    assert root.find("tei:text", NSMAP) is None
    person = root.find("tei:standOff/tei:listPerson/tei:person", NSMAP)
    assert person is not None and person.get("cert") == "low"
    # the comment's example is left alone
    assert data.decode().count('<person xml:id="austen-jane">') == 1


def test_groups_go_into_a_list_of_groups() -> None:
    group = ProvisionalEntry("board", "orgName", PersonName("", "the Board"), ["the Board"])
    data = output_register(REGISTER.encode(), [Provisional(group, 1, "x.txt (L1)")])
    org = parse_bytes(data, "persons.xml").find("tei:standOff/tei:listOrg/tei:org", NSMAP)
    assert org is not None and org.findtext("tei:orgName", namespaces=NSMAP) == "the Board"
    assert data.decode().startswith(REGISTER[: REGISTER.index("  </standOff>")])


def test_the_rules_are_the_profile_s_data(edition: Path, tmp_path: Path) -> None:
    """An edition's [conventions.persons] overrides the profile: without roles and surname
    endings, the driver Rudakov is no longer marked as a person."""
    out = tmp_path / "tei"
    (edition / "metadata.toml").write_text(
        "[conventions.persons]\nroles = []\nsurname_endings = []\n", encoding="utf-8"
    )
    code, output = run("encode", str(edition), "-o", str(out))
    listed = {line.split()[0] for line in output.splitlines() if "×" in line}
    assert code == 0 and listed == {"lozovsky", "bessonov"}, output


def test_a_register_in_another_encoding_is_written_as_utf8() -> None:
    entry = ProvisionalEntry("pell", "persName", PersonName("", "Pell"), ["Pell"])
    utf16 = REGISTER.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert output_register(utf16, []) == utf16  # nothing to add: the bytes as they were
    data = output_register(utf16, [Provisional(entry, 1, "x.txt (L1)")])
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert parse_bytes(data).find(".//tei:person[@cert='low']", NSMAP) is not None
