#!/usr/bin/env bash
# Prints the crosswalk workbook of fixtures/tidy-soa.xlsx (93 rows) the way a client would see it: LibreOffice
# headless converts it to PDF, then the script checks that
#   - every page is A4 landscape,
#   - the Crosswalk sheet prints one page wide (its pages hold every column, `Row` to `Comment`),
#   - every line of every multi-line cell shows (each target's `relationship, strength` line is in the PDF text),
#   - every link of the workbook (input rows to their line on Crosswalk, Summary to the sheets) is a PDF link,
# then prints the `plan soc2`, `plan evidence` and `plan iso27001` workbooks of the same fixture and checks they are
# A4 landscape with their first sheet's last columns on page 1, and writes one PNG per page (50 dpi) to look at.
# Needs soffice, pdfinfo, pdftotext and pdftoppm (apt-get install libreoffice-calc-nogui poppler-utils).
#   scripts/workbook-pdf.sh [OUT_DIR]     (default: a temp folder, printed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
cargo build --quiet --bin crosswalk
bin="${CARGO_TARGET_DIR:-target}/debug/crosswalk"
"$bin" map fixtures/tidy-soa.xlsx -o "$out/tidy-soa.xlsx" -q
"$bin" map fixtures/tidy-soa.xlsx --format json -o "$out/tidy-soa.json" -q
(cd "$out" && soffice --headless --convert-to pdf tidy-soa.xlsx >/dev/null 2>&1)
pdf="$out/tidy-soa.pdf"
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
size=$(pdfinfo "$pdf" | awk -F': *' '/^Page size:/ {print $2}')
echo "pages: $pages, page size: $size"
case "$size" in *"841.89 x 595.3"*) ;; *) echo "FAIL: not A4 landscape" >&2; exit 1 ;; esac
crosswalk_text=""
for p in $(seq 1 "$pages"); do
    text=$(pdftotext -layout -f "$p" -l "$p" "$pdf" -)
    sheet=$(printf '%s\n' "$text" | grep -o 'tidy-soa.xlsx: [A-Za-z ]*' | head -1 | sed 's/tidy-soa.xlsx: //; s/ *Page.*//')
    echo "page $p: $sheet"
    if [ "${sheet% }" = "Crosswalk" ]; then
        crosswalk_text+="$text"$'\n'
    fi
done
for header in "Id as written" "Client text" "Decision" "Comment"; do
    grep -q "$header" <<<"$crosswalk_text" || { echo "FAIL: Crosswalk pages lack column '$header'" >&2; exit 1; }
done
want=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r['targets']) for r in d['rows']))" "$out/tidy-soa.json")
got=$(grep -o '[A-Z0-9.]*: [a-z]*, strength [0-9]*' <<<"$crosswalk_text" | wc -l)
echo "target lines: $got shown of $want"
[ "$got" -eq "$want" ] || { echo "FAIL: multi-line cells are cut" >&2; exit 1; }
links_xlsx=$(unzip -p "$out/tidy-soa.xlsx" 'xl/worksheets/sheet*.xml' | grep -o '<hyperlink ' | wc -l)
links_pdf=$(grep -a -o '/Subtype/Link' "$pdf" | wc -l)
echo "links: $links_pdf in the PDF, $links_xlsx in the workbook"
[ "$links_pdf" -ge "$links_xlsx" ] || { echo "FAIL: links lost in the PDF" >&2; exit 1; }
pdftoppm -png -r 50 "$pdf" "$out/page"

# The plan workbooks: name, command, a header of the first sheet's last columns (one that does not wrap).
"$bin" plan soc2 fixtures/tidy-soa.xlsx -o "$out/plan-matrix.csv" -q
plans=(
    "plan-matrix|plan soc2 fixtures/tidy-soa.xlsx|What to do"
    "plan-evidence|plan evidence fixtures/tidy-soa.xlsx|To settle"
    "plan-soa|plan iso27001 $out/plan-matrix.csv|Reviewer"
)
for p in "${plans[@]}"; do
    IFS='|' read -r name args last <<<"$p"
    # shellcheck disable=SC2086
    "$bin" $args -o "$out/$name.xlsx" -q
    (cd "$out" && soffice --headless --convert-to pdf "$name.xlsx" >/dev/null 2>&1)
    pages=$(pdfinfo "$out/$name.pdf" | awk '/^Pages:/ {print $2}')
    size=$(pdfinfo "$out/$name.pdf" | awk -F': *' '/^Page size:/ {print $2}')
    echo "$name: $pages pages, $size"
    case "$size" in *"841.89 x 595.3"*) ;; *) echo "FAIL: $name is not A4 landscape" >&2; exit 1 ;; esac
    first_page=$(pdftotext -layout -f 1 -l 1 "$out/$name.pdf" -)
    grep -q "$last" <<<"$first_page" ||
        { echo "FAIL: $name's first page lacks column '$last' (not one page wide)" >&2; exit 1; }
    pdftoppm -png -r 50 "$out/$name.pdf" "$out/$name"
done
echo "ok: pages as PNG in $out"
