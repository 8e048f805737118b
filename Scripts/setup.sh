#!/usr/bin/env bash
# Installs what building and running Chronicle Witness needs on Debian/Ubuntu:
# libsodium (Ed25519 + BLAKE2b, the primitives Chronicle uses) and SQLite headers; python3 with
# cryptography for the independent evidence verifier the tests run (Scripts/verify_evidence.py);
# php-cli (with its bundled sodium and json) and phpunit for the PHP verifier (clients/php).
# Swift itself (6.2 or later) must already be on PATH.
set -euo pipefail
need=()
for pkg in libsodium-dev libsqlite3-dev pkg-config python3 python3-cryptography php-cli phpunit; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
command -v swift >/dev/null || { echo "swift 6.2+ is required on PATH" >&2; exit 1; }
