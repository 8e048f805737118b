"""Key and encoding helpers shared by the independent verifiers (written from the specs alone).

C2SP vkeys for timestamped Ed25519 cosignatures (witness-protocol §1) and strict RFC 4648 §4
base64. Errors are ValueError with a sentence naming `what` was being read.
"""
import base64
import hashlib


def b64std(text, length):
    """RFC 4648 §4 base64 with padding, strictly; None unless it is `length` bytes."""
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    if len(raw) != length or base64.b64encode(raw).decode("ascii") != text:
        return None
    return raw


def parse_vkey(vkey, what="the vkey"):
    """(name, keyid4, pubkey32) of name + "+" + hex8(keyid) + "+" + base64(0x04 || key32)."""
    if not isinstance(vkey, str) or vkey.count("+") < 2:
        raise ValueError(f"{what} is not a vkey (name+keyid+key)")
    name, keyid_hex, key_b64 = vkey.split("+", 2)
    if not name or any(c.isspace() for c in name):
        raise ValueError(f"{what} has an empty name or one with white space")
    if len(keyid_hex) != 8 or any(c not in "0123456789abcdef" for c in keyid_hex):
        raise ValueError(f"{what}'s key id is not 8 lowercase hex digits")
    raw = b64std(key_b64, 33)
    if raw is None or raw[0] != 4:
        raise ValueError(f"{what}'s key is not base64 of 0x04 || a 32-byte Ed25519 key")
    keyid = hashlib.sha256(name.encode("utf-8") + b"\n" + raw).digest()[:4]
    if keyid.hex() != keyid_hex:
        raise ValueError(f"{what}'s key id does not match its name and key")
    return name, keyid, raw[1:]
