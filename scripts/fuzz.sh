#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs them for a bounded time,
# one after the other, on one core each:
#
#   scripts/fuzz.sh                 # every target, 60 seconds each
#   scripts/fuzz.sh csv 600         # one target for 10 minutes
#   scripts/fuzz.sh all 600
#   scripts/fuzz.sh --build-only
#
# Targets: rules (YAML loader + rule compiler), expressions (expression
# parser), csv (CSV chunker, scanner and the batch's record decoding),
# ndjson (NDJSON chunker, JSON parser and record decoding), stages (the ';',
# JSON-array and gzip stages in front of the chunkers).
#
# The libraries are built with SwiftPM into .build-fuzz (kept out of the
# normal build) with -sanitize=fuzzer,address (coverage and ASan), then each
# target is linked with swiftc -sanitize=fuzzer,address.
# The corpus grows in fuzz-out/<target>/corpus, seeded from Fuzz/Corpus/<target>;
# findings (crash-*, timeout-*, oom-*, leak-*) land in fuzz-out/<target>/.
# Reproduce one with:  .build-fuzz/fuzz-<target> fuzz-out/<target>/crash-…
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SWIFT=${SWIFT:-swift}
SWIFTC=${SWIFTC:-swiftc}
SCRATCH=${FUZZ_SCRATCH:-$ROOT/.build-fuzz}
OUT=${FUZZ_OUT:-$ROOT/fuzz-out}
ALL_TARGETS=(rules expressions csv ndjson stages)

target=${1:-all}
seconds=${2:-60}

sources_of() {
    case $1 in
        rules) echo Fuzz/Targets/RuleFileTarget.swift ;;
        expressions) echo Fuzz/Targets/ExpressionTarget.swift Fuzz/Targets/FuzzSchema.swift ;;
        csv) echo Fuzz/Targets/CSVTarget.swift Fuzz/Targets/FuzzSchema.swift Fuzz/Targets/IntakeChecks.swift ;;
        ndjson) echo Fuzz/Targets/NDJSONTarget.swift Fuzz/Targets/FuzzSchema.swift Fuzz/Targets/IntakeChecks.swift ;;
        stages) echo Fuzz/Targets/StageTarget.swift ;;
        *) echo "unknown target '$1' (rules, expressions, csv, ndjson, stages, all)" >&2; exit 2 ;;
    esac
}

# Longest input libFuzzer makes up, per target.
max_len_of() {
    case $1 in
        rules) echo 16384 ;;
        expressions) echo 1024 ;;
        *) echo 8192 ;;
    esac
}

# The libraries are built from a copy of Sources/ and Tests/ (refreshed with cp -u), so
# that edits made in the tree during a long build or run do not break it.
snapshot() {
    local snap=$SCRATCH/src
    mkdir -p "$snap"
    cp -a -u Sources Tests Package.swift "$snap"/
    [ -f Package.resolved ] && cp -a -u Package.resolved "$snap"/
    (cd "$snap" && find Sources Tests -type f) | while read -r file; do
        [ -e "$ROOT/$file" ] || rm -f "$snap/$file"
    done
}

build() {
    echo "== building the libraries with coverage and ASan (in $SCRATCH)"
    snapshot
    local snap=$SCRATCH/src
    # -sanitize=fuzzer on a compile adds libFuzzer's coverage (inline 8-bit
    # counters, PC tables, comparison tracing); -enable-testing lets the
    # intake targets use the batch's internal ChunkScorer.
    local flags=(-c release --package-path "$snap" --scratch-path "$SCRATCH/build"
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing)
    "$SWIFT" build "${flags[@]}" --target StratifyBatch
    local bin
    bin=$("$SWIFT" build "${flags[@]}" --show-bin-path)
    local objects=()
    for module in StratifyCore StratifyYAML StratifyIO StratifyRules StratifyEngine StratifyBatch; do
        for object in "$bin/$module.build"/*.o; do
            # A source deleted since an earlier build leaves its object behind.
            local name
            name=$(basename "$object" .o)
            if [[ "$name" == *.swift ]] && [ -z "$(find "$snap/Sources/$module" -name "$name" -print -quit)" ]; then
                continue
            fi
            objects+=("$object")
        done
    done
    for t in "${ALL_TARGETS[@]}"; do
        rm -f "$SCRATCH/fuzz-$t"
        echo "== linking fuzz-$t"
        # shellcheck disable=SC2046
        # The libraries' API is `package`, visible to a module of the same
        # package: SwiftPM names the package after its folder ($snap is .../src).
        "$SWIFTC" -O -swift-version 6 -parse-as-library -sanitize=fuzzer,address \
            -module-name "Fuzz_$t" -package-name "$(basename "$snap" | tr 'A-Z-' 'a-z_')" -I "$bin/Modules" \
            -Xcc -fmodule-map-file="$snap/Sources/CYAML/module.modulemap" \
            -Xcc -fmodule-map-file="$snap/Sources/CZlib/module.modulemap" \
            $(sources_of "$t") "${objects[@]}" -lyaml -lz \
            -o "$SCRATCH/fuzz-$t" 2>&1 | { grep -v 'Cannot export local symbol' || true; }
        test -x "$SCRATCH/fuzz-$t"
    done
}

run() {
    local t=$1
    local dir="$OUT/$t"
    mkdir -p "$dir/corpus"
    echo "== fuzzing $t for ${seconds}s"
    # One job, one worker: libFuzzer writes its log to fuzz-0.log in $dir.
    (cd "$dir" && "$SCRATCH/fuzz-$t" corpus "$ROOT/Fuzz/Corpus/$t" \
        -max_total_time="$seconds" -jobs=1 -workers=1 \
        -max_len="$(max_len_of "$t")" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$dir/" -print_final_stats=1 >/dev/null 2>&1) || true
    local log="$dir/fuzz-0.log"
    local execs cov ft corpus findings
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    corpus=$(find "$dir/corpus" -type f | wc -l)
    findings=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    printf '%-12s execs %-10s cov %-6s ft %-7s corpus %-6s findings %s\n' \
        "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$findings"
    if [ "$findings" -gt 0 ]; then
        find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sed 's/^/    /'
        grep -m1 -E 'ERROR|Fatal error|Precondition failed|SUMMARY' "$log" | sed 's/^/    /' || true
    fi
}

if [ "$target" = "--build-only" ]; then
    build
    exit 0
fi
if [ "$target" = all ]; then
    targets=("${ALL_TARGETS[@]}")
else
    sources_of "$target" >/dev/null
    targets=("$target")
fi
# FUZZ_BUILD=0 runs the binaries already in .build-fuzz (say, while the
# tree does not build).
if [ "${FUZZ_BUILD:-1}" != 0 ]; then
    build
fi
for t in "${targets[@]}"; do
    run "$t"
done
