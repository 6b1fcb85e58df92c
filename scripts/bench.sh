#!/usr/bin/env bash
# Builds the release binary and runs the map benchmark (examples/bench_map.rs); arguments go to the benchmark:
#   scripts/bench.sh            1,000 / 10,000 / 100,000-row catalogs (xlsx and csv) and 500 SoAs with 1 and 2 jobs
#   scripts/bench.sh --quick    1,000 and 10,000 rows, 100 SoAs
#   scripts/bench.sh --keep bench-data   keep the generated inputs and outputs
#   scripts/bench.sh --runs 5            runs per case (default 3; the best is reported, the median beside it)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --features jemalloc --bin crosswalk --example bench_map
exec target/release/examples/bench_map "$@"
