#!/usr/bin/env bash
# One command from a fresh clone: install what is needed, build and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
swift test --skip-build
