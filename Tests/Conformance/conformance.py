#!/usr/bin/env python3
"""A conformance kit for C2SP tlog-witness `POST /add-checkpoint`, runnable against any witness.

Written from the specs alone (c2sp.org/tlog-witness, tlog-checkpoint, tlog-cosignature,
signed-note, RFC 6962 §2.1), sharing no code with the Swift node: Ed25519 from the
`cryptography` package, SHA-256 from hashlib. Usage:

    conformance.py keygen [--seed HEX] [--origin O]
    conformance.py run URL [--seed HEX] [--origin O] [--witness-vkey VKEY]
                           [--profile auto|witness-protocol|c2sp|litewitness] [--json]

`keygen` prints the origin and the log vkey to configure on the witness under test
(`chronicle-witness log add --vkey VKEY`). `run` sends every request class of the protocol
to URL + "/add-checkpoint" and checks each status code against the chosen profile:

    witness-protocol  this node's binding status codes (witness-protocol v2 §9), strict
    c2sp              the current c2sp.org/tlog-witness text (404 unknown log, 422 bad proof,
                      409 same size other root; no body limit)
    litewitness       FiloSottile/litetlog (403 unknown log, 422 bad proof and same size
                      other root, lenient old line, no body limit)
    auto              any of the three; each answer is reported with the profiles it matches

Every 200 answer's cosignature lines are checked: with --witness-vkey (a type 0x04 vkey) the
witness's line must verify (Ed25519 over "cosignature/v1\\ntime T\\n" + the whole checkpoint
text); without it only their shape is checked, and the result says so.

Everything is deterministic from the seed (default: SHA-256("chronicle-witness conformance
kit v1"), origin conformance.example/log): the log key is Ed25519 with the seed as private
key, leaf i of the log's RFC 6962 tree is SHA-256(seed || uint64_be(i)), and the unconfigured
log and the stranger key use SHA-256(label || seed) as seed. So a second run against the same
witness learns the size it holds (an "old 0" probe answered 409) and grows the same tree.

Exit 0 when every class passes, 1 when any fails, 2 on a usage or network error.
"""
import argparse
import base64
import hashlib
import http.client
import json
import sys
import threading
import time
import urllib.parse

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

DEFAULT_SEED = "7e7e6dee7318c90981284baddc4fabc7b11b032d0ebd7341afda203822b3a23f"
DEFAULT_ORIGIN = "conformance.example/log"
PROFILES = ("witness-protocol", "c2sp", "litewitness")
MAX_BODY = 16 * 1024


class NetError(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).digest()


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def key_id(name, kind, pub):
    """C2SP signed-note key ID: SHA-256(name || 0x0A || type || public key)[:4]."""
    return sha256(name.encode() + b"\n" + bytes([kind]) + pub)[:4]


class LogKey:
    """An Ed25519 note signer (type 0x01) named `name`."""

    def __init__(self, name, seed):
        self.name, self.priv = name, Ed25519PrivateKey.from_private_bytes(seed)
        self.pub = self.priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.id = key_id(name, 1, self.pub)
        self.vkey = f"{name}+{self.id.hex()}+{b64(bytes([1]) + self.pub)}"

    def line(self, text, corrupt=False):
        sig = bytearray(self.id + self.priv.sign(text.encode()))
        if corrupt:
            sig[10] ^= 0x01
        return f"\u2014 {self.name} {b64(bytes(sig))}\n"


def parse_witness_vkey(vkey):
    """(name, keyid4, pubkey32) of a type 0x04 vkey name+hex8(keyid)+base64(0x04 || key)."""
    name, _, rest = vkey.partition("+")
    hex_id, _, key = rest.partition("+")
    try:
        raw = base64.b64decode(key, validate=True)
    except ValueError:
        raw = b""
    if not name or len(raw) != 33 or raw[0] != 4 or hex_id.lower() != key_id(name, 4, raw[1:]).hex():
        raise ValueError(f"not a type 0x04 (cosignature/v1) vkey with a matching key id: {vkey!r}")
    return name, bytes.fromhex(hex_id), raw[1:]


