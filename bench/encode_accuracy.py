"""Encoding accuracy on sources the encoder has never seen: one row per source, one column per field.

Run: .venv/bin/python bench/encode_accuracy.py [--details] [--keep DIR]

Encodes each tests/fixtures/unseen/*.txt without --kind (as tests/test_unseen_sources.py does,
through tests/unseen.py) and prints, against its gold: the kind recognised, the letters found
at their place (matched/expected, and how many encode wrote), the share of letters whose
senders, recipients, date, archival references (idno) and footnote count are right, a
chapter's endnote count, person recall and precision (persName in the text against the gold
mentions), and the validation errors of the folder written. 1.00 everywhere is the goal;
``--details`` lists every mismatch, missed and spurious name.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import unseen  # noqa: E402 - found through the path set above

COLUMNS = ("letters", *unseen.LETTER_FIELDS, *unseen.CHAPTER_FIELDS, "p.recall", "p.prec", "invalid")


def figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def row(score: unseen.SourceScore, invalid: int) -> list[str]:
    cells = [score.source, score.kind if score.found_kind == score.kind else f"{score.found_kind}!"]
    if score.kind == "letters":
        cells.append(f"{score.letters_matched}/{score.letters_expected} ({score.letters_found})")
    else:
        cells.append("-")
    for name in (*unseen.LETTER_FIELDS, *unseen.CHAPTER_FIELDS):
        field = score.fields.get(name)
        cells.append(figure(field.accuracy if field is not None else None))
    cells += [figure(score.persons.recall), figure(score.persons.precision), str(invalid)]
    return cells


def details(score: unseen.SourceScore, errors: list[str]) -> None:
    print(f"\n{score.source}:")
    if score.error:
        print(f"  encode failed: {score.error}")
    for name, field in score.fields.items():
        for mismatch in field.mismatches:
            print(f"  {name}: {mismatch}")
    for missed in score.persons.missed:
        print(f"  person missed: {missed}")
    for spurious in score.persons.spurious:
        print(f"  person spurious: {spurious}")
    for error in errors:
        print(f"  invalid: {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="list every mismatch")
    parser.add_argument(
        "--keep", type=Path, help="write the TEI here (a new or empty folder), not in a temporary one"
    )
    args = parser.parse_args()
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep} is not empty: earlier TEI would be scored as this run's")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        scored = []
        start = time.perf_counter()
        for source in unseen.unseen_sources():
            score = unseen.score_source(source, root / source.stem)
            out_dir = score.out_dir
            errors = (
                unseen.validation_errors(out_dir)
                if out_dir is not None and any(out_dir.rglob("*.xml"))
                else ["nothing written"]
            )
            scored.append((score, errors))
        seconds = time.perf_counter() - start
    header = ["source", "kind", *COLUMNS]
    table = [header] + [row(score, len(errors)) for score, errors in scored]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    print(
        f"\n{len(scored)} sources in {seconds:.1f} s; kind 'x!' = recognised as x (wrong); "
        "letters = matched/expected (written); fields = share of gold letters right; "
        "invalid = validation errors"
    )
    for score, _errors in scored:
        if score.error:
            print(f"{score.source}: encode failed: {score.error}")
    if args.details:
        for score, errors in scored:
            details(score, errors)
    perfect = all(
        score.error is None
        and score.found_kind == score.kind
        and score.letters_accuracy == 1.0
        and all(field.accuracy == 1.0 for field in score.fields.values())
        and score.persons.recall >= 0.9
        and score.persons.precision >= 0.95
        and not errors
        for score, errors in scored
    )
    return 0 if perfect else 1


if __name__ == "__main__":
    sys.exit(main())
