#!/usr/bin/env bash
# Demo of the C2SP witness role on loopback, with the real binary (issue 12):
#   two nodes witness each other's own ledgers as C2SP logs (POST /add-checkpoint), and the
#   independent Python witness of the conformance kit witnesses one of them too; each node serves
#   its log-signed checkpoint with the cosignatures it collected at GET /checkpoint, and the
#   ledgers grow while the pushes follow them with consistency proofs.
# Everything stops by itself (about 20 s).
cd "$(dirname "$0")/.."
source Scripts/lib/demo.sh

echo "== two nodes, each a C2SP log (its own ledger) and a C2SP witness"
for n in a b; do
    "$BIN" init --dir "$WORK/$n" --name "$n.localhost" --listen 127.0.0.1:0 > "$WORK/$n.txt"
    "$BIN" witness-push key --dir "$WORK/$n" > "$WORK/$n.log.txt"
    cat "$WORK/$n.log.txt"
done
# Each witnesses the other's log (its origin is the log vkey's name).
"$BIN" log add --dir "$WORK/b" --vkey "$(field vkey "$WORK/a.log.txt")"
"$BIN" log add --dir "$WORK/a" --vkey "$(field vkey "$WORK/b.log.txt")"

echo "== the independent Python witness (Tests/Conformance/tlog_witness.py), witnessing a's log"
PORT=$((20000 + RANDOM % 2000)); SEED=$(printf '%064x' $RANDOM)
python3 Tests/Conformance/tlog_witness.py serve --port "$PORT" --name reference.localhost --seed "$SEED" \
    --log "$(field vkey "$WORK/a.log.txt")" --state "$WORK/reference.json" > "$WORK/reference.out" 2>&1 &
PIDS+=("$!")
REF_VKEY=$(python3 Tests/Conformance/tlog_witness.py vkey --name reference.localhost --seed "$SEED")

export CHRONICLE_WITNESS_PUSH_INTERVAL=1s
serve "$WORK/a"; A_URL=${URL%/chronicle}
serve "$WORK/b"; B_URL=${URL%/chronicle}
"$BIN" witness-push add --dir "$WORK/a" --url "$B_URL" --vkey "$(field "witness vkey" "$WORK/b.txt")"
"$BIN" witness-push add --dir "$WORK/a" --url "http://127.0.0.1:$PORT" --vkey "$REF_VKEY"
"$BIN" witness-push add --dir "$WORK/b" --url "$A_URL" --vkey "$(field "witness vkey" "$WORK/a.txt")"

echo "== a's ledger grows (client publishes); the pushes follow with consistency proofs"
"$BIN" keygen > "$WORK/client.txt"
field "secret key" "$WORK/client.txt" | tr -d '\n' > "$WORK/client.key"; chmod 600 "$WORK/client.key"
CLIENT=$("$BIN" client add --dir "$WORK/a" --public-key "$(field "public key" "$WORK/client.txt")")
for i in 1 2 3 4 5; do
    "$BIN" publish --url "$A_URL/chronicle" --client-id "$CLIENT" --secret-key "$WORK/client.key" --body "release $i" > /dev/null
done
cosigned_by() { curl -s "$1/checkpoint" | grep -q "^— $2 "; }
size_is() { [ "$(curl -s "$1/checkpoint" | sed -n 2p)" = "$2" ]; }
wait_for 30 size_is "$A_URL" 5
wait_for 30 cosigned_by "$A_URL" b.localhost
wait_for 30 cosigned_by "$A_URL" reference.localhost
wait_for 30 cosigned_by "$B_URL" a.localhost
echo "-- a's checkpoint (log signature, then b's and the reference witness's cosignatures):"
curl -s "$A_URL/checkpoint"
echo "-- b's checkpoint (cosigned by a):"
curl -s "$B_URL/checkpoint"
echo "-- b serves a's checkpoint at the C2SP monitoring path too:"
curl -s "$B_URL/$(printf '%s' "$(field origin "$WORK/a.log.txt")" | sha256sum | cut -d' ' -f1)/checkpoint"
"$BIN" witness-push list --dir "$WORK/a"