class Tree:
    """The log's RFC 6962 tree: leaf i = SHA-256(seed || uint64_be(i))."""

    def __init__(self, seed):
        self.seed, self.leaves = seed, []

    def leaf_hashes(self, n):
        while len(self.leaves) < n:
            data = sha256(self.seed + len(self.leaves).to_bytes(8, "big"))
            self.leaves.append(sha256(b"\x00" + data))
        return self.leaves[:n]

    @staticmethod
    def mth(hashes):
        if not hashes:
            return sha256(b"")
        if len(hashes) == 1:
            return hashes[0]
        k = 1 << ((len(hashes) - 1).bit_length() - 1)  # largest power of two < n
        return sha256(b"\x01" + Tree.mth(hashes[:k]) + Tree.mth(hashes[k:]))

    def root(self, n):
        return self.mth(self.leaf_hashes(n))

    def proof(self, m, n):
        """RFC 6962 §2.1.2 PROOF(m, D[n]); empty for m == 0 or m == n."""
        def subproof(m, d, b):
            if m == len(d):
                return [] if b else [self.mth(d)]
            k = 1 << ((len(d) - 1).bit_length() - 1)
            if m <= k:
                return subproof(m, d[:k], b) + [self.mth(d[k:])]
            return subproof(m - k, d[k:], False) + [self.mth(d[:k])]
        return [] if m in (0, n) else subproof(m, self.leaf_hashes(n), True)


def checkpoint(origin, size, root, extensions=()):
    return f"{origin}\n{size}\n{b64(root)}\n" + "".join(e + "\n" for e in extensions)


def request_body(old, proof, note):
    return (f"old {old}\n" + "".join(b64(p) + "\n" for p in proof) + "\n" + note).encode()


def accept(wp, c2sp=None, lite=None):
    """Accepted statuses per profile; c2sp and litewitness default to the §9 set."""
    return {"witness-protocol": set(wp), "c2sp": set(c2sp or wp), "litewitness": set(lite or wp)}


