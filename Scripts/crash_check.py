#!/usr/bin/env python3
"""Invariant checks for Scripts/crash-test.sh, against live nodes on 127.0.0.1.

  crash_check.py served UP_URL ACKED_FILE NEW_FILE
      every acknowledged currhash is in the upstream's /export, and each new one is served
      by /lookup/<currhash>
  crash_check.py observed STATE_FILE ORIGIN STATUS_JSON_FILE LOGGED_SIZE
      records the largest cosigned size seen before a kill (status, or the last
      "head verified and cosigned" log line, printed only after the commit)
  crash_check.py witness UP_URL W_URL W_PUBLIC_KEY ORIGIN STATUS_JSON_FILE STATE_FILE RESTARTED_AT
      the witness's status and its own ledger's witness-head/v1 records are consistent with the
      upstream's chain, every cosignature verifies, and the cosigned size never went down

Prints one summary line on success; on a violation prints it and exits 1.
"""
import base64
import concurrent.futures
import datetime
import hashlib
import http.client
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # crash-test.sh installs it; without it signatures cannot be checked
    Ed25519PublicKey = None


def merkle_root(leaves):
    """RFC 6962 §2.1 Merkle tree hash (SHA-256) over raw leaf data."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return hashlib.sha256(b"\x01" + merkle_root(leaves[:split]) + merkle_root(leaves[split:])).digest()


def fail(message):
    print("VIOLATION: " + message)
    sys.exit(1)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def export_hashes(base):
    status, body = get(base + "/export")
    if status != 200:
        fail(f"{base}/export answered {status}")
    results = json.loads(body)["results"]
    return [record["hash"] for record in results], results


def served(up_url, acked_file, new_file):
    acked = [line.strip() for line in open(acked_file) if line.strip()]
    new = [line.strip() for line in open(new_file) if line.strip()]
    hashes, _ = export_hashes(up_url)
    present = set(hashes)
    missing = [h for h in acked if h not in present]
    if missing:
        fail(f"{len(missing)} acknowledged entries are missing from /export, first {missing[0]}")
    parsed = urllib.parse.urlsplit(up_url)

    def lookup_all(hashes):
        """Looks hashes up over one kept-alive connection; returns the first failure, if any."""
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        for h in hashes:
            connection.request("GET", parsed.path + "/lookup/" + urllib.parse.quote(h, safe=""))
            response = connection.getresponse()
            body = response.read()
            results = json.loads(body).get("results") if response.status == 200 else None
            if response.status != 200 or not results or results[0].get("currhash") != h:
                return f"acknowledged entry {h} is not served by /lookup (status {response.status})"
        connection.close()
        return None

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for failure in pool.map(lookup_all, [new[i::4] for i in range(4)]):
            if failure:
                fail(failure)
    print(f"served: {len(acked)} acknowledged entries in a chain of {len(hashes)}, {len(new)} new ones looked up")


def verify_note(note, text, public_key, name):
    """The witness's own cosignature/v1 line in `note` verifies over `text`."""
    if not note.startswith(text + "\n"):
        fail(f"cosigned note does not carry the checkpoint text {text!r}")
    lines = [l for l in note[len(text) + 1:].split("\n") if l]
    mine = [l for l in lines if l.startswith("\u2014 " + name + " ")]
    if not mine:
        fail(f"cosigned note for {text!r} has no line by {name}")
    if Ed25519PublicKey is None:
        return
    key = Ed25519PublicKey.from_public_bytes(b64url(public_key))
    for line in mine:
        raw = base64.b64decode(line.split(" ")[2])
        if len(raw) != 76:
            fail(f"cosignature line {line!r} is not keyid||time||signature")
        time = int.from_bytes(raw[4:12], "big")
        message = f"cosignature/v1\ntime {time}\n{text}".encode()
        try:
            key.verify(raw[12:], message)
        except Exception:
            fail(f"cosignature by {name} does not verify over {text!r}")


def checkpoint_text(origin, size, root_std_b64):
    return f"{origin}\n{size}\n{root_std_b64}\n"


