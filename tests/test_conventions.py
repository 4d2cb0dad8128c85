"""The conventions profile: shipped profiles, overrides from metadata.toml, clear errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tei.encode import _metadata_problems
from tei.encode.conventions import (
    DEFAULT_PROFILE,
    FIELDS,
    available_profiles,
    conventions_for,
    load_profile,
    table_problems,
)
from tei.errors import TeitoolError
from tei.resources import package_folder


@pytest.mark.parametrize("name", available_profiles())
def test_every_shipped_profile_is_complete(name: str) -> None:
    path = package_folder("encode") / "profiles" / f"{name}.toml"
    assert table_problems(tomllib.loads(path.read_text()), where=name, whole=True) == []
    profile = load_profile(name)
    assert profile.name == name and profile.description
    assert all(isinstance(getattr(profile, field), tuple) for field in FIELDS)


def test_without_metadata_the_default_profile_applies() -> None:
    assert conventions_for({}) is load_profile(DEFAULT_PROFILE)
    assert conventions_for({"sources": {"a.txt": {"title": "x"}}}, "a.txt") is load_profile(
        DEFAULT_PROFILE
    )


def test_the_source_overrides_the_edition_which_overrides_the_profile() -> None:
    metadata = {
        "conventions": {"persons": {"forms_of_address": ["Citizen"]},
                        "header": {"connectors": ["to"]}},
        "sources": {"a.txt": {"conventions": {"header": {"connectors": ["an"]}}}},
    }
    edition = conventions_for(metadata)
    source = conventions_for(metadata, "a.txt")
    other = conventions_for(metadata, "b.txt")
    assert edition.forms_of_address == ("Citizen",) and edition.connectors == ("to",)
    assert source.forms_of_address == ("Citizen",) and source.connectors == ("an",)
    assert other == edition
    # Keys not given keep the profile's words.
    assert source.archive_labels == load_profile(DEFAULT_PROFILE).archive_labels
    # Computed once: the same object for the same overrides.
    assert conventions_for(metadata, "a.txt") is source


def test_an_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(TeitoolError) as raised:
        conventions_for({"conventions": {"profile": "no-such"}})
    assert "no-such" in str(raised.value) and DEFAULT_PROFILE in str(raised.value)
    assert raised.value.exit_code == 2


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"profile": 3}, "profile must be text"),
        ({"profile": "no-such"}, "unknown conventions profile 'no-such'"),
        ({"heading": {}}, "unknown conventions table 'heading'"),
        ({"header": {"connector": ["to"]}}, "unknown key header.connector"),
        ({"header": {"connectors": "to"}}, "header.connectors must be a list of texts"),
        ({"header": ["to"]}, "header must be a table"),
    ],
)
def test_metadata_overrides_of_the_wrong_kind_are_named(table: dict, message: str) -> None:
    for metadata, where in (
        ({"conventions": table}, "[conventions]"),
        ({"sources": {"a.txt": {"conventions": table}}}, '[sources."a.txt"].conventions'),
    ):
        problems = list(_metadata_problems(metadata))
        assert any(message in p and p.startswith(where) for p in problems), problems


def test_the_sample_metadata_is_accepted() -> None:
    sample = Path(__file__).resolve().parents[1] / "sources" / "metadata.toml"
    assert list(_metadata_problems(tomllib.loads(sample.read_text()))) == []
