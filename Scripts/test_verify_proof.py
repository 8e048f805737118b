#!/usr/bin/env python3
"""Tests of Scripts/verify_proof.py: python3 Scripts/test_verify_proof.py

Standard-library unittest plus `cryptography` (as verify_evidence.py). Everything the proofs are
made of is built here, independently of the verifier: a Chronicle chain (real Ed25519 keys,
BLAKE2b chaining per chronicle-protocol §2), the RFC 6962 tree and audit paths, a checkpoint and
cosignatures of three witnesses under a 2-of-3 policy. The builders are checked against the
chronicle-protocol §2.8 vectors and, on the real PHP chain (Tests/Fixtures/chronicle-real, a
byte-for-byte copy of /work/shared/fixtures/chronicle-real), the witness-protocol §2.1 roots.
"""
import base64
import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import verify_proof  # noqa: E402

REAL_CHAIN = next(p for p in (
    os.path.join(HERE, "..", "Tests", "Fixtures", "chronicle-real", "chain", "a-export-final.json"),
    "/work/shared/fixtures/chronicle-real/chain/a-export-final.json",
) if os.path.exists(p))
REAL_ROOTS = {  # witness-protocol §2.1
    1: "6Vz3P4iDgnErDCWfZQEf6Pq+/t5/cOXFk/2vusmCREY=",
    2: "QeJJDJVBzYciiWDIxbd0wb/KOwmFm2GqMmQfaEN1NAE=",
    3: "WMyqYvb+lqwCICApMk5+hHbb1H1Zx2kb6vjwasluFPM=",
    50: "15q4+LHwA9IABoYnjj9MyX7JqLTcUeknDuJdVx2jdBc=",
    56: "IyXWztYE8t1vpo3EFOVB/RDyii+Gd1epnJX5pQbEq+o=",
}
ORIGIN = "chronicle.example.org/chronicle"
T0 = 1795000000


# Builders, written independently of verify_proof.py ----------------------------------------

def b64u(raw):
    return base64.urlsafe_b64encode(raw).decode("ascii")


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def raw_public(private):
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def seeded(seed):
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed.encode()).digest())


def append(chain, client, created, contents, signature=None):
    """Appends an entry to `chain` (a list of extra-shaped dicts) as chronicle-protocol §2.5 does."""
    body = contents.encode("utf-8")
    sig = signature if signature is not None else client.sign(body)
    pk = raw_public(client)
    prev = chain[-1]["currhash"] if chain else None
    key = base64.urlsafe_b64decode(prev) if prev else b""
    currhash = hashlib.blake2b(created.encode() + pk + sig + body, digest_size=32, key=key).digest()
    chain.append({"prevhash": prev, "currhash": b64u(currhash), "created": created,
                  "publickey": b64u(pk), "signature": b64u(sig), "contents": contents})


