"""BagIt export: a bag that bagit's own validator accepts, reproducible, never half-written."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from tei.cli import main
from tei.errors import TeitoolError
from tei.export import export_bag, export_cmif, human_size

HERE = FIXTURES / "export"
METADATA = HERE / "metadata.toml"
NOW = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    """A build folder as `teitool build` leaves it: tei/, reports/, export/cmif.xml."""
    build = tmp_path / "build"
    shutil.copytree(HERE / "tei", build / "tei")
    (build / "reports").mkdir()
    (build / "reports" / "validation.json").write_text('{"files": 4, "errors": 0}\n')
    export_cmif(build / "tei", build / "export" / "cmif.xml", metadata_path=METADATA, now=NOW)
    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "teitool.xsd").write_text("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'/>")
    (schema / "teitool.sch").write_text("<schema xmlns='http://purl.oclc.org/dsdl/schematron'/>")
    return build


def bag(build: Path, out: Path, **kwargs) -> object:
    return export_bag(
        build, out, metadata_path=METADATA, schema_dir=build.parent / "schema", now=NOW, **kwargs
    )


def test_bag_validates_with_bagit_and_holds_the_edition(build_dir: Path) -> None:
    out = build_dir / "export" / "bag"
    result = bag(build_dir, out)
    made = bagit.Bag(str(out))
    made.validate()  # raises BagValidationError on any problem
    assert made.is_valid()
    payload = set(made.payload_files())
    assert {
        "data/tei/persons.xml",
        "data/tei/letters/L1932-06-05-stalin-kaganovich.xml",
        "data/tei/chapters/ch-000.xml",
        "data/schema/teitool.xsd",
        "data/schema/teitool.sch",
        "data/reports/validation.json",
        "data/cmif.xml",
    } <= payload
    assert result.files == len(payload)
    assert result.warnings == []


def test_bag_info_has_what_an_archive_asks_for(build_dir: Path) -> None:
    out = build_dir / "export" / "bag"
    result = bag(build_dir, out)
    info = bagit.Bag(str(out)).info
    assert info["Source-Organization"] == "Example Academy"
    assert info["Contact-Name"] == "Ada Editor"
    assert info["Contact-Email"] == "ada@example.org"
    assert info["External-Description"].startswith("TEI P5 encoding of three test letters")
    assert info["External-Identifier"] == "https://edition.example.org/"
    assert info["Bagging-Date"] == "2024-05-06"
    assert info["Payload-Oxum"] == f"{result.bytes}.{result.files}"
    assert info["Bag-Size"] == human_size(result.bytes)


def test_rebagging_the_same_input_gives_identical_manifests(build_dir: Path) -> None:
    first, second = build_dir / "bag1", build_dir.parent / "bag2"
    bag(build_dir, first)
    bag(build_dir, second)
    names = sorted(p.name for p in first.glob("*manifest-*.txt"))
    assert names == [
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_bagit_notices_a_changed_payload(build_dir: Path) -> None:
    out = build_dir / "export" / "bag"
    bag(build_dir, out)
    (out / "data" / "cmif.xml").write_text("tampered")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(out)).validate()


def test_an_interrupted_bagging_leaves_the_earlier_bag(build_dir: Path, monkeypatch) -> None:
    out = build_dir / "export" / "bag"
    bag(build_dir, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(bagit, "make_bag", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bag(build_dir, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


def test_missing_parts_are_reported_not_faked(build_dir: Path) -> None:
    shutil.rmtree(build_dir / "reports")
    result = bag(build_dir, build_dir / "export" / "bag")
    assert any("reports is missing" in warning for warning in result.warnings)
    bagit.Bag(str(build_dir / "export" / "bag")).validate()


@pytest.mark.parametrize("where", ["a-file", "someones-folder", "build", "build/tei/bag"])
def test_the_bag_never_replaces_what_is_not_an_earlier_bag(build_dir: Path, where: str) -> None:
    (build_dir.parent / "a-file").write_text("precious\n")
    (build_dir.parent / "someones-folder").mkdir()
    (build_dir.parent / "someones-folder" / "keep.txt").write_text("precious\n")
    before = sorted(str(p) for p in build_dir.parent.rglob("*"))
    with pytest.raises(TeitoolError) as caught:
        bag(build_dir, build_dir.parent / where)
    assert caught.value.exit_code == 2
    assert sorted(str(p) for p in build_dir.parent.rglob("*")) == before
    assert (build_dir.parent / "a-file").read_text() == "precious\n"


def test_an_unwritable_bag_folder_is_one_error(build_dir: Path) -> None:
    (build_dir.parent / "a-file").write_text("x")
    with pytest.raises(TeitoolError, match="cannot write the output"):
        bag(build_dir, build_dir.parent / "a-file" / "bag")


def test_a_folder_that_is_no_build_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TeitoolError, match="no tei/persons.xml"):
        export_bag(tmp_path, tmp_path / "bag", metadata_path=METADATA)


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 bytes"), (999, "999 bytes"), (1000, "1.0 KB"), (1_450_000, "1.4 MB"),
     (3 * 10**9, "3.0 GB")],
)
def test_human_size(count: int, text: str) -> None:
    assert human_size(count) == text


def test_cli_makes_the_bag(build_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr("tei.export.SCHEMA_DIR", build_dir.parent / "schema")
    result = CliRunner().invoke(
        main, ["export", "bag", str(build_dir), "--metadata", str(METADATA)]
    )
    assert result.exit_code == 0, result.output
    assert "BagIt bag:" in result.stdout
    bagit.Bag(str(build_dir / "export" / "bag")).validate()


def test_without_edition_metadata_bag_info_leaves_out_what_it_would_say(
    build_dir: Path, tmp_path: Path
) -> None:
    """No [edition] table: BagIt requires none of the descriptive fields, so they are left
    out (no placeholder in an archive's record), and one warning says so."""
    metadata = tmp_path / "metadata.toml"
    metadata.write_text('[sources."a.txt"]\ntitle = "A"\n')
    out = build_dir / "export" / "bag"
    result = export_bag(build_dir, out, metadata_path=metadata,
                        schema_dir=build_dir.parent / "schema", now=NOW)
    info = bagit.Bag(str(out)).info
    assert not {"Source-Organization", "Contact-Name", "External-Description"} & set(info)
    assert info["Bagging-Date"] == "2024-05-06"
    (draft,) = [w for w in result.warnings if "drafts" in w]
    assert draft.startswith(f"{metadata} has no [edition] table")
    assert "bag-info.txt has no Source-Organization, Contact-Name, External-Description" in draft
