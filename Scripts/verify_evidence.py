#!/usr/bin/env python3
"""An independent offline verifier of Chronicle Witness evidence (witness-protocol §6, §6.1).

Written from the specs alone, sharing no code with the Swift node: Ed25519 from the
`cryptography` package, BLAKE2b and SHA-256 from Python's hashlib. Usage:

    verify_evidence.py FILE        (or - for standard input)

Exit 0 and "proven: KIND ..." when the evidence proves the kind it claims, with the keys it
names and nothing else; exit 1 and "not proven: REASON" otherwise.

Reporter-attested evidence (§6.1): a freeze, or a rollback shown only by a signed "No record
found", rests on the reporter's word about which request each body answered. It is proven
only when it carries a valid "reporter_signature" made with the key of its "reported_by"
vkey; the verdict then names the reporter and the signing time, and adds the note "not
self-contained". The signature is base64(keyid4 || uint64_be(T) || ed25519_sig(message)) with

    message = "chronicle-witness/evidence/v2\n" || "time " || decimal(T) || "\n" ||
              kind || "\n" || origin || "\n" || upstream_key || "\n" ||
              for each item in order that has "upstream_signed":
                  upstream_signed.body || "\n" || upstream_signed.signature || "\n"

(the JSON string values as text: the body is its base64 text, not the decoded bytes).

A fork with no upstream-signed body is a Merkle log's (witness-protocol §9): two items whose
"cosigned" notes carry a valid C2SP signed-note Ed25519 line (type 0x01) of upstream_key, for
the evidence's origin, at one size with different roots. On
self-contained evidence a reporter_signature is optional, but one that is present must verify.
"""
import base64
import datetime
import hashlib
import json
import re
import sys

import witness_keys
from witness_keys import b64std

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class NotProven(Exception):
    pass


