#!/usr/bin/env bash
# One command from a fresh clone: install what is needed, build and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
swift test --skip-build
# The independent Python verifier of proof files checks itself against its own chain and the
# real PHP chain (the Swift tests then run it on the node's proof files).
python3 Scripts/test_verify_proof.py
# The PHP verifier (clients/php): the proof vectors the Swift suite made and checked, and its CLI.
phpunit --configuration clients/php/phpunit.xml