class Kit:
    def __init__(self, url, seed, origin, profile, witness_vkey):
        self.url = urllib.parse.urlsplit(url)
        if self.url.scheme not in ("http", "https") or not self.url.hostname:
            raise ValueError(f"not an http(s) URL: {url}")
        self.path = self.url.path.rstrip("/") + "/add-checkpoint"
        self.profile, self.origin = profile, origin
        self.log = LogKey(origin, seed)
        self.stranger = LogKey(origin, sha256(b"stranger" + seed))  # same name, other key
        self.unknown = LogKey(origin + "-unconfigured", sha256(b"unconfigured" + seed))
        self.tree = Tree(seed)
        self.witness = parse_witness_vkey(witness_vkey) if witness_vkey else None
        self.held = None
        self.results = []

    # ---- HTTP and bookkeeping -------------------------------------------------------------

    def send(self, method, body=None):
        cls = http.client.HTTPSConnection if self.url.scheme == "https" else http.client.HTTPConnection
        conn = cls(self.url.hostname, self.url.port, timeout=60)
        try:
            try:
                conn.request(method, self.path, body=body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the witness may answer (413) and close before reading a large body
            resp = conn.getresponse()
            return resp.status, resp.getheader("Content-Type"), resp.read()
        except (http.client.RemoteDisconnected, ConnectionResetError) as error:
            return 0, None, f"no HTTP answer: {error}".encode()  # reached, but no answer: a FAIL
        except (OSError, http.client.HTTPException) as error:
            raise NetError(f"{method} {self.url.geturl()}{self.path}: {error}") from error
        finally:
            conn.close()

    def note(self, size, root=None, lines=None, extensions=()):
        text = checkpoint(self.origin, size, self.tree.root(size) if root is None else root, extensions)
        return text, text + "\n" + "".join(lines(text) if lines else self.log.line(text))

    def push(self, old, size, proof=None, **kw):
        """POST one checkpoint of the log's tree; a 200 moves the held size forward."""
        text, note = self.note(size, **kw)
        proof = self.tree.proof(old, size) if proof is None else proof
        status, ctype, body = self.send("POST", request_body(old, proof, note))
        if status == 200 and size > (self.held or 0):
            self.held = size
        return status, ctype, body, text

    def record(self, name, status, accepted, ok=True, detail=""):
        allowed = set().union(*accepted.values()) if self.profile == "auto" else accepted[self.profile]
        matches = [p for p in PROFILES if status in accepted[p]]
        passed = status in allowed and ok
        self.results.append({"class": name, "pass": passed, "status": status, "matches": matches,
                             "accepted": {p: sorted(s) for p, s in accepted.items()}, "detail": detail})
        return passed

    def cosigned(self, name, got, accepted, text):
        """Record a class whose success answer is 200 with the witness's cosignature."""
        status, _, body, *_ = got
        if status != 200:
            return self.record(name, status, accepted, detail=body.decode("utf-8", "replace").strip()[:200])
        ok, detail = self.verify_cosignatures(text, body)
        return self.record(name, status, accepted, ok, detail)

    def verify_cosignatures(self, text, body):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return False, "200 body is not UTF-8"
        if not body.endswith("\n") or not body.strip():
            return False, f"200 body is not newline-terminated signature lines: {body!r}"
        sigs = []
        for line in body[:-1].split("\n"):
            name, _, sig = line[2:].partition(" ")
            try:
                raw = base64.b64decode(sig, validate=True)
            except ValueError:
                raw = b""
            if not line.startswith("\u2014 ") or not name or len(raw) < 5:
                return False, f"not a note signature line: {line!r}"
            sigs.append((name, raw))
        if self.witness is None:
            return True, "cosignature not verified: pass --witness-vkey"
        wname, wid, wpub = self.witness
        mine = [raw for name, raw in sigs if name == wname and raw[:4] == wid]
        if not mine:
            return False, f"no line by {wname} with key id {wid.hex()}: {body!r}"
        for raw in mine:
            t = int.from_bytes(raw[4:12], "big")
            message = f"cosignature/v1\ntime {t}\n{text}".encode()
            try:
                if len(raw) != 76:
                    raise InvalidSignature
                Ed25519PublicKey.from_public_bytes(wpub).verify(raw[12:], message)
            except InvalidSignature:
                return False, f"cosignature by {wname} does not verify over the checkpoint text"
            if t == 0 or t > time.time() + 600:
                return False, f"cosignature time {t} is zero or in the future"
        return True, f"cosignature by {wname} verified (time {t})"

    # ---- the request classes, in the order they run ------------------------------------------

    def first_push(self):
        """old 0 with a 3-leaf checkpoint: 200 on a fresh witness, else 409 names the held size."""
        got = self.push(0, 3)
        status, ctype, body, text = got
        if status == 409 and ctype == "text/x.tlog.size" and body.decode(errors="replace").strip().isdigit():
            self.held = int(body)
            return self.record("first-push", 409, accept([200, 409]),
                               detail=f"witness already holds the log at size {self.held}; continuing from it")
        ok = self.cosigned("first-push", got, accept([200]), text)
        if status != 200:
            self.held = None  # nothing to continue from
        return ok

    def growth(self):
        """Consistent growth by 5 leaves with an RFC 6962 proof."""
        self.previous = self.held
        got = self.push(self.held, self.held + 5)
        return self.cosigned("consistent-growth", got, accept([200]), got[3])

    def stale_old_size(self):
        """The size held before the growth, with a valid proof from it: 409 + the held size."""
        status, ctype, body, _ = self.push(self.previous, self.held + 2)
        want = f"{self.held}\n".encode()
        ok = status != 409 or (ctype == "text/x.tlog.size" and body == want)
        detail = f"Content-Type {ctype!r}, body {body!r} (want 'text/x.tlog.size', {want!r})"
        return self.record("stale-old-size", status, accept([409]), ok, detail)

    def bad_proof(self):
        proof = self.tree.proof(self.held, self.held + 3)
        proof[0] = bytes([proof[0][0] ^ 0x10]) + proof[0][1:]
        status, *_ = self.push(self.held, self.held + 3, proof=proof)
        return self.record("bad-proof", status, accept([400], [422], [422]))

    def missing_proof(self):
        status, *_ = self.push(self.held, self.held + 3, proof=[])
        return self.record("missing-proof", status, accept([400], [422], [422]))

    def unknown_log(self):
        """A well-signed checkpoint of an origin the witness was not told about."""
        text = checkpoint(self.unknown.name, 1, self.tree.root(1))
        status, *_ = self.send("POST", request_body(0, [], text + "\n" + self.unknown.line(text)))
        return self.record("unknown-log", status, accept([403], [404], [403]))

    def bad_signature(self):
        h, n = self.held, self.held + 3
        cases = [("bad-signature/corrupted", lambda t: self.log.line(t, corrupt=True)),
                 ("bad-signature/other-key", self.stranger.line),
                 ("bad-signature/corrupted+good", lambda t: self.log.line(t, True) + self.log.line(t))]
        return all([self.record(name, self.push(h, n, lines=lines)[0], accept([403]))
                    for name, lines in cases])

    def same_size_other_root(self):
        status, *_ = self.push(self.held, self.held, root=sha256(b"another root"))
        return self.record("same-size-other-root", status, accept([422], [409], [422]))

    def old_greater_than_size(self):
        """old = the held size (so no 409 applies), checkpoint one leaf smaller."""
        status, *_ = self.push(self.held, self.held - 1, proof=[])
        return self.record("old-greater-than-size", status, accept([400]))

    def oversized_body(self):
        """The held checkpoint with a 17 KiB extension line: a re-submission if no limit applies."""
        status, *_ = self.push(self.held, self.held, extensions=["x" * (MAX_BODY + 1024)])
        return self.record("oversized-body", status, accept([413], [400, 413, 200], [200, 413]))

    def malformed(self):
        """Each request breaks one grammar rule; the checkpoint is the held one, so that a
        lenient witness that accepts it changes nothing."""
        h = self.held
        _, note = self.note(h)
        _, note3 = self.note(h + 3)
        good = self.tree.proof(h, h + 3)
        size_text = f"{self.origin}\nseven\n{b64(self.tree.root(h))}\n"
        cases = [
            ("malformed/old-leading-zero", f"old 0{h}\n\n{note}", accept([400], [400], [400, 200])),
            ("malformed/old-negative", f"old -1\n\n{note}", accept([400])),
            ("malformed/proof-not-base64", f"old {h}\n%%not base64%%\n\n{note3}", accept([400])),
            ("malformed/64-proof-lines", f"old {h}\n" + f"{b64(good[0])}\n" * 64 + f"\n{note3}",
             accept([400], [400, 422], [400, 422])),
            ("malformed/proof-with-old-0", f"old 0\n{b64(good[0])}\n\n{note}",
             accept([400], [400, 409, 422], [409])),
            ("malformed/missing-blank-line", f"old {h}\n{note}", accept([400])),
            ("malformed/size-not-a-number", f"old {h}\n\n{size_text}\n{self.log.line(size_text)}",
             accept([400])),
        ]
        return all([self.record(name, self.send("POST", body.encode())[0], acc) for name, body, acc in cases])

    def wrong_method(self):
        status, *_ = self.send("GET")
        return self.record("wrong-method", status, accept([405], [405, 404], [405, 404]))

    def resubmission(self):
        """The held checkpoint again (old = size = held, no proof): cosigned again."""
        got = self.push(self.held, self.held)
        return self.cosigned("resubmission", got, accept([200]), got[3])

    def extension_lines(self):
        """Growth by 2 with two extension lines; the cosignature must cover the whole text."""
        got = self.push(self.held, self.held + 2, extensions=["conformance extension line", "x y z"])
        return self.cosigned("extension-lines", got, accept([200]), got[3])

    def concurrent_pushes(self):
        """Eight pushes from the held size at once, to sizes +1..+8: the check and the update
        are atomic, so exactly one is cosigned and the others see 409 with its size."""
        h, results = self.held, [None] * 8
        self.tree.leaf_hashes(h + 9)

        def one(i):
            try:
                results[i] = self.push(h, h + 1 + i)
            except NetError as error:
                results[i] = error
        threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for r in results:
            if isinstance(r, NetError):
                raise r
        won = [i for i, r in enumerate(results) if r[0] == 200]
        statuses = [r[0] for r in results]
        if len(won) != 1:
            return self.record("concurrent-pushes", 200 if won else statuses[0], accept([200]), False,
                               f"statuses {statuses}: want exactly one 200")
        want = f"{h + 1 + won[0]}\n".encode()
        ok, detail = self.verify_cosignatures(results[won[0]][3], results[won[0]][2])
        losers = all(r[0] == 409 and r[2] == want for i, r in enumerate(results) if i != won[0])
        return self.record("concurrent-pushes", 200, accept([200]), ok and losers,
                           f"statuses {statuses}, 409 bodies {want!r} expected; {detail}")

    def no_rollback(self):
        """After all the refusals a push from the held size still works, and an old 0 probe
        is answered 409 with exactly that new size."""
        got = self.push(self.held, self.held + 3)
        ok = self.cosigned("no-rollback/push", got, accept([200]), got[3])
        status, ctype, body, _ = self.push(0, 1)
        want = f"{self.held}\n".encode()
        self.record("no-rollback/probe", status, accept([409]), ctype == "text/x.tlog.size" and body == want,
                    f"Content-Type {ctype!r}, body {body!r} (want 'text/x.tlog.size', {want!r})")
        return ok

    def run(self):
        if not self.first_push():
            return
        for step in (self.growth, self.stale_old_size, self.bad_proof, self.missing_proof,
                     self.unknown_log, self.bad_signature, self.same_size_other_root,
                     self.old_greater_than_size, self.oversized_body, self.malformed,
                     self.wrong_method, self.resubmission, self.extension_lines, self.concurrent_pushes,
                     self.no_rollback):
            step()


def report(kit, as_json):
    failed = [r for r in kit.results if not r["pass"]]
    if as_json:
        print(json.dumps({"url": kit.url.geturl(), "profile": kit.profile, "origin": kit.origin,
                          "held_size": kit.held, "results": kit.results,
                          "passed": len(kit.results) - len(failed), "failed": len(failed)}, indent=2))
        return 1 if failed else 0
    for r in kit.results:
        sets = r["accepted"] if kit.profile == "auto" else {kit.profile: r["accepted"][kit.profile]}
        wanted = "; ".join(f"{p} {','.join(map(str, s))}" for p, s in sets.items())
        line = f"{'PASS' if r['pass'] else 'FAIL'}  {r['class']:<32} got {r['status']}"
        line += f" [{', '.join(r['matches']) or 'no profile'}]  accepted: {wanted}"
        print(line + (f"\n      {r['detail']}" if r["detail"] else ""))
    print(f"{len(kit.results) - len(failed)} passed, {len(failed)} failed "
          f"(profile {kit.profile}, held size now {kit.held})")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description="C2SP tlog-witness add-checkpoint conformance kit")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("keygen", "run"):
        p = sub.add_parser(name)
        if name == "run":
            p.add_argument("url", help="the witness's submission prefix, e.g. http://127.0.0.1:7380")
            p.add_argument("--profile", default="auto", choices=("auto",) + PROFILES)
            p.add_argument("--witness-vkey", help="the witness's type 0x04 vkey, to verify cosignatures")
            p.add_argument("--json", action="store_true", help="print the results as JSON")
        p.add_argument("--seed", default=DEFAULT_SEED, help="32-byte hex seed (default: the kit's)")
        p.add_argument("--origin", default=DEFAULT_ORIGIN, help=f"log origin (default {DEFAULT_ORIGIN})")
    args = parser.parse_args()
    try:
        seed = bytes.fromhex(args.seed)
        if len(seed) != 32:
            raise ValueError("--seed must be 32 bytes of hex")
        if args.command == "keygen":
            print(f"origin: {args.origin}\nvkey: {LogKey(args.origin, seed).vkey}")
            return 0
        kit = Kit(args.url, seed, args.origin, args.profile, args.witness_vkey)
    except ValueError as error:
        print(f"conformance: {error}", file=sys.stderr)
        return 2
    try:
        kit.run()
    except NetError as error:
        print(f"conformance: network error: {error}", file=sys.stderr)
        return 2
    return report(kit, args.json)


if __name__ == "__main__":
    sys.exit(main())
