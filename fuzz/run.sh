#!/usr/bin/env bash
# Seeds a fuzz target's corpus from fixtures/ and runs it with the limits docs/fuzzing.md describes:
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
# The corpus (fuzz/corpus/TARGET) and any crash (fuzz/artifacts/TARGET) stay out of git.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=$2
shift 2
corpus=corpus/$target
mkdir -p "$corpus"
fixtures=../fixtures
seed() { cp -n "$@" "$corpus/" 2>/dev/null || true; }
case $target in
ids)
    printf '%s\n' 'A.5.15' 'A5.15' 'A 5.15' '5.15' 'A.05.15' 'Annex A 5.15' 'A.5.15 Access control' 'cc6.1' \
        'CC 6.1' 'CC6.1.' 'A.9.2.3' '6.1.2' 'CC6.1, CC6.2' 'A.5.1-A.5.3' 'P6.1' 'PI1.3' \
        | while read -r id; do printf '%s' "$id" > "$corpus/seed-$(printf '%s' "$id" | md5sum | cut -c1-8)"; done ;;
mapping) seed "$fixtures"/import/mapping-two-id-columns.csv ../mappings/*-to-*.csv ;;
profile)
    printf '{"format":"crosswalk-profile/1","sheet":"SoA","header_row":5,"columns":[{"role":"id","header":"Ref","column":"A"}]}' \
        > "$corpus/seed-profile.json" ;;
template | delimited) seed "$fixtures"/*.csv "$fixtures"/import/*.csv "$fixtures"/import/*.tsv "$fixtures"/report/*.csv ;;
workbook)
    seed "$fixtures"/*.xlsx "$fixtures"/import/*.xlsx
    # Small xls, ods and xlsx files made by the test generator (the repository ships no xls or ods).
    if [ ! -d seeds/workbook ]; then
        (cd .. && CROSSWALK_SEED_DIR="$PWD/fuzz/seeds/workbook" cargo test -q --test hostile write_fuzz_seeds -- --ignored)
    fi
    seed seeds/workbook/* ;;
*) echo "unknown target $target" >&2; exit 2 ;;
esac
exec cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 "$@"
