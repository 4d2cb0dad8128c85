"""The web edition's search index writer (tei/render/search_index.py): folding, words,
register spellings, postings and files that stay data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tei.render.search_index import (
    Postings,
    fold,
    inverted,
    script,
    shard_of,
    spelling_groups,
    spelling_key,
    tokens,
    write_search_index,
)


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        ("Kaganovich", "kaganovich"),
        ("Rákosi", "rakosi"),
        ("ŁÓDŹ", "lodz"),
        ("Straße", "strasse"),
        ("Rozengolʹts", "rozengolts"),
        ("Ёлка", "елка"),
        ("Søren", "soren"),
    ],
)
def test_fold_drops_case_and_diacritics(word: str, folded: str) -> None:
    assert fold(word) == folded


def test_tokens_are_letters_and_digits_in_order() -> None:
    assert tokens("Tell Molotov: the grain-plan (1932) stands!") == [
        "tell", "molotov", "the", "grain", "plan", "1932", "stands"]
    # Decomposed input gives the same words as composed input.
    assert tokens("Ra\u0301kosi") == tokens("Rákosi") == ["rakosi"]


@pytest.mark.parametrize(
    ("form", "kind", "key"),
    [
        ("Kaganovich, Lazar", "person", "kaganovich"),
        ("L. Kaganovich", "person", "kaganovich"),
        ("M.L. Kaganovich", "person", "kaganovich"),
        ("Kaganowitsch", "person", "kaganowitsch"),
        ("van Gogh, Vincent", "person", "van gogh"),
        ("Nizhny Novgorod", "place", "nizhny novgorod"),
    ],
)
def test_spelling_key(form: str, kind: str, key: str) -> None:
    assert spelling_key(form, kind) == key


def test_spelling_groups_join_the_spellings_of_one_entity() -> None:
    entities = [
        {"kind": "person", "name": "Kaganovich, Lazar", "display": "Lazar Kaganovich",
         "variants": ["L. Kaganovich", "Kaganowitsch"]},
        {"kind": "person", "name": "Kaganovich, Mikhail", "display": "Mikhail Kaganovich",
         "variants": []},
        {"kind": "place", "name": "Moscow", "display": "Moscow", "variants": ["Moskau", "Москва"]},
    ]
    groups, names = spelling_groups(entities)
    assert groups == [["kaganovich", "kaganowitsch"], ["kaganovich"], ["moscow", "moskau", "москва"]]
    # A typed name (full, turned, a variant, a surname) stands for its entities' spellings.
    assert names["kaganowitsch"] == [0]
    assert names["lazar kaganovich"] == names["kaganovich lazar"] == names["l kaganovich"] == [0]
    assert names["kaganovich"] == [0, 1]
    assert names["mikhail kaganovich"] == [1]
    assert names["moskau"] == [2]
    assert "lazar" not in names


def test_postings_are_flat_and_delta_coded() -> None:
    terms = inverted([[("b1", "the plan, the plan")], [], [("b1", "x"), ("b2", "The end")]])
    # Document 0 passage 0: two positions, 0 and 2 (+2); document 2 passage 1: position 0.
    assert terms["the"].flat() == [0, 0, 2, 0, 2, 2, 1, 1, 0]
    assert terms["plan"].flat() == [0, 0, 2, 1, 2]
    assert terms["plan"].at == {(0, 0): [1, 3]}
    postings = Postings()
    postings.add(5, 1, 7)
    assert postings.flat() == [5, 1, 1, 7]


def test_shards_are_safe_file_names() -> None:
    assert shard_of("kaganovich") == "6b-61"
    assert shard_of("x") == "78"
    assert shard_of("москва") == "43c-43e"
    assert shard_of("../etc") == "2e-2e"


def test_scripts_hold_data_only() -> None:
    hostile = '</script><script>alert(1)</script>\u2028"); alert(2); ("'
    text = script("TEI_SEARCH_TEXT", '"]; alert(3); x["', [hostile])
    assert "</script>" not in text and "\u2028" not in text
    # What the script assigns is exactly the text given, as a JSON string.
    value = text.strip().splitlines()[-1].split(" = ", 1)[1].rstrip(";")
    assert json.loads(value) == [hostile]
    assert 'TEI_SEARCH_TEXT["\\"]; alert(3); x[\\""]' in text


def test_write_search_index(tmp_path: Path) -> None:
    source = {
        "docs": [{"href": "letters/a.html", "title": "A to B", "n": "1", "kind": "letter",
                  "date": "1932-06-02", "corr": ["a", "b"], "place": []}],
        "blocks": [[0, "b1", "Private bank"], [0, "b2", "Kaganowitsch"]],
        "entities": [{"kind": "person", "name": "Kaganovich, Lazar", "display": "Lazar Kaganovich",
                      "variants": ["Kaganowitsch"]}],
    }
    written = write_search_index(tmp_path, source)
    assert written[0] == "search/index.js"
    assert "search/t/70-72.js" in written and "search/x/0.js" in written
    index = json.loads((tmp_path / "search/index.js").read_text().splitlines()[-1].split(" = ", 1)[1][:-1])
    assert index["docs"] == [["letters/a.html", "A to B", "1", "letter", "1932-06-02", ["a", "b"], []]]
    assert index["groups"] == [["kaganovich", "kaganowitsch"]]
    assert index["names"]["kaganowitsch"] == [0]
    assert "6b-61" in index["shards"]
