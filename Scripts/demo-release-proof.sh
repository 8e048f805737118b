#!/usr/bin/env bash
# Demo of release proofs (witness-protocol v2 §7.1) with the real binary only, Packagist-shaped:
#   a package ledger publishes key and release events; three witnesses cosign its tree head;
#   one release gets a proof file (c2sp.org/tlog-proof@v1); every server is stopped and the proof
#   still verifies, with `check --proof`, an independent Python verifier and the PHP verifier (whose
#   Composer example installs it); a tampered release body and a proof from a witness shown a split
#   view are refused by all three; online, the PHP client acts on the witnesses' fork evidence.
# Everything stops by itself (KEEP=1 keeps the scratch directory).
cd "$(dirname "$0")/.."
source Scripts/lib/demo.sh
START=$SECONDS
ORIGIN=packages.localhost/chronicle

echo "== a package ledger (our node in ledger mode) and the vendor's publishing key"
"$BIN" keygen > "$WORK/vendor.txt"
field "secret key" "$WORK/vendor.txt" | tr -d '\n' > "$WORK/vendor.key"; chmod 600 "$WORK/vendor.key"
VENDOR_PK=$(field "public key" "$WORK/vendor.txt")
"$BIN" init --dir "$WORK/ledger" --name packages.localhost --listen 127.0.0.1:0 > "$WORK/ledger.txt"
LEDGER_PK=$(field "public key" "$WORK/ledger.txt")
"$BIN" client add --dir "$WORK/ledger" --public-key "$VENDOR_PK" > "$WORK/ledger.client"
serve "$WORK/ledger"; LEDGER_URL=$URL; LEDGER_PID=$PID
publish() { # publish URL BODY -> prints the entry's currhash
    "$BIN" publish --url "$1" --client-id "$(cat "$WORK/ledger.client")" --secret-key "$WORK/vendor.key" \
        --server-public-key "$LEDGER_PK" --body "$2" | sed -n 's/^ *"currhash": "\(.*\)",$/\1/p'
}
tarball_sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
publish "$LEDGER_URL" "{\"type\":\"key-add\",\"vendor\":\"vendor\",\"key\":\"$VENDOR_PK\"}" > /dev/null
publish "$LEDGER_URL" "{\"type\":\"release\",\"package\":\"vendor/pkg\",\"version\":\"1.0.0\",\"sha256\":\"$(tarball_sha 'pkg 1.0.0')\"}" > /dev/null
RELEASE=$(publish "$LEDGER_URL" "{\"type\":\"release\",\"package\":\"vendor/pkg\",\"version\":\"1.2.3\",\"sha256\":\"$(tarball_sha 'pkg 1.2.3')\"}")
echo "vendor/pkg 1.2.3 is entry 3, currhash $RELEASE"

echo "== the ledger is copied at size 3; the copy will show one witness another history"
stop "$LEDGER_PID"
cp -r "$WORK/ledger" "$WORK/ledger-copy"
serve "$WORK/ledger"; LEDGER_URL=$URL
serve "$WORK/ledger-copy"; COPY_URL=$URL
publish "$LEDGER_URL" "{\"type\":\"release\",\"package\":\"vendor/pkg\",\"version\":\"1.3.0\",\"sha256\":\"$(tarball_sha 'pkg 1.3.0')\"}" > /dev/null
EVIL=$(publish "$COPY_URL" "{\"type\":\"release\",\"package\":\"vendor/pkg\",\"version\":\"1.3.0\",\"sha256\":\"$(tarball_sha 'backdoored')\"}")

echo "== three witnesses cosign the ledger's tree head: w1 and w2 see it, w3 is shown the copy"
declare -A W_URL
for w in w1 w2 w3; do
    "$BIN" init --dir "$WORK/$w" --name "$w.localhost" --listen 127.0.0.1:0 > "$WORK/$w.txt"
    SOURCE=$LEDGER_URL; [ "$w" = w3 ] && SOURCE=$COPY_URL
    "$BIN" upstream add --dir "$WORK/$w" --origin $ORIGIN --url "$SOURCE" --public-key "$LEDGER_PK" >/dev/null
    serve "$WORK/$w" --poll-interval 1s --gossip-interval 1s --log-level warning
    W_URL[$w]=${URL%/chronicle}
