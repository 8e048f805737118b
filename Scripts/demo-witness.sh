#!/usr/bin/env bash
# Demo of witnessing on loopback, with the real binary only:
#   an upstream Chronicle (our node in plain ledger mode) and a witness that polls it every 2 s,
#   replicates it and cross-signs its own head onto it; the witness follows new entries, cosigns
#   every head, then the upstream is rewound to an old backup and publishes a different history
#   under the same key (a fork). The witness proves it; the evidence verifies offline.
# Everything stops by itself (about 30 s).
cd "$(dirname "$0")/.."
source Scripts/lib/demo.sh

echo "== an upstream Chronicle and a witness"
"$BIN" init --dir "$WORK/up" --name upstream.localhost --listen 127.0.0.1:0 > "$WORK/up.txt"
"$BIN" init --dir "$WORK/w" --name witness.localhost --listen 127.0.0.1:0 > "$WORK/w.txt"
UP_PK=$(sed -n 's/^public key: //p' "$WORK/up.txt")
W_PK=$(sed -n 's/^public key: //p' "$WORK/w.txt")
"$BIN" keygen > "$WORK/client.txt"
sed -n 's/^secret key: //p' "$WORK/client.txt" | tr -d '\n' > "$WORK/client.key"; chmod 600 "$WORK/client.key"
CLIENT=$("$BIN" client add --dir "$WORK/up" --public-key "$(sed -n 's/^public key: //p' "$WORK/client.txt")")
# The witness is a client of the upstream too: it cross-signs its own head onto it.
W_ON_UP=$("$BIN" client add --dir "$WORK/up" --public-key "$W_PK" --comment "witness cross-signs")
serve "$WORK/up"; UP_URL=$URL; UP_PID=$PID
UP_LISTEN=${UP_URL#http://}; UP_LISTEN=${UP_LISTEN%/chronicle}
publish() { "$BIN" publish --url "$UP_URL" --client-id "$CLIENT" --secret-key "$WORK/client.key" --server-public-key "$UP_PK" --body "$1" >/dev/null; }
for i in 1 2 3; do publish "release $i"; done
echo "upstream at $UP_URL with 3 entries"

echo "== back up the upstream at size 3 (to stage a fork later)"
stop "$UP_PID"
cp -r "$WORK/up" "$WORK/up-at-3"
serve "$WORK/up" --listen "$UP_LISTEN"; UP_PID=$PID

echo "== the witness watches it (replica), cross-signs onto it, polls every 2 s"
"$BIN" upstream add --dir "$WORK/w" --origin upstream.localhost/chronicle --url "$UP_URL" --public-key "$UP_PK" --replicate
"$BIN" cross-sign add --dir "$WORK/w" --url "$UP_URL" --public-key "$UP_PK" --client-id "$W_ON_UP" --push-after 1
serve "$WORK/w" --poll-interval 2s; W_URL=$URL
status_has() { "$BIN" status --dir "$WORK/w" | grep -q "$1"; }
cosigned_at_least() { [ "$("$BIN" upstream list --dir "$WORK/w" | cut -f4)" -ge "$1" ]; }
wait_for 20 cosigned_at_least 3
publish "release 4"; publish "release 5"
# (the witness's own cross-signs are entries of the upstream too)
wait_for 20 cosigned_at_least 5
"$BIN" status --dir "$WORK/w"

echo "== the cosigned checkpoint over HTTP, and the replica's export verified under the witness key"
curl -s "${W_URL%/chronicle}/witness/v1/upstreams" | grep -E '"(origin|state|size)"'
REPLICA=$("$BIN" upstream list --dir "$WORK/w" | cut -f5 | sed 's/^replica://')
"$BIN" verify-chain --url "${W_URL%/chronicle}$REPLICA" --public-key "$W_PK"

echo "== the upstream's ledger holds the witness's cross-sign"
wait_for 20 sh -c "curl -s '$UP_URL/export' | grep -q cross-sign-at"
curl -s "$UP_URL/lasthash" | grep -E '"contents"' | head -1

echo "== stage a fork: the upstream is rewound to size 3 and publishes another history"
stop "$UP_PID"
rm -rf "$WORK/up"; mv "$WORK/up-at-3" "$WORK/up"
serve "$WORK/up" --listen "$UP_LISTEN"; UP_PID=$PID
publish "release 4 (rewritten)"; publish "release 5 (rewritten)"; publish "release 6"
wait_for 30 status_has "split-view"
"$BIN" status --dir "$WORK/w"

echo "== the evidence, verified offline"
"$BIN" evidence list --dir "$WORK/w"
ID=$("$BIN" evidence list --dir "$WORK/w" | head -1 | cut -f1)
"$BIN" evidence show --dir "$WORK/w" "$ID" > "$WORK/evidence.json"
head -c 400 "$WORK/evidence.json"; echo " …"
"$BIN" evidence verify "$WORK/evidence.json"
echo "== the same evidence claimed against another key is refused"
sed "s|\"upstream_key\": \"$UP_PK\"|\"upstream_key\": \"$W_PK\"|" "$WORK/evidence.json" > "$WORK/tampered.json"
if cmp -s "$WORK/evidence.json" "$WORK/tampered.json"; then echo "tampering failed"; exit 1; fi
if "$BIN" evidence verify "$WORK/tampered.json"; then echo "unexpected success"; exit 1; fi
echo "== done"
