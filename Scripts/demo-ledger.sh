#!/usr/bin/env bash
# Demo of the ledger node on loopback: create a node, register a client, publish three
# entries (one with unicode), read them back, verify the whole chain, and show that a chain
# served under the wrong key is rejected. Everything stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --product chronicle-witness >/dev/null
BIN="$(swift build --show-bin-path)/chronicle-witness"
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "== init"
"$BIN" init --dir "$WORK/node" --name demo.localhost --listen 127.0.0.1:0 | tee "$WORK/init.txt"
NODE_PK=$(sed -n 's/^public key: //p' "$WORK/init.txt")

echo "== a client key, registered on the node"
"$BIN" keygen > "$WORK/client.txt"
CLIENT_PK=$(sed -n 's/^public key: //p' "$WORK/client.txt")
sed -n 's/^secret key: //p' "$WORK/client.txt" | tr -d '\n' > "$WORK/client.key"
chmod 600 "$WORK/client.key"
CLIENT_ID=$("$BIN" client add --dir "$WORK/node" --public-key "$CLIENT_PK" --comment demo)
echo "client id: $CLIENT_ID"

echo "== serve"
"$BIN" serve --dir "$WORK/node" > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$WORK/serve.out")
echo "node at $URL"

echo "== publish"
for body in "Hello, Chronicle!" '{"package":"acme/widget","version":"1.2.3"}' "unicode: é 😀"; do
    "$BIN" publish --url "$URL" --client-id "$CLIENT_ID" --secret-key "$WORK/client.key" --server-public-key "$NODE_PK" --body "$body"
done

echo "== a stale publish is refused (408)"
if "$BIN" publish --url "$URL" --client-id "$CLIENT_ID" --secret-key "$WORK/client.key" --server-public-key "$NODE_PK" \
    --body '{"now":"2020-01-01T00:00:00+00:00"}'; then echo "unexpected success"; exit 1; fi

echo "== verify-chain under the node key"
"$BIN" verify-chain --url "$URL" --public-key "$NODE_PK"

echo "== verify-chain under another key must fail"
OTHER=$("$BIN" keygen | sed -n 's/^public key: //p')
if "$BIN" verify-chain --url "$URL" --public-key "$OTHER"; then echo "unexpected success"; exit 1; fi

echo "== stop (SIGTERM)"
kill -TERM "$SERVER"; wait "$SERVER" || true
cat "$WORK/serve.out"
