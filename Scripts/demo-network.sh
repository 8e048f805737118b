#!/usr/bin/env bash
# Demo of the witness network on loopback, with the real binary only (about a minute):
#   two upstream Chronicles (our node in ledger mode), three witnesses peered with each other;
#   upstream A is forked: one key, two histories, shown to different witnesses (a split view);
#   upstream B keeps growing but an old copy of it keeps answering witness 3 (a freeze).
#   Every witness ends up holding both proofs; a client check fails before the witnesses have
#   cosigned, passes on the quorum's head, and refuses an old head as a denial of update.
# Everything stops by itself.
cd "$(dirname "$0")/.."
source Scripts/lib/demo.sh
START=$SECONDS

echo "== two upstream Chronicles, A and B, with one publishing client each"
"$BIN" keygen > "$WORK/client.txt"
field "secret key" "$WORK/client.txt" | tr -d '\n' > "$WORK/client.key"; chmod 600 "$WORK/client.key"
CLIENT_PK=$(field "public key" "$WORK/client.txt")
for u in a b; do
    "$BIN" init --dir "$WORK/$u" --name "upstream-$u.localhost" --listen 127.0.0.1:0 > "$WORK/$u.txt"
    "$BIN" client add --dir "$WORK/$u" --public-key "$CLIENT_PK" > "$WORK/$u.client"
done
A_PK=$(field "public key" "$WORK/a.txt"); B_PK=$(field "public key" "$WORK/b.txt")
serve "$WORK/a"; A_URL=$URL; A_PID=$PID
serve "$WORK/b"; B_URL=$URL; B_PID=$PID
publish() { # publish URL DIR BODY
    local pk; pk=$(field "public key" "$WORK/$(basename "$2" | cut -c1).txt")
    "$BIN" publish --url "$1" --client-id "$(cat "$2.client")" --secret-key "$WORK/client.key" --server-public-key "$pk" --body "$3" >/dev/null
}
for i in 1 2 3; do publish "$A_URL" "$WORK/a" "a: release $i"; publish "$B_URL" "$WORK/b" "b: release $i"; done

echo "== snapshots: A at size 3 (it will fork) and B at size 3 (it will answer one witness only)"
for u in a b; do
    PID_VAR=${u^^}_PID; stop "${!PID_VAR}"
    cp -r "$WORK/$u" "$WORK/$u-copy"; cp "$WORK/$u.client" "$WORK/$u-copy.client"
done
serve "$WORK/a"; A_URL=$URL; A_PID=$PID   # (new ports: no witness knows the old ones yet)
serve "$WORK/b"; B_URL=$URL; B_PID=$PID
serve "$WORK/a-copy"; A2_URL=$URL        # same key as A, serving a different history from now on
serve "$WORK/b-copy"; B_STALE_URL=$URL   # same key as B, never updated again
for i in 4 5 6; do
    publish "$A_URL" "$WORK/a" "a: release $i"
    publish "$A2_URL" "$WORK/a-copy" "a: release $i (rewritten)"
    publish "$B_URL" "$WORK/b" "b: release $i"
done
A_ORIGIN=upstream-a.localhost/chronicle; B_ORIGIN=upstream-b.localhost/chronicle

echo "== three witnesses: w1 and w2 see A's history, w3 its rewrite"
for w in w1 w2 w3; do
    "$BIN" init --dir "$WORK/$w" --name "$w.localhost" --listen 127.0.0.1:0 > "$WORK/$w.txt"
done
"$BIN" upstream add --dir "$WORK/w1" --origin $A_ORIGIN --url "$A_URL" --public-key "$A_PK" >/dev/null
"$BIN" upstream add --dir "$WORK/w2" --origin $A_ORIGIN --url "$A_URL" --public-key "$A_PK" >/dev/null
"$BIN" upstream add --dir "$WORK/w3" --origin $A_ORIGIN --url "$A2_URL" --public-key "$A_PK" >/dev/null

echo "== a client policy: 2 of the 3 witnesses"
declare -A W_URL
for w in w1 w2 w3; do
    serve "$WORK/$w" --poll-interval 2s --gossip-interval 1s --log-level warning
    W_URL[$w]=${URL%/chronicle}