def witness(up_url, w_url, w_public_key, origin, status_file, state_file, restarted_at):
    # Order matters for a live node: the witness ledger first, then its status over HTTP (the
    # JSON `status --json` prints), then the upstream chain, so each read sees at least the state
    # of the one before it. status_file (read by the CLI just after the restart) must show the
    # poll resumed and no loss.
    _, records = export_hashes(w_url)
    status_code, body = get(w_url.rsplit("/chronicle", 1)[0] + "/witness/v1/upstreams")
    if status_code != 200:
        fail(f"/witness/v1/upstreams answered {status_code}")
    live = json.loads(body)["upstreams"]
    up_hashes, _ = export_hashes(up_url)
    status = next((u for u in live if u["origin"] == origin), None)
    resumed = next((u for u in json.load(open(status_file))["upstreams"] if u["origin"] == origin), None)
    if status is None or resumed is None:
        fail(f"status lists no upstream {origin}")
    heads = []
    for record in records:
        try:
            contents = json.loads(record["contents"])
        except ValueError:
            continue
        if isinstance(contents, dict) and contents.get("type") == "witness-head/v1" and contents.get("origin") == origin:
            heads.append(contents)
    state = json.load(open(state_file))
    name = state["name"]

    def on_chain(size, root_std, what):
        # witness-protocol v2 §2: the root is the RFC 6962 tree hash over the raw currhashes
        # (SHA-256 of the empty string for the empty chain), computed here from the upstream's
        # own export, independently of the node.
        if size > len(up_hashes):
            fail(f"{what}: size {size} is beyond the upstream's chain ({len(up_hashes)} entries)")
        expected = merkle_root([b64url(h) for h in up_hashes[:size]])
        if base64.b64decode(root_std) != expected:
            fail(f"{what}: root at size {size} is not the tree hash of the upstream's first {size} currhashes")

    previous = -1
    for head in heads:
        if head["size"] <= previous:
            fail(f"witness-head sizes not strictly increasing: {previous} then {head['size']}")
        previous = head["size"]
        on_chain(head["size"], head["root"], f"witness-head/v1 record at size {head['size']}")
        if head["size"] > 0 and head.get("currhash") != up_hashes[head["size"] - 1]:
            fail(f"witness-head/v1 record at size {head['size']}: currhash {head.get('currhash')} is not the upstream's")
        verify_note(head["cosigned"], checkpoint_text(origin, head["size"], head["root"]), w_public_key, name)

    if status["state"] in ("split-view", "frozen") or status["evidence"]:
        fail(f"the honest upstream is marked {status['state']} with evidence {status['evidence']}")
    if resumed["size"] < state["max_size"]:
        fail(f"cosigned size went down: {state['max_size']} before the kill, {resumed['size']} after the restart")
    size = status["size"]
    if size < resumed["size"]:
        fail(f"cosigned size went down while running: {resumed['size']}, then {size}")
    if status["cosigned"]:
        text = status["cosigned"].split("\n\n")[0] + "\n"
        lines = text.split("\n")
        if int(lines[1]) != size:
            fail(f"status size {size} but its note says {lines[1]}")
        on_chain(size, lines[2], "status cosigned note")
        verify_note(status["cosigned"], text, w_public_key, name)
    if heads and heads[-1]["size"] > size:
        fail(f"ledger records size {heads[-1]['size']} but status cosigns only {size}")
    last_poll = resumed.get("last_poll")
    if last_poll is None or datetime.datetime.fromisoformat(last_poll.replace("Z", "+00:00")).timestamp() < int(restarted_at):
        fail(f"polling did not resume after the restart (last_poll {last_poll}, restarted at {restarted_at})")
    state["max_size"] = max(state["max_size"], size)
    json.dump(state, open(state_file, "w"))
    print(f"witness: cosigned {size} of {len(up_hashes)}, {len(heads)} head records increasing and on the chain, state {status['state']}")


def observed(state_file, origin, status_file, logged):
    state = json.load(open(state_file))
    sizes = [state["max_size"]] + [u["size"] for u in json.load(open(status_file))["upstreams"] if u["origin"] == origin]
    if logged:
        sizes.append(int(logged))
    state["max_size"] = max(sizes)
    json.dump(state, open(state_file, "w"))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "served":
        served(*arguments)
    elif command == "observed":
        observed(*arguments)
    elif command == "witness":
        witness(*arguments)
    else:
        fail("unknown command " + command)