done
write_policy "$WORK/policy.txt" w1 w2 w3
peer_all w1 w2 w3
# prove_with N: the release proof from w1 carries N cosignatures on the size-4 checkpoint.
prove_with() {
    "$BIN" prove --witness "${W_URL[w1]}" --origin $ORIGIN --entry "$RELEASE" -o "$WORK/pkg-1.2.3.tlog-proof" 2> "$WORK/prove.err" &&
        grep -q "checkpoint of size 4 with $1 cosignature" "$WORK/prove.err"
}
wait_for 60 prove_with 2
cat "$WORK/prove.err"
"$BIN" prove --witness "${W_URL[w3]}" --origin $ORIGIN --entry "$EVIL" -o "$WORK/evil-1.3.0.tlog-proof" 2>/dev/null
echo "== the proof file ($(wc -c < "$WORK/pkg-1.2.3.tlog-proof") bytes) ships beside the release:"
cat "$WORK/pkg-1.2.3.tlog-proof"
echo "== (the witnesses also caught the split view among themselves)"
has_fork() { "$BIN" evidence list --dir "$WORK/$1" | grep -q fork; }
wait_for 60 has_fork w1 && "$BIN" evidence list --dir "$WORK/w1"
echo "== online, the PHP client (clients/php): with the ledger's key it acts on that evidence, as check does"
set +e
php clients/php/bin/check-head --policy "$WORK/policy.txt" --origin $ORIGIN --max-age 600 --upstream-key "$LEDGER_PK"
CODE=$?
php clients/php/examples/verify-release.php --proof "$WORK/pkg-1.2.3.tlog-proof" --policy "$WORK/policy.txt" --origin $ORIGIN \
    --publisher-key "$VENDOR_PK" --package vendor/pkg --version 1.2.3 --sha256 "$(tarball_sha 'pkg 1.2.3')" --online --chronicle-key "$LEDGER_PK"
INSTALL=$?
set -e
[ "$CODE" -eq 4 ] && [ "$INSTALL" -eq 1 ] || { echo "expected check-head 4 (split view proven) and the Composer example to refuse, got $CODE and $INSTALL"; exit 1; }

echo "== the network is unplugged: every server stops"
for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
PIDS=()
if curl -s --max-time 1 "${W_URL[w1]}/" > /dev/null; then echo "a server is still answering"; exit 1; fi

echo "== offline: check --proof verifies the release (entry, inclusion, quorum)"
"$BIN" check --proof "$WORK/pkg-1.2.3.tlog-proof" --policy "$WORK/policy.txt" --origin $ORIGIN --entry-key "$VENDOR_PK"
echo "== offline: the independent verifier (Python, written from the specs) agrees"
/usr/bin/python3 Scripts/verify_proof.py --policy "$WORK/policy.txt" --origin $ORIGIN --entry-key "$VENDOR_PK" "$WORK/pkg-1.2.3.tlog-proof"
echo "== offline: so do the PHP verifier and its Composer example (a plugin would install 1.2.3, and nothing else)"
php clients/php/bin/verify-proof --policy "$WORK/policy.txt" --origin $ORIGIN --entry-key "$VENDOR_PK" "$WORK/pkg-1.2.3.tlog-proof" > /dev/null
php clients/php/examples/verify-release.php --proof "$WORK/pkg-1.2.3.tlog-proof" --policy "$WORK/policy.txt" --origin $ORIGIN \
    --publisher-key "$VENDOR_PK" --package vendor/pkg --version 1.2.3 --sha256 "$(tarball_sha 'pkg 1.2.3')"

expect_refused() { # expect_refused FILE WHAT
    set +e
    "$BIN" check --proof "$1" --policy "$WORK/policy.txt" --origin $ORIGIN
    local code=$?
    /usr/bin/python3 Scripts/verify_proof.py --policy "$WORK/policy.txt" "$1"
    local python=$?
    php clients/php/bin/verify-proof --policy "$WORK/policy.txt" "$1" > /dev/null
    local php=$?
    set -e
    [ "$code" -eq 1 ] && [ "$python" -eq 1 ] && [ "$php" -eq 1 ] ||
        { echo "expected the three verifiers to refuse $2 (exit 1), got $code, $python and $php"; exit 1; }
}
echo "== a tampered release body (another tarball hash in the same entry) is refused"
EXTRA=$(sed -n 's/^extra //p' "$WORK/pkg-1.2.3.tlog-proof" | base64 -d | sed "s/$(tarball_sha 'pkg 1.2.3')/$(tarball_sha 'backdoored')/" | base64 -w0)
sed "s|^extra .*|extra $EXTRA|" "$WORK/pkg-1.2.3.tlog-proof" > "$WORK/tampered.tlog-proof"
expect_refused "$WORK/tampered.tlog-proof" "a tampered release"
echo "== the backdoored 1.3.0 that w3 was shown: its proof is against a checkpoint only w3 cosigned"
expect_refused "$WORK/evil-1.3.0.tlog-proof" "a split-view proof"
echo "== done in $((SECONDS - START)) s"