done
write_policy "$WORK/policy.txt" w1 w2 w3

echo "== check B before any witness watches it: refused, no quorum"
if "$BIN" check --policy "$WORK/policy.txt" --origin $B_ORIGIN --max-age 1m; then echo "unexpected success"; exit 1; fi

echo "== the witnesses watch B (running nodes pick it up): w1 and w2 at B, w3 at B's stale copy"
"$BIN" upstream add --dir "$WORK/w1" --origin $B_ORIGIN --url "$B_URL" --public-key "$B_PK" >/dev/null
"$BIN" upstream add --dir "$WORK/w2" --origin $B_ORIGIN --url "$B_URL" --public-key "$B_PK" >/dev/null
"$BIN" upstream add --dir "$WORK/w3" --origin $B_ORIGIN --url "$B_STALE_URL" --public-key "$B_PK" >/dev/null

echo "== the witnesses peer with each other and gossip every second"
peer_all w1 w2 w3
has_evidence() { "$BIN" evidence list --dir "$WORK/$1" | grep -q "$2"; }
for w in w1 w2 w3; do wait_for 60 has_evidence "$w" fork; done
for w in w1 w2 w3; do wait_for 60 has_evidence "$w" freeze; done

echo "== the evidence each witness holds (id, kind, origin, detected)"
for w in w1 w2 w3; do echo "-- $w"; "$BIN" evidence list --dir "$WORK/$w"; done
FORK=$("$BIN" evidence list --dir "$WORK/w1" | grep fork | head -1 | cut -f1)
"$BIN" evidence show --dir "$WORK/w1" "$FORK" > "$WORK/fork.json"
"$BIN" evidence verify "$WORK/fork.json"
FREEZE=$("$BIN" evidence list --dir "$WORK/w2" | grep freeze | head -1 | cut -f1)
"$BIN" evidence show --dir "$WORK/w2" "$FREEZE" > "$WORK/freeze.json"
"$BIN" evidence verify "$WORK/freeze.json"
echo "== the same two files, checked by an independent verifier (Python, written from the specs)"
/usr/bin/python3 Scripts/verify_evidence.py "$WORK/fork.json"
/usr/bin/python3 Scripts/verify_evidence.py "$WORK/freeze.json"

echo "== status of w3 (shown the rewrite of A and the stale copy of B)"
"$BIN" status --dir "$WORK/w3" | grep -E '^\S|state|size' || true
curl -s "${W_URL[w3]}/" | grep -c '<tr>' >/dev/null && echo "status page: ${W_URL[w3]}/"

echo "== the client check of B now passes on the quorum's head"
B_HEAD=$(curl -s "${W_URL[w1]}/$(printf %s $B_ORIGIN | sha256sum | cut -d' ' -f1)/checkpoint" | sed -n '2p;3p' | paste -sd:)
"$BIN" check --policy "$WORK/policy.txt" --origin $B_ORIGIN --max-age 1m
"$BIN" check --policy "$WORK/policy.txt" --origin $B_ORIGIN --max-age 1m --head "$B_HEAD"
echo "== the head B's stale copy shows w3 is refused: a denial of update"
OLD_HEAD=$(curl -s "${W_URL[w3]}/$(printf %s $B_ORIGIN | sha256sum | cut -d' ' -f1)/checkpoint" | sed -n '2p;3p' | paste -sd:)
set +e
"$BIN" check --policy "$WORK/policy.txt" --origin $B_ORIGIN --max-age 1m --head "$OLD_HEAD"
CODE=$?
set -e
[ "$CODE" -eq 3 ] || { echo "expected exit 3 (denial of update), got $CODE"; exit 1; }
echo "== a client pinning A's key refuses every head of A: the witnesses hold a proven fork"
set +e
"$BIN" check --policy "$WORK/policy.txt" --origin $A_ORIGIN --max-age 1m --upstream-key "$A_PK" | head -3
CODE=${PIPESTATUS[0]}
set -e
[ "$CODE" -eq 4 ] || { echo "expected exit 4 (split view), got $CODE"; exit 1; }
echo "== done in $((SECONDS - START)) s"
