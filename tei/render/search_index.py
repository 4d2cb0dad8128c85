"""The web edition's search index: a compact static inverted index, written beside the site.

Why our own index rather than Pagefind, lunr or MiniSearch: the site must work opened from
the file system, where browsers refuse ``fetch()`` (Pagefind loads its index and WebAssembly
that way); lunr and MiniSearch would have to reach every user's site from a registry at build
time, since teitool is a pip-installed tool; and none of them knows the register's spelling
variants or the passages' anchors. What scholars need here is small: folded words with their
positions (phrases, prefixes, hit counts, highlighting by position) and the register's
variants. Every file is a script that assigns JSON, loaded on demand with a ``<script>``
element, which works from ``file://`` too:

``search/index.js``
    ``window.TEI_SEARCH = {docs, groups, names, shards, chunk}``: per document ``[href,
    title, n, kind, date, correspondents, places]``; per register entity the folded spellings
    of it in the texts (``groups``), and the groups each typed name stands for (``names``);
    the names of the term shards; documents per text chunk.
``search/t/<shard>.js``
    ``TEI_SEARCH_TERMS[shard] = {term: postings}`` for the terms whose first two folded
    characters are the shard (their code points in hex, so any script is a safe file name).
    Postings are flat integers: per passage the document (as the difference from the previous
    one), the passage's number in its document, the count of positions, the positions (each
    as the difference from the previous one: small numbers are short in JSON).
``search/x/<chunk>.js``
    ``TEI_SEARCH_TEXT[chunk] = [[[anchor, text], …] per document]``: the passages' text, only
    loaded for the results shown, for snippets.

Folding and tokens here and in ``search.js``/``highlight.js`` are the same rules: NFC text,
words are runs of letters and digits, folded by lower case, no combining marks and a short
table of letters that do not decompose (ł, ø, ß, …).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Documents per text chunk: a result page loads the few chunks of the letters it shows.
CHUNK = 5
#: Letters that Unicode does not decompose into a base letter and a mark.
FOLDED_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe",
     "ı": "i", "ʹ": "", "ʺ": ""}
)
# Letters and digits ([^\W_] is str.isalnum), as /[\p{L}\p{N}]+/u in the scripts.
WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """``word`` as the index and the queries compare it: lower case, no diacritics."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return bare.translate(FOLDED_LETTERS)


def tokens(text: str) -> list[str]:
    """The folded words of ``text`` in order; a word's position is its index here."""
    return [fold(m.group()) for m in WORD.finditer(unicodedata.normalize("NFC", text))]


def spelling_key(form: str, kind: str) -> str:
    """The part of a register name that the texts spell: a person's surname ("Kaganovich,
    Lazar" and "L. Kaganovich" → "kaganovich"), a place's or group's whole name."""
    if kind == "person":
        surname = form.split(",")[0] if "," in form else (form.split() or [""])[-1]
        return " ".join(tokens(surname))
    return " ".join(tokens(form))


def name_forms(entity: dict[str, Any]) -> set[str]:
    """The folded names of a register entity as a reader may type them: each of its names
    and variants, and "Forename Surname" for a regularised "Surname, Forename"."""
    names = [entity.get("name", ""), entity.get("display", ""), *entity.get("variants", [])]
    turned = [" ".join(reversed(n.split(",", 1))) for n in names if "," in n]
    return {" ".join(tokens(n)) for n in names + turned} - {""}


def spelling_groups(entities: Iterable[dict[str, Any]]) -> tuple[list[list[str]], dict[str, list[int]]]:
    """Per register entity, the spellings the texts use (:func:`spelling_key`), and which
    entities each typed name (:func:`name_forms`, spellings included) stands for: so that
    "Kaganowitsch" or "Lazar Kaganovich" finds every "Kaganovich" of the texts."""
    groups: list[list[str]] = []
    names: dict[str, list[int]] = defaultdict(list)
    for entity in entities:
        kind = entity.get("kind", "")
        forms = [entity.get("name", ""), entity.get("display", ""), *entity.get("variants", [])]
        keys = sorted({spelling_key(f, kind) for f in forms} - {""})
        if not keys:
            continue
        for name in sorted(name_forms(entity) | set(keys)):
            names[name].append(len(groups))
        groups.append(keys)
    return groups, dict(names)


