#!/usr/bin/env python3
"""A minimal independent C2SP tlog-witness (server and client), written from the specs alone.

c2sp.org/tlog-witness `POST /add-checkpoint` with this node's status codes (witness-protocol
v2 §9), signed-note Ed25519 log keys (type 0x01), cosignature/v1 (type 0x04) and RFC 6962 /
RFC 9162 §2.1.4.2 consistency proofs. Python 3.11 stdlib + `cryptography`. Usage:

    tlog_witness.py serve --port P --name NAME --seed HEX --log VKEY [--log VKEY ...] --state FILE
    tlog_witness.py push URL (--body FILE | --note FILE [--old N] [--proof FILE])
    tlog_witness.py vkey --name NAME --seed HEX

`serve` prints "vkey: <witness vkey>" (flushed) and serves on 127.0.0.1:P (`--host` to
change). A log's origin is its vkey's name. Status codes: 200 cosigned; 400 malformed request,
old size > checkpoint size, or a consistency proof that does not verify; 403 unknown origin or
bad log signature; 409 (text/x.tlog.size, "<held size>\\n") old size != held size; 413 body
over 16 KiB; 422 same size as held, other root; 405 any other method; 404 any other path.
Check and update run under one lock, and the state file is written, fsynced and renamed into
place before the answer. No per-log query budget (429) is implemented.

`push` posts a request body (or one built from a signed note, an old size and a file of base64
proof lines) to URL + "/add-checkpoint" and prints the cosignature lines: exit 0 on 200, 1 with
the status and body otherwise, 2 on a usage or network error. `vkey` prints a witness vkey.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MAX_BODY = 16 * 1024
DECIMAL = re.compile(r"0|[1-9][0-9]*")
EMPTY_ROOT = hashlib.sha256(b"").digest()


class Refused(Exception):
    def __init__(self, status, message, body=None, ctype="text/plain; charset=utf-8"):
        self.status, self.body, self.ctype = status, body or (message + "\n").encode(), ctype


def h(data):
    return hashlib.sha256(data).digest()


def key_id(name, kind, pub):
    return h(name.encode() + b"\n" + bytes([kind]) + pub)[:4]


def b64_hash(text):
    """Strict base64 of exactly 32 bytes, or None."""
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return raw if len(raw) == 32 and base64.b64encode(raw).decode() == text else None


def parse_log_vkey(vkey):
    name, _, rest = vkey.partition("+")
    hex_id, _, key = rest.partition("+")
    raw = base64.b64decode(key, validate=True)
    if not name or len(raw) != 33 or raw[0] != 1 or hex_id.lower() != key_id(name, 1, raw[1:]).hex():
        raise ValueError(f"not an Ed25519 (type 0x01) note vkey: {vkey}")
    return name, key_id(name, 1, raw[1:]), Ed25519PublicKey.from_public_bytes(raw[1:])


def witness_key(name, seed_hex):
    priv = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    pub = priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = key_id(name, 4, pub)
    return priv, kid, f"{name}+{kid.hex()}+{base64.b64encode(bytes([4]) + pub).decode()}"


def consistent(m, n, root1, root2, proof):
    """RFC 9162 §2.1.4.2 verification of a consistency proof from size m to n (0 < m < n)."""
    if m & (m - 1) == 0:
        proof = [root1] + proof
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    if not proof:
        return False
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = h(b"\x01" + c + fr), h(b"\x01" + c + sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = h(b"\x01" + sr + c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == root1 and sr == root2


def size_of(text):
    """A canonical decimal tree size below 2^63, or None."""
    return int(text) if DECIMAL.fullmatch(text) and len(text) <= 19 and int(text) < 1 << 63 else None


def parse_request(body):
    """(old, proof, text, [(name, sig bytes)]) or Refused(400)."""
    head, sep, note = body.partition(b"\n\n")
    lines = head.split(b"\n")
    old = size_of(lines[0][4:].decode("ascii", "replace")) if lines[0].startswith(b"old ") else None
    if not sep or old is None:
        raise Refused(400, "malformed request: old size line and an empty line are required")
    proof = [b64_hash(line.decode("ascii", "replace")) for line in lines[1:]]
    if None in proof or len(proof) > 63 or (proof and old == 0):
        raise Refused(400, "malformed request: bad proof lines (base64 hashes, at most 63, none for old 0)")
    try:
        text = note.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "malformed note: not UTF-8") from None
    cut = text.rfind("\n\n")
    body_lines, sig_block = text[:cut + 1].split("\n")[:-1], text[cut + 2:]
    if cut < 0 or any(ord(c) < 0x20 and c != "\n" for c in text) or not sig_block.endswith("\n"):
        raise Refused(400, "malformed note: text, empty line and signature lines required")
    if len(body_lines) < 3 or "" in body_lines or size_of(body_lines[1]) is None \
            or b64_hash(body_lines[2]) is None:
        raise Refused(400, "malformed checkpoint: origin, size and base64 root hash lines required")
    sigs = []
    for line in sig_block[:-1].split("\n"):
        name, _, sig = line[2:].partition(" ")
        try:
            raw = base64.b64decode(sig, validate=True)
        except ValueError:
            raw = b""
        if not line.startswith("\u2014 ") or not name or " " in sig or len(raw) < 5:
            raise Refused(400, f"malformed signature line: {line!r}")
        sigs.append((name, raw))
    return old, proof, text[:cut + 1], sigs


class Witness:
    def __init__(self, name, seed_hex, logs, state_file):
        self.name, self.state_file = name, state_file
        self.priv, self.kid, self.vkey = witness_key(name, seed_hex)
        self.logs = {}
        for vkey in logs:
            origin, kid, pub = parse_log_vkey(vkey)
            self.logs.setdefault(origin, []).append((origin, kid, pub))
        self.lock = threading.Lock()
        self.state = {}
        if os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as f:
                self.state = json.load(f)

    def persist(self):
        tmp = self.state_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.state, f, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_file)
        fd = os.open(os.path.dirname(os.path.abspath(self.state_file)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def add_checkpoint(self, body):
        old, proof, text, sigs = parse_request(body)
        origin, size_line, root_line = text.split("\n")[:3]
        size, root = int(size_line), base64.b64decode(root_line)
        keys = self.logs.get(origin)
        if not keys:
            raise Refused(403, "unknown log")
        verified = False
        for name, raw in sigs:
            for kname, kid, pub in keys:
                if name == kname and raw[:4] == kid:
                    try:
                        pub.verify(raw[4:], text.encode())
                        verified = True
                    except InvalidSignature:
                        raise Refused(403, "invalid log signature") from None
        if not verified:
            raise Refused(403, "no signature by a known key of the log")
        with self.lock:
            held = self.state.get(origin, {"size": 0, "root": None})
            if old > size:
                raise Refused(400, "old size > checkpoint size")
            if old != held["size"]:
                raise Refused(409, "old size != held size", f"{held['size']}\n".encode(), "text/x.tlog.size")
            if old == size:
                if root != (EMPTY_ROOT if held["root"] is None else base64.b64decode(held["root"])):
                    raise Refused(422, "same size as the held checkpoint, other root hash")
            elif old > 0 and not consistent(old, size, base64.b64decode(held["root"]), root, proof):
                raise Refused(400, "consistency proof does not verify")
            if size > held["size"] or held["root"] is None:
                self.state[origin] = {"size": size, "root": root_line}
                self.persist()
        t = int(time.time())
        sig = self.priv.sign(f"cosignature/v1\ntime {t}\n{text}".encode())
        line = base64.b64encode(self.kid + t.to_bytes(8, "big") + sig).decode()
        return f"\u2014 {self.name} {line}\n".encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    witness = None

    def answer(self, status, body, ctype="text/plain; charset=utf-8", close=False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if status == 405:
            self.send_header("Allow", "POST")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path != "/add-checkpoint":
            return self.answer(404, b"not found\n", close=True)
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            return self.answer(411, b"Content-Length required\n", close=True)
        if int(length) > MAX_BODY:
            left = int(length)
            while 0 < left <= 1 << 20:  # drain a moderate body so that the client reads the answer
                left -= len(self.rfile.read(min(left, 1 << 16))) or left
            return self.answer(413, b"request body over 16 KiB\n", close=True)
        try:
            self.answer(200, self.witness.add_checkpoint(self.rfile.read(int(length))))
        except Refused as r:
            self.answer(r.status, r.body, r.ctype)

    def other(self):
        found = self.path == "/add-checkpoint"
        self.answer(405 if found else 404, b"method not allowed\n" if found else b"not found\n", close=True)

    do_GET = do_PUT = do_DELETE = do_PATCH = other

    def log_message(self, *args):
        pass


def push(args):
    if args.body:
        body = open(args.body, "rb").read()
    else:
        proof = open(args.proof, "rb").read().split() if args.proof else []
        body = f"old {args.old}\n".encode() + b"".join(p + b"\n" for p in proof) + b"\n" + open(args.note, "rb").read()
    req = urllib.request.Request(args.url.rstrip("/") + "/add-checkpoint", data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            sys.stdout.write(resp.read().decode("utf-8", "replace"))
        return 0
    except urllib.error.HTTPError as e:
        print(f"{e.code} {e.read().decode('utf-8', 'replace').strip()}")
        return 1
    except OSError as e:
        print(f"tlog_witness: {e}", file=sys.stderr)
        return 2


def main():
    parser = argparse.ArgumentParser(description="minimal C2SP tlog-witness and client")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--log", action="append", required=True, help="a log's type 0x01 vkey")
    s.add_argument("--state", required=True, help="the JSON state file")
    p = sub.add_parser("push")
    p.add_argument("url")
    p.add_argument("--body", help="a whole request body")
    p.add_argument("--note", help="a signed checkpoint note")
    p.add_argument("--old", type=int, default=0)
    p.add_argument("--proof", help="consistency proof: base64 hashes, one per line")
    v = sub.add_parser("vkey")
    for q in (s, v):
        q.add_argument("--name", required=True)
        q.add_argument("--seed", required=True, help="32-byte hex Ed25519 seed")
    args = parser.parse_args()
    try:
        if args.command == "vkey":
            print(witness_key(args.name, args.seed)[2])
            return 0
        if args.command == "push":
            if not (args.body or args.note):
                raise ValueError("push needs --body or --note")
            return push(args)
        Handler.witness = Witness(args.name, args.seed, args.log, args.state)
    except (ValueError, OSError) as error:
        print(f"tlog_witness: {error}", file=sys.stderr)
        return 2
    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"vkey: {Handler.witness.vkey}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
