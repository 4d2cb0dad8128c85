"""`teitool init`: a new edition project that builds at once, and never overwrites a file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

from tei import __version__
from tei import init as init_mod
from tei.cli import main
from tei.export import check_cmif
from tei.init import init_project, install_requirement, skeleton_files
from tei.validate import validate_paths
from tei.xmlio import parse_file

#: What a new project holds, dotfiles and the hidden workflow folder included.
PROJECT_FILES = {
    ".github/workflows/tei.yml",
    ".gitignore",
    "README.md",
    "sources/example_letters.txt",
    "sources/metadata.toml",
    "sources/persons.xml",
    "teitool.toml",
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Result]]:
    """`teitool init edition && cd edition && teitool build`, as a new user would."""
    project = tmp_path_factory.mktemp("new") / "edition"
    assert run("init", str(project)).exit_code == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        yield project, run("build")


def test_init_writes_the_skeleton_and_nothing_else(tmp_path: Path) -> None:
    project = tmp_path / "a" / "new" / "edition"  # made, parents and all
    written = init_project(project)
    assert {str(path.relative_to(project)) for path in written} == PROJECT_FILES
    assert set(snapshot(project)) == PROJECT_FILES
    assert {str(path) for path in skeleton_files()} == PROJECT_FILES


def test_the_new_project_builds_at_once(built: tuple[Path, Result]) -> None:
    project, result = built
    assert result.exit_code == 0, result.output
    build = project / "build"
    for output in ("tei/persons.xml", "reports/validation.txt", "site/index.html",
                   "print/edition.pdf", "export/cmif.xml", "export/bag/bagit.txt"):
        assert (build / output).is_file(), output
    assert len(list((build / "tei" / "letters").glob("*.xml"))) == 3
    assert len(list((build / "tei" / "front").glob("*.xml"))) == 1
    assert "3 letters in CMIF" in result.stdout


def test_every_output_of_the_new_project_is_valid(built: tuple[Path, Result]) -> None:
    project, _ = built
    report = validate_paths([project / "build" / "tei"], use_cache=False)
    assert (report.errors, report.warnings) == (0, 0), report.render("text")
    assert check_cmif(parse_file(project / "build" / "export" / "cmif.xml")) == []
    bagit.Bag(str(project / "build" / "export" / "bag")).validate()


def test_the_new_project_warns_once_per_thing_to_do(built: tuple[Path, Result]) -> None:
    """Three lines, each a next step: the persons the empty register lacks (encode's
    provisional entries: the three correspondents and no one else, no place, no "Madam",
    no "Mother"), the [edition] table to fill in, the authority ids CMIF would like. No
    warning about the example."""
    _, result = built
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 3, warnings
    persons, draft, authority = warnings
    assert persons.startswith("warning: 3 persons are not in the register "
                              "sources/persons.xml: Eleanor Vance, Arthur Vance, Jonah Pell;")
    assert "provisional entries in build/tei/persons.xml" in persons
    assert "`teitool persons review build/tei`" in persons
    assert "`teitool persons merge build/tei/persons.xml --into sources/persons.xml --all`" in (
        persons)
    assert draft.startswith("warning: sources/metadata.toml has no [edition] table, so the "
                            "exports are drafts")
    assert "no authority id" in authority


def test_the_readmes_command_works_too(built: tuple[Path, Result], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`teitool build sources -o build`, as the README shows it, gives the same edition."""
    project, _ = built
    monkeypatch.chdir(project)
    other = tmp_path / "build"
    result = run("build", "sources", "-o", str(other), "-q")
    assert result.exit_code == 0, result.output
    for name in ("tei/letters", "export/cmif.xml", "reports/validation.json"):
        theirs, ours = other / name, project / "build" / name
        assert snapshot(theirs) == snapshot(ours) if ours.is_dir() else (
            theirs.read_bytes() == ours.read_bytes()
        ), name


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "edition"
    (project / "sources").mkdir(parents=True)
    (project / "README.md").write_text("mine\n")
    (project / "sources" / "persons.xml").write_text("<mine/>\n")
    before = snapshot(project)
    result = run("init", str(project))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "README.md" in result.output and "sources/persons.xml" in result.output
    assert "nothing written" in result.output
    assert snapshot(project) == before


