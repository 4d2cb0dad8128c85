"""Fuzz teitool for longer: rounds of hostile TEI, schemas and sources until the time is up.

Run: .venv/bin/python bench/fuzz.py [--seconds 600] [--seed N] [--scale full|quick] [--keep DIR]

Each round is what tests/test_fuzz.py runs once (see tests/fuzzing.py): a generator seeded with
N, N + 1, … makes hostile and malformed TEI files, hostile --schema files (.rng, .rnc, .xsd,
.sch) and plain-text sources, and the harness runs them through `teitool validate` (every
report format, the built-in and user schemas) and `teitool encode`, in-process and through the
CLI, with a loopback listener that must see no connection and a secret file whose content must
appear in no output. ``--scale full`` (the default) makes more variants and bigger inputs than
the test's quick round. Prints the inputs and failures per input class, then every failure by
cause and by class, with a copy of each failing input; exits 1 if there were failures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import fuzzing  # noqa: E402 - found through the path set above


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0,
                        help="keep starting rounds until this many seconds have passed")
    parser.add_argument("--seed", type=int, default=fuzzing.DEFAULT_SEED,
                        help="the first round's seed (the next ones count up)")
    parser.add_argument("--scale", choices=["quick", "full"], default="full",
                        help="quick: the test's round; full: more variants, bigger inputs")
    parser.add_argument("--keep", type=Path, default=None,
                        help="folder for the inputs and the copies of failing ones "
                        "(default: a new temporary folder, kept)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="teitool-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    log(f"fuzzing from seed {args.seed} for {args.seconds:.0f} s ({args.scale}) in {work}")
    result = fuzzing.run(args.seed, work, seconds=args.seconds, scale=args.scale, log=log)
    print()
    print(result.class_table())
    print()
    print(result.summary())
    (work / "fuzz-report.txt").write_text(result.summary() + "\n", encoding="utf-8")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
