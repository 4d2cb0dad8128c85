#!/bin/sh
# The pictures of the README's tour, made from a real build of sources/: the web edition's
# index page (headless Chromium, the browser the project's tests drive) and a page of the
# PDF with a letter and its footnotes (pdftoppm). Run after `make demo`:
#   scripts/readme-images.sh [BUILD_DIR]     (default: build)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OUT=docs/images
if [ ! -f "$BUILD/site/index.html" ] || [ ! -f "$BUILD/print/edition.pdf" ]; then
    echo "no site or PDF in $BUILD: run 'make demo' first" >&2
    exit 2
fi
mkdir -p "$OUT"
SITE=$(cd "$BUILD/site" && pwd)
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,850 \
    --screenshot="$PWD/$OUT/site-index.png" "file://$SITE/index.html" 2>/dev/null
# The first page that has a letter heading ("X → Y") and a footnote ("1 In May …").
pages=$(pdfinfo "$BUILD/print/edition.pdf" | awk '/^Pages:/ {print $2}')
page=1
n=1
while [ "$n" -le "$pages" ]; do
    if pdftotext -f "$n" -l "$n" -layout "$BUILD/print/edition.pdf" - \
        | awk '/→/ {h=1} /^ *[0-9]+ ?[A-Z][a-z]/ {f=1} END {exit !(h && f)}'; then
        page=$n
        break
    fi
    n=$((n + 1))
done
pdftoppm -png -r 70 -f "$page" -l "$page" -singlefile "$BUILD/print/edition.pdf" "$OUT/print-page"
echo "wrote $OUT/site-index.png and $OUT/print-page.png (PDF page $page)"