def mth(leaves):
    """RFC 6962 §2.1 Merkle tree hash of raw leaf data."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def audit_path(m, leaves):
    """RFC 6962 §2.1.1 PATH(m, D[n])."""
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return audit_path(m, leaves[:k]) + [mth(leaves[k:])]
    return audit_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def currhashes(chain):
    return [base64.urlsafe_b64decode(e["currhash"]) for e in chain]


class WitnessKey:
    def __init__(self, name):
        self.name = name
        self.private = seeded("witness " + name)
        typed = b"\x04" + raw_public(self.private)
        self.keyid = hashlib.sha256(name.encode() + b"\n" + typed).digest()[:4]
        self.vkey = f"{name}+{self.keyid.hex()}+{b64(typed)}"

    def line(self, checkpoint_text, time, corrupt=False):
        message = f"cosignature/v1\ntime {time}\n{checkpoint_text}".encode()
        sig = bytearray(self.private.sign(message))
        if corrupt:
            sig[10] ^= 1
        return f"\u2014 {self.name} {b64(self.keyid + time.to_bytes(8, 'big') + bytes(sig))}\n"


def checkpoint_text(origin, leaves):
    return f"{origin}\n{len(leaves)}\n{b64(mth(leaves))}\n"


def proof_file(entry, index, path, note, extra=None):
    extra = extra if extra is not None else json.dumps(entry).encode()
    out = f"c2sp.org/tlog-proof@v1\nextra {b64(extra)}\nindex {index}\n"
    out += "".join(b64(h) + "\n" for h in path)
    return (out + "\n" + note).encode("utf-8")


# The tests ---------------------------------------------------------------------------------

W1, W2, W3, STRANGER = (WitnessKey(n) for n in ("w1.example.org", "w2.example.org", "w3.example.org", "x.example.org"))
POLICY = f"""# three witnesses, any two of them
witness w1 {W1.vkey} https://w1.example.org
witness w2 {W2.vkey}
witness w3 {W3.vkey}   # no URL: seen through peers' notes
log {ORIGIN} ignored
group core 2 w1 w2 w3
quorum core
"""


class ProofTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.policy = cls.write("policy.txt", POLICY.encode())
        alice, bob = seeded("client alice"), seeded("client bob")
        cls.alice_key = b64u(raw_public(alice))
        cls.chain = []
        bodies = ['{"release": "1.0.0"}', "second entry", "", "caf\u00e9 \U0001F600",
                  "x" * 300, '{\n    "a": "b\\/c"\n}', "the last one"]
        for i, contents in enumerate(bodies):
            append(cls.chain, alice if i % 3 else bob, f"2026-11-25T03:06:{i:02d}+00:00", contents)
        cls.leaves = currhashes(cls.chain)
        cls.text = checkpoint_text(ORIGIN, cls.leaves)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def write(cls, name, data):
        path = os.path.join(cls.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def note(self, text=None, lines=None):
        text = text or self.text
        if lines is None:
            lines = [W1.line(text, T0), STRANGER.line(text, T0 + 5), W2.line(text, T0 + 7), W3.line(text, T0 + 9)]
        return text + "\n" + "".join(lines)

    def proof(self, index=3, **changes):
        entry = changes.pop("entry", self.chain[index])
        path = changes.pop("path", audit_path(index, self.leaves))
        return proof_file(entry, changes.pop("claimed_index", index), path, changes.pop("note", None) or self.note(), **changes)

    def run_verifier(self, data, *args, policy=None):
        path = self.write("p.tlog-proof", data)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = verify_proof.main(["--policy", policy or self.policy, *args, path])
        return code, out.getvalue()

    def accepted(self, data, *args, **kw):
        code, out = self.run_verifier(data, *args, **kw)
        self.assertEqual(code, 0, out)
        self.assertTrue(out.startswith("verified: "), out)
        return out

    def refused(self, data, reason, *args, **kw):
        code, out = self.run_verifier(data, *args, **kw)
        self.assertEqual(code, 1, out)
        self.assertTrue(out.startswith("not verified: "), out)
        self.assertEqual(out.count("\n"), 1, out)
        self.assertIn(reason, out)
        return out

    # Accepted

    def test_builders_reproduce_chronicle_vectors(self):
        chain = []
        client = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
        for i, body in enumerate(['{"hello":"world"}', "second entry", ""]):
            append(chain, client, f"2024-01-01T00:00:0{i}+00:00", body)
        self.assertEqual([e["currhash"] for e in chain], [  # chronicle-protocol §2.8
            "rFqgLh4ggh6kkEjvWmAcOwdoQ_TYpT8bPCrGM2UgsgM=",
            "LsatxkH1IEEKuZxU-SRLTI1F86R4GmLdb5aIH2VAhcs=",
            "9TOXcSlxbEsxD72FmRln_hQMGOVp0PX7pu_F9h7YSfo="])

    def test_every_index_verifies(self):
        for index in range(len(self.chain)):
            with self.subTest(index=index):
                out = self.accepted(self.proof(index), "--origin", ORIGIN)
                self.assertIn(f"(index {index}) of {ORIGIN} at size 7", out)
                self.assertIn("cosigned by w1 (w1.example.org) at 2026-11-18T11:06:40Z", out)
                self.assertIn("cosigned by w3 (w3.example.org)", out)
                self.assertNotIn("x.example.org", out)
                self.assertIn("quorum core: 2 of (w1, w2, w3) met by 3 witness(es)", out)

    def test_every_prefix_tree_verifies(self):
        for size in range(1, len(self.chain) + 1):
            text = checkpoint_text(ORIGIN, self.leaves[:size])
            for index in range(size):
                with self.subTest(size=size, index=index):
                    self.accepted(self.proof(index, path=audit_path(index, self.leaves[:size]), note=self.note(text)))

    def test_verdict_shows_short_contents_or_length(self):
        self.assertIn('contents "second entry"', self.accepted(self.proof(1)))
        self.assertIn("contents of 300 bytes", self.accepted(self.proof(4)))
        self.assertIn("caf\u00e9", self.accepted(self.proof(3)))

    def test_genesis_prevhash_null_empty_or_absent(self):
        for prev in (None, "", "absent"):
            entry = dict(self.chain[0])
            if prev == "absent":
                del entry["prevhash"]
            else:
                entry["prevhash"] = prev
            with self.subTest(prevhash=prev):
                self.accepted(self.proof(0, entry=entry))

    def test_two_of_three_is_enough(self):
        text = self.text
        for pair in ((W1, W2), (W2, W3), (W1, W3)):
            with self.subTest(pair=[w.name for w in pair]):
                out = self.accepted(self.proof(note=self.note(lines=[w.line(text, T0) for w in pair])))
                self.assertIn("met by 2 witness(es)", out)

    def test_entry_key_pins_the_signer(self):
        self.accepted(self.proof(1), "--entry-key", self.alice_key)
        self.refused(self.proof(0), "not by the --entry-key", "--entry-key", self.alice_key)

    def test_unpadded_client_signature_as_chronicle_serves_it(self):
        # Chronicle serves the publisher's signature string verbatim (chronicle-protocol §2.5).
        entry = dict(self.chain[2], signature=self.chain[2]["signature"].rstrip("="))
        self.accepted(self.proof(2, entry=entry))

    def test_quorum_none_and_any(self):
        none = self.write("none.txt", f"witness w1 {W1.vkey}\nquorum none\n".encode())
        self.accepted(self.proof(note=self.note(lines=[STRANGER.line(self.text, T0)])), policy=none)
        anyone = self.write("any.txt", f"witness a {W1.vkey}\nwitness b {W2.vkey}\ngroup g any a b\nquorum g\n".encode())
        self.accepted(self.proof(note=self.note(lines=[W2.line(self.text, T0)])), policy=anyone)

    def test_command_line_and_standard_input(self):
        script = os.path.join(HERE, "verify_proof.py")
        good = self.write("good.tlog-proof", self.proof(5))
        run = subprocess.run([sys.executable, script, "--policy", self.policy, "--origin", ORIGIN, good],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertTrue(run.stdout.startswith("verified: entry 6 (index 5)"), run.stdout)
        run = subprocess.run([sys.executable, script, "--policy", self.policy, "-"],
                             input=self.proof(5, claimed_index=4), capture_output=True)
        self.assertEqual(run.returncode, 1, run.stdout)
        self.assertTrue(run.stdout.startswith(b"not verified: "), run.stdout)
        run = subprocess.run([sys.executable, script, good], capture_output=True, text=True)
        self.assertEqual(run.returncode, 2, run.stdout)

    # Refused: the entry

    def test_tampered_contents(self):
        entry = dict(self.chain[3], contents=self.chain[3]["contents"] + " ")
        self.refused(self.proof(3, entry=entry), "does not recompute")

    def test_tampered_created_or_signature(self):
        self.refused(self.proof(3, entry=dict(self.chain[3], created="2026-11-25T03:06:03Z")), "does not recompute")
        sig = bytearray(base64.urlsafe_b64decode(self.chain[3]["signature"]))
        sig[0] ^= 1
        self.refused(self.proof(3, entry=dict(self.chain[3], signature=b64u(bytes(sig)))), "does not recompute")

    def test_entry_whose_signature_fails_though_it_recomputes(self):
        chain = []
        client = seeded("client mallory")
        append(chain, client, "2026-11-25T03:06:00+00:00", "genuine")
        append(chain, client, "2026-11-25T03:06:01+00:00", "forged", signature=client.sign(b"something else"))
        leaves = currhashes(chain)
        text = checkpoint_text(ORIGIN, leaves)
        note = text + "\n" + W1.line(text, T0) + W2.line(text, T0)
        self.accepted(proof_file(chain[0], 0, audit_path(0, leaves), note))
        self.refused(proof_file(chain[1], 1, audit_path(1, leaves), note), "signature over its contents does not verify")

    def test_prevhash_must_match_the_position(self):
        entry = dict(self.chain[2], prevhash=None)
        self.refused(self.proof(2, entry=entry), "only the first entry (index 0) has none")

    def test_malformed_extra(self):
        self.refused(self.proof(extra=b"[1, 2]"), "not a JSON object")
        self.refused(self.proof(extra=b"not json"), "not a JSON object")
        entry = json.dumps(self.chain[3])
        self.refused(self.proof(extra=(entry[:-1] + ', "contents": "other"}').encode()), "repeats the member 'contents'")
        missing = {k: v for k, v in self.chain[3].items() if k != "publickey"}
        self.refused(self.proof(entry=missing), "no string 'publickey'")
        # Export spelling (prev/hash) is not the proof's spelling.
        export = {"prev" if k == "prevhash" else "hash" if k == "currhash" else k: v for k, v in self.chain[3].items()}
        self.refused(self.proof(entry=export), "no string 'currhash'")
        self.refused(self.proof(entry=dict(self.chain[3], currhash=self.chain[3]["currhash"].rstrip("="))), "currhash is not padded")
        std = dict(self.chain[3], publickey=b64(base64.urlsafe_b64decode(self.chain[3]["publickey"])))
        self.assertNotEqual(std["publickey"], self.chain[3]["publickey"])  # bob's key has '-' and '_'
        self.refused(self.proof(entry=std), "publickey is not padded base64url")

    # Refused: the inclusion proof

    def test_wrong_index(self):
        for wrong in (2, 4, 6):
            with self.subTest(claimed=wrong):
                self.refused(self.proof(3, claimed_index=wrong), "inclusion proof")
        self.refused(self.proof(3, claimed_index=7), "index 7 is not below the checkpoint size 7")

    def test_truncated_proof(self):
        path = audit_path(3, self.leaves)
        self.refused(self.proof(3, path=path[:-1]), "needs exactly 3")
        self.refused(self.proof(6, path=[]), "has 0 hashes")

    def test_extended_proof(self):
        path = audit_path(3, self.leaves)
        self.refused(self.proof(3, path=path + [path[0]]), "has 4 hashes")

    def test_flipped_proof_byte(self):
        for i in range(3):
            path = audit_path(3, self.leaves)
            flipped = bytearray(path[i])
            flipped[31] ^= 0x80
            path[i] = bytes(flipped)
            with self.subTest(hash=i):
                self.refused(self.proof(3, path=path), "does not lead to the checkpoint root")

    def test_checkpoint_with_a_different_root(self):
        # Validly cosigned, but over a chain where entry 7 differs.
        other = self.leaves[:6] + [hashlib.sha256(b"another head").digest()]
        text = checkpoint_text(ORIGIN, other)
        self.refused(self.proof(3, note=self.note(text)), "does not lead to the checkpoint root")
        # And the proof of the real chain against a smaller tree's root.
        self.refused(self.proof(3, note=self.note(checkpoint_text(ORIGIN + "", self.leaves[:6]).replace("\n6\n", "\n7\n"))),
                     "does not lead to the checkpoint root")

    # Refused: cosignatures and origin

    def test_note_without_cosignatures(self):
        self.refused(self.proof(note=self.note(lines=[])), "no signature lines")

    def test_note_with_fewer_than_the_quorum(self):
        self.refused(self.proof(note=self.note(lines=[W2.line(self.text, T0)])), "not met; valid cosignatures from w2")
        self.refused(self.proof(note=self.note(lines=[STRANGER.line(self.text, T0)])), "from no policy witness")

    def test_known_key_whose_line_fails(self):
        lines = [W1.line(self.text, T0), W2.line(self.text, T0), W3.line(self.text, T0, corrupt=True)]
        self.refused(self.proof(note=self.note(lines=lines)), "policy witness w3 (w3.example.org) does not verify")
        # Signed over another checkpoint (size 6) but placed under this one.
        lines = [W1.line(self.text, T0), W2.line(self.text, T0), W3.line(checkpoint_text(ORIGIN, self.leaves[:6]), T0)]
        self.refused(self.proof(note=self.note(lines=lines)), "w3 (w3.example.org) does not verify")
        # Right signature, altered time.
        good = W1.line(self.text, T0)
        blob = bytearray(base64.b64decode(good.split(" ")[2]))
        blob[11] ^= 1
        lines = [f"\u2014 {W1.name} {b64(bytes(blob))}\n", W2.line(self.text, T0), W3.line(self.text, T0)]
        self.refused(self.proof(note=self.note(lines=lines)), "w1 (w1.example.org) does not verify")
        # A short blob under a known key id.
        lines = [f"\u2014 {W1.name} {b64(W1.keyid + b'short')}\n", W2.line(self.text, T0), W3.line(self.text, T0)]
        self.refused(self.proof(note=self.note(lines=lines)), "w1 (w1.example.org) does not verify")

    def test_known_name_other_key_id_is_ignored(self):
        impostor = WitnessKey(W1.name)
        impostor.private = seeded("impostor")
        impostor.keyid = hashlib.sha256(W1.name.encode() + b"\n\x04" + raw_public(impostor.private)).digest()[:4]
        lines = [impostor.line(self.text, T0), W2.line(self.text, T0)]
        self.refused(self.proof(note=self.note(lines=lines)), "valid cosignatures from w2")
        self.accepted(self.proof(note=self.note(lines=lines + [W3.line(self.text, T0)])))

    def test_wrong_origin(self):
        self.refused(self.proof(), "the checkpoint origin is", "--origin", "other.example.org/chronicle")
        self.refused(self.proof(), "the checkpoint origin is", "--origin", ORIGIN + "/")

    # Refused: parsing

    def test_strict_parsing(self):
        good = self.proof(3).decode()
        header, extra, index, *rest = good.split("\n")
        cases = {
            "first line": good.replace("tlog-proof@v1", "tlog-proof@v2", 1),
            "second line": "\n".join([header, index, *rest]),
            "third line": good.replace("\nindex 3\n", "\nindx 3\n"),
            "'03' is not a decimal": good.replace("\nindex 3\n", "\nindex 03\n"),
            "'+3' is not a decimal": good.replace("\nindex 3\n", "\nindex +3\n"),
            "not end with a newline": good[:-1],
            "control character": good.replace("\n", "\r\n"),
            "extra line is not canonical base64": good.replace(extra, extra.rstrip("=") if extra.endswith("=") else extra + "=="),
            "proof line 1": good.replace(rest[0], rest[0].rstrip("=")),
            "checkpoint has 4 lines": good.replace(f"{self.text}\n", f"{self.text}extension\n\n"),
            "checkpoint has 2 lines": good.replace(f"\n\n{ORIGIN}\n", "\n\n"),
            "size '007'": good.replace(f"{ORIGIN}\n7\n", f"{ORIGIN}\n007\n"),
            "root": good.replace(b64(mth(self.leaves)), b64(mth(self.leaves))[:-1] + "x"),
            "no empty line between the checkpoint": good.split("\n\u2014")[0],
            "no signature lines": good.split("\n\u2014")[0] + "\n",
            "not '\u2014 name base64'": good.replace("\u2014 w2", "- w2"),
            "is not valid UTF-8": None,
        }
        for reason, text in cases.items():
            with self.subTest(reason=reason):
                data = text.encode() if text is not None else good.encode().replace(b"\xe2\x80\x94 w2", b"\xe2\x80 w2")
                self.refused(data, reason)
        too_long = [hashlib.sha256(bytes([i])).digest() for i in range(64)]
        self.refused(self.proof(3, path=too_long), "more than 63 hashes")

    def test_bad_policy_is_a_usage_error(self):
        for text, reason in ((f"witness w1 {W1.vkey}\n", "no 'quorum NAME' line"),
                             (f"witness w1 {W1.vkey}\nquorum w2\n", "not a witness or group defined above"),
                             (f"quorum g\nwitness w1 {W1.vkey}\ngroup g 1 w1\n", "defined only later"),
                             (f"witness w1 {W1.vkey[:-2]}AA\nquorum w1\n", "line 1"),
                             (f"witness w1 {W1.vkey}\nwitness w2 {W1.vkey}\nquorum w1\n", "already pinned"),
                             (f"witness w1 {W1.vkey}\ngroup g 2 w1\nquorum g\n", "exceeds the 1 members")):
            with self.subTest(reason=reason):
                code, out = self.run_verifier(self.proof(), policy=self.write("bad.txt", text.encode()))
                self.assertEqual(code, 2, out)
                self.assertIn(reason, out)


class RealChainTests(unittest.TestCase):
    """The builders and the verifier on the chain a PHP Chronicle 1.3 made."""

    @classmethod
    def setUpClass(cls):
        with open(REAL_CHAIN, encoding="utf-8") as f:
            rows = json.load(f)["results"]
        # /export spells prevhash, currhash as prev, hash; the proof's extra uses the lookup names.
        cls.chain = [{"prevhash": r["prev"], "currhash": r["hash"], "created": r["created"],
                      "publickey": r["publickey"], "signature": r["signature"], "contents": r["contents"]}
                     for r in rows]
        cls.leaves = currhashes(cls.chain)

    def test_tree_matches_witness_protocol_vectors(self):
        self.assertEqual(len(self.leaves), 56)
        for size, root in REAL_ROOTS.items():
            self.assertEqual(b64(mth(self.leaves[:size])), root, f"size {size}")

    def test_every_real_entry_verifies(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        policy = os.path.join(tmp.name, "policy")
        with open(policy, "w") as f:
            f.write(POLICY)
        for size in (3, 50, 56):
            text = checkpoint_text("localhost:8080/chronicle", self.leaves[:size])
            self.assertIn(REAL_ROOTS[size], text)
            note = text + "\n" + W1.line(text, T0) + W3.line(text, T0 + 1)
            for index in range(size):
                with self.subTest(size=size, index=index):
                    path = os.path.join(tmp.name, "p")
                    with open(path, "wb") as f:
                        f.write(proof_file(self.chain[index], index, audit_path(index, self.leaves[:size]), note))
                    out = io.StringIO()
                    with contextlib.redirect_stdout(out):
                        code = verify_proof.main(["--policy", policy, "--origin", "localhost:8080/chronicle", path])
                    self.assertEqual(code, 0, out.getvalue())


if __name__ == "__main__":
    unittest.main()
