<?php
declare(strict_types=1);

namespace ChronicleWitness;

/** The encodings of witness-protocol and chronicle-protocol, strict where the specs are. */
final class Encoding
{
    /** Canonical padded standard base64 (RFC 4648 §4) of `$length` bytes (any length if null); null otherwise. */
    public static function base64(string $text, ?int $length = null): ?string
    {
        $raw = base64_decode($text, true);
        if ($raw === false || base64_encode($raw) !== $text || ($length !== null && strlen($raw) !== $length)) {
            return null;
        }
        return $raw;
    }

    /** Chronicle's own encoding of a hash or key: canonical padded base64url of `$length` bytes. */
    public static function base64urlCanonical(string $text, int $length): ?string
    {
        $raw = self::base64urlLenient($text, $length);
        return $raw !== null && self::toBase64url($raw) === $text ? $raw : null;
    }

    /**
     * Base64url as a Chronicle server decodes an entry's signature (chronicle-protocol §1.1):
     * padding optional, unused low bits ignored, a dangling last character ignored.
     */
    public static function base64urlLenient(string $text, int $length): ?string
    {
        $body = rtrim($text, '=');
        if (preg_match('/\A[A-Za-z0-9_-]*\z/', $body) !== 1) {
            return null;
        }
        if (strlen($body) % 4 === 1) {
            $body = substr($body, 0, -1);
        }
        $raw = base64_decode(strtr($body, '-_', '+/'), false);
        return ($raw !== false && strlen($raw) === $length) ? $raw : null;
    }

    /** Chronicle's base64url with padding. */
    public static function toBase64url(string $raw): string
    {
        return strtr(base64_encode($raw), '+/', '-_');
    }

    /** An ASCII decimal without leading zeros that fits in a signed 64-bit integer; null otherwise. */
    public static function decimal(string $text): ?int
    {
        if (preg_match('/\A(0|[1-9][0-9]{0,18})\z/', $text) !== 1) {
            return null;
        }
        $value = (int) $text;
        return (string) $value === $text ? $value : null;
    }

    /** A big-endian uint64 as a PHP int (null if it does not fit in 63 bits). */
    public static function uint64(string $eightBytes): ?int
    {
        $parts = unpack('N2', $eightBytes);
        if ($parts[1] > 0x7FFFFFFF) {
            return null;
        }
        return ($parts[1] << 32) | $parts[2];
    }
}