def b64url(text, length=None):
    """Chronicle's base64url (padding optional); None if it is not `length` bytes."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        return None
    return raw if length is None or len(raw) == length else None


def ed25519_ok(key, signature, message):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def atom(text):
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None


class Entry:
    """One served record (lookup or export spelling) and whether it recomputes."""

    def __init__(self, item, position, row):
        self.label = f"item {item} entry {position}"
        self.contents = row.get("contents")
        prev = row.get("prevhash", row.get("prev"))
        self.parent = b"" if prev in (None, "") else b64url(prev, 32)
        self.current = b64url(row.get("currhash", row.get("hash", "")), 32)
        pk = b64url(row.get("publickey", ""), 32)
        sig = b64url(row.get("signature", ""), 64)
        created = row.get("created", "")
        self.valid = False
        if None in (self.parent, self.current, pk, sig) or not isinstance(self.contents, str):
            return
        body = self.contents.encode("utf-8")
        if not ed25519_ok(pk, sig, body):
            return
        h = hashlib.blake2b(digest_size=32, key=self.parent)  # empty key: unkeyed genesis
        h.update(created.encode("ascii") + pk + sig + body)
        self.valid = h.digest() == self.current


class Body:
    def __init__(self, item, raw):
        self.item = item
        doc = json.loads(raw)
        if not isinstance(doc, dict):
            raise NotProven(f"item {item}'s body is not a JSON object")
        self.datetime = atom(doc.get("datetime"))
        self.status = doc.get("status")
        self.no_record = self.status == "ERROR" and doc.get("message") == "No record found matching this hash."
        results = doc.get("results")
        rows = results if isinstance(results, list) and all(isinstance(r, dict) for r in results) else []
        self.entries = [Entry(item, i + 1, row) for i, row in enumerate(rows)]
        self.has_total = "total" in doc
        self.paginated = bool(doc.get("paginated"))
        self.next = doc.get("next") is not None
        self.lasthash_shaped = self.status == "OK" and len(self.entries) == 1 and not self.has_total and not self.paginated
        self.lists_to_head = self.status == "OK" and (self.has_total or self.paginated) and not self.next


def signed_bodies(evidence, key):
    bodies = []
    for index, item in enumerate(evidence.get("items", []), start=1):
        signed = item.get("upstream_signed")
        if not signed:
            continue
        raw = base64.b64decode(signed["body"], validate=True)
        sig = b64url(signed["signature"], 64)
        if sig is None or not ed25519_ok(key, sig, raw):
            raise NotProven(f"item {index}'s upstream_signed does not verify under upstream_key")
        bodies.append(Body(index, raw))
    return bodies


def fork(bodies):
    entries = [e for b in bodies for e in b.entries if e.valid]
    for a in entries:
        for b in entries:
            if a.parent == b.parent and a.current != b.current:
                return f"{a.label} and {b.label} follow the same prevhash with different currhashes"
    raise NotProven("no two recomputing entries share a prevhash with different currhashes")


def rollback(bodies):
    weak = None
    for a in bodies:
        for h in (e for e in a.entries if e.valid):
            for b in bodies:
                if b is a or not (a.datetime and b.datetime and b.datetime > a.datetime):
                    continue
                if any(o.valid and o.parent == h.parent and o.current != h.current for o in b.entries):
                    return f"item {b.item} puts another entry where item {a.item} served {h.label}", True
                chain = b.entries
                linked = all(e.valid for e in chain) and all(chain[i].parent == chain[i - 1].current for i in range(1, len(chain)))
                if h.parent and b.lists_to_head and chain and linked and chain[-1].current == h.parent:
                    return f"item {b.item} lists the chain to its head ending at the parent of {h.label}", True
                if b.no_record and weak is None:
                    weak = f"item {b.item} answers 'No record found' after item {a.item} served {h.label}"
    if weak:
        return weak, False
    raise NotProven("no later body denies or cuts an entry an earlier body served")


def freeze(bodies):
    material = {e.current: e for b in bodies for e in b.entries if e.valid}
    for b in bodies:
        if not (b.lasthash_shaped and b.datetime and b.entries[0].valid):
            continue
        last = b.entries[0].current
        for a in bodies:
            if a is b or not (a.datetime and a.datetime < b.datetime):
                continue
            for e in (x for x in a.entries if x.valid and x.current != last):
                walk, steps = e, 0
                while walk.parent and steps <= len(material):
                    if walk.parent == last:
                        return f"item {b.item} names an ancestor of {e.label}, served earlier by item {a.item}", False
                    walk = material.get(walk.parent)
                    if walk is None:
                        break
                    steps += 1
    raise NotProven("no later one-record body names an ancestor of an entry served earlier")


def log_signed(note, key):
    """(size, root) of a note whose text is a checkpoint and which carries a valid C2SP
    signed-note Ed25519 line (type 0x01) of `key` under any key name, and no failing one."""
    if not isinstance(note, str) or "\n\n" not in note:
        return None
    text, lines = note.split("\n\n", 1)
    text += "\n"
    head = text.split("\n")
    if len(head) < 4 or not re.fullmatch(r"0|[1-9][0-9]*", head[1]):
        return None
    try:
        root = base64.b64decode(head[2], validate=True)
    except ValueError:
        return None
    if len(root) != 32:
        return None
    valid = False
    for line in lines.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "\u2014":
            continue
        try:
            sig = base64.b64decode(parts[2])
        except ValueError:
            continue
        keyid = hashlib.sha256(parts[1].encode() + b"\n\x01" + key).digest()[:4]
        if sig[:4] != keyid:
            continue
        if len(sig) != 68 or not ed25519_ok(key, sig[4:], text.encode()):
            return None
        valid = True
    return (head[0], int(head[1]), root) if valid else None


def log_fork(evidence, key):
    """witness-protocol §9: two checkpoints the log key signed, one size, two roots."""
    found = []
    for index, item in enumerate(evidence.get("items", []), start=1):
        checkpoint = log_signed(item.get("cosigned"), key)
        if checkpoint and checkpoint[0] == evidence.get("origin"):
            found.append((index,) + checkpoint)
    for a in found:
        for b in found:
            if a[0] < b[0] and a[2] == b[2] and a[3] != b[3]:
                return f"the log signed two checkpoints of size {a[2]} with different roots (items {a[0]} and {b[0]})"
    raise NotProven("no two log-signed checkpoints of the origin at one size with different roots")


def equivocation(evidence):
    vkey = evidence.get("witness") or ""
    name, keyid_hex, key_b64 = (vkey.split("+", 2) + ["", ""])[:3]
    raw = base64.b64decode(key_b64 or "", validate=False)
    if len(raw) != 33 or raw[0] != 4:
        raise NotProven("witness is not a cosignature/v1 vkey")
    keyid = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if keyid.hex() != keyid_hex:
        raise NotProven("the witness vkey's key id does not match its key")
    checkpoints = []
    for item in evidence.get("items", []):
        note = item.get("cosigned")
        if not note or "\n\n" not in note:
            continue
        text, lines = note.split("\n\n", 1)
        text += "\n"
        for line in lines.splitlines():
            parts = line.split(" ")
            if len(parts) != 3 or parts[0] != "\u2014" or parts[1] != name:
                continue
            sig = base64.b64decode(parts[2])
            if len(sig) != 76 or sig[:4] != keyid:
                continue
            time = int.from_bytes(sig[4:12], "big")
            message = f"cosignature/v1\ntime {time}\n".encode() + text.encode()
            if ed25519_ok(raw[1:], sig[12:], message):
                origin, size, root = text.split("\n")[:3]
                checkpoints.append((origin, size, root))
    for a in checkpoints:
        for b in checkpoints:
            if a[0] == b[0] and a[1] == b[1] and a[2] != b[2]:
                return f"{name} cosigned two roots at size {a[1]} of {a[0]}"
    raise NotProven("no two valid cosignatures of the witness at one size with different roots")


def parse_vkey(vkey, what):
    """A C2SP Ed25519 cosignature vkey: (name, keyid4, pubkey32)."""
    try:
        return witness_keys.parse_vkey(vkey, what)
    except ValueError as error:
        raise NotProven(str(error)) from None


def reporter_message(evidence, time):
    """The §6.1 message the reporter signs, from the object's JSON string values."""
    fields = [evidence.get("kind"), evidence.get("origin"), evidence.get("upstream_key")]
    for index, item in enumerate(evidence.get("items", []), start=1):
        if not isinstance(item, dict):
            raise NotProven(f"item {index} is not a JSON object")
        signed = item.get("upstream_signed")
        if signed is None:
            continue
        if not isinstance(signed, dict):
            raise NotProven(f"item {index}'s upstream_signed is not a JSON object")
        fields += [signed.get("body"), signed.get("signature")]
    if not all(isinstance(f, str) for f in fields):
        raise NotProven("kind, origin, upstream_key and every upstream_signed body and signature must be strings")
    text = f"chronicle-witness/evidence/v2\ntime {time}\n" + "".join(f + "\n" for f in fields)
    return text.encode("utf-8")


