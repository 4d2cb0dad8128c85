"""Build settings from teitool.toml or [tool.teitool]; command-line options win."""

from __future__ import annotations

from pathlib import Path

import pytest

from tei.config import Settings, find_config, load_settings, settings_from_table
from tei.errors import TeitoolError


def test_defaults_without_any_file(tmp_path: Path) -> None:
    settings = load_settings(start=tmp_path)
    assert settings.output == Path("build")
    assert settings.sources == (Path("sources"),)
    assert settings.paper == "a4"
    assert settings.jobs >= 1
    assert settings.origin is None


def test_pyproject_table_is_read_relative_to_its_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.teitool]\noutput = "out"\npaper = "letter"\njobs = 3\n'
        'metadata = "meta/edition.toml"\nsources = ["texts", "more"]\n'
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    settings = load_settings()
    assert settings.origin == tmp_path / "pyproject.toml"
    assert settings.output.resolve() == tmp_path / "out"
    assert settings.metadata.resolve() == tmp_path / "meta" / "edition.toml"
    assert [p.resolve() for p in settings.sources] == [tmp_path / "texts", tmp_path / "more"]
    assert (settings.paper, settings.jobs) == ("letter", 3)


def test_teitool_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.teitool]\npaper = "letter"\n')
    (tmp_path / "teitool.toml").write_text('paper = "a5"\n')
    assert load_settings(start=tmp_path).paper == "a5"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "teitool.toml").write_text('output = "site-build"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "inner"\n')
    found = find_config(inner)
    assert found is not None and found[0] == tmp_path / "teitool.toml"


def test_command_line_options_win_and_none_means_not_given(tmp_path: Path) -> None:
    (tmp_path / "teitool.toml").write_text('paper = "a5"\njobs = 2\noutput = "out"\n')
    settings = load_settings(start=tmp_path).with_options(
        paper="letter", jobs=None, output=None, sources=()
    )
    assert settings.paper == "letter"  # given on the command line
    assert settings.jobs == 2  # from the file
    assert settings.output.name == "out"
    assert settings.sources == (Path("sources"),)  # no SOURCES argument: the default stays


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"paper": "a3"}, "paper must be one of a4, letter, a5"),
        ({"jobs": 0}, "jobs must be a whole number of at least 1"),
        ({"jobs": True}, "jobs must be a whole number"),
        ({"jobs": "4"}, "jobs must be a whole number"),
        ({"pdfa": "yes"}, "pdfa must be true or false"),
        ({"reading": "facsimile"}, "reading must be one of normalised, diplomatic"),
        ({"output": ""}, "output must be a path"),
        ({"sources": []}, "sources must be a path or a list of paths"),
        ({"outptu": "build"}, "unknown setting(s) outptu"),
    ],
)
def test_bad_settings_are_one_clear_error(table: dict, message: str) -> None:
    with pytest.raises(TeitoolError) as info:
        settings_from_table(table, Path("."), origin=Path("teitool.toml"))
    assert message in str(info.value)
    assert str(info.value).startswith("teitool.toml: ")
    assert info.value.exit_code == 2


def test_the_reading_is_a_setting(tmp_path: Path) -> None:
    (tmp_path / "teitool.toml").write_text('reading = "diplomatic"\n')
    assert load_settings(start=tmp_path).reading == "diplomatic"
    assert load_settings(start=tmp_path).with_options(reading="normalised").reading == "normalised"


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "teitool.toml").write_text("paper = \n")
    with pytest.raises(TeitoolError, match="teitool.toml: not valid TOML"):
        load_settings(start=tmp_path)


def test_settings_reject_unknown_options() -> None:
    with pytest.raises(TypeError):
        Settings().with_options(colour="blue")
