#!/usr/bin/env bash
# Crash-safety suite, with the real binary only, on 127.0.0.1:
#   (a) an upstream node under load from 4 concurrent `publish` loops is SIGKILLed at a random
#       moment and restarted; then every entry whose publish was acknowledged (the command
#       printed its currhash) must be in /export and served by /lookup/<currhash>, and
#       verify-chain must pass on the whole chain;
#   (b) a witness polling that node every second is SIGKILLed at a random moment (or just after
#       it logs a cosignature) and restarted; then `status --json` must show polling resumed and
#       a cosigned size that never went down, its note must verify and lie on the upstream's chain,
#       and the witness-head/v1 records of its own ledger must have strictly increasing sizes,
#       roots equal to the upstream's currhash at each size and verifying cosignatures
#       (Scripts/crash_check.py); verify-chain must pass on the witness's own ledger too.
#
#   Scripts/crash-test.sh [ROUNDS]   default 20 rounds, 5 to 20 s each as the chain grows (about 5 min
#                                    here); CRASH_SEED=N repeats the same kill schedule
#
# One summary line per round; exits non-zero at the first violation and keeps its work directory.
# Every process it starts stops by itself (the nodes run under `timeout`, the loops watch a file).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-20}
SEED=${CRASH_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$SEED
Scripts/setup.sh
python3 -c 'import cryptography' 2>/dev/null || python3 -m pip install -q cryptography
swift build --product chronicle-witness 2>&1 | grep -E "error|Build" || true
BIN="$(swift build --show-bin-path)/chronicle-witness"
CHECK="python3 Scripts/crash_check.py"
WORK="$(mktemp -d)"
LIFETIME=$(( ROUNDS * 60 + 300 ))
ORIGIN=crash.localhost/chronicle
declare -A NODE_PID=()
LOOPS=()
ok=0
cleanup() {
    # Publishers first, while the nodes still answer (a publish to a stopped node retries
    # connecting until its 60 s request deadline), then the nodes.
    touch "$WORK/stop"
    for pid in "${LOOPS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
    for name in "${!NODE_PID[@]}"; do kill -TERM "${NODE_PID[$name]}" 2>/dev/null || true; done
    # Wait for them to stop (graceful shutdown), so nothing writes into the directory being removed.
    for name in "${!NODE_PID[@]}"; do
        for _ in $(seq 1 500); do kill -0 "${NODE_PID[$name]}" 2>/dev/null || break; sleep 0.02; done
    done
    if [ "$ok" = 1 ]; then rm -rf "$WORK"; else echo "work directory kept: $WORK (logs: *.err)"; fi
}
trap cleanup EXIT
echo "crash-test: $ROUNDS rounds, CRASH_SEED=$SEED, work in $WORK"

start() { # start NAME DIR [serve flags...]: runs the node, waits for its URL; sets URL_<NAME>
    local name=$1 dir=$2; shift 2
    local before pid=""
    before=$(grep -c "listening on" "$WORK/$name.out" 2>/dev/null || true)
    timeout -s TERM -k 5 "$LIFETIME" "$BIN" serve --dir "$dir" "$@" >> "$WORK/$name.out" 2>> "$WORK/$name.err" &
    local wrapper=$!
    disown "$wrapper"   # no "Killed" notice from bash when the node is SIGKILLed
    for _ in $(seq 1 200); do
        pid=$(pgrep -P "$wrapper" || true)
        [ -n "$pid" ] && break
        sleep 0.02
    done
    [ -n "$pid" ] || { echo "$name did not start"; exit 1; }
    NODE_PID[$name]=$pid
    for _ in $(seq 1 400); do
        [ "$(grep -c "listening on" "$WORK/$name.out" || true)" -gt "${before:-0}" ] && break
        kill -0 "$pid" 2>/dev/null || { echo "$name exited at start:"; tail -5 "$WORK/$name.err"; exit 1; }
        sleep 0.05
    done
    printf -v "URL_$name" '%s' "$(sed -n 's/^listening on //p' "$WORK/$name.out" | tail -1)"
}
crash() { # crash NAME: SIGKILL, then wait until it is gone
    local pid=${NODE_PID[$1]}
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
}
pause() { sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }

# --- setup: an upstream with a client key, a witness watching it
"$BIN" init --dir "$WORK/up" --name upstream.localhost --listen 127.0.0.1:0 > "$WORK/up.txt"
"$BIN" init --dir "$WORK/w" --name witness.localhost --listen 127.0.0.1:0 > "$WORK/w.txt"
UP_PK=$(sed -n 's/^public key: //p' "$WORK/up.txt")
W_PK=$(sed -n 's/^public key: //p' "$WORK/w.txt")
"$BIN" keygen > "$WORK/client.txt"
sed -n 's/^secret key: //p' "$WORK/client.txt" | tr -d '\n' > "$WORK/client.key"; chmod 600 "$WORK/client.key"
CLIENT=$("$BIN" client add --dir "$WORK/up" --public-key "$(sed -n 's/^public key: //p' "$WORK/client.txt")")
start up "$WORK/up"
UP_URL=$URL_up
UP_LISTEN=${UP_URL#http://}; UP_LISTEN=${UP_LISTEN%/chronicle}
"$BIN" upstream add --dir "$WORK/w" --origin "$ORIGIN" --url "$UP_URL" --public-key "$UP_PK" > /dev/null
start w "$WORK/w" --poll-interval 1s
W_URL=$URL_w
W_LISTEN=${W_URL#http://}; W_LISTEN=${W_LISTEN%/chronicle}
echo '{"max_size": 0, "name": "witness.localhost"}' > "$WORK/witness-state.json"

publisher() { # publisher N: publishes until $WORK/stop exists; acknowledged currhashes go to acked-N
    local n=$1 i=0 out hash
    while [ ! -e "$WORK/stop" ]; do
        i=$((i + 1))
        if out=$(timeout 20 "$BIN" publish --url "$UP_URL" --client-id "$CLIENT" --secret-key "$WORK/client.key" \
                 --server-public-key "$UP_PK" --body "crash-test publisher $n entry $i" 2>/dev/null); then
            hash=$(printf '%s\n' "$out" | sed -n 's/^ *"currhash": "\([^"]*\)".*/\1/p')
            [ -n "$hash" ] && echo "$hash" >> "$WORK/acked-$n"
        else
            sleep 0.05
        fi
    done
}
for n in 1 2 3 4; do touch "$WORK/acked-$n"; publisher "$n" & LOOPS+=($!); done
phase() { printf '%s %s\n' "$(date +%s.%N | cut -c1-14)" "$*" >> "$WORK/phases.log"; }

checked=0
for round in $(seq 1 "$ROUNDS"); do
    # (a) SIGKILL the upstream under publish load, restart it on the same port, check.
    round_started=$SECONDS
    up_after=$(( 300 + RANDOM % 2200 ))
    pause "$up_after"
    crash up
    phase "round $round: upstream killed"
    start up "$WORK/up" --listen "$UP_LISTEN"
    phase "round $round: upstream restarted"
    cat "$WORK"/acked-* > "$WORK/acked.snapshot"
    total=$(wc -l < "$WORK/acked.snapshot")
    tail -n +"$((checked + 1))" "$WORK/acked.snapshot" > "$WORK/acked.new"
    served=$($CHECK served "$UP_URL" "$WORK/acked.snapshot" "$WORK/acked.new") || { echo "round $round: $served"; exit 1; }
    "$BIN" verify-chain --url "$UP_URL" --public-key "$UP_PK" > "$WORK/verify-up.txt" 2> "$WORK/verify-up.err" \
        || { echo "round $round: VIOLATION: verify-chain failed on the upstream"; tail -3 "$WORK/verify-up.err"; exit 1; }
    new=$((total - checked)); checked=$total
    phase "round $round: upstream checked"

    # (b) SIGKILL the witness: at a random moment, or right after it logs a cosignature.
    "$BIN" status --dir "$WORK/w" --json > "$WORK/status-before.json"
    if (( RANDOM % 2 )); then
        delay=$(( 200 + RANDOM % 1800 ))
        pause "$delay"
        how="after ${delay} ms"
    else
        seen=$(grep -c "head verified and cosigned" "$WORK/w.err" || true)
        for _ in $(seq 1 100); do
            [ "$(grep -c "head verified and cosigned" "$WORK/w.err" || true)" -gt "$seen" ] && break
            sleep 0.03
        done
        delay=$(( RANDOM % 40 ))
        pause "$delay"
        how="${delay} ms after a cosignature"
    fi
    crash w
    logged=$(grep "head verified and cosigned" "$WORK/w.err" | tail -1 | sed -n 's/.* size=\([0-9]*\) .*/\1/p')
    $CHECK observed "$WORK/witness-state.json" "$ORIGIN" "$WORK/status-before.json" "$logged"
    restarted=$(date +%s)
    phase "round $round: witness killed"
    start w "$WORK/w" --poll-interval 1s --listen "$W_LISTEN"
    phase "round $round: witness restarted"
    resumed=no
    for _ in $(seq 1 150); do
        "$BIN" status --dir "$WORK/w" --json > "$WORK/status.json"
        if python3 -c 'import json,sys,datetime
u=[x for x in json.load(open(sys.argv[1]))["upstreams"] if x["origin"]==sys.argv[2]][0]
t=u["last_poll"]; sys.exit(0 if t and datetime.datetime.fromisoformat(t.replace("Z","+00:00")).timestamp() >= int(sys.argv[3]) and u["last_error"] is None else 1)' \
            "$WORK/status.json" "$ORIGIN" "$restarted"; then resumed=yes; break; fi
        sleep 0.2
    done
    [ "$resumed" = yes ] || { echo "round $round: VIOLATION: the witness did not poll successfully within 30 s of its restart"; cat "$WORK/status.json"; exit 1; }
    phase "round $round: witness polled again"
    witnessed=$($CHECK witness "$UP_URL" "$W_URL" "$W_PK" "$ORIGIN" "$WORK/status.json" "$WORK/witness-state.json" "$restarted") \
        || { echo "round $round: $witnessed"; exit 1; }
    "$BIN" verify-chain --url "$W_URL" --public-key "$W_PK" > /dev/null 2> "$WORK/verify-w.err" \
        || { echo "round $round: VIOLATION: verify-chain failed on the witness's own ledger"; tail -3 "$WORK/verify-w.err"; exit 1; }
    phase "round $round: witness checked"
    printf 'round %2d/%d (%2d s): upstream killed after %4d ms, %5d acknowledged (+%d) all served, chain verifies; witness killed %s, %s\n' \
        "$round" "$ROUNDS" "$((SECONDS - round_started))" "$up_after" "$total" "$new" "$how" "${witnessed#witness: }"
done
ok=1
echo "crash-test passed: $ROUNDS rounds, CRASH_SEED=$SEED"
