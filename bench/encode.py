"""Encoding speed: seconds of work per source after start-up, and throughput on a larger corpus.

Run: .venv/bin/python bench/encode.py [--copies N]

Prints the time to encode each real source in-process (start-up of Python and lxml
excluded), the time of a whole `teitool encode` process for comparison, and the throughput
on a generated correspondence of N copies of the real one (letters re-dated so that ids
do not collide), and on sources of many short lines (--lines), where a step that is
quadratic in the lines shows at once.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tei.encode import encode_sources
from tei.encode.dates import MONTHS

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"


def timed(function, *args, **kwargs) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--lines", type=int, default=25_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        print("in-process encode (work after start-up):")
        for source in sorted(SOURCES.glob("*.txt")):
            encode_sources([source], out / "warm")  # warm up imports and regex compilation
            seconds, result = timed(encode_sources, [source], out / source.stem)
            size = source.stat().st_size / 1024
            print(
                f"  {source.name}: {seconds * 1000:7.1f} ms  {size:6.1f} KiB  {len(result.documents)} documents"
            )  # type: ignore[attr-defined]
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tei", "encode", str(SOURCES), "-o", str(out / "cli"), "-q"],
            check=True,
            capture_output=True,
        )
        print(
            f"whole `teitool encode sources` process, start-up included: {time.perf_counter() - start:.2f} s"
        )

        letters = (SOURCES / "003_171032f87d76c798.txt").read_text(encoding="utf-8")
        corpus = out / "corpus"
        corpus.mkdir()
        months = list(MONTHS)
        parts = []
        for copy in range(args.copies):
            year = 1900 + copy
            parts.append(letters.replace("1932", str(year)).replace("June", months[copy % 12]))
        big = corpus / "letters.txt"
        big.write_text("\n\n".join(parts), encoding="utf-8")
        (corpus / "persons.xml").write_bytes((SOURCES / "persons.xml").read_bytes())
        seconds, result = timed(encode_sources, [big], out / "big")
        mib = big.stat().st_size / 2**20
        count = len(result.documents)  # type: ignore[attr-defined]
        print(
            f"generated correspondence ({args.copies} copies): {count} documents, {mib:.1f} MiB in {seconds:.2f} s"
            f" = {count / seconds:.0f} documents/s, {mib / seconds:.2f} MiB/s"
        )
        short_lines(corpus, out, args.lines)


def short_lines(corpus: Path, out: Path, count: int) -> None:
    """Encode ``count`` short lines as a chapter (rejoined into one paragraph: no line ends
    a sentence) and as one letter (a paragraph each)."""
    lines = [f"a short line {i} of the chapter without an end" for i in range(count)]
    chapter = corpus / "lines.txt"
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    letter = corpus / "short.txt"
    letter.write_text(
        "Stalin to Kaganovich June 4, 1932\n\n"
        + "\n".join(f"Short line {i} of the letter." for i in range(count))
        + "\nStalin.\n\nKaganovich to Stalin June 6, 1932\n\nWe received it.\nL. Kaganovich.\n",
        encoding="utf-8",
    )
    for label, source in (("chapter", chapter), ("letter", letter)):
        seconds, _result = timed(encode_sources, [source], out / source.stem)
        print(f"{count} short lines as a {label}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
