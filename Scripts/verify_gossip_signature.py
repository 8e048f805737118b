#!/usr/bin/env python3
"""An independent check of a Chronicle Witness Gossip-Signature header (witness-protocol §5.1).

Written from the specs alone, sharing no code with the Swift node: Ed25519 from the
`cryptography` package, SHA-256 from Python's hashlib. Usage:

    verify_gossip_signature.py --vkey VKEY --to RECEIVER_NAME --header 'HEADER VALUE'
                               [--now POSIX_SECONDS] BODY_FILE      (or - for standard input)

The header value is `<sender name> <base64(keyid4 || uint64_be(T) || ed25519_sig(message))>`
with

    message = "chronicle-witness/gossip/v2\\n" || "to " || receiver name || "\\n" ||
              "time " || decimal(T) || "\\n" || body

over the exact body bytes. VKEY is the sender's C2SP vkey, name + "+" + hex8(keyid) + "+" +
base64(0x04 || pubkey32) with keyid = SHA-256(name || "\\n" || 0x04 || pubkey32)[0:4].

Exit 0 and "authentic: NAME at T" when the header's name is the vkey's name, its key id is the
vkey's, the signature verifies under the vkey's key and, with --now, |T - now| <= 300 s; exit 1
and "not authentic: REASON" otherwise (malformed input included).
"""
import argparse
import sys

import witness_keys
from witness_keys import b64std

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

WINDOW = 300


class NotAuthentic(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"not authentic: bad arguments ({message})")
        sys.exit(1)


def parse_vkey(vkey):
    """A C2SP Ed25519 cosignature vkey: (name, keyid4, pubkey32)."""
    try:
        return witness_keys.parse_vkey(vkey)
    except ValueError as error:
        raise NotAuthentic(str(error)) from None


def verify(vkey, receiver, header, body, now=None):
    """(name, T) when `header` authenticates `body` sent by `vkey` to `receiver`."""
    name, keyid, key = parse_vkey(vkey)
    parts = header.strip(" \t").split(" ")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise NotAuthentic("the header is not '<sender name> <base64 signature>'")
    sender, signature = parts
    if sender != name:
        raise NotAuthentic(f"the header names {sender!r}, the vkey {name!r}")
    sig = b64std(signature, 4 + 8 + 64)
    if sig is None:
        raise NotAuthentic("the signature is not base64 of keyid4 || uint64 time || 64-byte signature")
    if sig[:4] != keyid:
        raise NotAuthentic("the signature's key id is not the vkey's")
    time = int.from_bytes(sig[4:12], "big")
    message = f"chronicle-witness/gossip/v2\nto {receiver}\ntime {time}\n".encode("utf-8") + body
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(sig[12:], message)
    except (InvalidSignature, ValueError):
        raise NotAuthentic(f"the signature does not verify under {name}'s key for receiver {receiver!r}") from None
    if now is not None and abs(time - now) > WINDOW:
        raise NotAuthentic(f"signed at {time}, {time - now:+d} s from now ({now}), outside ±{WINDOW} s")
    return name, time


def main():
    parser = Parser(description="Verify a witness-protocol §5.1 Gossip-Signature header.")
    parser.add_argument("--vkey", required=True, help="the sender's vkey")
    parser.add_argument("--to", required=True, help="the receiver's name")
    parser.add_argument("--header", required=True, help="the Gossip-Signature header value")
    parser.add_argument("--now", type=int, help="POSIX seconds; check |T - now| <= 300")
    parser.add_argument("body", metavar="BODY_FILE", help="the exact body bytes, or - for standard input")
    args = parser.parse_args()
    try:
        if args.body == "-":
            body = sys.stdin.buffer.read()
        else:
            with open(args.body, "rb") as source:
                body = source.read()
    except OSError as error:
        print(f"not authentic: cannot read the body ({error})")
        return 1
    try:
        name, time = verify(args.vkey, args.to, args.header, body, args.now)
    except NotAuthentic as reason:
        print(f"not authentic: {reason}")
        return 1
    except (ValueError, TypeError, UnicodeError) as error:
        print(f"not authentic: malformed input ({error})")
        return 1
    print(f"authentic: {name} at {time}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
