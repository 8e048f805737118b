#!/usr/bin/env python3
"""An independent offline verifier of Chronicle entry proofs (witness-protocol §7.1).

Written from the specs alone, sharing no code with the Swift node: Ed25519 from the
`cryptography` package (through verify_evidence.py), BLAKE2b and SHA-256 from Python's
hashlib. Usage:

    verify_proof.py --policy POLICY_FILE [--origin ORIGIN] [--entry-key B64URL]
                    PROOF_FILE                  (or - for standard input)

PROOF_FILE is a `c2sp.org/tlog-proof@v1` file, exact bytes:

    c2sp.org/tlog-proof@v1
    extra <base64 of a JSON object: prevhash, currhash, created, publickey, signature, contents>
    index <leaf index, 0-based, decimal without leading zeros>
    <inclusion proof hashes, base64 of 32 bytes, one per line, at most 63>
    <empty line>
    <origin>
    <size>
    <base64 root>
    <empty line>
    — <name> <base64(keyid4 || uint64_be(T) || ed25519 signature)>
    ...

The JSON values are Chronicle's strings as its /export serves them: prevhash, currhash and
publickey canonical base64url with padding, `prevhash` null, "" or absent for the first entry
(index 0) and only for it; the signature string as the publisher sent it (read as Chronicle
decodes it); other members are ignored, a repeated member is refused. The proof is accepted
only when, in order:

1. the file parses strictly (the checkpoint is exactly origin, size, root; at least one
   signature line);
2. the entry recomputes: currhash = BLAKE2b-256(key = raw prevhash, empty for the first entry,
   created || raw publickey || raw signature || contents) (chronicle-protocol §2.1, §2.2), and
   its Ed25519 signature over the contents bytes verifies under its own publickey (§3.3); with
   --entry-key that publickey must be the given one;
3. the RFC 6962 leaf SHA-256(0x00 || raw currhash) at `index`, walked up the inclusion proof
   (RFC 9162 §2.1.3.2: index < size, exactly the right number of hashes), gives the root;
4. the cosignatures satisfy POLICY_FILE's quorum: a C2SP tlog-policy text (`witness NAME VKEY
   [URL]`, `group NAME K|all|any MEMBER...`, `quorum NAME|none`, `log ...` ignored, `#`
   comments), parsed as chronicle-witness parses it. A signature line whose name and key id
   are a policy witness's vkey must verify over "cosignature/v1\\ntime T\\n" || checkpoint text,
   or the whole note is refused; other lines are ignored. Cosignature times are printed, not
   judged: freshness is an online question;
5. with --origin, the checkpoint's origin is exactly ORIGIN.

Exit 0 and "verified: ..." followed by the entry and the counted witnesses; exit 1 and
"not verified: REASON" (one line) when the proof is refused; exit 2 on bad usage, an
unreadable file or a malformed policy.
"""
import argparse
import base64
import binascii
import datetime
import hashlib
import json
import re
import sys

import witness_keys
from witness_keys import b64std
from verify_evidence import ed25519_ok

HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES = 63
MAX_SIGNATURE_LINES = 100  # as C2SP signed-note readers (golang.org/x/mod/sumdb/note)
MAX_UINT64 = 2**64 - 1
COSIGNATURE_LENGTH = 4 + 8 + 64
DECIMAL = re.compile(r"0|[1-9][0-9]*")
B64URL_CHARS = re.compile(r"[A-Za-z0-9_-]*")


class Refused(Exception):
    """The proof does not prove what it claims; the message is the one-line reason."""


class BadPolicy(Exception):
    """The policy file is malformed (a usage error, exit 2)."""


# Encodings ---------------------------------------------------------------------------------

def b64std_any(text):
    """Strict RFC 4648 §4 base64 of any length (canonical, padded); None otherwise."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def b64url_canonical(text, length):
    """Chronicle's own encoding of a hash or key: canonical padded base64url of `length` bytes."""
    if not isinstance(text, str) or not B64URL_CHARS.fullmatch(text.rstrip("=")):
        return None
    try:
        raw = base64.urlsafe_b64decode(text)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != length or base64.urlsafe_b64encode(raw).decode("ascii") != text:
        return None
    return raw


