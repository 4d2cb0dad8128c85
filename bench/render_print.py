"""Benchmark: the print edition of the whole sources/ folder, XSLT 3.0 → Typst → PDF.

Prints, side by side: the whole ``render print`` of the sample edition; a bare Typst compile
of the source it generated (the typesetter alone); the WeasyPrint figure this print edition
replaced (issue 15: 34–80 s for the same edition, one layout ~25 s); and, with ``--scale N``,
the whole run on a corpus of N copies of the letters, to show the time grows linearly.

    .venv/bin/python bench/render_print.py [--paper a4|letter|a5] [--tei build/tei] [--scale 20]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What the WeasyPrint print edition took on the sample edition (issue 15, this machine).
WEASYPRINT_SECONDS = (34.0, 80.0)


def scaled_corpus(tei_dir: Path, out: Path, copies: int) -> Path:
    """``tei_dir`` with its letters ``copies`` times (new ids, same text): a bigger edition."""
    from lxml import etree

    from tei.xmlio import XML_NS, parse_file

    shutil.copytree(tei_dir, out)
    letters = sorted((tei_dir / "letters").glob("*.xml"))
    for copy in range(2, copies + 1):
        for path in letters:
            tree = parse_file(path)
            root = tree.getroot()
            root.set(f"{{{XML_NS}}}id", f"{root.get(f'{{{XML_NS}}}id', path.stem)}-c{copy}")
            target = out / "letters" / f"{path.stem}-c{copy}.xml"
            target.write_bytes(etree.tostring(tree, encoding="utf-8", xml_declaration=True))
    return out


def bare_compile(source: Path) -> float:
    """Seconds of one ``typst.compile`` of ``source`` in a fresh process: Typst keeps what it
    computed within a process, so a second compile here would measure its cache."""
    code = (
        "import sys, time, typst\n"
        "started = time.perf_counter()\n"
        "typst.compile(sys.argv[1], root=sys.argv[2])\n"
        "print(time.perf_counter() - started)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(source), str(source.parent)],
        check=True, capture_output=True, text=True,
    ).stdout
    return float(out.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--paper", default="a4", choices=["a4", "letter", "a5"])
    parser.add_argument("--tei", type=Path, default=None, help="an encoded TEI folder to use")
    parser.add_argument("--scale", type=int, default=0, help="also time N copies of the letters")
    args = parser.parse_args()

    from tei.render.pdf import render_print

    with tempfile.TemporaryDirectory() as tmp:
        tei_dir = args.tei
        if tei_dir is None:
            from tei.encode import encode_sources

            tei_dir = Path(tmp) / "tei"
            started = time.perf_counter()
            encode_sources([ROOT / "sources"], tei_dir)
            print(f"encode sources/            {time.perf_counter() - started:7.2f} s")
        out = Path(tmp) / "edition.pdf"
        result = render_print(tei_dir, out, paper=args.paper, keep_source=True)
        print(
            f"render print (whole)       {result.seconds:7.2f} s  {result.pages} pages  "
            f"{result.pages / result.seconds:6.1f} pages/s  {out.stat().st_size / 1024:.0f} KiB"
            f"  (XSLT {result.xslt_seconds:.2f} s, Typst {result.typst_seconds:.2f} s)"
        )
        assert result.source is not None
        print(f"bare Typst compile         {bare_compile(result.source):7.2f} s  (the source alone)")
        low, high = WEASYPRINT_SECONDS
        print(f"WeasyPrint (issue 15)      {low:4.0f}–{high:.0f} s  (the print edition before)")
        if args.scale > 1:
            big = scaled_corpus(tei_dir, Path(tmp) / "big", args.scale)
            big_result = render_print(big, Path(tmp) / "big.pdf", paper=args.paper)
            factor = big_result.pages / result.pages
            print(
                f"render print ({args.scale}× letters) {big_result.seconds:7.2f} s  "
                f"{big_result.pages} pages  {big_result.pages / big_result.seconds:6.1f} pages/s"
                f"  ({big_result.seconds / result.seconds:.1f}× the time for {factor:.1f}× the pages)"
            )
        for warning in result.warnings:
            print(f"warning: {warning}")


if __name__ == "__main__":
    main()
