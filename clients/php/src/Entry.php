<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * A Chronicle entry as a proof's `extra` carries it (chronicle-protocol §2): the strings its
 * /export serves, and the raw bytes its currhash is computed from.
 */
final class Entry
{
    private function __construct(
        public readonly ?string $prevhash,
        public readonly string $currhash,
        public readonly string $created,
        public readonly string $publickey,
        public readonly string $signature,
        public readonly string $contents,
    ) {
    }

    /** Reads the `extra` JSON object: prevhash (null, "" or absent for the first entry), currhash, created, publickey,
     * signature, contents. */
    public static function fromJSON(string $json): self
    {
        $doc = json_decode($json, true, 4, JSON_BIGINT_AS_STRING);
        Refused::when(!is_array($doc) || array_is_list($doc), 'the extra data is not a JSON object');
        foreach (['currhash', 'created', 'publickey', 'signature', 'contents'] as $field) {
            Refused::when(!is_string($doc[$field] ?? null), "the entry has no string \"{$field}\"");
        }
        $prev = $doc['prevhash'] ?? null;
        Refused::when($prev !== null && !is_string($prev), "the entry's prevhash is not a string or null");
        return new self($prev === '' ? null : $prev, $doc['currhash'], $doc['created'], $doc['publickey'], $doc['signature'],
                        $doc['contents']);
    }

    /**
     * The raw currhash, after checking that the entry at leaf `$index` recomputes to it and that
     * its signature verifies (chronicle-protocol §2.1–2.4, §3.3).
     */
    public function verifiedCurrhash(int $index): string
    {
        Refused::when(($index === 0) !== ($this->prevhash === null), "the entry at index {$index} must have a prevhash "
            . 'unless it is the first (index 0), which must have none');
        $raw = ['prevhash' => $this->prevhash === null ? '' : Encoding::base64urlCanonical($this->prevhash, 32),
                'currhash' => Encoding::base64urlCanonical($this->currhash, 32),
                'publickey' => Encoding::base64urlCanonical($this->publickey, 32),
                'signature' => Encoding::base64urlLenient($this->signature, 64)];
        foreach ($raw as $field => $bytes) {
            Refused::when($bytes === null, "the entry's {$field} does not decode");
        }
        $computed = self::hash($raw['prevhash'], $this->created, $raw['publickey'], $raw['signature'], $this->contents);
        Refused::when(!hash_equals($raw['currhash'], $computed),
            'the entry does not recompute: BLAKE2b(prevhash; created || publickey || signature || contents) is not its currhash');
        Refused::when(!sodium_crypto_sign_verify_detached($raw['signature'], $this->contents, $raw['publickey']),
            "the entry's Ed25519 signature over its contents does not verify under its publickey");
        return $raw['currhash'];
    }

    /** currhash = BLAKE2b-256(key = raw prevhash, none for the first entry; created || raw publickey || raw signature || contents). */
    public static function hash(string $prevhash, string $created, string $publickey, string $signature, string $contents): string
    {
        return sodium_crypto_generichash($created . $publickey . $signature . $contents, $prevhash, 32);
    }
}
