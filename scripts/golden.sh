#!/usr/bin/env bash
# Runs every command on every fixture and records what it wrote (files, stdout, stderr, exit code) in a folder,
# with workbooks unpacked to their XML parts (their zip timestamps and document dates aside), so two builds can
# be compared byte for byte:
#
#   scripts/golden.sh target/release/crosswalk /tmp/before
#   scripts/golden.sh target/release/crosswalk /tmp/after
#   diff -r /tmp/before /tmp/after && echo identical
set -uo pipefail
bin=$(realpath "$1")
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One case: name, then the command's arguments. Run from a scratch folder, so relative outputs land there.
run() {
  local name=$1
  shift
  local dir="$work/$name"
  mkdir -p "$dir"
  (cd "$dir" && "$bin" "$@" >"$dir/.stdout" 2>"$dir/.stderr"; echo $? >"$dir/.rc")
  local dest="$out/$name"
  mkdir -p "$dest"
  for f in "$dir"/.stdout "$dir"/.stderr "$dir"/.rc; do
    sed -e "s#$root#ROOT#g" -e "s#$dir#DIR#g" -e "s#$work#WORK#g" "$f" >"$dest/$(basename "$f" | tr -d .)"
  done
  find "$dir" -type f ! -name '.*' | sort | while read -r f; do
    local rel=${f#"$dir"/}
    case "$f" in
      *.xlsx)
        mkdir -p "$dest/$rel.d"
        (cd "$dest/$rel.d" && unzip -qo "$f" && rm -f docProps/core.xml) ;;
      *) mkdir -p "$dest/$(dirname "$rel")"
         sed -e "s#$root#ROOT#g" -e "s#$dir#DIR#g" "$f" >"$dest/$rel" ;;
    esac
  done
  rm -rf "$dir"
}

inputs=$(cd "$root" && ls fixtures/*.csv fixtures/*.xlsx fixtures/import/* fixtures/plan/* fixtures/report/* \
  fixtures/review/* fixtures/lang/* 2>/dev/null)
for rel in $inputs; do
  in="$root/$rel"
  key=$(echo "$rel" | tr '/' '_')
  for fmt in xlsx json csv md html oscal; do
    run "map-$fmt-$key" map "$in" --format "$fmt" -o "out.$fmt"
  done
  run "map-scope-$key" map "$in" --format json -o - --scope all
  run "import-$key" import "$in"
  run "import-json-$key" import "$in" --format json -o -
  run "report-html-$key" report "$in" -o r.html
  run "report-md-$key" report "$in" -o r.md --scope security,availability --window-months 12
  run "plan-soc2-$key" plan soc2 "$in" -o matrix.xlsx
  run "plan-evidence-$key" plan evidence "$in" --window-months 6 --period-start 2026-01-01 -o evidence.xlsx
  run "plan-iso-$key" plan iso27001 "$in" -o soa.xlsx
  run "suggest-input-$key" suggest --input "$in" --format json
done
for fw in iso27001-2022 tsc-2017 iso27001-2013; do
  for fmt in table csv json; do run "catalog-$fw-$fmt" catalog "$fw" --format "$fmt"; done
done
for id in A.5.15 cc6.1 A.9.2.3 9.2 CC1.2 A.8.99; do run "explain-$id" explain "$id"; done
run mapping-validate mapping validate
for fmt in csv json oscal ciso-assistant strm strm-tsv; do run "mapping-export-$fmt" mapping export --format "$fmt" -o "m.$fmt"; done
while IFS= read -r text; do
  key=$(echo "$text" | tr -c 'A-Za-z0-9' '_' | cut -c1-40)
  run "suggest-$key" suggest "$text" --format json
  run "suggest-tsc-$key" suggest "$text" --to tsc-2017 --top 5
done <<'TEXTS'
Quarterly user access reviews are performed by system owners
EDR on all laptops
Backups are restored once a year to prove they work
Office catering arrangements
TEXTS
# The review round trip: a written workbook read back as decisions.
"$bin" map "$root/fixtures/review/controls-q2.csv" -o "$work/q2.xlsx" -q
run review-apply review apply "$work/q2.xlsx" -o decisions.csv
run review-redo map "$root/fixtures/review/controls-q2.csv" --decisions "$(ls "$out"/review-apply/decisions.csv)" --format json -o -
run annotate map "$root/fixtures/tidy-soa.xlsx" --annotate -o annotated.xlsx
echo "$(find "$out" -type f | wc -l) files in $out"
