#!/usr/bin/env bash
# C2SP tlog-witness conformance: send every request class of POST /add-checkpoint to a witness
# and check its status codes and cosignatures (Tests/Conformance/conformance.py; Python 3.11 +
# the `cryptography` package, no Swift needed).
#
#   Scripts/conformance.sh keygen [--seed HEX] [--origin O]
#   Scripts/conformance.sh URL [--witness-vkey VKEY] [--profile auto|witness-protocol|c2sp|litewitness]
#                              [--seed HEX] [--origin O] [--json]
#
# What it checks: a first push (or, on a witness that already holds the kit's log, the held size
# learned from an `old 0` probe answered 409), consistent growth, a stale old size (409 with
# Content-Type text/x.tlog.size and body "<held size>\n"), a bad and a missing consistency proof,
# an unknown log, bad log signatures (a corrupted line of the log's key, a line by another key,
# a corrupted line next to a good one), same size with another root, old size > checkpoint size,
# a body over 16 KiB, seven malformed bodies, GET, re-submission of the held checkpoint,
# extension lines (the cosignature must cover the whole text), eight concurrent pushes (exactly
# one wins) and, after all of it, a push from the held size and a 409 probe naming it (no
# rollback). Every 200 is checked against --witness-vkey (a type 0x04 vkey) when given.
# `--profile witness-protocol` is this node's strict status codes (witness-protocol v2 §9);
# `auto` (the default) accepts the C2SP text's and litewitness's codes too and says which
# profile each answer matches (Tests/Conformance/README.md has the table).
#
# Configure the log first; `keygen` prints its origin and vkey (the same every run unless
# --seed or --origin change them):
#   this node:    chronicle-witness log add --dir DIR --vkey VKEY
#                 (its witness vkey: `witness vkey:` printed by `chronicle-witness init`)
#   litewitness:  witnessctl add-log -origin conformance.example/log
#                 witnessctl add-key -origin conformance.example/log -key VKEY
#   omniwitness:  list the log in a logs/v0 file ("logs/v0", "vkey VKEY", "qpd 86400",
#                 "contact you@example.org") served over HTTP and pass its URL with
#                 --public_witness_config_url (or add it to the witness's logs config)
#
# Exit status: 0 every class passed, 1 a class failed, 2 usage or network error.
set -euo pipefail
KIT="$(cd "$(dirname "$0")/.." && pwd)/Tests/Conformance/conformance.py"
if [ $# -eq 0 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
if [ "$1" = "keygen" ]; then
    exec python3 "$KIT" "$@"
fi
exec python3 "$KIT" run "$@"