def test_init_refuses_a_file_where_its_folders_go(tmp_path: Path) -> None:
    (tmp_path / "sources").write_text("a file, not a folder\n")
    result = run("init", str(tmp_path))
    assert result.exit_code == 2 and "sources/example_letters.txt" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources"]
    (tmp_path / "file").write_text("x")
    result = run("init", str(tmp_path / "file"))
    assert result.exit_code == 2 and "not a folder" in result.output


def test_the_workflow_installs_this_teitool_and_uploads_sarif(tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    init_project(tmp_path)
    text = (tmp_path / ".github" / "workflows" / "tei.yml").read_text()
    assert f'pip install "teitool=={__version__}"' in text
    assert "@TEITOOL_REQUIREMENT@" not in text
    steps = yaml.safe_load(text)["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "teitool build --keep-going" in runs
    assert any("--format sarif" in command for command in runs)
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)


class _Installed:
    def __init__(self, direct_url: dict | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return json.dumps(self.direct_url) if self.direct_url is not None else None


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (None, f"teitool=={__version__}"),  # from an index
        ({"url": "file:///home/me/teitool", "dir_info": {"editable": True}},
         f"teitool=={__version__}"),  # a checkout no CI can reach
        ({"url": "https://github.com/someone/teitool",
          "vcs_info": {"vcs": "git", "commit_id": "a" * 40}},
         f"teitool @ git+https://github.com/someone/teitool@{'a' * 40}"),
        ({"url": "https://me:secret@github.com/someone/teitool",  # never into a repository
          "vcs_info": {"vcs": "git", "commit_id": "a" * 40}},
         f"teitool=={__version__}"),
    ],
)
def test_install_requirement_follows_where_teitool_came_from(
    monkeypatch: pytest.MonkeyPatch, direct_url: dict | None, expected: str
) -> None:
    monkeypatch.setattr(init_mod, "distribution", lambda name: _Installed(direct_url))
    assert install_requirement() == expected


def test_the_metadata_template_documents_every_edition_key(tmp_path: Path) -> None:
    """Every key of [edition] is explained in the comments, and uncommenting the example
    table gives metadata the exports take as it is (no placeholder, no warning)."""
    from tei.export import EditionMetadata, read_edition_metadata

    init_project(tmp_path)
    metadata = tmp_path / "sources" / "metadata.toml"
    text = metadata.read_text()
    keys = set(EditionMetadata.__dataclass_fields__) - {"origin", "missing"}
    for key in keys:
        assert re.search(rf"^#\s+{key}\s", text, re.MULTILINE), key
    metadata.write_text(re.sub(r"^# (\[edition\]|\w+ = )", r"\1", text, flags=re.MULTILINE))
    assert read_edition_metadata(metadata).missing == ()


def test_the_readmes_sample_is_the_skeletons_first_letter(built: tuple[Path, Result]) -> None:
    """README shows a source and what comes out: both must stay what teitool does."""
    project, _ = built
    readme = (ROOT / "README.md").read_text()
    shown_source = re.search(r"```text\n(.*?)```", readme, re.DOTALL)
    shown_tei = re.search(r"makes of it `(letters/[\w.-]+\.xml)`", readme)
    assert shown_source and shown_tei
    source = (project / "sources" / "example_letters.txt").read_text()
    assert " ".join(shown_source.group(1).split()) in " ".join(source.split())
    letter = parse_file(project / "build" / "tei" / shown_tei.group(1))
    shown_xml = readme[shown_tei.end():]
    for when in letter.getroot().xpath("//@when"):
        assert f'when="{when}"' in shown_xml


def test_the_build_prints_pdfa_when_the_settings_ask(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "edition"
    init_project(project)
    with (project / "teitool.toml").open("a", encoding="utf-8") as settings:
        settings.write("pdfa = true\nline_numbers = true\n")
    monkeypatch.chdir(project)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "PDF/A-2b" in result.stdout
    pdf = (project / "build" / "print" / "edition.pdf").read_bytes()
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf or b'pdfaid:part="2"' in pdf
