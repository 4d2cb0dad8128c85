"""A source's conventions as data: the words and marks a kind of source uses.

The encoders recognise a header, a greeting, a signature or a form of address by the words a
source uses for them; those words are a *profile* (TOML, shipped in ``tei/encode/profiles/``),
never constants in code. The default profile is :data:`DEFAULT_PROFILE`; an edition chooses
another, or overrides single keys, in ``sources/metadata.toml``::

    [conventions]                      # every source
    profile = "soviet-documents-en"
    [conventions.persons]
    forms_of_address = ["Comrade", "Citizen"]

    [sources."letters_1838.txt".conventions]   # one source, over the edition's
    header.connectors = ["to", "an"]

A key given replaces the profile's list; tables not given keep the profile's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tei.errors import EXIT_CANNOT_RUN, TeitoolError
from tei.resources import package_folder
from tei.tomlfile import read_toml

#: The profile used when the metadata names none: the sample correspondence's conventions.
DEFAULT_PROFILE = "soviet-documents-en"


@dataclass(frozen=True)
class Conventions:
    """The conventions of one source, read from a profile and its overrides.

    Each field is a tuple of the words or marks of one kind; the recognisers build their
    patterns from them (once per profile: ``functools.cache`` on the recogniser side).
    """

    name: str
    description: str
    # [header]
    connectors: tuple[str, ...]
    archive_labels: tuple[str, ...]
    lead_words: tuple[str, ...]
    group_phrases: tuple[str, ...]
    # [letters]
    salutations: tuple[str, ...]
    greetings: tuple[str, ...]
    signature_words: tuple[str, ...]
    address_words: tuple[str, ...]
    number_marks: tuple[str, ...]
    cipher_marks: tuple[str, ...]
    postscript_marks: tuple[str, ...]
    document_forms: tuple[str, ...]
    # [persons]
    forms_of_address: tuple[str, ...]
    titles: tuple[str, ...]
    roles: tuple[str, ...]
    person_verbs: tuple[str, ...]
    given_names: tuple[str, ...]
    surname_endings: tuple[str, ...]
    patronymic_endings: tuple[str, ...]
    transliteration: tuple[str, ...]
    named_after_nouns: tuple[str, ...]
    named_after_modifiers: tuple[str, ...]
    named_after_before: tuple[str, ...]
    named_after_suffixes: tuple[str, ...]
    not_persons: tuple[str, ...]
    work_nouns: tuple[str, ...]
    place_prepositions: tuple[str, ...]
    places: tuple[str, ...]
    articles: tuple[str, ...]
    led_nouns: tuple[str, ...]
    common_words: tuple[str, ...]
    navigation_separators: tuple[str, ...]
    salutation_words: tuple[str, ...]
    kinship_words: tuple[str, ...]
    not_initials: tuple[str, ...]
    verbs_before: tuple[str, ...]
    topic_words: tuple[str, ...]


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of a profile's ``words``, longest first (so "Comrades" before
    "Comrade", "In. No." before "No."); spaces inside a word match any run of white space;
    with no words, a pattern that matches nothing."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, word.split())) for word in ordered) or r"(?!x)x"


#: Each field of :class:`Conventions` after name and description, and its table in the TOML.
FIELDS: dict[str, str] = {
    "connectors": "header",
    "archive_labels": "header",
    "lead_words": "header",
    "group_phrases": "header",
    "salutations": "letters",
    "greetings": "letters",
    "signature_words": "letters",
    "address_words": "letters",
    "number_marks": "letters",
    "cipher_marks": "letters",
    "postscript_marks": "letters",
    "document_forms": "letters",
    "forms_of_address": "persons",
    "titles": "persons",
    "roles": "persons",
    "person_verbs": "persons",
    "given_names": "persons",
    "surname_endings": "persons",
    "patronymic_endings": "persons",
    "transliteration": "persons",
    "named_after_nouns": "persons",
    "named_after_modifiers": "persons",
    "named_after_before": "persons",
    "named_after_suffixes": "persons",
    "not_persons": "persons",
    "work_nouns": "persons",
    "place_prepositions": "persons",
    "places": "persons",
    "articles": "persons",
    "led_nouns": "persons",
    "common_words": "persons",
    "navigation_separators": "persons",
    "salutation_words": "persons",
    "kinship_words": "persons",
    "not_initials": "persons",
    "verbs_before": "persons",
    "topic_words": "persons",
}


def available_profiles() -> list[str]:
    """The names of the profiles shipped with teitool."""
    return sorted(path.stem for path in _profile_folder().glob("*.toml"))


def _profile_folder() -> Path:
    return package_folder("encode") / "profiles"


@functools.cache
def load_profile(name: str) -> Conventions:
    """The shipped profile ``name``; :class:`TeitoolError` (exit 2) naming the known ones."""
    path = _profile_folder() / f"{name}.toml"
    if not path.is_file():
        raise TeitoolError(
            f"unknown conventions profile {name!r}; known: {', '.join(available_profiles())}",
            EXIT_CANNOT_RUN,
        )
    data = read_toml(path)
    problems = list(table_problems(data, where=str(path), whole=True))
    if problems:
        raise TeitoolError(problems[0], EXIT_CANNOT_RUN)
    return _conventions(name, data)


def _conventions(name: str, data: Mapping[str, Any]) -> Conventions:
    values = {field: tuple(data.get(table, {}).get(field, ())) for field, table in FIELDS.items()}
    return Conventions(name=name, description=str(data.get("description", "")), **values)


def table_problems(data: Mapping[str, Any], *, where: str, whole: bool = False) -> list[str]:
    """What is wrong with a profile (``whole``: every key must be there) or an override
    table: unknown tables or keys, values that are not lists of text. One line each."""
    problems: list[str] = []
    tables = set(FIELDS.values())
    for table, keys in data.items():
        if table in ("profile", "description"):
            if not isinstance(keys, str):
                problems.append(f"{where}: {table} must be text in quotes, not {keys!r}")
            continue
        if table not in tables:
            problems.append(
                f"{where}: unknown conventions table {table!r} (known: {', '.join(sorted(tables))})"
            )
            continue
        if not isinstance(keys, dict):
            problems.append(f"{where}: {table} must be a table of lists")
            continue
        for key, value in keys.items():
            if FIELDS.get(key) != table:
                known = ", ".join(k for k, t in FIELDS.items() if t == table)
                problems.append(f"{where}: unknown key {table}.{key} (known: {known})")
            elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f'{where}: {table}.{key} must be a list of texts, e.g. ["to"]')
    if whole:
        for key, table in FIELDS.items():
            if key not in data.get(table, {}):
                problems.append(f"{where}: the profile has no {table}.{key}")
    return problems


def conventions_for(metadata: Mapping[str, Any], source_name: str | None = None) -> Conventions:
    """The conventions of a source: the edition's profile (``[conventions] profile``, else
    :data:`DEFAULT_PROFILE`), the edition's overrides, then the source's own
    (``[sources."<file>".conventions]``). The metadata is checked by the caller
    (:func:`table_problems`)."""
    edition = metadata.get("conventions", {})
    source: Mapping[str, Any] = {}
    if source_name is not None:
        entry = metadata.get("sources", {}).get(source_name, {})
        source = entry.get("conventions", {}) if isinstance(entry, dict) else {}
    name = source.get("profile") or edition.get("profile") or DEFAULT_PROFILE
    profile = load_profile(name)
    if not (set(edition) | set(source)) - {"profile"}:
        return profile
    return _overridden(profile, _plain(edition), _plain(source))


def _plain(table: Mapping[str, Any]) -> tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    """A hashable copy of an override table, so that :func:`_overridden` is computed once."""
    return tuple(
        (name, tuple((key, tuple(value)) for key, value in keys.items()))
        for name, keys in table.items()
        if isinstance(keys, dict)
    )


@functools.cache
def _overridden(profile: Conventions, *overrides: Any) -> Conventions:
    data: dict[str, dict[str, list[str]]] = {}
    for field, table in FIELDS.items():
        data.setdefault(table, {})[field] = list(getattr(profile, field))
    for override in overrides:
        for table, keys in override:
            for key, value in keys:
                data[table][key] = list(value)
    return _conventions(profile.name, {"description": profile.description, **data})
