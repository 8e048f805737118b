<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * A witness's C2SP vkey for timestamped Ed25519 cosignatures (witness-protocol §1):
 * name + "+" + hex8(keyid) + "+" + base64(0x04 || key32), keyid = SHA-256(name || "\n" || 0x04 || key32)[0:4].
 */
final class VerifierKey
{
    private function __construct(public readonly string $name, public readonly string $keyID, public readonly string $publicKey)
    {
    }

    /** Parses the text form; null unless the type is 0x04 and the key id matches. */
    public static function parse(string $text): ?self
    {
        $parts = explode('+', $text, 3);
        if (count($parts) !== 3 || !SignedNote::isValidKeyName($parts[0]) || preg_match('/\A[0-9a-f]{8}\z/', $parts[1]) !== 1) {
            return null;
        }
        $raw = Encoding::base64($parts[2], 33);
        if ($raw === null || $raw[0] !== "\x04") {
            return null;
        }
        $keyID = substr(hash('sha256', $parts[0] . "\n" . $raw, true), 0, 4);
        return bin2hex($keyID) === $parts[1] ? new self($parts[0], $keyID, substr($raw, 1)) : null;
    }

    /** The text form. */
    public function __toString(): string
    {
        return $this->name . '+' . bin2hex($this->keyID) . '+' . base64_encode("\x04" . $this->publicKey);
    }

    /**
     * The newest valid cosignature time of this key over `$note`'s text; null when the note has
     * no line of this key. A line of this key (name and key id) that fails refuses the note.
     *
     * SPEC: witness-protocol §3 — message = "cosignature/v1\ntime T\n" || checkpoint text;
     * line bytes = keyid4 || uint64_be(T) || Ed25519 signature.
     */
    public function cosignatureTime(SignedNote $note): ?int
    {
        $newest = null;
        foreach ($note->lines as [$name, $bytes]) {
            if ($name !== $this->name || substr($bytes, 0, 4) !== $this->keyID) {
                continue;
            }
            $time = strlen($bytes) === 76 ? Encoding::uint64(substr($bytes, 4, 8)) : null;
            $message = "cosignature/v1\ntime " . ($time ?? 0) . "\n" . $note->text;
            Refused::when($time === null || !sodium_crypto_sign_verify_detached(substr($bytes, 12), $message, $this->publicKey),
                "the cosignature line of {$this->name} does not verify");
            $newest = max($newest ?? 0, $time);
        }
        return $newest;
    }
}
