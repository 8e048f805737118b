# Shared by the demo scripts (source it from the repository root): builds the binary, makes a
# scratch directory that is removed at exit (KEEP=1 keeps it), and stops every node started
# with `serve` when the script ends, however it ends.
set -euo pipefail
Scripts/setup.sh
swift build --product chronicle-witness >/dev/null
BIN="$(swift build --show-bin-path)/chronicle-witness"
WORK="$(mktemp -d)"
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

# serve DIR [flags...]: starts `serve --dir DIR`, waits for its `listening on` line; sets PID and
# URL (the API base, …/chronicle). Output goes to DIR.out and DIR.err.
serve() {
    local dir=$1; shift
    "$BIN" serve --dir "$dir" "$@" > "$dir.out" 2> "$dir.err" &
    PID=$!
    PIDS+=("$PID")
    for _ in $(seq 1 200); do grep -q "listening on" "$dir.out" 2>/dev/null && break; sleep 0.05; done
    URL=$(sed -n 's/^listening on //p' "$dir.out")
    [ -n "$URL" ] || { echo "$dir did not start:"; cat "$dir.err"; exit 1; }
}

# stop PID: SIGTERM and wait (a clean stop).
stop() { kill -TERM "$1"; wait "$1" 2>/dev/null || true; }

# wait_for SECONDS COMMAND...: polls until the command succeeds, or fails the demo.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS > deadline)); then echo "timed out waiting for: $*"; exit 1; fi
        sleep 0.2
    done
}

# field NAME FILE: the value of a "NAME: value" line printed by init or keygen.
field() { sed -n "s/^$1: //p" "$2"; }

# write_policy FILE W...: a client policy (C2SP tlog-policy) of the witnesses W (data directories
# $WORK/W, vkeys in $WORK/W.txt, URLs in the W_URL array), 2 of them for a quorum; prints it.
write_policy() {
    local file=$1; shift
    {
        for w in "$@"; do echo "witness $w $(field "witness vkey" "$WORK/$w.txt") ${W_URL[$w]}"; done
        echo "group witnesses 2 $*"
        echo "quorum witnesses"
    } > "$file"
    cat "$file"
}

# peer_all W...: every witness W adds every other as a peer (vkey and W_URL).
peer_all() {
    for w in "$@"; do
        for p in "$@"; do
            [ "$w" = "$p" ] && continue
            "$BIN" peer add --dir "$WORK/$w" --vkey "$(field "witness vkey" "$WORK/$p.txt")" --url "${W_URL[$p]}" --operator "demo $p" >/dev/null
        done
    done
}
