#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer, then under the
# undefined-behaviour sanitizer, each in its own scratch folder (.build-asan,
# .build-ubsan; git-ignored) so the normal .build is left alone:
#
#   scripts/sanitize.sh              # both
#   scripts/sanitize.sh address      # one
#   scripts/sanitize.sh undefined -- --filter HostileInputTests
#
# Arguments after `--` go to `swift test`. Exits non-zero if any run fails.
# The CLI tests run the `stratify` built with the same sanitizer.
#
# Where swiftc refuses -sanitize=undefined for Swift code (Swift 6.3 on
# Linux), the `undefined` run builds the suite optimized with exclusivity,
# overflow and bounds checks on instead, and says so.
set -uo pipefail

cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

sanitizers=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    sanitizers+=("$1")
    shift
done
[ $# -gt 0 ] && shift
[ ${#sanitizers[@]} -eq 0 ] && sanitizers=(address undefined)

# Stop at the first report, with a stack trace, and exit (not abort: Swift's
# crash backtracer and ASan's own report then deadlock). Leaks in the
# toolchain's libraries are suppressed (scripts/lsan-suppressions.txt).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/scripts/lsan-suppressions.txt:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

status=0
for sanitizer in "${sanitizers[@]}"; do
    flags=(--sanitize="$sanitizer")
    case $sanitizer in
        address) scratch=.build-asan ;;
        undefined)
            scratch=.build-ubsan
            probe=$(mktemp -d)
            echo 'let x = 1' > "$probe/probe.swift"
            if ! "${SWIFTC:-swiftc}" -sanitize=undefined -typecheck "$probe/probe.swift" 2>/dev/null; then
                # Swift 6.3 on Linux refuses -sanitize=undefined for Swift
                # code (and the package has no C code of its own). What UB
                # Swift code can have shows in optimized builds (the
                # optimizer assumes unsafe pointers are used correctly), so
                # run the suite optimized, with overflow, bounds and
                # exclusivity checks kept on.
                echo "== swiftc does not support -sanitize=undefined here: running the tests optimized (-c release)"
                echo "   with -enforce-exclusivity=checked and the standard library's overflow and bounds checks"
                flags=(-c release -Xswiftc -enable-testing -Xswiftc -enforce-exclusivity=checked)
            fi
            rm -rf "$probe"
            ;;
        *) echo "unknown sanitizer '$sanitizer' (address, undefined)" >&2; exit 2 ;;
    esac
    echo "== swift test ${flags[*]} (scratch: $scratch)"
    start=$(date +%s)
    if "$SWIFT" test "${flags[@]}" --scratch-path "$scratch" "$@"; then
        echo "== $sanitizer: passed in $(( $(date +%s) - start ))s"
    else
        echo "== $sanitizer: FAILED after $(( $(date +%s) - start ))s"
        status=1
    fi
done
exit $status
