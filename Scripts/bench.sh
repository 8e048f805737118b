#!/usr/bin/env bash
# Runs every benchmark on this machine and keeps the figures:
#   a. chain verification vs the raw libsodium bound, a download-verify-store over HTTP, the
#      Merkle view and proofs, a first sync from an upstream in a separate process, storage
#   b. durable publish under wrk, 1, 16 and 64 clients, vs raw SQLite commits on the same disk
#   c. read API under wrk vs Hummingbird's bare route; c2. a large streamed export
#   d. one poll cycle over 1,000 and 10,000 upstreams (peak RSS of the witness)
#   e. gossip convergence
# Every ratio divides two figures measured in the same run; nothing is compared with figures
# from elsewhere (issue 13, item 7: docs/performance.md cites stock PHP's, with date and machine).
# Writes bench-results/<date>.txt (gitignored) and stdout. Extra arguments go to
# `chronicle-witness bench run`, e.g. `Scripts/bench.sh --only chain,read --read-seconds 5`.
# About 8 to 10 minutes on 2 cores after the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
# wrk drives the read API figures; without it the bench falls back to its own load generator.
if ! command -v wrk >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk; } \
        || echo "warning: could not install wrk; the read API figures will use the in-process load generator" >&2
fi
swift build -c release --product chronicle-witness
BIN="$(swift build -c release --show-bin-path)/chronicle-witness"
mkdir -p bench-results
OUT="bench-results/$(date -u +%Y-%m-%dT%H%M%SZ).txt"
{
    echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (modified)')"
    echo "swift: $(swift --version 2>&1 | head -1)"
    if command -v wrk >/dev/null 2>&1; then echo "wrk: $( (wrk -v 2>&1 || true) | head -1)"; else echo "wrk: not installed"; fi
    # Temporary databases go under bench-results/ (a real disk), so synchronous=FULL really fsyncs.
    mkdir -p bench-results/tmp
    "$BIN" bench run --temp-dir "$PWD/bench-results/tmp" "$@"
} 2>&1 | tee "$OUT"
rmdir bench-results/tmp 2>/dev/null || true
echo "results written to $OUT"