def reporter_signature(evidence):
    """(name, T) when the reporter_signature verifies under reported_by; NotProven otherwise."""
    name, keyid, key = parse_vkey(evidence.get("reported_by"), "reported_by")
    sig = b64std(evidence.get("reporter_signature"), 4 + 8 + 64)
    if sig is None:
        raise NotProven("reporter_signature is not base64 of keyid4 || uint64 time || 64-byte signature")
    if sig[:4] != keyid:
        raise NotProven("reporter_signature's key id is not reported_by's")
    time = int.from_bytes(sig[4:12], "big")
    if not ed25519_ok(key, sig[12:], reporter_message(evidence, time)):
        raise NotProven(f"reporter_signature does not verify under reported_by ({name})")
    return name, time


def verify(evidence):
    if not isinstance(evidence, dict):
        raise NotProven("the evidence is not a JSON object")
    if evidence.get("type") != "split-view-evidence/v1":
        raise NotProven("not a split-view-evidence/v1 object")
    key = b64url(evidence.get("upstream_key", ""), 32)
    if key is None:
        raise NotProven("upstream_key is not a 32-byte base64url key")
    kind = evidence.get("kind")
    summary, self_contained = proves(evidence, kind, signed_bodies(evidence, key))
    if self_contained and "reporter_signature" not in evidence:
        return summary, True
    if not self_contained and "reporter_signature" not in evidence:
        raise NotProven(f"{kind} evidence is reporter-attested ({summary}) and carries no reporter_signature")
    name, time = reporter_signature(evidence)
    if self_contained:
        return f"{summary}; self-contained, also signed by reporter {name} at {time}", True
    return f"{summary}; reporter-attested, signed by {name} at {time}", False


def proves(evidence, kind, bodies):
    """(summary, self-contained) when the items prove `kind`; NotProven otherwise."""
    if kind == "fork":
        # No upstream-signed body: a Merkle log's fork (witness-protocol §9).
        return (fork(bodies) if bodies else log_fork(evidence, b64url(evidence.get("upstream_key", ""), 32))), True
    if kind == "rollback":
        return rollback(bodies)
    if kind == "freeze":
        return freeze(bodies)
    if kind == "witness-equivocation":
        return equivocation(evidence), True
    raise NotProven(f"unknown kind {kind!r}")


def main():
    source = sys.stdin if sys.argv[1:] == ["-"] else open(sys.argv[1], encoding="utf-8")
    try:
        evidence = json.load(source)
        summary, self_contained = verify(evidence)
    except NotProven as reason:
        print(f"not proven: {reason}")
        return 1
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        print(f"not proven: malformed evidence ({error})")
        return 1
    print(f"proven: {evidence['kind']}: {summary}")
    if not self_contained:
        print("note: not self-contained: it rests on which request a signed body answered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
