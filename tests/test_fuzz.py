"""Untrusted TEI stays harmless: a seeded fuzz round of hostile inputs against validate and encode.

What is generated and what is checked is in ``tests/fuzzing.py``; ``bench/fuzz.py`` runs it for
longer. ``TEITOOL_FUZZ_SEED`` replays a seed (the seed is in the test's id, in the warnings
summary and in the failure message); ``TEITOOL_FUZZ_SECONDS`` keeps generating rounds (seed,
seed + 1, …) for that long. Every failure of the round is listed, not just the first.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import fuzzing
import pytest

SEED = int(os.environ.get("TEITOOL_FUZZ_SEED") or fuzzing.DEFAULT_SEED)
SECONDS = float(os.environ.get("TEITOOL_FUZZ_SECONDS") or 0)


@pytest.mark.parametrize("seed", [SEED], ids=lambda seed: f"seed={seed}")
def test_untrusted_tei_stays_harmless(seed: int, tmp_path: Path) -> None:
    # A warning, not a print: pytest shows it in its summary whether the test passes or not.
    warnings.warn(fuzzing.FuzzSeed(
        f"fuzz seed {seed} (replay: TEITOOL_FUZZ_SEED={seed}); inputs in {tmp_path}"), stacklevel=1)
    result = fuzzing.run(seed, tmp_path, seconds=SECONDS)
    report = tmp_path / "fuzz-report.txt"
    report.write_text(result.summary() + "\n\n" + result.class_table() + "\n", encoding="utf-8")
    if result.failures:
        pytest.fail(f"{result.summary(per_class=4)}\n(every failure: {report})", pytrace=False)
