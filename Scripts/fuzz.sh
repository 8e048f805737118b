#!/usr/bin/env bash
# libFuzzer over every WitnessCore parser that reads hostile bytes (Sources/witness-fuzz): JSON,
# Chronicle records, checkpoints, signed notes and cosignatures, gossip messages, evidence and its
# verifier, vkeys, position attestations, base64 and timestamps.
#
#   Scripts/fuzz.sh [SECONDS]     total fuzzing time, split over the 10 targets (default 60)
#
# Builds the harness with -sanitize=fuzzer,address and -D FUZZING into .build-fuzz (release, so
# a few thousand inputs a second; overflow and bounds checks stay on), seeds one corpus per target
# from the harness's own signed material and the recorded PHP Chronicle fixtures, then runs each
# target for its share of the time. The corpus grows across runs in .build-fuzz/corpus. A broken
# property or a crash is saved in .build-fuzz/crashes/ and replayed with the plain build:
#   swift run witness-fuzz .build-fuzz/crashes/FILE
# Exits non-zero if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:-60}
Scripts/setup.sh

# libFuzzer ships with the Swift toolchain's clang runtime; say so plainly if it does not.
RESOURCE_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/clang
if ! ls "$RESOURCE_DIR"/*/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1 \
    && ! ls "$(dirname "$RESOURCE_DIR")"/swift/clang/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
    echo "this Swift toolchain has no libclang_rt.fuzzer: -sanitize=fuzzer cannot link here" >&2
    exit 1
fi

SCRATCH=.build-fuzz
echo "== building witness-fuzz with -sanitize=fuzzer,address (into $SCRATCH)"
swift build -c release --product witness-fuzz --scratch-path "$SCRATCH" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -E "error|Compiling witness|Build" || true
FUZZER="$SCRATCH/release/witness-fuzz"
[ -x "$FUZZER" ] || { echo "the fuzz build failed; run the swift build line above to see why" >&2; exit 1; }
echo "== building the replay tool (plain build)"
swift build --product witness-fuzz 2>&1 | grep -E "error|Build" || true
REPLAY="$(swift build --show-bin-path)/witness-fuzz"

SEEDS="$SCRATCH/seeds"
rm -rf "$SEEDS"
"$REPLAY" --write-seeds "$SEEDS" --fixtures Tests/Fixtures/chronicle-real
"$REPLAY" "$SEEDS" >/dev/null   # every seed keeps every property before fuzzing starts

TARGETS=(json entry checkpoint note gossip evidence vkey attestation encodings addCheckpoint)
PER=$(( TOTAL / ${#TARGETS[@]} ))
(( PER >= 1 )) || PER=1
mkdir -p "$SCRATCH/crashes" "$SCRATCH/logs"
failed=()
started=$SECONDS
for target in "${TARGETS[@]}"; do
    corpus="$SCRATCH/corpus/$target"
    mkdir -p "$corpus"
    log="$SCRATCH/logs/$target.log"
    set +e
    WITNESS_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$FUZZER" "$corpus" "$SEEDS/$target" \
        -max_total_time="$PER" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$SCRATCH/crashes/$target-" > "$log" 2>&1
    status=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    printf '%-12s %8s runs %6s/s  corpus %5s  ' "$target" "${runs:-?}" "${speed:-?}" "$(ls "$corpus" | wc -l)"
    if [ "$status" -ne 0 ]; then
        echo "CRASH (exit $status), see $log"
        grep -E "property broken|Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer|SUMMARY" "$log" | head -5 | sed 's/^/    /'
        failed+=("$target")
    else
        echo "ok"
    fi
done
echo "fuzzed ${#TARGETS[@]} targets for $((SECONDS - started)) s"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "crashes in: ${failed[*]}; inputs saved in $SCRATCH/crashes/ (replay: $REPLAY FILE)"
    exit 1
fi