def b64url_lenient(text, length):
    """Base64url as Chronicle's server decodes it (chronicle-protocol §1.1): trailing `=` are
    optional, unused low bits are not checked, a dangling last character is ignored; only the
    url-safe alphabet. Chronicle serves an entry's `signature` verbatim as its client sent it,
    so the signature is read this way (its decoded bytes are what the chain hashed)."""
    if not isinstance(text, str):
        return None
    body = text.rstrip("=")
    if not B64URL_CHARS.fullmatch(body):
        return None
    if len(body) % 4 == 1:
        body = body[:-1]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return raw if len(raw) == length else None


def decimal(text, what):
    """An ASCII decimal without leading zeros that fits in uint64."""
    if not DECIMAL.fullmatch(text) or int(text) > MAX_UINT64:
        raise Refused(f"{what} {text!r} is not a decimal number without leading zeros (uint64)")
    return int(text)


def rfc3339(posix):
    try:
        return datetime.datetime.fromtimestamp(posix, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return f"{posix} (POSIX seconds, beyond the calendar)"


# The proof file ----------------------------------------------------------------------------

class Proof:
    """A parsed tlog-proof: extra, index, proof hashes, checkpoint and signature lines."""

    def __init__(self, extra, index, hashes, checkpoint_text, origin, size, root, signatures):
        self.extra = extra
        self.index = index
        self.hashes = hashes
        self.checkpoint_text = checkpoint_text
        self.origin = origin
        self.size = size
        self.root = root
        self.signatures = signatures  # [(name, decoded bytes)]


def valid_key_name(name):
    """C2SP signed-note: non-empty, no '+', no Unicode white space, no control characters."""
    return bool(name) and not any(c == "+" or c.isspace() or ord(c) < 0x20 for c in name)


def parse_proof(data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("the proof is not valid UTF-8") from None
    if not text.endswith("\n"):
        raise Refused("the proof does not end with a newline")
    bad = next((i for i, c in enumerate(text) if ord(c) < 0x20 and c != "\n"), None)
    if bad is not None:
        raise Refused(f"control character {text[bad]!r} at character {bad}; only newlines are allowed")
    lines = text[:-1].split("\n")
    if lines[0] != HEADER:
        raise Refused(f"the first line is not {HEADER}")
    if len(lines) < 3 or not lines[1].startswith("extra "):
        raise Refused("the second line is not 'extra <base64>' (the Chronicle entry this proof is about)")
    extra = b64std_any(lines[1][len("extra "):])
    if not extra:
        raise Refused("the extra line is not canonical base64 of a non-empty value")
    if not lines[2].startswith("index "):
        raise Refused("the third line is not 'index <decimal>'")
    index = decimal(lines[2][len("index "):], "index")

    at = 3
    hashes = []
    while at < len(lines) and lines[at] != "":
        raw = b64std(lines[at], 32)
        if raw is None:
            raise Refused(f"proof line {len(hashes) + 1} {lines[at]!r} is not canonical base64 of 32 bytes")
        hashes.append(raw)
        if len(hashes) > MAX_PROOF_HASHES:
            raise Refused(f"the inclusion proof has more than {MAX_PROOF_HASHES} hashes")
        at += 1
    if at == len(lines):
        raise Refused("no empty line separates the inclusion proof from the checkpoint")

    note = lines[at + 1:]
    if "" not in note:
        raise Refused("the note has no empty line between the checkpoint and its signatures")
    blank = note.index("")
    if blank != 3:
        raise Refused(f"the checkpoint has {blank} lines; it must be exactly origin, size, root")
    origin, size_text, root_text = note[:3]
    if not origin or any(c.isspace() for c in origin):
        raise Refused(f"the checkpoint origin {origin!r} is empty or contains white space")
    size = decimal(size_text, "the checkpoint size")
    root = b64std(root_text, 32)
    if root is None:
        raise Refused(f"the checkpoint root {root_text!r} is not canonical base64 of 32 bytes")
    checkpoint_text = "\n".join(note[:3]) + "\n"

    signature_lines = note[4:]
    if not signature_lines:
        raise Refused("the checkpoint carries no signature lines")
    if len(signature_lines) > MAX_SIGNATURE_LINES:
        raise Refused(f"the note has {len(signature_lines)} signature lines; at most {MAX_SIGNATURE_LINES}")
    signatures = []
    for line in signature_lines:
        parts = line.split(" ")
        blob = None
        if len(parts) == 3 and parts[0] == "\u2014" and valid_key_name(parts[1]):
            try:
                blob = base64.b64decode(parts[2], validate=True)
            except (binascii.Error, ValueError):
                blob = None
        if blob is None or len(blob) < 5:
            raise Refused(f"signature line {line!r} is not '\u2014 name base64'")
        signatures.append((parts[1], blob))
    return Proof(extra, index, hashes, checkpoint_text, origin, size, root, signatures)


# The Chronicle entry -----------------------------------------------------------------------

def reject_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise Refused(f"the extra JSON repeats the member {key!r}")
        seen[key] = value
    return seen


def reject_constant(name):
    raise Refused(f"the extra JSON contains {name}")


class Entry:
    """The entry named in `extra`, with its fields decoded (raw bytes where Chronicle hashes bytes)."""

    def __init__(self, extra):
        try:
            doc = json.loads(extra.decode("utf-8"), object_pairs_hook=reject_duplicates,
                             parse_constant=reject_constant)
        except (UnicodeDecodeError, ValueError) as error:
            raise Refused(f"the extra data is not a JSON object ({error})") from None
        if not isinstance(doc, dict):
            raise Refused("the extra data is not a JSON object")
        for field in ("currhash", "created", "publickey", "signature", "contents"):
            if not isinstance(doc.get(field), str):
                raise Refused(f"the entry has no string {field!r}")
        self.contents = doc["contents"]
        self.created = doc["created"]
        prev = doc.get("prevhash")
        if prev is None or prev == "":
            self.prevhash = b""  # the first entry: unkeyed BLAKE2b (chronicle-protocol §2.4)
        else:
            self.prevhash = b64url_canonical(prev, 32)
            if self.prevhash is None:
                raise Refused("the entry's prevhash is not null, \"\" or padded base64url of 32 bytes")
        self.currhash = b64url_canonical(doc["currhash"], 32)
        if self.currhash is None:
            raise Refused("the entry's currhash is not padded base64url of 32 bytes")
        self.publickey = b64url_canonical(doc["publickey"], 32)
        if self.publickey is None:
            raise Refused("the entry's publickey is not padded base64url of 32 bytes")
        self.signature = b64url_lenient(doc["signature"], 64)
        if self.signature is None:
            raise Refused("the entry's signature is not base64url of 64 bytes")
        try:
            self.body = self.contents.encode("utf-8")
            self.created_bytes = self.created.encode("utf-8")
        except UnicodeEncodeError:
            raise Refused("the entry's contents or created is not valid Unicode text") from None

    def recomputed_currhash(self):
        """chronicle-protocol §2.1, §2.2: BLAKE2b-256(key = prevhash, created || pk || sig || body)."""
        h = hashlib.blake2b(digest_size=32, key=self.prevhash)
        h.update(self.created_bytes + self.publickey + self.signature + self.body)
        return h.digest()

    def summary(self):
        if len(self.contents) <= 72 and self.contents.isprintable():
            return f"contents {json.dumps(self.contents, ensure_ascii=False)}"
        return f"contents of {len(self.body)} bytes"


def check_entry(entry, index, entry_key):
    if (index == 0) != (entry.prevhash == b""):
        if index == 0:
            raise Refused("the entry at index 0 is the chain's first and must have no prevhash")
        raise Refused(f"the entry at index {index} has no prevhash; only the first entry (index 0) has none")
    if entry.recomputed_currhash() != entry.currhash:
        raise Refused("the entry does not recompute: BLAKE2b(prevhash; created || publickey || signature || contents) is not its currhash")
    if not ed25519_ok(entry.publickey, entry.signature, entry.body):
        raise Refused("the entry's Ed25519 signature over its contents does not verify under its publickey")
    if entry_key is not None and entry.publickey != entry_key:
        raise Refused("the entry is signed by "
                      f"{base64.urlsafe_b64encode(entry.publickey).decode()}, not by the --entry-key")


# The Merkle tree (RFC 6962 hashing, RFC 9162 §2.1.3.2 verification) -------------------------

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_proof_length(index, size):
    """Hashes in the audit path of leaf `index` in a tree of `size` leaves (index < size)."""
    inner = (index ^ (size - 1)).bit_length()
    return inner + bin(index >> inner).count("1")


def root_from_inclusion(index, size, leaf, proof):
    """RFC 9162 §2.1.3.2; None if the proof does not have the shape of that audit path."""
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def check_inclusion(proof, entry):
    if proof.index >= proof.size:
        raise Refused(f"index {proof.index} is not below the checkpoint size {proof.size}")
    expected = inclusion_proof_length(proof.index, proof.size)
    if len(proof.hashes) != expected:
        raise Refused(f"the inclusion proof has {len(proof.hashes)} hashes; index {proof.index} "
                      f"in a tree of size {proof.size} needs exactly {expected}")
    root = root_from_inclusion(proof.index, proof.size, leaf_hash(entry.currhash), proof.hashes)
    if root != proof.root:
        raise Refused(f"the inclusion proof of the entry's currhash at index {proof.index} "
                      "does not lead to the checkpoint root")


# The witness policy (C2SP tlog-policy, as Sources/WitnessCore/Policy parses it) -------------

class Witness:
    def __init__(self, local, vkey):
        self.local = local
        self.vkey = vkey
        self.name, self.keyid, self.key = witness_keys.parse_vkey(vkey, f"the vkey of {local}")


class Rule:
    """`none`, one witness, or a group of K members (witnesses or groups)."""

    def __init__(self, witness=None, name=None, threshold=0, members=()):
        self.witness, self.name, self.threshold, self.members = witness, name, threshold, list(members)

    def satisfied(self, counted):
        if self.witness is not None:
            return self.witness.local in counted
        if self.name is None:
            return True  # quorum none
        return sum(m.satisfied(counted) for m in self.members) >= self.threshold

    def __str__(self):
        if self.witness is not None:
            return self.witness.local
        if self.name is None:
            return "none (any checkpoint is accepted: testing only)"
        kind = "all" if self.threshold == len(self.members) else f"{self.threshold} of"
        return f"{self.name}: {kind} ({', '.join(str(m) for m in self.members)})"


class Policy:
    def __init__(self, text):
        lines = []
        definitions = {}
        for number, raw in enumerate(text.split("\n"), start=1):
            raw = raw[:-1] if raw.endswith("\r") else raw
            words = []
            for word in re.split(r"[ \t]+", raw):
                if word.startswith("#"):
                    break
                if word:
                    words.append(word)
            if not words:
                continue
            if len(words) > 1 and words[0] in ("witness", "group"):
                definitions.setdefault(words[1], number)
            lines.append((number, raw, words))
        self.witnesses = []
        self.quorum = None
        rules, keys = {}, {}
        quorum_line = None

        def fail(number, raw, problem):
            raise BadPolicy(f"policy line {number} {raw!r}: {problem}")

        def define(number, raw, name):
            if name == "none":
                fail(number, raw, '"none" is reserved for the empty quorum')
            if name in rules:
                fail(number, raw, f"{name!r} is already defined on line {rules[name][1]}")

        def resolve(number, raw, name, group=None):
            if name in rules:
                return rules[name][0]
            if name == group:
                fail(number, raw, f"group {name!r} cannot contain itself")
            if definitions.get(name, 0) > number:
                fail(number, raw, f"{name!r} is defined only later, on line {definitions[name]}")
            fail(number, raw, f"{name!r} is not a witness or group defined above")

        for number, raw, words in lines:
            keyword = words[0]
            if keyword == "log":
                continue
            if keyword == "witness":
                if len(words) not in (3, 4):
                    fail(number, raw, "expected 'witness NAME VKEY [URL]'")
                define(number, raw, words[1])
                try:
                    witness = Witness(words[1], words[2])
                except ValueError as error:
                    fail(number, raw, str(error))
                identity = (witness.name, witness.key)
                if identity in keys:
                    fail(number, raw, f"the vkey is already pinned on line {keys[identity]}")
                if len(words) == 4 and not re.match(r"https?://[^/\s]", words[3]):
                    fail(number, raw, f"{words[3]!r} is not an http:// or https:// URL")
                keys[identity] = number
                rules[words[1]] = (Rule(witness=witness), number)
                self.witnesses.append(witness)
            elif keyword == "group":
                if len(words) < 4:
                    fail(number, raw, "expected 'group NAME K|all|any MEMBER...'")
                name, threshold_text, member_names = words[1], words[2], words[3:]
                define(number, raw, name)
                if threshold_text == "all":
                    threshold = len(member_names)
                elif threshold_text == "any":
                    threshold = 1
                elif threshold_text.isascii() and threshold_text.isdigit():
                    threshold = int(threshold_text)
                else:
                    fail(number, raw, f"threshold {threshold_text!r} is not a number, 'all' or 'any'")
                if len(set(member_names)) != len(member_names):
                    fail(number, raw, "a member is listed twice")
                members = [resolve(number, raw, m, group=name) for m in member_names]
                if threshold == 0:
                    fail(number, raw, "a threshold of 0 is satisfied by nobody")
                if threshold > len(members):
                    fail(number, raw, f"threshold {threshold} exceeds the {len(members)} members")
                rules[name] = (Rule(name=name, threshold=threshold, members=members), number)
            elif keyword == "quorum":
                if len(words) != 2:
                    fail(number, raw, "expected 'quorum NAME|none'")
                if quorum_line is not None:
                    fail(number, raw, f"a second quorum line; the first is line {quorum_line}")
                self.quorum = Rule() if words[1] == "none" else resolve(number, raw, words[1])
                quorum_line = number
            else:
                fail(number, raw, "unknown keyword; a line is witness, group, quorum or log")
        if self.quorum is None:
            raise BadPolicy("policy: no 'quorum NAME' line")


def cosignatures(proof, policy):
    """{local name: newest T} of the policy witnesses with valid lines; Refused if a known
    key's line fails (witness-protocol §3)."""
    counted = {}
    for witness in policy.witnesses:
        for name, blob in proof.signatures:
            if name != witness.name or blob[:4] != witness.keyid:
                continue
            time = int.from_bytes(blob[4:12], "big")
            message = f"cosignature/v1\ntime {time}\n{proof.checkpoint_text}".encode("utf-8")
            if len(blob) != COSIGNATURE_LENGTH or not ed25519_ok(witness.key, blob[12:], message):
                raise Refused(f"the cosignature line of policy witness {witness.local} ({witness.name}) "
                              "does not verify; a known key's failing line rejects the note")
            counted[witness.local] = max(time, counted.get(witness.local, 0))
    return counted


# Verification ------------------------------------------------------------------------------

def verify(data, policy, origin=None, entry_key=None):
    """The verdict lines when `data` proves its entry under `policy`; Refused otherwise."""
    proof = parse_proof(data)
    entry = Entry(proof.extra)
    check_entry(entry, proof.index, entry_key)
    check_inclusion(proof, entry)
    counted = cosignatures(proof, policy)
    if not policy.quorum.satisfied(counted):
        have = ", ".join(w for w in counted) or "no policy witness"
        raise Refused(f"the policy quorum {policy.quorum} is not met; valid cosignatures from {have}")
    if origin is not None and proof.origin != origin:
        raise Refused(f"the checkpoint origin is {proof.origin!r}, not {origin!r}")
    currhash = base64.urlsafe_b64encode(entry.currhash).decode("ascii")
    publickey = base64.urlsafe_b64encode(entry.publickey).decode("ascii")
    verdict = [
        f"verified: entry {proof.index + 1} (index {proof.index}) of {proof.origin} at size {proof.size}",
        f"entry: currhash {currhash}, created {entry.created}, signed by {publickey}, {entry.summary()}",
    ]
    for witness in policy.witnesses:
        if witness.local in counted:
            verdict.append(f"cosigned by {witness.local} ({witness.name}) at {rfc3339(counted[witness.local])}")
    verdict.append(f"quorum {policy.quorum} met by {len(counted)} witness(es)")
    return verdict


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"not verified: bad arguments ({message})")
        sys.exit(2)


def main(argv=None):
    parser = Parser(description="Verify a Chronicle entry proof (c2sp.org/tlog-proof@v1, witness-protocol §7.1) offline.")
    parser.add_argument("--policy", required=True, metavar="FILE", help="C2SP tlog-policy text: witnesses, groups, quorum")
    parser.add_argument("--origin", help="the checkpoint origin must be exactly this")
    parser.add_argument("--entry-key", metavar="B64URL", help="the entry must be signed by this Ed25519 key (base64url)")
    parser.add_argument("proof", metavar="PROOF_FILE", help="the proof file, or - for standard input")
    args = parser.parse_args(argv)
    entry_key = None
    if args.entry_key is not None:
        entry_key = b64url_lenient(args.entry_key, 32)
        if entry_key is None:
            print("not verified: bad arguments (--entry-key is not base64url of a 32-byte key)")
            return 2
    try:
        with open(args.policy, encoding="utf-8") as source:
            policy = Policy(source.read())
        if args.proof == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.proof, "rb") as source:
                data = source.read()
    except (OSError, UnicodeDecodeError) as error:
        print(f"not verified: cannot read an input ({error})")
        return 2
    except BadPolicy as error:
        print(f"not verified: {error}")
        return 2
    try:
        verdict = verify(data, policy, args.origin, entry_key)
    except Refused as reason:
        print(f"not verified: {reason}")
        return 1
    print("\n".join(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
