#!/usr/bin/env bash
# One command from a fresh clone: install what is needed, build, create a node in
# ./witness-data on first run (SQLite, loopback 127.0.0.1:7380), and serve until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
# Debug by default (the quickest first build); CONFIGURATION=release for production.
CONFIGURATION="${CONFIGURATION:-debug}"
swift build -c "$CONFIGURATION" --product chronicle-witness
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)/chronicle-witness"
DIR="${CHRONICLE_WITNESS_DIR:-./witness-data}"
if [ ! -f "$DIR/signing-secret.key" ]; then
    "$BIN" init --dir "$DIR"
fi
exec "$BIN" serve --dir "$DIR" "$@"
