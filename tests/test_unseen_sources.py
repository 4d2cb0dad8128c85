"""The encoder on correspondences and chapters it has never seen (issue 13).

The sources in tests/fixtures/unseen/ were written for this test in the conventions of the
real ones, with the variants real scrapes have (glued headers, bracketed dates, page
headings, navigation lines, telegrams ending in an address, persons the register lacks,
things named after persons); each has a gold file (see that folder's README.md). Every
source is encoded once, without --kind, and scored by tests/unseen.py; the figures over
all of them: `.venv/bin/python bench/encode_accuracy.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from unseen import (
    CHAPTER_FIELDS,
    LETTER_FIELDS,
    SourceScore,
    gold_problems,
    load_gold,
    score_source,
    unseen_sources,
    validation_errors,
)

SOURCES = unseen_sources()
NAMES = [source.name for source in SOURCES]
#: The fields scored per source: a letter's, or a chapter's.
SOURCE_FIELDS = [
    (source.name, name)
    for source in SOURCES
    for name in (LETTER_FIELDS if load_gold(source).kind == "letters" else CHAPTER_FIELDS)
]
LETTER_SOURCES = [source.name for source in SOURCES if load_gold(source).kind == "letters"]
MIN_PERSON_RECALL = 0.9
MIN_PERSON_PRECISION = 0.95


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SourceScore]:
    """Each unseen source encoded (alone, into its own folder) and scored, once."""
    root = tmp_path_factory.mktemp("unseen")
    return {source.name: score_source(source, root / source.stem) for source in SOURCES}


def test_there_are_unseen_sources() -> None:
    assert len(SOURCES) >= 6, "tests/fixtures/unseen/ lost its sources"


@pytest.mark.parametrize("source", SOURCES, ids=NAMES)
def test_gold_agrees_with_its_source(source: Path) -> None:
    """The gold's name counts and letter heads are the source's (guards edits of either)."""
    assert gold_problems(load_gold(source)) == []


@pytest.mark.parametrize("name", NAMES)
def test_encodes_as_its_kind_without_being_told(scores: dict[str, SourceScore], name: str) -> None:
    score = scores[name]
    assert score.error is None, score.error
    assert score.found_kind == score.kind, (
        f"{name} is a {score.kind} source, encoded as {score.found_kind}"
    )


@pytest.mark.parametrize("name", LETTER_SOURCES)
def test_finds_every_letter_and_no_other(scores: dict[str, SourceScore], name: str) -> None:
    score = scores[name]
    assert (score.letters_found, score.letters_matched) == (
        score.letters_expected,
        score.letters_expected,
    ), (
        f"{name}: {score.letters_expected} letters in the gold; encode wrote {score.letters_found}, "
        f"{score.letters_matched} of them at a gold letter's place"
    )


@pytest.mark.parametrize(("name", "field_name"), SOURCE_FIELDS)
def test_every_field_is_right(scores: dict[str, SourceScore], name: str, field_name: str) -> None:
    field = scores[name].fields[field_name]
    assert field.accuracy == 1.0, (
        f"{name} {field_name}: {field.correct}/{field.total} right\n  " + "\n  ".join(field.mismatches)
    )


@pytest.mark.parametrize("name", NAMES)
def test_person_recall(scores: dict[str, SourceScore], name: str) -> None:
    persons = scores[name].persons
    assert persons.recall >= MIN_PERSON_RECALL, (
        f"{name}: recall {persons.recall:.2f} ({persons.matched}/{persons.expected}); missed:\n  "
        + "\n  ".join(persons.missed)
    )


@pytest.mark.parametrize("name", NAMES)
def test_person_precision(scores: dict[str, SourceScore], name: str) -> None:
    persons = scores[name].persons
    assert persons.precision >= MIN_PERSON_PRECISION, (
        f"{name}: precision {persons.precision:.2f} ({persons.matched}/{persons.found}); "
        "tagged but not a gold mention (text [@ref]):\n  " + "\n  ".join(persons.spurious)
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_file_written_is_valid(scores: dict[str, SourceScore], name: str) -> None:
    out_dir = scores[name].out_dir
    assert out_dir is not None and any(out_dir.rglob("*.xml")), f"{name}: nothing was written"
    errors = validation_errors(out_dir)
    assert errors == [], f"{name}: {len(errors)} validation errors\n  " + "\n  ".join(errors[:30])