def shard_of(term: str) -> str:
    """The shard holding ``term``: its first two characters as hex code points."""
    return "-".join(f"{ord(c):x}" for c in term[:2])


@dataclass
class Postings:
    """Where one term occurs: per (document, passage) its word positions."""

    at: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def add(self, doc: int, passage: int, position: int) -> None:
        self.at.setdefault((doc, passage), []).append(position)

    def flat(self) -> list[int]:
        out: list[int] = []
        previous = 0
        for (doc, passage), positions in sorted(self.at.items()):
            gaps = [b - a for a, b in zip([0, *positions], positions, strict=False)]
            out += [doc - previous, passage, len(positions), *gaps]
            previous = doc
        return out


def inverted(passages: list[list[tuple[str, str]]]) -> dict[str, Postings]:
    """Every folded term of the passages (per document, ``(anchor, text)``) and its postings."""
    terms: dict[str, Postings] = defaultdict(Postings)
    for doc, blocks in enumerate(passages):
        for passage, (_anchor, text) in enumerate(blocks):
            for position, term in enumerate(tokens(text)):
                if term:
                    terms[term].add(doc, passage, position)
    return terms


def script(variable: str, key: str | None, value: object) -> str:
    """JavaScript that stores ``value`` (as JSON: never code, whatever the TEI says).

    Line and paragraph separators and ``<`` are escaped so that the text stays inert in any
    context a script may be read in.
    """
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    target = f"window.{variable}" if key is None else f"{variable}[{json.dumps(key)}]"
    prelude = "" if key is None else f"window.{variable} = window.{variable} || {{}};\n"
    return f"/* Search index of the edition, written by teitool render web. */\n{prelude}{target} = {data};\n"


def _documents(source: dict[str, Any]) -> tuple[list[list[Any]], list[list[tuple[str, str]]]]:
    """The index's document rows and each document's passages, from the stylesheet's output."""
    docs = [[d["href"], d["title"], d.get("n", ""), d["kind"], d.get("date", ""),
             d.get("corr", []), d.get("place", [])] for d in source["docs"]]
    passages: list[list[tuple[str, str]]] = [[] for _ in docs]
    for doc, anchor, text in source["blocks"]:
        passages[doc].append((anchor, text))
    return docs, passages


def write_search_index(site: Path, source: dict[str, Any]) -> list[str]:
    """Write the index files for ``source`` (the stylesheet's ``docs``, ``blocks`` and
    ``entities``) under ``site/search/``; return their paths relative to ``site``."""
    docs, passages = _documents(source)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for term, postings in sorted(inverted(passages).items()):
        shards[shard_of(term)][term] = postings.flat()
    written = []

    def emit(name: str, text: str) -> None:
        # Plain writes: the site is built in a staging folder that replaces the old one whole.
        path = site / "search" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(f"search/{name}")

    groups, names = spelling_groups(source.get("entities", []))
    emit("index.js", script("TEI_SEARCH", None, {
        "docs": docs, "groups": groups, "names": names, "shards": sorted(shards), "chunk": CHUNK}))
    for name, terms in sorted(shards.items()):
        emit(f"t/{name}.js", script("TEI_SEARCH_TERMS", name, terms))
    for number, first in enumerate(range(0, len(passages), CHUNK)):
        chunk = [[list(p) for p in blocks] for blocks in passages[first:first + CHUNK]]
        emit(f"x/{number}.js", script("TEI_SEARCH_TEXT", str(number), chunk))
    return written
