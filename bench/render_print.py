"""Benchmark: the print edition of the whole sources/ folder.

Prints seconds for the whole edition and pages per second, and, for comparison in the same
run, the share of the time spent in WeasyPrint's layout of the paged HTML alone (one layout,
no index pass, no note fixes): the alternative of typesetting once and accepting an index
with a number per mention and notes that may drift from their markers.

    .venv/bin/python bench/render_print.py [--paper a4|letter|a5] [--tei build/tei]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", default="a4", choices=["a4", "letter", "a5"])
    parser.add_argument("--tei", type=Path, default=None, help="an encoded TEI folder to use")
    args = parser.parse_args()

    from weasyprint import HTML

    from tei.render.pdf import PRINT_DIR, render_print

    with tempfile.TemporaryDirectory() as tmp:
        tei_dir = args.tei
        if tei_dir is None:
            from tei.encode import encode_sources

            tei_dir = Path(tmp) / "tei"
            started = time.perf_counter()
            encode_sources([ROOT / "sources"], tei_dir)
            print(f"encode sources/          {time.perf_counter() - started:7.1f} s")
        out = Path(tmp) / "edition.pdf"
        result = render_print(tei_dir, out, paper=args.paper, keep_html=True)
        print(
            f"render print (whole)     {result.seconds:7.1f} s  {result.pages} pages  "
            f"{result.pages / result.seconds:5.2f} pages/s  {out.stat().st_size / 1024:.0f} KiB"
        )
        assert result.html is not None
        page_html = result.html.read_text(encoding="utf-8")
        started = time.perf_counter()
        layout = HTML(string=page_html, base_url=PRINT_DIR.as_uri() + "/").render()
        single = time.perf_counter() - started
        print(
            f"one WeasyPrint layout    {single:7.1f} s  {len(layout.pages)} pages  "
            f"{len(layout.pages) / single:5.2f} pages/s  (the alternative: one pass)"
        )
        for warning in result.warnings:
            print(f"warning: {warning}")


if __name__ == "__main__":
    main()
